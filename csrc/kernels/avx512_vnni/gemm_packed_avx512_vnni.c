/* gemm (m > 1) for the 32-weight-block types with AVX-512 VNNI: weights are decoded once per tile of
 * 16 rows into int8 blocks packed for vpdpbusd (4 bytes of each of the 16 rows per 64-byte vector), so
 * one zmm vpdpbusd does 16 rows x 4 weights against 4 bytes of one activation row, and a decoded tile
 * is reused for every row of x.
 *
 * Per (row of w, 32-weight block b): w = int8 values, float scale s_b and min m_b (0 for the
 * symmetric types). Activations (Q8_0 or Q8_K) are re-expressed once per call as u8 = q + 128, a float
 * scale per 32 and, for the types with mins, the float sum d * sum(q) per 32. Then
 *   dot = sum_b s_b dx_b (sum_t (q_t + 128) w_t - 128 sum_t w_t) - sum_b m_b sx_b,
 * exact in integers per block; only the float summation order differs from vec_dot. */
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>
#include "blocks.h"
#include "tables.h"
#include "../avx2/x86_dot_iq.h"
#include "gemv_avx512_vnni.h"

#define TILE 16   /* weight rows per packed tile (zmm lanes) */
#define XR 8      /* activation rows per micro-kernel call */
#define SMALL_M 4 /* below this many rows of x, packing weight tiles costs more than it saves */

typedef struct {
    uint8_t *wp;     /* nb * 8 * TILE * 4 packed int8 */
    float *scale;    /* nb * TILE */
    float *minv;     /* nb * TILE (NULL: no mins) */
    int32_t *wsum;   /* nb * TILE: 128 * sum of the block's int8 weights */
} packed_tile;

/* Decoders: super-block `sb` of one row -> its weights as 32-byte int8 chunks (element order), and the
 * float scale and min of each of its scale blocks (32 weights, or 16 for Q6_K / Q3_K / Q2_K). */
typedef void (*decode_fn)(const uint8_t *row, int64_t sb, __m256i *w, float *scale, float *minv);

static inline float f16(uint16_t h) { return _cvtsh_ss(h); }

static void dec_q8_0(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_q8_0 *x = (const gk_block_q8_0 *)row + b;
    w[0] = _mm256_loadu_si256((const __m256i *)x->qs); s[0] = f16(x->d); m[0] = 0;
}
static void dec_q4_0(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_q4_0 *x = (const gk_block_q4_0 *)row + b;
    w[0] = _mm256_sub_epi8(gk_nibbles32(x->qs), _mm256_set1_epi8(8)); s[0] = f16(x->d); m[0] = 0;
}
static void dec_q5_0(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_q5_0 *x = (const gk_block_q5_0 *)row + b;
    const __m256i hi = _mm256_andnot_si256(gk_bits32(x->qh), _mm256_set1_epi8((char)0xF0));
    w[0] = _mm256_or_si256(gk_nibbles32(x->qs), hi); s[0] = f16(x->d); m[0] = 0;
}
static void dec_iq4_nl(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_iq4_nl *x = (const gk_block_iq4_nl *)row + b;
    const __m256i tbl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_iq4nl));
    w[0] = _mm256_shuffle_epi8(tbl, gk_nibbles32(x->qs)); s[0] = f16(x->d); m[0] = 0;
}
static void dec_mxfp4(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_mxfp4 *x = (const gk_block_mxfp4 *)row + b;
    const __m256i tbl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_fp4));
    w[0] = _mm256_shuffle_epi8(tbl, gk_nibbles32(x->qs)); s[0] = gk_e8m0_half(x->e); m[0] = 0;
}
/* Q4_K / Q5_K: sub-block j has value d sc_j q - dmin m_j */
static void dec_q4_K(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_q4_K *x = (const gk_block_q4_K *)row + sb;
    uint8_t sc[8], mn[8];
    gk_unpack_k4_scales(x->scales, sc, mn);
    const float d = f16(x->d), dmin = f16(x->dmin);
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    for (int j = 0; j < 4; j++) {
        const __m256i bits = _mm256_loadu_si256((const __m256i *)(x->qs + 32 * j));
        w[2 * j] = _mm256_and_si256(bits, m4);
        w[2 * j + 1] = _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4);
    }
    for (int j = 0; j < 8; j++) { s[j] = d * (float)sc[j]; m[j] = dmin * (float)mn[j]; }
}
static void dec_q5_K(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_q5_K *x = (const gk_block_q5_K *)row + sb;
    uint8_t sc[8], mn[8];
    gk_unpack_k4_scales(x->scales, sc, mn);
    const float d = f16(x->d), dmin = f16(x->dmin);
    const __m256i m4 = _mm256_set1_epi8(0x0F), m16 = _mm256_set1_epi8(0x10);
    const __m256i qh = _mm256_loadu_si256((const __m256i *)x->qh);
    for (int j = 0; j < 4; j++) {
        const __m256i bits = _mm256_loadu_si256((const __m256i *)(x->qs + 32 * j));
        const __m256i h0 = _mm256_and_si256(_mm256_slli_epi16(_mm256_srli_epi16(qh, 2 * j), 4), m16);
        const __m256i h1 = _mm256_and_si256(_mm256_slli_epi16(_mm256_srli_epi16(qh, 2 * j + 1), 4), m16);
        w[2 * j] = _mm256_or_si256(_mm256_and_si256(bits, m4), h0);
        w[2 * j + 1] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bits, 4), m4), h1);
    }
    for (int j = 0; j < 8; j++) { s[j] = d * (float)sc[j]; m[j] = dmin * (float)mn[j]; }
}

static void dec_q4_1(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_q4_1 *x = (const gk_block_q4_1 *)row + b;
    w[0] = gk_nibbles32(x->qs); s[0] = f16(x->d); m[0] = -f16(x->m);  /* + m * s_y */
}
static void dec_q5_1(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_q5_1 *x = (const gk_block_q5_1 *)row + b;
    w[0] = _mm256_or_si256(gk_nibbles32(x->qs), _mm256_and_si256(gk_bits32(x->qh), _mm256_set1_epi8(0x10)));
    s[0] = f16(x->d); m[0] = -f16(x->m);
}
/* Q6_K: 16 scale blocks of 16; codes minus 32 */
static void dec_q6_K(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_q6_K *x = (const gk_block_q6_K *)row + sb;
    const __m256i m4 = _mm256_set1_epi8(0x0F), m3 = _mm256_set1_epi8(3), o32 = _mm256_set1_epi8(32);
    for (int h = 0; h < 2; h++) {
        const __m256i l0 = _mm256_loadu_si256((const __m256i *)(x->ql + 64 * h));
        const __m256i l1 = _mm256_loadu_si256((const __m256i *)(x->ql + 64 * h + 32));
        const __m256i hb = _mm256_loadu_si256((const __m256i *)(x->qh + 32 * h));
        w[4 * h + 0] = _mm256_sub_epi8(_mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_slli_epi16(_mm256_and_si256(hb, m3), 4)), o32);
        w[4 * h + 1] = _mm256_sub_epi8(_mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 2), m3), 4)), o32);
        w[4 * h + 2] = _mm256_sub_epi8(_mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 4), m3), 4)), o32);
        w[4 * h + 3] = _mm256_sub_epi8(_mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 6), m3), 4)), o32);
    }
    const float d = f16(x->d);
    for (int j = 0; j < 16; j++) { s[j] = d * (float)x->scales[j]; m[j] = 0; }
}
/* Q3_K: codes (2 low bits | high bit << 2) - 4, signed 6-bit scales per 16 */
static void dec_q3_K(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_q3_K *x = (const gk_block_q3_K *)row + sb;
    const __m256i m3 = _mm256_set1_epi8(3), m4 = _mm256_set1_epi8(4);
    const __m256i hm = _mm256_loadu_si256((const __m256i *)x->hmask);
    for (int h = 0; h < 2; h++) {
        const __m256i bits = _mm256_loadu_si256((const __m256i *)(x->qs + 32 * h));
        for (int sh = 0; sh < 4; sh++) {
            const __m256i hb = _mm256_and_si256(_mm256_slli_epi16(_mm256_srli_epi16(hm, 4 * h + sh), 2), m4);
            const __m256i q = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bits, 2 * sh), m3), hb);
            w[4 * h + sh] = _mm256_sub_epi8(q, m4);
        }
    }
    int8_t sc[16];
    gk_unpack_q3_K_scales(x->scales, sc);
    const float d = f16(x->d);
    for (int j = 0; j < 16; j++) { s[j] = d * (float)sc[j]; m[j] = 0; }
}
/* Q2_K: codes 0..3, 4-bit scale and min per 16 */
static void dec_q2_K(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_q2_K *x = (const gk_block_q2_K *)row + sb;
    const __m256i m3 = _mm256_set1_epi8(3);
    for (int h = 0; h < 2; h++) {
        const __m256i bits = _mm256_loadu_si256((const __m256i *)(x->qs + 32 * h));
        for (int sh = 0; sh < 4; sh++) w[4 * h + sh] = _mm256_and_si256(_mm256_srli_epi16(bits, 2 * sh), m3);
    }
    const float d = f16(x->d), dmin = f16(x->dmin);
    for (int j = 0; j < 16; j++) { s[j] = d * (float)(x->scales[j] & 0xF); m[j] = dmin * (float)(x->scales[j] >> 4); }
}
static void dec_iq4_xs(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_iq4_xs *x = (const gk_block_iq4_xs *)row + sb;
    const __m256i tbl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_iq4nl));
    const float d = f16(x->d);
    for (int ib = 0; ib < 8; ib++) {
        w[ib] = _mm256_shuffle_epi8(tbl, gk_nibbles32(x->qs + 16 * ib));
        const int ls = ((x->scales_l[ib / 2] >> (4 * (ib & 1))) & 0xF) | (((x->scales_h >> (2 * ib)) & 3) << 4);
        s[ib] = d * (float)(ls - 32);
        m[ib] = 0;
    }
}
static void dec_tq2_0(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_tq2_0 *x = (const gk_block_tq2_0 *)row + sb;
    const __m256i m3 = _mm256_set1_epi8(3), one = _mm256_set1_epi8(1);
    for (int g = 0; g < 2; g++) {
        const __m256i bits = _mm256_loadu_si256((const __m256i *)(x->qs + 32 * g));
        for (int l = 0; l < 4; l++) w[4 * g + l] = _mm256_sub_epi8(_mm256_and_si256(_mm256_srli_epi16(bits, 2 * l), m3), one);
    }
    const float d = f16(x->d);
    for (int j = 0; j < 8; j++) { s[j] = d; m[j] = 0; }
}

/* ---- codebook types: grid magnitudes with signs (IQ2/IQ3), 8 g + delta (IQ1), and the low-bit
 * Q8_0-activated types ---- */
static void dec_iq2_xxs(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_iq2_xxs *x = (const gk_block_iq2_xxs *)row + sb;
    const float d = 0.125f * f16(x->d);
    for (int ib = 0; ib < 8; ib++) {
        uint32_t aux[2];
        memcpy(aux, x->qs + 4 * ib, 8);
        const uint8_t *idx = (const uint8_t *)aux;
        const __m256i grid = gk_grid64x4(gk_iq2xxs_grid, idx[0], idx[1], idx[2], idx[3]);
        const __m256i sgn = gk_pm1(_mm256_set_epi64x((long long)gk_ksigns64[(aux[1] >> 21) & 127], (long long)gk_ksigns64[(aux[1] >> 14) & 127],
                                                      (long long)gk_ksigns64[(aux[1] >> 7) & 127], (long long)gk_ksigns64[aux[1] & 127]));
        w[ib] = _mm256_sign_epi8(grid, sgn);
        s[ib] = d * (float)(2 * (aux[1] >> 28) + 1);
        m[ib] = 0;
    }
}
static void dec_iq2_xs(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_iq2_xs *x = (const gk_block_iq2_xs *)row + sb;
    const float d = 0.125f * f16(x->d);
    for (int ib = 0; ib < 8; ib++) {
        const uint16_t *q2 = x->qs + 4 * ib;
        const __m256i grid = gk_grid64x4(gk_iq2xs_grid, q2[0] & 511, q2[1] & 511, q2[2] & 511, q2[3] & 511);
        const __m256i sgn = gk_pm1(_mm256_set_epi64x((long long)gk_ksigns64[q2[3] >> 9], (long long)gk_ksigns64[q2[2] >> 9],
                                                      (long long)gk_ksigns64[q2[1] >> 9], (long long)gk_ksigns64[q2[0] >> 9]));
        w[ib] = _mm256_sign_epi8(grid, sgn);
        s[2 * ib] = d * (float)(2 * (x->scales[ib] & 0xF) + 1);
        s[2 * ib + 1] = d * (float)(2 * (x->scales[ib] >> 4) + 1);
        m[2 * ib] = m[2 * ib + 1] = 0;
    }
}
static void dec_iq2_s(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_iq2_s *x = (const gk_block_iq2_s *)row + sb;
    const float d = 0.125f * f16(x->d);
    const uint8_t *signs = x->qs + GK_QK_K / 8;
    for (int ib = 0; ib < 8; ib++) {
        const int qh = x->qh[ib];
        const uint8_t *q = x->qs + 4 * ib;
        const __m256i grid = gk_grid64x4(gk_iq2s_grid, q[0] | ((qh << 8) & 0x300), q[1] | ((qh << 6) & 0x300),
                                         q[2] | ((qh << 4) & 0x300), q[3] | ((qh << 2) & 0x300));
        w[ib] = _mm256_sign_epi8(grid, gk_pm1(gk_bits32(signs + 4 * ib)));
        s[2 * ib] = d * (float)(2 * (x->scales[ib] & 0xF) + 1);
        s[2 * ib + 1] = d * (float)(2 * (x->scales[ib] >> 4) + 1);
        m[2 * ib] = m[2 * ib + 1] = 0;
    }
}
static void dec_iq3_xxs(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_iq3_xxs *x = (const gk_block_iq3_xxs *)row + sb;
    const float d = 0.25f * f16(x->d);
    const uint8_t *gas = x->qs + GK_QK_K / 4;
    for (int ib = 0; ib < 8; ib++) {
        const uint8_t *q = x->qs + 8 * ib;
        uint32_t aux;
        memcpy(&aux, gas + 4 * ib, 4);
        const __m256i grid = _mm256_set_epi32((int)gk_iq3xxs_grid[q[7]], (int)gk_iq3xxs_grid[q[6]], (int)gk_iq3xxs_grid[q[5]],
                                              (int)gk_iq3xxs_grid[q[4]], (int)gk_iq3xxs_grid[q[3]], (int)gk_iq3xxs_grid[q[2]],
                                              (int)gk_iq3xxs_grid[q[1]], (int)gk_iq3xxs_grid[q[0]]);
        const __m256i sgn = gk_pm1(_mm256_set_epi64x((long long)gk_ksigns64[(aux >> 21) & 127], (long long)gk_ksigns64[(aux >> 14) & 127],
                                                      (long long)gk_ksigns64[(aux >> 7) & 127], (long long)gk_ksigns64[aux & 127]));
        w[ib] = _mm256_sign_epi8(grid, sgn);
        s[ib] = d * (float)(2 * (aux >> 28) + 1);
        m[ib] = 0;
    }
}
static void dec_iq3_s(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_iq3_s *x = (const gk_block_iq3_s *)row + sb;
    const float d = f16(x->d);
    for (int ib = 0; ib < 8; ib++) {
        const uint8_t *q = x->qs + 8 * ib;
        const int qh = x->qh[ib];
        int idx[8];
        for (int l = 0; l < 4; l++) {
            idx[2 * l] = q[2 * l] | ((qh << (8 - 2 * l)) & 256);
            idx[2 * l + 1] = q[2 * l + 1] | ((qh << (7 - 2 * l)) & 256);
        }
        const __m256i grid = _mm256_set_epi32((int)gk_iq3s_grid[idx[7]], (int)gk_iq3s_grid[idx[6]], (int)gk_iq3s_grid[idx[5]],
                                              (int)gk_iq3s_grid[idx[4]], (int)gk_iq3s_grid[idx[3]], (int)gk_iq3s_grid[idx[2]],
                                              (int)gk_iq3s_grid[idx[1]], (int)gk_iq3s_grid[idx[0]]);
        w[ib] = _mm256_sign_epi8(grid, gk_pm1(gk_bits32(x->signs + 4 * ib)));
        s[ib] = d * (float)(2 * ((x->scales[ib / 2] >> (4 * (ib & 1))) & 0xF) + 1);
        m[ib] = 0;
    }
}
static void dec_iq1_s(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_iq1_s *x = (const gk_block_iq1_s *)row + sb;
    const float d = 0.125f * f16(x->d);
    for (int ib = 0; ib < 8; ib++) {
        const int qh = x->qh[ib];
        const uint8_t *q = x->qs + 4 * ib;
        const __m256i g = gk_grid64x4(gk_iq1s_grid, q[0] | ((qh << 8) & 0x700), q[1] | ((qh << 5) & 0x700),
                                      q[2] | ((qh << 2) & 0x700), q[3] | ((qh >> 1) & 0x700));
        w[ib] = _mm256_add_epi8(_mm256_sign_epi8(_mm256_set1_epi8(8), g), _mm256_set1_epi8((qh & 0x8000) ? -1 : 1));
        s[ib] = d * (float)(2 * ((qh >> 12) & 7) + 1);
        m[ib] = 0;
    }
}
static void dec_iq1_m(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_iq1_m *x = (const gk_block_iq1_m *)row + sb;
    uint16_t sc[4];
    memcpy(sc, x->scales, 8);
    const uint16_t d16 = (uint16_t)((sc[0] >> 12) | ((sc[1] >> 8) & 0x00f0) | ((sc[2] >> 4) & 0x0f00) | (sc[3] & 0xf000));
    const float d = 0.125f * f16(d16);
    for (int ib = 0; ib < 8; ib++) {
        const uint8_t *q = x->qs + 4 * ib, *qh = x->qh + 2 * ib;
        const __m256i g = gk_grid64x4(gk_iq1s_grid, q[0] | ((qh[0] << 8) & 0x700), q[1] | ((qh[0] << 4) & 0x700),
                                      q[2] | ((qh[1] << 8) & 0x700), q[3] | ((qh[1] << 4) & 0x700));
        const __m256i delta = _mm256_set_epi64x((qh[1] & 0x80) ? -1LL : 0x0101010101010101LL, (qh[1] & 0x08) ? -1LL : 0x0101010101010101LL,
                                                (qh[0] & 0x80) ? -1LL : 0x0101010101010101LL, (qh[0] & 0x08) ? -1LL : 0x0101010101010101LL);
        w[ib] = _mm256_add_epi8(_mm256_sign_epi8(_mm256_set1_epi8(8), g), delta);
        const int s16 = sc[ib / 2] >> (6 * (ib & 1));
        s[2 * ib] = d * (float)(2 * (s16 & 7) + 1);
        s[2 * ib + 1] = d * (float)(2 * ((s16 >> 3) & 7) + 1);
        m[2 * ib] = m[2 * ib + 1] = 0;
    }
}
static void dec_q1_0(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_q1_0 *x = (const gk_block_q1_0 *)row + sb;
    const float d = f16(x->d);
    for (int k = 0; k < 4; k++) {
        w[k] = _mm256_or_si256(_mm256_andnot_si256(gk_bits32(x->qs + 4 * k), _mm256_set1_epi8(-1)), _mm256_set1_epi8(1));
        s[k] = d; m[k] = 0;
    }
}
static void dec_q2_0(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_q2_0 *x = (const gk_block_q2_0 *)row + sb;
    const float d = f16(x->d);
    for (int k = 0; k < 2; k++) {
        w[k] = _mm256_sub_epi8(gk_q2_0_expand(x->qs + 8 * k), _mm256_set1_epi8(1));
        s[k] = d; m[k] = 0;
    }
}
static void dec_nvfp4(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_nvfp4 *x = (const gk_block_nvfp4 *)row + sb;
    const __m256i tbl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_fp4));
    const __m128i m4 = _mm_set1_epi8(0x0F);
    for (int k = 0; k < 2; k++) {
        const __m128i t = _mm_loadu_si128((const __m128i *)(x->qs + 16 * k));
        const __m128i lo = _mm_and_si128(t, m4), hi = _mm_and_si128(_mm_srli_epi16(t, 4), m4);
        const __m256i idx = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_unpacklo_epi64(lo, hi)), _mm_unpackhi_epi64(lo, hi), 1);
        w[k] = _mm256_shuffle_epi8(tbl, idx);
    }
    float d4[4];
    _mm_storeu_ps(d4, gk_ue4m3_half_x4(x->d));
    for (int j = 0; j < 4; j++) { s[j] = d4[j]; m[j] = 0; }
}
/* TQ1_0: base-3 digits in an irregular order; decoded in scalar (decode is amortized over the x rows) */
static void dec_tq1_0(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    static const uint8_t pow3[5] = {1, 3, 9, 27, 81};
    const gk_block_tq1_0 *x = (const gk_block_tq1_0 *)row + sb;
    int8_t v[256];
    for (int l = 0; l < 5; l++)
        for (int j = 0; j < 32; j++) v[32 * l + j] = (int8_t)((((uint16_t)(uint8_t)(x->qs[j] * pow3[l])) * 3 >> 8) - 1);
    for (int l = 0; l < 5; l++)
        for (int j = 0; j < 16; j++) v[160 + 16 * l + j] = (int8_t)((((uint16_t)(uint8_t)(x->qs[32 + j] * pow3[l])) * 3 >> 8) - 1);
    for (int l = 0; l < 4; l++)
        for (int j = 0; j < 4; j++) v[240 + 4 * l + j] = (int8_t)((((uint16_t)(uint8_t)(x->qh[j] * pow3[l])) * 3 >> 8) - 1);
    const float d = f16(x->d);
    for (int c = 0; c < 8; c++) { w[c] = _mm256_loadu_si256((const __m256i *)(v + 32 * c)); s[c] = d; m[c] = 0; }
}

/* 8 x 8 dword transpose of ymm rows */
static inline void transpose8(__m256i *r) {
    const __m256i t0 = _mm256_unpacklo_epi32(r[0], r[1]), t1 = _mm256_unpackhi_epi32(r[0], r[1]);
    const __m256i t2 = _mm256_unpacklo_epi32(r[2], r[3]), t3 = _mm256_unpackhi_epi32(r[2], r[3]);
    const __m256i t4 = _mm256_unpacklo_epi32(r[4], r[5]), t5 = _mm256_unpackhi_epi32(r[4], r[5]);
    const __m256i t6 = _mm256_unpacklo_epi32(r[6], r[7]), t7 = _mm256_unpackhi_epi32(r[6], r[7]);
    const __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
    const __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
    const __m256i u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
    const __m256i u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
    r[0] = _mm256_permute2x128_si256(u0, u4, 0x20); r[1] = _mm256_permute2x128_si256(u1, u5, 0x20);
    r[2] = _mm256_permute2x128_si256(u2, u6, 0x20); r[3] = _mm256_permute2x128_si256(u3, u7, 0x20);
    r[4] = _mm256_permute2x128_si256(u0, u4, 0x31); r[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
    r[6] = _mm256_permute2x128_si256(u2, u6, 0x31); r[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

/* Pack rows [0, rows) (rows <= TILE; missing rows are zero). A super-block of `nsub` scale blocks of
 * `bl` weights (16 or 32) decodes to nsub * bl / 32 chunks of 32 bytes; nb counts scale blocks. */
static void pack_tile(decode_fn dec, int nsub, int bl, const uint8_t *w, size_t w_stride, int rows, int64_t nb,
                      int has_min, packed_tile *t) {
    __m256i q[TILE][8];
    float sc[TILE][16], mn[TILE][16];
    const int nch = nsub * bl / 32;
    for (int64_t sb = 0; sb < nb / nsub; sb++) {
        for (int r = 0; r < TILE; r++) {
            if (r < rows) dec(w + (size_t)r * w_stride, sb, q[r], sc[r], mn[r]);
            else {
                for (int j = 0; j < nch; j++) q[r][j] = _mm256_setzero_si256();
                for (int j = 0; j < nsub; j++) { sc[r][j] = 0; mn[r][j] = 0; }
            }
        }
        for (int ch = 0; ch < nch; ch++) {
            const int64_t c = sb * nch + ch;  /* 32-element chunk index in the row */
            __m256i lo[8], hi[8];
            for (int r = 0; r < 8; r++) { lo[r] = q[r][ch]; hi[r] = q[r + 8][ch]; }
            transpose8(lo);
            transpose8(hi);
            __m512i *dst = (__m512i *)(t->wp + (size_t)c * 8 * TILE * 4);
            __m512i ws[2] = {_mm512_setzero_si512(), _mm512_setzero_si512()};
            for (int g = 0; g < 8; g++) {
                const __m512i v = _mm512_inserti64x4(_mm512_castsi256_si512(lo[g]), hi[g], 1);
                _mm512_store_si512(dst + g, v);
                /* 128 * sum of 4 weights, per scale block */
                const int h = bl == 16 ? g / 4 : 0;
                ws[h] = _mm512_dpbusd_epi32(ws[h], _mm512_set1_epi8((char)0x80), v);
            }
            const int per = 32 / bl;
            for (int h = 0; h < per; h++) {
                const int64_t b = c * per + h;     /* scale block index in the row */
                const int j = ch * per + h;        /* scale block index in the super-block */
                _mm512_store_si512(t->wsum + b * TILE, ws[h]);
                for (int r = 0; r < TILE; r++) {
                    t->scale[b * TILE + r] = sc[r][j];
                    if (has_min) t->minv[b * TILE + r] = mn[r][j];
                }
            }
        }
    }
}

/* Activations in the form the micro-kernel wants. */
typedef struct {
    uint8_t *xu;   /* m * k: q + 128 */
    float *dx;     /* m * nb */
    float *sx;     /* m * nb: dx * sum(q) (for mins), or NULL */
} act_form;

static void act_from_q8_0(const void *a, size_t a_stride, int64_t m, int64_t k, int bl, act_form *f) {
    const int64_t nb = k / bl, per = 32 / bl;
    for (int64_t i = 0; i < m; i++) {
        const gk_block_q8_0 *y = (const gk_block_q8_0 *)((const char *)a + i * a_stride);
        for (int64_t c = 0; c < k / 32; c++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)y[c].qs);
            _mm256_storeu_si256((__m256i *)(f->xu + i * k + c * 32), _mm256_xor_si256(q, _mm256_set1_epi8((char)0x80)));
        }
        for (int64_t b = 0; b < nb; b++) f->dx[i * nb + b] = f16(y[b / per].d);
    }
}

/* Q8_1: the min term of Q4_1/Q5_1 uses s = d * sum(q) */
static void act_from_q8_1(const void *a, size_t a_stride, int64_t m, int64_t k, act_form *f) {
    const int64_t nb = k / 32;
    for (int64_t i = 0; i < m; i++) {
        const gk_block_q8_1 *y = (const gk_block_q8_1 *)((const char *)a + i * a_stride);
        for (int64_t b = 0; b < nb; b++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)y[b].qs);
            _mm256_storeu_si256((__m256i *)(f->xu + i * k + b * 32), _mm256_xor_si256(q, _mm256_set1_epi8((char)0x80)));
            f->dx[i * nb + b] = f16(y[b].d);
            f->sx[i * nb + b] = f16(y[b].s);
        }
    }
}

static void act_from_q8_K(const void *a, size_t a_stride, int64_t m, int64_t k, int bl, act_form *f) {
    const int64_t nb = k / bl, per = GK_QK_K / bl;
    for (int64_t i = 0; i < m; i++) {
        const gk_block_q8_K *y = (const gk_block_q8_K *)((const char *)a + i * a_stride);
        for (int64_t c = 0; c < k / 32; c++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)(y[c / 8].qs + 32 * (c & 7)));
            _mm256_storeu_si256((__m256i *)(f->xu + i * k + c * 32), _mm256_xor_si256(q, _mm256_set1_epi8((char)0x80)));
        }
        for (int64_t b = 0; b < nb; b++) {
            const gk_block_q8_K *yb = &y[b / per];
            const int j = (int)(b % per);
            f->dx[i * nb + b] = yb->d;
            if (f->sx) {
                const int bs = bl == 16 ? yb->bsums[j] : yb->bsums[2 * j] + yb->bsums[2 * j + 1];
                f->sx[i * nb + b] = yb->d * (float)bs;
            }
        }
    }
}

/* R activation rows x TILE weight rows over nb blocks of BL weights. */
static inline __attribute__((always_inline)) void micro(const packed_tile *t, int64_t nb, int64_t k, const act_form *f,
                                                         int64_t i0, const int R, const int BL, int has_min, __m512 *out) {
    __m512 acc[XR];
    for (int r = 0; r < R; r++) acc[r] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        const __m512i *wp = (const __m512i *)(t->wp + (size_t)b * BL * TILE);
        __m512i s[XR];
        const __m512i ws = _mm512_load_si512(t->wsum + b * TILE);
        for (int r = 0; r < R; r++) s[r] = _mm512_sub_epi32(_mm512_setzero_si512(), ws);
        for (int g = 0; g < BL / 4; g++) {
            const __m512i wv = _mm512_load_si512(wp + g);
            for (int r = 0; r < R; r++) {
                int32_t xv;
                memcpy(&xv, f->xu + (i0 + r) * k + b * BL + 4 * g, 4);
                s[r] = _mm512_dpbusd_epi32(s[r], _mm512_set1_epi32(xv), wv);
            }
        }
        const __m512 sc = _mm512_load_ps(t->scale + b * TILE);
        for (int r = 0; r < R; r++) {
            const __m512 d = _mm512_mul_ps(sc, _mm512_set1_ps(f->dx[(i0 + r) * nb + b]));
            acc[r] = _mm512_fmadd_ps(d, _mm512_cvtepi32_ps(s[r]), acc[r]);
            if (has_min)
                acc[r] = _mm512_fnmadd_ps(_mm512_load_ps(t->minv + b * TILE), _mm512_set1_ps(f->sx[(i0 + r) * nb + b]), acc[r]);
        }
    }
    for (int r = 0; r < R; r++) out[r] = acc[r];
}

#define MICRO_R(BL) \
    switch (R) {                                                                  \
    case 8: micro(&t, nb, k, &f, i, 8, BL, has_min, o); break;                    \
    case 7: micro(&t, nb, k, &f, i, 7, BL, has_min, o); break;                    \
    case 6: micro(&t, nb, k, &f, i, 6, BL, has_min, o); break;                    \
    case 5: micro(&t, nb, k, &f, i, 5, BL, has_min, o); break;                    \
    case 4: micro(&t, nb, k, &f, i, 4, BL, has_min, o); break;                    \
    case 3: micro(&t, nb, k, &f, i, 3, BL, has_min, o); break;                    \
    case 2: micro(&t, nb, k, &f, i, 2, BL, has_min, o); break;                    \
    default: micro(&t, nb, k, &f, i, 1, BL, has_min, o); break;                   \
    }

enum { ACT_Q8_0, ACT_Q8_1, ACT_Q8_K };

/* Rows of x per pass over the packed weight tiles: their activation bytes (IB * k) stay in L2 while
 * every tile passes over them. */
#define IB 64

static void gemm_packed(decode_fn dec, int nsub, int bl, int act, int has_min, int64_t k, const void *w, size_t w_stride,
                        int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride) {
    const int64_t nb = k / bl, ntiles = (n + TILE - 1) / TILE;
    /* one pass over x (m <= IB) needs one tile at a time; more passes keep every tile of the call packed */
    const int64_t kept = m <= IB ? 1 : ntiles;
    act_form f = {0};
    packed_tile *tiles = calloc((size_t)kept, sizeof(packed_tile));
    int ok = tiles != NULL;
    f.xu = malloc((size_t)(m * k));
    f.dx = malloc(sizeof(float) * (size_t)(m * nb));
    if (has_min) f.sx = malloc(sizeof(float) * (size_t)(m * nb));
    ok = ok && f.xu && f.dx && (!has_min || f.sx);
    for (int64_t ti = 0; ok && ti < kept; ti++) {
        packed_tile *t = &tiles[ti];
        t->wp = aligned_alloc(64, (size_t)(k * TILE));
        t->scale = aligned_alloc(64, sizeof(float) * (size_t)(nb * TILE));
        t->wsum = aligned_alloc(64, sizeof(int32_t) * (size_t)(nb * TILE));
        if (has_min) t->minv = aligned_alloc(64, sizeof(float) * (size_t)(nb * TILE));
        ok = t->wp && t->scale && t->wsum && (!has_min || t->minv);
    }
    if (!ok) {
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) c[i * c_stride + j] = __builtin_nanf("");
        goto done;
    }
    if (act == ACT_Q8_K) act_from_q8_K(a, a_stride, m, k, bl, &f);
    else if (act == ACT_Q8_1) act_from_q8_1(a, a_stride, m, k, &f);
    else act_from_q8_0(a, a_stride, m, k, bl, &f);
    if (kept > 1)
        for (int64_t ti = 0; ti < ntiles; ti++) {
            const int64_t jt = ti * TILE;
            const int rows = n - jt < TILE ? (int)(n - jt) : TILE;
            pack_tile(dec, nsub, bl, (const uint8_t *)w + jt * w_stride, w_stride, rows, nb, has_min, &tiles[ti]);
        }
    for (int64_t i0 = 0; i0 < m; i0 += IB) {
        const int64_t ie = i0 + IB < m ? i0 + IB : m;
        for (int64_t ti = 0; ti < ntiles; ti++) {
            const int64_t jt = ti * TILE;
            const int rows = n - jt < TILE ? (int)(n - jt) : TILE;
            packed_tile *tp = &tiles[kept > 1 ? ti : 0];
            if (kept == 1) pack_tile(dec, nsub, bl, (const uint8_t *)w + jt * w_stride, w_stride, rows, nb, has_min, tp);
            const packed_tile t = *tp;
            const __mmask16 mask = (__mmask16)((1u << rows) - 1);
            for (int64_t i = i0; i < ie; i += XR) {
                const int R = ie - i >= XR ? XR : (int)(ie - i);
                __m512 o[XR] = {0};
                if (bl == 16) { MICRO_R(16) } else { MICRO_R(32) }
                for (int r = 0; r < R; r++) _mm512_mask_storeu_ps(c + (i + r) * c_stride + jt, mask, o[r]);
            }
        }
    }
done:
    free(f.xu); free(f.dx); free(f.sx);
    if (tiles)
        for (int64_t ti = 0; ti < kept; ti++) {
            free(tiles[ti].wp); free(tiles[ti].scale); free(tiles[ti].wsum); free(tiles[ti].minv);
        }
    free(tiles);
}

/* ---- m = 1 ---- */

/* a tail block through the ymm kernel (same arithmetic as vec_dot) */
#define TAIL_BY(KERN, YT)                                                                            \
    static float tail_##KERN(const void *xb, const void *yb) {                                       \
        float t; const void *a1[1] = {yb}; KERN(32, &t, xb, a1, 1); return t;                        \
    }
TAIL_BY(gk_k_q8_0, gk_block_q8_0) TAIL_BY(gk_k_q4_0, gk_block_q8_0) TAIL_BY(gk_k_q5_0, gk_block_q8_0)
TAIL_BY(gk_k_iq4_nl, gk_block_q8_0) TAIL_BY(gk_k_mxfp4, gk_block_q8_0)
TAIL_BY(gk_k_q4_1, gk_block_q8_1) TAIL_BY(gk_k_q5_1, gk_block_q8_1)

/* 5th bits of blocks b, b+1 in nib layout: [b 0..15, b+1 0..15, b 16..31, b+1 16..31] -> 0x10 */
static inline __m512i gemv_q5_high(const gk_block_q5_0 *x) {
    uint32_t h0, h1;
    memcpy(&h0, x[0].qh, 4);
    memcpy(&h1, x[1].qh, 4);
    const __mmask64 m = (__mmask64)(h0 & 0xFFFF) | ((__mmask64)(h1 & 0xFFFF) << 16) |
                        ((__mmask64)(h0 >> 16) << 32) | ((__mmask64)(h1 >> 16) << 48);
    return _mm512_maskz_mov_epi8(m, _mm512_set1_epi8(0x10));
}

static __m256 e8m0x8(const gk_block_mxfp4 *x) {
    const __m256i e = _mm256_setr_epi32(x[0].e, x[1].e, x[2].e, x[3].e, x[4].e, x[5].e, x[6].e, x[7].e);
    const __m256i normal = _mm256_slli_epi32(_mm256_sub_epi32(e, _mm256_set1_epi32(1)), 23);
    const __m256i denorm = _mm256_sllv_epi32(_mm256_set1_epi32(0x00200000), e);
    return _mm256_castsi256_ps(_mm256_blendv_epi8(normal, denorm, _mm256_cmpgt_epi32(_mm256_set1_epi32(2), e)));
}

#define GEMV_FN_A(NAME, BT, NIB, Q81, YT, BODY)                                                      \
    static void gemv_##NAME(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, float *c) { \
        const int64_t nb = k / 32;                                                                   \
        gemv_act g;                                                                                  \
        if (gemv_prepare(a, nb, Q81, NIB, &g)) {                                                     \
            for (int64_t j = 0; j < n; j++) c[j] = __builtin_nanf("");                                \
            gemv_free(&g);                                                                           \
            return;                                                                                  \
        }                                                                                            \
        for (int64_t j = 0; j < n; j++) {                                                            \
            const BT *x = (const BT *)((const char *)w + j * w_stride);                              \
            const YT *yb = a;                                                                        \
            float out;                                                                               \
            BODY                                                                                     \
            c[j] = out;                                                                              \
        }                                                                                            \
        gemv_free(&g);                                                                               \
    }

#define XD8(b) gemv_f16x8(&x[b].d, sizeof(*x))

GEMV_FN_A(q4_0, gk_block_q4_0, 1, 0, gk_block_q8_0,
        GEMV_ROW(8, GEMV_IDX_NIB, XD8, { u = gemv_nib(x[b].qs, sizeof(*x)); }, (void)0,
                 tail_gk_k_q4_0(x + b, yb + b)))
GEMV_FN_A(q5_0, gk_block_q5_0, 1, 0, gk_block_q8_0,
        GEMV_ROW(16, GEMV_IDX_NIB, XD8, { u = _mm512_or_si512(gemv_nib(x[b].qs, sizeof(*x)), gemv_q5_high(x + b)); },
                 (void)0, tail_gk_k_q5_0(x + b, yb + b)))
GEMV_FN_A(q8_0, gk_block_q8_0, 0, 0, gk_block_q8_0,
        GEMV_ROW(128, GEMV_IDX_FLAT, XD8,
                 { u = _mm512_xor_si512(_mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)x[b].qs)),
                                                           _mm256_loadu_si256((const __m256i *)x[b + 1].qs), 1),
                                        _mm512_set1_epi8((char)0x80)); },
                 (void)0, tail_gk_k_q8_0(x + b, yb + b)))


/* Q4_1 / Q5_1 with Q8_1: unsigned codes, no offset; + sum_b m_b s_b */
#define XM8_S8 accx = _mm256_fmadd_ps(gemv_f16x8(&x[b0].m, sizeof(*x)), _mm256_loadu_ps(g.cy + b0), accx)
GEMV_FN_A(q4_1, gk_block_q4_1, 1, 1, gk_block_q8_1,
          GEMV_ROW(0, GEMV_IDX_NIB, XD8, { u = gemv_nib(x[b].qs, sizeof(*x)); }, XM8_S8,
                   tail_gk_k_q4_1(x + b, yb + b)))
static inline __m512i gemv_q51_high(const gk_block_q5_1 *x) {
    uint32_t h0, h1;
    memcpy(&h0, x[0].qh, 4);
    memcpy(&h1, x[1].qh, 4);
    const __mmask64 m = (__mmask64)(h0 & 0xFFFF) | ((__mmask64)(h1 & 0xFFFF) << 16) |
                        ((__mmask64)(h0 >> 16) << 32) | ((__mmask64)(h1 >> 16) << 48);
    return _mm512_maskz_mov_epi8(m, _mm512_set1_epi8(0x10));
}
GEMV_FN_A(q5_1, gk_block_q5_1, 1, 1, gk_block_q8_1,
          GEMV_ROW(0, GEMV_IDX_NIB, XD8, { u = _mm512_or_si512(gemv_nib(x[b].qs, sizeof(*x)), gemv_q51_high(x + b)); },
                   XM8_S8, tail_gk_k_q5_1(x + b, yb + b)))

static const int8_t *iq4nl_tbl(void) { return gk_kvalues_iq4nl; }
static const int8_t *fp4_tbl(void) { return gk_kvalues_fp4; }
#define TBL128(t) _mm512_xor_si512(_mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(t))), _mm512_set1_epi8((char)0x80))
GEMV_FN_A(iq4_nl, gk_block_iq4_nl, 1, 0, gk_block_q8_0,
        GEMV_ROW(128, GEMV_IDX_NIB, XD8, { u = _mm512_shuffle_epi8(TBL128(iq4nl_tbl()), gemv_nib(x[b].qs, sizeof(*x))); },
                 (void)0, tail_gk_k_iq4_nl(x + b, yb + b)))
#define XE8(b) e8m0x8(x + (b))
GEMV_FN_A(mxfp4, gk_block_mxfp4, 1, 0, gk_block_q8_0,
        GEMV_ROW(128, GEMV_IDX_NIB, XE8, { u = _mm512_shuffle_epi8(TBL128(fp4_tbl()), gemv_nib(x[b].qs, sizeof(*x))); },
                 (void)0, tail_gk_k_mxfp4(x + b, yb + b)))

#define GEMM(name, TYPE, dec, nsub, bl, act, has_min)                                                        \
    void gk_gemm_##name##_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n,         \
                                      const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride) { \
        if (m < SMALL_M) { /* packing does not pay for a few rows: the m = 1 path per row */       \
            for (int64_t i = 0; i < m; i++)                                                         \
                gk_gemv_by_vecdot(GK_ISA_AVX512_VNNI, TYPE, k, w, w_stride, n, (const char *)a + i * a_stride, c + i * c_stride); \
            return;                                                                                 \
        }                                                                                           \
        gemm_packed(dec, nsub, bl, act, has_min, k, w, w_stride, n, a, a_stride, m, c, c_stride);          \
    }
/* the same with an m = 1 path */
#define GEMM_V(name, vname, dec, nsub, bl, act, has_min)                                                        \
    void gk_gemm_##name##_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n,         \
                                      const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride) { \
        if (m < SMALL_M) {                                                                          \
            for (int64_t i = 0; i < m; i++)                                                         \
                gemv_##vname(k, w, w_stride, n, (const char *)a + i * a_stride, c + i * c_stride);   \
            return;                                                                                 \
        }                                                                                           \
        gemm_packed(dec, nsub, bl, act, has_min, k, w, w_stride, n, a, a_stride, m, c, c_stride);          \
    }

GEMM_V(q8_0_q8_0, q8_0, dec_q8_0, 1, 32, ACT_Q8_0, 0)
GEMM_V(q4_0_q8_0, q4_0, dec_q4_0, 1, 32, ACT_Q8_0, 0)
GEMM_V(q5_0_q8_0, q5_0, dec_q5_0, 1, 32, ACT_Q8_0, 0)
GEMM_V(iq4_nl_q8_0, iq4_nl, dec_iq4_nl, 1, 32, ACT_Q8_0, 0)
GEMM_V(mxfp4_q8_0, mxfp4, dec_mxfp4, 1, 32, ACT_Q8_0, 0)
GEMM_V(q4_1_q8_1, q4_1, dec_q4_1, 1, 32, ACT_Q8_1, 1)
GEMM_V(q5_1_q8_1, q5_1, dec_q5_1, 1, 32, ACT_Q8_1, 1)
GEMM(q4_K_q8_K, GK_TYPE_Q4_K, dec_q4_K, 8, 32, ACT_Q8_K, 1)
GEMM(q5_K_q8_K, GK_TYPE_Q5_K, dec_q5_K, 8, 32, ACT_Q8_K, 1)
GEMM(q6_K_q8_K, GK_TYPE_Q6_K, dec_q6_K, 16, 16, ACT_Q8_K, 0)
GEMM(q3_K_q8_K, GK_TYPE_Q3_K, dec_q3_K, 16, 16, ACT_Q8_K, 0)
GEMM(q2_K_q8_K, GK_TYPE_Q2_K, dec_q2_K, 16, 16, ACT_Q8_K, 1)
GEMM(iq4_xs_q8_K, GK_TYPE_IQ4_XS, dec_iq4_xs, 8, 32, ACT_Q8_K, 0)
GEMM(tq2_0_q8_K, GK_TYPE_TQ2_0, dec_tq2_0, 8, 32, ACT_Q8_K, 0)
GEMM(tq1_0_q8_K, GK_TYPE_TQ1_0, dec_tq1_0, 8, 32, ACT_Q8_K, 0)
GEMM(iq2_xxs_q8_K, GK_TYPE_IQ2_XXS, dec_iq2_xxs, 8, 32, ACT_Q8_K, 0)
GEMM(iq2_xs_q8_K, GK_TYPE_IQ2_XS, dec_iq2_xs, 16, 16, ACT_Q8_K, 0)
GEMM(iq2_s_q8_K, GK_TYPE_IQ2_S, dec_iq2_s, 16, 16, ACT_Q8_K, 0)
GEMM(iq3_xxs_q8_K, GK_TYPE_IQ3_XXS, dec_iq3_xxs, 8, 32, ACT_Q8_K, 0)
GEMM(iq3_s_q8_K, GK_TYPE_IQ3_S, dec_iq3_s, 8, 32, ACT_Q8_K, 0)
GEMM(iq1_s_q8_K, GK_TYPE_IQ1_S, dec_iq1_s, 8, 32, ACT_Q8_K, 0)
GEMM(iq1_m_q8_K, GK_TYPE_IQ1_M, dec_iq1_m, 16, 16, ACT_Q8_K, 0)
GEMM(q1_0_q8_0, GK_TYPE_Q1_0, dec_q1_0, 4, 32, ACT_Q8_0, 0)
GEMM(q2_0_q8_0, GK_TYPE_Q2_0, dec_q2_0, 2, 32, ACT_Q8_0, 0)
GEMM(nvfp4_q8_0, GK_TYPE_NVFP4, dec_nvfp4, 4, 16, ACT_Q8_0, 0)
