/* vec_dot of the IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S and IQ1_M grid types with Q8_K activations, AVX2.
 *
 * Grid entries are loaded with scalar loads (gathers are slower on the CPUs we target), their indices
 * built four at a time with pdep; signs come from the 64-bit sign-mask table gk_ksigns64 (0xff where the
 * weight is negative) or from bit masks, and are applied to the activations, so maddubs can multiply the
 * unsigned grid bytes with signed activation bytes. Scales are decoded once per block into a vector and
 * picked per 32 weights with a permute (scalar decoding per group cost more than the dot products).
 * Q8_K activations are within [-127, 127], so flipping their sign never overflows. */
#include "vecdot_simd_avx2.h"
#include "blocks.h"
#include "tables.h"
#include <pthread.h>
#include "ggufkit/gk_cpu.h"

#define AI static inline __attribute__((always_inline))
/* the exported kernel: the body with pdep, or without it where pdep is microcoded (gk_vd_spread4) */
#define PDEP_DISPATCH(NAME, BODY)                                                                    \
    __attribute__((noinline)) static void BODY##_pdep(int64_t n, float *s, const void *vx, const void *vy) { \
        BODY(n, s, vx, vy, 1);                                                                       \
    }                                                                                                \
    __attribute__((noinline)) static void BODY##_shifts(int64_t n, float *s, const void *vx, const void *vy) { \
        BODY(n, s, vx, vy, 0);                                                                       \
    }                                                                                                \
    void NAME(int64_t n, float *s, const void *vx, const void *vy) {                                 \
        if (gk_cpu_features() & GK_CPU_SLOW_PDEP) BODY##_shifts(n, s, vx, vy);                      \
        else BODY##_pdep(n, s, vx, vy);                                                              \
    }

void gk_vecdot_iq2_xxs_q8_K_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq2_xxs *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const uint8_t *q2 = (const uint8_t *)x[i].qs;
        const int8_t *q8 = y[i].qs;
        __m256i sumi = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ++ib) {
            const uint32_t g = gk_vd_load32(q2 + 8 * ib), a = gk_vd_load32(q2 + 8 * ib + 4);
            const __m256i grid = gk_vd_set4(gk_iq2xxs_grid[g & 255], gk_iq2xxs_grid[(g >> 8) & 255],
                                            gk_iq2xxs_grid[(g >> 16) & 255], gk_iq2xxs_grid[g >> 24]);
            const __m256i sign = gk_vd_set4(gk_ksigns64[a & 127], gk_ksigns64[(a >> 7) & 127],
                                            gk_ksigns64[(a >> 14) & 127], gk_ksigns64[(a >> 21) & 127]);
            const __m256i q = gk_vd_apply_sign(_mm256_loadu_si256((const __m256i *)(q8 + 32 * ib)), sign);
            const __m256i dot = _mm256_maddubs_epi16(grid, q);
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(dot, _mm256_set1_epi16((short)(2 * (a >> 28) + 1))));
        }
        const float d = gk_vd_half(x[i].d) * y[i].d;
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = 0.125f * gk_vd_hsum_ps(acc);
}

/* 16 4-bit fields of v (bits 4h..4h+3) as 16-bit words 2 * f + 1, in order */
AI __m256i odd_nibbles16(uint64_t v, int fast) {
    const uint64_t m = 0x000F000F000F000FULL;
    const __m256i f = _mm256_setr_epi64x((long long)gk_vd_spread4(v, m, 4, 0, fast), (long long)gk_vd_spread4(v >> 16, m, 4, 0, fast),
                                         (long long)gk_vd_spread4(v >> 32, m, 4, 0, fast), (long long)gk_vd_spread4(v >> 48, m, 4, 0, fast));
    return _mm256_or_si256(_mm256_slli_epi16(f, 1), _mm256_set1_epi16(1));
}

/* madd weights of 32-weight group g from 16 per-16-weight words: word 2g in the low lane, 2g + 1 in the high */
static inline __m256i pair_scales(__m256i ls16, int g) {
    const __m256i pick = _mm256_setr_epi8(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1,
                                          2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3);
    return _mm256_shuffle_epi8(_mm256_permutevar8x32_epi32(ls16, _mm256_set1_epi32(g)), pick);
}

AI void iq2_s_body(int64_t n, float *s, const void *vx, const void *vy, const int fast) {
    const gk_block_iq2_s *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const uint8_t *signs = x[i].qs + GK_QK_K / 8;
        const int8_t *q8 = y[i].qs;
        uint64_t sc64;
        memcpy(&sc64, x[i].scales, 8);
        const __m256i ls16 = odd_nibbles16(sc64, fast);
        __m256i sumi = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ++ib) {
            /* index l: qs[4 ib + l] | ((qh >> 2l) & 3) << 8, four 16-bit fields built with pdep */
            const uint64_t a = gk_vd_spread4(gk_vd_load32(x[i].qs + 4 * ib), 0x00ff00ff00ff00ffULL, 8, 0, fast) |
                               gk_vd_spread4(x[i].qh[ib], 0x0300030003000300ULL, 2, 8, fast);
            const __m256i grid = gk_vd_set4(gk_iq2s_grid[a & 0xffff], gk_iq2s_grid[(a >> 16) & 0xffff],
                                            gk_iq2s_grid[(a >> 32) & 0xffff], gk_iq2s_grid[a >> 48]);
            const __m256i sign = gk_vd_bits_to_bytes(gk_vd_load32(signs + 4 * ib));
            const __m256i qa = gk_vd_apply_sign(_mm256_loadu_si256((const __m256i *)(q8 + 32 * ib)), sign);
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(_mm256_maddubs_epi16(grid, qa), pair_scales(ls16, ib)));
        }
        const float d = gk_vd_half(x[i].d) * y[i].d;
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = 0.125f * gk_vd_hsum_ps(acc);
}

/* gk_ksigns64 as +1 / -1 bytes (mask | 1), so the signs go onto the activations with one vpsign instead
 * of xor + sub; built once. */
static uint64_t signs_pm1[128];
static pthread_once_t signs_pm1_once = PTHREAD_ONCE_INIT;
static void signs_pm1_init(void) {
    for (int k = 0; k < 128; ++k) signs_pm1[k] = gk_ksigns64[k] | 0x0101010101010101ULL;
}

/* pshufb controls picking 16-bit word 2g in the low lane and 2g + 1 in the high lane (g = 0..3), from
 * a vector holding the same 8 words in both lanes */
static inline __m256i word_pair_ctrl(int g) {
    const short lo = (short)(0x0100 + 0x0202 * (2 * g)), hi = (short)(0x0100 + 0x0202 * (2 * g + 1));
    return _mm256_setr_epi16(lo, lo, lo, lo, lo, lo, lo, lo, hi, hi, hi, hi, hi, hi, hi, hi);
}

AI void iq2_xs_body(int64_t n, float *s, const void *vx, const void *vy, const int fast) {
    pthread_once(&signs_pm1_once, signs_pm1_init);
    const gk_block_iq2_xs *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const int8_t *q8 = y[i].qs;
        uint64_t sc64;
        memcpy(&sc64, x[i].scales, 8);
        /* the 16 madd weights (words 0..7 | 8..15), each half in both lanes: one pshufb per group */
        const __m256i ls16 = odd_nibbles16(sc64, fast);
        const __m256i lsh[2] = {_mm256_permute4x64_epi64(ls16, 0x44), _mm256_permute4x64_epi64(ls16, 0xEE)};
        __m256i sumi = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ++ib) {
            uint64_t w;
            memcpy(&w, x[i].qs + 4 * ib, 8);
            /* each 16-bit word: grid index (9 bits), sign index (7 bits) */
            const __m256i grid = gk_vd_set4(gk_iq2xs_grid[w & 511], gk_iq2xs_grid[(w >> 16) & 511],
                                            gk_iq2xs_grid[(w >> 32) & 511], gk_iq2xs_grid[(w >> 48) & 511]);
            const __m256i sign = gk_vd_set4(signs_pm1[(w >> 9) & 127], signs_pm1[(w >> 25) & 127],
                                            signs_pm1[(w >> 41) & 127], signs_pm1[w >> 57]);
            const __m256i qa = _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)(q8 + 32 * ib)), sign);
            const __m256i sc = _mm256_shuffle_epi8(lsh[ib >> 2], word_pair_ctrl(ib & 3));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(_mm256_maddubs_epi16(grid, qa), sc));
        }
        const float d = gk_vd_half(x[i].d) * y[i].d;
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = 0.125f * gk_vd_hsum_ps(acc);
}

void gk_vecdot_iq3_xxs_q8_K_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq3_xxs *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const uint8_t *q3 = x[i].qs, *gas = x[i].qs + GK_QK_K / 4;
        const int8_t *q8 = y[i].qs;
        __m256i sumi = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ++ib) {
            const uint8_t *q = q3 + 8 * ib;
            const uint32_t a = gk_vd_load32(gas + 4 * ib);
            const __m256i grid = _mm256_setr_epi32((int)gk_iq3xxs_grid[q[0]], (int)gk_iq3xxs_grid[q[1]],
                                                   (int)gk_iq3xxs_grid[q[2]], (int)gk_iq3xxs_grid[q[3]],
                                                   (int)gk_iq3xxs_grid[q[4]], (int)gk_iq3xxs_grid[q[5]],
                                                   (int)gk_iq3xxs_grid[q[6]], (int)gk_iq3xxs_grid[q[7]]);
            const __m256i sign = gk_vd_set4(gk_ksigns64[a & 127], gk_ksigns64[(a >> 7) & 127],
                                            gk_ksigns64[(a >> 14) & 127], gk_ksigns64[(a >> 21) & 127]);
            const __m256i qa = gk_vd_apply_sign(_mm256_loadu_si256((const __m256i *)(q8 + 32 * ib)), sign);
            const __m256i dot = _mm256_maddubs_epi16(grid, qa);
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(dot, _mm256_set1_epi16((short)(2 * (a >> 28) + 1))));
        }
        const float d = gk_vd_half(x[i].d) * y[i].d;
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = 0.25f * gk_vd_hsum_ps(acc);
}

AI void iq3_s_body(int64_t n, float *s, const void *vx, const void *vy, const int fast) {
    const gk_block_iq3_s *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const int8_t *q8 = y[i].qs;
        uint32_t sc32;
        memcpy(&sc32, x[i].scales, 4);
        /* dword g: the scale 2 * nibble g + 1 of group g in both words (madd weights) */
        const __m256i l32 = _mm256_or_si256(_mm256_slli_epi32(_mm256_and_si256(_mm256_srlv_epi32(_mm256_set1_epi32((int)sc32),
                                            _mm256_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28)), _mm256_set1_epi32(15)), 1), _mm256_set1_epi32(1));
        const __m256i ls = _mm256_or_si256(l32, _mm256_slli_epi32(l32, 16));
        __m256i sumi = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ++ib) {
            const uint32_t h = x[i].qh[ib];
            /* index j: qs[8 ib + j] | ((h >> j) & 1) << 8, as two sets of four 16-bit fields */
            const uint64_t a = gk_vd_spread4(gk_vd_load32(x[i].qs + 8 * ib), 0x00ff00ff00ff00ffULL, 8, 0, fast) |
                               gk_vd_spread4(h, 0x0100010001000100ULL, 1, 8, fast);
            const uint64_t b = gk_vd_spread4(gk_vd_load32(x[i].qs + 8 * ib + 4), 0x00ff00ff00ff00ffULL, 8, 0, fast) |
                               gk_vd_spread4(h >> 4, 0x0100010001000100ULL, 1, 8, fast);
            const __m256i grid = _mm256_setr_epi32(
                (int)gk_iq3s_grid[a & 0xffff], (int)gk_iq3s_grid[(a >> 16) & 0xffff], (int)gk_iq3s_grid[(a >> 32) & 0xffff],
                (int)gk_iq3s_grid[a >> 48], (int)gk_iq3s_grid[b & 0xffff], (int)gk_iq3s_grid[(b >> 16) & 0xffff],
                (int)gk_iq3s_grid[(b >> 32) & 0xffff], (int)gk_iq3s_grid[b >> 48]);
            const __m256i sign = gk_vd_bits_to_bytes(gk_vd_load32(x[i].signs + 4 * ib));
            const __m256i qa = gk_vd_apply_sign(_mm256_loadu_si256((const __m256i *)(q8 + 32 * ib)), sign);
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(_mm256_maddubs_epi16(grid, qa),
                                                            _mm256_permutevar8x32_epi32(ls, _mm256_set1_epi32(ib))));
        }
        const float d = gk_vd_half(x[i].d) * y[i].d;
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = gk_vd_hsum_ps(acc);
}

/* IQ1_S: weights are grid values g in {-1, 0, 1} plus a delta of +-1/8 per 32 weights. With u = g + 1
 * (unsigned, so maddubs applies) and B the activation sum of the 32 weights (from bsums), the block's
 * dot times 8 is the integer 8 * sum(ls * u * q8) + sum(ls * (delta - 8) * B). */
/* IQ1_S/IQ1_M: the grid as 8 * (g + 1) bytes (0, 8, 16) and, for IQ1_M, per 4 delta bits of a 32-weight
 * group, the vector of delta + 1 per 8 weights (0 where the bit is set, else 2); built once. */
static uint64_t iq1_grid_x8[GK_NGRID_IQ1S];
static uint64_t iq1m_delta1[16][4] __attribute__((aligned(32)));
static pthread_once_t iq1_tables_once = PTHREAD_ONCE_INIT;
static void iq1_tables_init(void) {
    for (int k = 0; k < GK_NGRID_IQ1S; ++k) {
        uint64_t v = 0;
        for (int j = 0; j < 8; ++j)
            v |= (uint64_t)(uint8_t)(8 * ((int8_t)(gk_iq1s_grid[k] >> (8 * j)) + 1)) << (8 * j);
        iq1_grid_x8[k] = v;
    }
    for (int m = 0; m < 16; ++m)
        for (int l = 0; l < 4; ++l) iq1m_delta1[m][l] = (m >> l) & 1 ? 0 : 0x0202020202020202ULL;
}

AI void iq1_s_body(int64_t n, float *s, const void *vx, const void *vy, const int fast) {
    pthread_once(&iq1_tables_once, iq1_tables_init);
    const gk_block_iq1_s *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const int8_t *q8 = y[i].qs;
        const __m128i qh = _mm_loadu_si128((const __m128i *)x[i].qh);
        /* ls = 2 * ((qh >> 12) & 7) + 1 per group; dword g = ls in both words (madd weights; the grid bytes
         * are 8 * (g + 1)) */
        const __m128i ls = _mm_or_si128(_mm_and_si128(_mm_srli_epi16(qh, 11), _mm_set1_epi16(14)), _mm_set1_epi16(1));
        const __m256i l32 = _mm256_cvtepu16_epi32(ls);
        const __m256i ls8 = _mm256_or_si256(l32, _mm256_slli_epi32(l32, 16));
        __m256i sumi = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ++ib) {
            const uint32_t h = x[i].qh[ib];
            /* index l: qs[4 ib + l] | ((h >> 3l) & 7) << 8, four 16-bit fields built with pdep */
            const uint64_t a = gk_vd_spread4(gk_vd_load32(x[i].qs + 4 * ib), 0x00ff00ff00ff00ffULL, 8, 0, fast) |
                               gk_vd_spread4(h, 0x0700070007000700ULL, 3, 8, fast);
            const __m256i grid8 = gk_vd_set4(iq1_grid_x8[a & 0xffff], iq1_grid_x8[(a >> 16) & 0xffff],
                                             iq1_grid_x8[(a >> 32) & 0xffff], iq1_grid_x8[a >> 48]);
            const __m256i dot = _mm256_maddubs_epi16(grid8,
                                                     _mm256_loadu_si256((const __m256i *)(q8 + 32 * ib)));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(dot, _mm256_permutevar8x32_epi32(ls8, _mm256_set1_epi32(ib))));
        }
        /* plus ls * (delta - 8) * (both bsums of the group) */
        const __m128i f = _mm_sub_epi16(_mm_set1_epi16(-7), _mm_and_si128(_mm_srai_epi16(qh, 15), _mm_set1_epi16(2)));
        const __m256i c32 = _mm256_cvtepi16_epi32(_mm_mullo_epi16(ls, f));
        const __m256i c2 = _mm256_or_si256(_mm256_and_si256(c32, _mm256_set1_epi32(0xffff)), _mm256_slli_epi32(c32, 16));
        sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y[i].bsums), c2));
        const float d = gk_vd_half(x[i].d) * y[i].d;
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = 0.125f * gk_vd_hsum_ps(acc);
}

/* IQ1_M: grid values g in {-1, 0, 1} plus a delta of +-1/8 per 8 weights, a scale per 16 weights.
 * w = 8 * (g + 1) + (delta + 1) is an unsigned byte and 8 * g + delta = w - 9, so the block's dot times 8
 * is sum(ls * w * q8) - 9 * sum(ls * bsum) over the 16-weight halves. */
AI void iq1_m_body(int64_t n, float *s, const void *vx, const void *vy, const int fast) {
    pthread_once(&iq1_tables_once, iq1_tables_init);
    const gk_block_iq1_m *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    /* per lane: replicate word 0 (low lane) or word 1 (high lane) of a broadcast dword */
    const __m256i pick = _mm256_setr_epi8(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1,
                                          2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const int8_t *q8 = y[i].qs;
        uint64_t sc64;
        memcpy(&sc64, x[i].scales, 8);
        /* the 16 3-bit half-group scales in order (bits 3h..3h+2), then as 16 words 2 * f + 1 */
        /* (without pext: the four scales of each 16-bit word are its low 12 bits) */
        const uint64_t f = fast ? _pext_u64(sc64, 0x0FFF0FFF0FFF0FFFULL) : 0;
        const uint64_t m3 = 0x0007000700070007ULL;
#define SC4(k) (fast ? gk_vd_spread4(f >> 12 * (k), m3, 3, 0, 1) : gk_vd_spread4((sc64 >> 16 * (k)) & 0xfff, m3, 3, 0, 0))
        const __m256i ls16 = _mm256_or_si256(_mm256_slli_epi16(_mm256_setr_epi64x(
            (long long)SC4(0), (long long)SC4(1), (long long)SC4(2), (long long)SC4(3)), 1), _mm256_set1_epi16(1));
#undef SC4
        __m256i sumi = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ++ib) {
            uint32_t h;
            memcpy(&h, x[i].qh + 2 * ib, 2);
            h &= 0xffff;
            /* index l: qs[4 ib + l] | (nibble l of qh & 7) << 8, four 16-bit fields built with pdep */
            const uint64_t a = gk_vd_spread4(gk_vd_load32(x[i].qs + 4 * ib), 0x00ff00ff00ff00ffULL, 8, 0, fast) |
                               (gk_vd_spread4(h, 0x0F000F000F000F00ULL, 4, 8, fast) & 0x0700070007000700ULL);
            const __m256i grid8 = gk_vd_set4(iq1_grid_x8[a & 0xffff], iq1_grid_x8[(a >> 16) & 0xffff],
                                             iq1_grid_x8[(a >> 32) & 0xffff], iq1_grid_x8[a >> 48]);
            /* delta + 1 per 8 weights, from the delta bits (bit 3 of each nibble) */
            const uint32_t dbits = fast ? _pext_u32(h, 0x8888) : ((h >> 3) & 1) | ((h >> 6) & 2) | ((h >> 9) & 4) | ((h >> 12) & 8);
            const __m256i dp1 = _mm256_load_si256((const __m256i *)iq1m_delta1[dbits]);
            const __m256i w = _mm256_add_epi8(grid8, dp1);
            const __m256i dot = _mm256_maddubs_epi16(w, _mm256_loadu_si256((const __m256i *)(q8 + 32 * ib)));
            const __m256i sc = _mm256_shuffle_epi8(_mm256_permutevar8x32_epi32(ls16, _mm256_set1_epi32(ib)), pick);
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(dot, sc));
        }
        /* minus 9 * sum(ls * bsum) over the 16 halves */
        const __m256i bs = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y[i].bsums), ls16);
        sumi = _mm256_sub_epi32(sumi, _mm256_add_epi32(bs, _mm256_slli_epi32(bs, 3)));
        /* d: the top nibbles of the four scale words */
        const uint16_t dh = fast ? (uint16_t)_pext_u64(sc64, 0xF000F000F000F000ULL)
                                 : (uint16_t)(((sc64 >> 12) & 0xF) | ((sc64 >> 24) & 0xF0) | ((sc64 >> 36) & 0xF00) | ((sc64 >> 48) & 0xF000));
        const float d = gk_vd_half(dh) * y[i].d;
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = 0.125f * gk_vd_hsum_ps(acc);
}

PDEP_DISPATCH(gk_vecdot_iq2_s_q8_K_avx2, iq2_s_body)
PDEP_DISPATCH(gk_vecdot_iq2_xs_q8_K_avx2, iq2_xs_body)
PDEP_DISPATCH(gk_vecdot_iq3_s_q8_K_avx2, iq3_s_body)
PDEP_DISPATCH(gk_vecdot_iq1_s_q8_K_avx2, iq1_s_body)
PDEP_DISPATCH(gk_vecdot_iq1_m_q8_K_avx2, iq1_m_body)
