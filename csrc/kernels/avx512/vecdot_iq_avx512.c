/* vec_dot of IQ2_S, IQ1_S and IQ1_M with Q8_K activations, AVX-512 F/BW (no VNNI, no VBMI).
 *
 * The kernels of the avx512_vnni tier without its instructions: grid entries are loaded by pdep-built
 * indices (gathers are slower), 64 weights per vector; maddubs + madd replace vpdpbusd, and the scales
 * (one per 16 or 32 weights) are spread over the 16-bit lanes of each 64-weight chunk with vpsrlvw.
 * Signs come from mask registers. Q8_K activations are within [-127, 127], so negating never overflows. */
#include <immintrin.h>
#include <string.h>
#include "blocks.h"
#include "tables.h"

static inline float half_to_float(uint16_t h) { return _cvtsh_ss(h); }

static inline uint64_t spread_lo(const uint8_t *qs) {
    uint32_t q;
    memcpy(&q, qs, 4);
    return _pdep_u64(q, 0x00ff00ff00ff00ffULL);
}

/* the table entries of 8 indices (four 16-bit fields in each of a and b) as one vector */
static inline __m512i grid8(const uint64_t *grid, uint64_t a, uint64_t b) {
    return _mm512_set_epi64((long long)grid[b >> 48], (long long)grid[(b >> 32) & 0xffff], (long long)grid[(b >> 16) & 0xffff],
                            (long long)grid[b & 0xffff], (long long)grid[a >> 48], (long long)grid[(a >> 32) & 0xffff],
                            (long long)grid[(a >> 16) & 0xffff], (long long)grid[a & 0xffff]);
}

/* 16-bit lane k of a 64-weight chunk (weights 2k, 2k + 1) gets (w >> shift(k / 8)) & mask, as 2v + 1 */
static inline __m512i chunk_scales(uint16_t w, __m512i shifts, int mask) {
    const __m512i v = _mm512_srlv_epi16(_mm512_set1_epi16((short)w), shifts);
    return _mm512_ternarylogic_epi32(_mm512_slli_epi16(v, 1), _mm512_set1_epi16((short)(2 * mask)), _mm512_set1_epi16(1), 0xea);
}

void gk_vecdot_iq2_s_q8_K_avx512(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq2_s *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    const __m512i zero = _mm512_setzero_si512();
    /* chunk c has the 4 half-group scales 4c..4c+3: the nibbles of 16-bit word c of scales */
    const __m512i shifts = _mm512_set_epi16(12, 12, 12, 12, 12, 12, 12, 12, 8, 8, 8, 8, 8, 8, 8, 8,
                                            4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0);
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const uint8_t *signs = x[i].qs + GK_QK_K / 8;
        uint16_t sc[4];
        memcpy(sc, x[i].scales, 8);
        __m512i sumi = zero;
        for (int c = 0; c < 4; ++c) {
            /* index of entry l of group g: qs[4g + l] | ((qh[g] >> 2l) & 3) << 8 */
            const uint64_t a = spread_lo(x[i].qs + 8 * c) | _pdep_u64(x[i].qh[2 * c], 0x0300030003000300ULL);
            const uint64_t b = spread_lo(x[i].qs + 8 * c + 4) | _pdep_u64(x[i].qh[2 * c + 1], 0x0300030003000300ULL);
            const __m512i w = grid8(gk_iq2s_grid, a, b);
            const __m512i q8 = _mm512_loadu_si512(y[i].qs + 64 * c);
            uint64_t sg;
            memcpy(&sg, signs + 8 * c, 8);
            const __m512i p = _mm512_maddubs_epi16(w, _mm512_mask_sub_epi8(q8, _cvtu64_mask64(sg), zero, q8));
            sumi = _mm512_add_epi32(sumi, _mm512_madd_epi16(p, chunk_scales(sc[c], shifts, 15)));
        }
        const float d = half_to_float(x[i].d) * y[i].d;
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(d), acc);
    }
    *s = 0.125f * _mm512_reduce_add_ps(acc);
}

/* IQ1_S: u = g + 1 is unsigned; 8 * dot = 8 * sum(ls * u * q8) + sum(ls * (delta - 8) * bsum) */
void gk_vecdot_iq1_s_q8_K_avx512(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq1_s *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    const __m512i ones = _mm512_set1_epi8(1), zero = _mm512_setzero_si512();
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const __m128i qh = _mm_loadu_si128((const __m128i *)x[i].qh);
        /* word g: 8 * ls_g, ls = 2 * ((qh >> 12) & 7) + 1 */
        const __m128i ls = _mm_or_si128(_mm_and_si128(_mm_srli_epi16(qh, 11), _mm_set1_epi16(14)), _mm_set1_epi16(1));
        const __m512i ls8 = _mm512_castsi128_si512(_mm_slli_epi16(ls, 3));
        __m512i sumi = zero;
        for (int c = 0; c < 4; ++c) {
            const uint64_t a = spread_lo(x[i].qs + 8 * c) | _pdep_u64(x[i].qh[2 * c], 0x0700070007000700ULL);
            const uint64_t b = spread_lo(x[i].qs + 8 * c + 4) | _pdep_u64(x[i].qh[2 * c + 1], 0x0700070007000700ULL);
            const __m512i u = _mm512_add_epi8(grid8(gk_iq1s_grid, a, b), ones);
            const __m512i p = _mm512_maddubs_epi16(u, _mm512_loadu_si512(y[i].qs + 64 * c));
            const __m512i sc = _mm512_permutexvar_epi16(_mm512_mask_blend_epi16(0xFFFF0000u, _mm512_set1_epi16((short)(2 * c)),
                                                                                _mm512_set1_epi16((short)(2 * c + 1))), ls8);
            sumi = _mm512_add_epi32(sumi, _mm512_madd_epi16(p, sc));
        }
        /* coefficient ls * (delta - 8) for both bsums of group g */
        const __m128i neg = _mm_srai_epi16(qh, 15);
        const __m128i f = _mm_sub_epi16(_mm_set1_epi16(-7), _mm_and_si128(neg, _mm_set1_epi16(2)));
        const __m256i c32 = _mm256_cvtepi16_epi32(_mm_mullo_epi16(ls, f));
        const __m256i c2 = _mm256_or_si256(_mm256_and_si256(c32, _mm256_set1_epi32(0xffff)), _mm256_slli_epi32(c32, 16));
        sumi = _mm512_add_epi32(sumi, _mm512_zextsi256_si512(_mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y[i].bsums), c2)));
        const float d = half_to_float(x[i].d) * y[i].d;
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(d), acc);
    }
    *s = 0.125f * _mm512_reduce_add_ps(acc);
}

/* IQ1_M: w = 8 (g + 1) + delta + 1 is an unsigned byte with 8g + delta = w - 9, so
 * 8 * dot = sum(ls * w * q8) - 9 * sum(ls * bsum) over the 16-weight halves. */
void gk_vecdot_iq1_m_q8_K_avx512(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq1_m *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    const __m512i ones = _mm512_set1_epi8(1), zero = _mm512_setzero_si512(), two = _mm512_set1_epi8(2);
    /* chunk c (groups 2c, 2c + 1) has the 4 half-group 3-bit scales of 16-bit word c, at bits 0, 3, 6, 9 */
    const __m512i shifts = _mm512_set_epi16(9, 9, 9, 9, 9, 9, 9, 9, 6, 6, 6, 6, 6, 6, 6, 6,
                                            3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i nat_shift = _mm256_setr_epi16(0, 3, 6, 9, 0, 3, 6, 9, 0, 3, 6, 9, 0, 3, 6, 9);
    const __m256i nat_word = _mm256_setr_epi16(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        uint16_t sc[4];
        memcpy(sc, x[i].scales, 8);
        __m512i sumi = zero;
        for (int c = 0; c < 4; ++c) {
            uint32_t h4;
            memcpy(&h4, x[i].qh + 4 * c, 4);
            const uint64_t a = spread_lo(x[i].qs + 8 * c) | (_pdep_u64(h4 & 0xffff, 0x0F000F000F000F00ULL) & 0x0700070007000700ULL);
            const uint64_t b = spread_lo(x[i].qs + 8 * c + 4) | (_pdep_u64(h4 >> 16, 0x0F000F000F000F00ULL) & 0x0700070007000700ULL);
            const __m512i u = _mm512_add_epi8(grid8(gk_iq1s_grid, a, b), ones);
            const __mmask8 plus = (__mmask8)~_pext_u32(h4, 0x88888888u); /* delta bit clear: delta + 1 = 2 */
            const __m512i w = _mm512_add_epi8(_mm512_slli_epi16(u, 3), _mm512_maskz_mov_epi64(plus, two));
            const __m512i p = _mm512_maddubs_epi16(w, _mm512_loadu_si512(y[i].qs + 64 * c));
            sumi = _mm512_add_epi32(sumi, _mm512_madd_epi16(p, chunk_scales(sc[c], shifts, 7)));
        }
        __m256i lsn = _mm256_srlv_epi16(_mm256_permutexvar_epi16(nat_word, _mm256_castsi128_si256(_mm_loadl_epi64((const __m128i *)sc))), nat_shift);
        lsn = _mm256_or_si256(_mm256_and_si256(_mm256_slli_epi16(lsn, 1), _mm256_set1_epi16(14)), _mm256_set1_epi16(1));
        const __m256i bs = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y[i].bsums), lsn);
        sumi = _mm512_sub_epi32(sumi, _mm512_zextsi256_si512(_mm256_mullo_epi32(bs, _mm256_set1_epi32(9))));
        uint64_t sc64;
        memcpy(&sc64, sc, 8);
        const float d = half_to_float((uint16_t)_pext_u64(sc64, 0xF000F000F000F000ULL)) * y[i].d;
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(d), acc);
    }
    *s = 0.125f * _mm512_reduce_add_ps(acc);
}
