/* Weight decoders of the packed gemm kernels (gemm_packed_x86.h, the driver of avx2/gemm_packed_avx2.c and
 * avx512_vnni/gemm_packed_avx512_vnni.c):
 * every quantized type's super-block as 32-byte int8 chunks in element order, with the float scale and
 * min of each scale block. AVX2 intrinsics only; static inline only. */
#ifndef GK_GEMM_DECODE_X86_H
#define GK_GEMM_DECODE_X86_H
#include "x86_dot_iq.h"

/* Decoders: super-block `sb` of one row -> its weights as 32-byte int8 chunks (element order), and the
 * float scale and min of each of its scale blocks (32 weights, or 16 for Q6_K / Q3_K / Q2_K). */
typedef void (*decode_fn)(const uint8_t *row, int64_t sb, __m256i *w, float *scale, float *minv);

static inline float f16(uint16_t h) { return _cvtsh_ss(h); }

static inline void dec_q8_0(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_q8_0 *x = (const gk_block_q8_0 *)row + b;
    w[0] = _mm256_loadu_si256((const __m256i *)x->qs); s[0] = f16(x->d); m[0] = 0;
}
static inline void dec_q4_0(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_q4_0 *x = (const gk_block_q4_0 *)row + b;
    w[0] = _mm256_sub_epi8(gk_nibbles32(x->qs), _mm256_set1_epi8(8)); s[0] = f16(x->d); m[0] = 0;
}
static inline void dec_q5_0(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_q5_0 *x = (const gk_block_q5_0 *)row + b;
    const __m256i hi = _mm256_andnot_si256(gk_bits32(x->qh), _mm256_set1_epi8((char)0xF0));
    w[0] = _mm256_or_si256(gk_nibbles32(x->qs), hi); s[0] = f16(x->d); m[0] = 0;
}
static inline void dec_iq4_nl(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_iq4_nl *x = (const gk_block_iq4_nl *)row + b;
    const __m256i tbl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_iq4nl));
    w[0] = _mm256_shuffle_epi8(tbl, gk_nibbles32(x->qs)); s[0] = f16(x->d); m[0] = 0;
}
static inline void dec_mxfp4(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_mxfp4 *x = (const gk_block_mxfp4 *)row + b;
    const __m256i tbl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_fp4));
    w[0] = _mm256_shuffle_epi8(tbl, gk_nibbles32(x->qs)); s[0] = gk_e8m0_half(x->e); m[0] = 0;
}
/* Q4_K / Q5_K: sub-block j has value d sc_j q - dmin m_j */
static inline void dec_q4_K(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
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
static inline void dec_q5_K(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
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

static inline void dec_q4_1(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_q4_1 *x = (const gk_block_q4_1 *)row + b;
    w[0] = gk_nibbles32(x->qs); s[0] = f16(x->d); m[0] = -f16(x->m);  /* + m * s_y */
}
static inline void dec_q5_1(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_q5_1 *x = (const gk_block_q5_1 *)row + b;
    w[0] = _mm256_or_si256(gk_nibbles32(x->qs), _mm256_and_si256(gk_bits32(x->qh), _mm256_set1_epi8(0x10)));
    s[0] = f16(x->d); m[0] = -f16(x->m);
}
/* Q6_K: 16 scale blocks of 16; codes minus 32 */
static inline void dec_q6_K(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
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
static inline void dec_q3_K(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
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
static inline void dec_q2_K(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_q2_K *x = (const gk_block_q2_K *)row + sb;
    const __m256i m3 = _mm256_set1_epi8(3);
    for (int h = 0; h < 2; h++) {
        const __m256i bits = _mm256_loadu_si256((const __m256i *)(x->qs + 32 * h));
        for (int sh = 0; sh < 4; sh++) w[4 * h + sh] = _mm256_and_si256(_mm256_srli_epi16(bits, 2 * sh), m3);
    }
    const float d = f16(x->d), dmin = f16(x->dmin);
    for (int j = 0; j < 16; j++) { s[j] = d * (float)(x->scales[j] & 0xF); m[j] = dmin * (float)(x->scales[j] >> 4); }
}
static inline void dec_iq4_xs(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
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
static inline void dec_tq2_0(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
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
static inline void dec_iq2_xxs(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
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
static inline void dec_iq2_xs(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
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
static inline void dec_iq2_s(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
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
static inline void dec_iq3_xxs(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
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
static inline void dec_iq3_s(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
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
static inline void dec_iq1_s(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
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
static inline void dec_iq1_m(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
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
static inline void dec_q1_0(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_q1_0 *x = (const gk_block_q1_0 *)row + sb;
    const float d = f16(x->d);
    for (int k = 0; k < 4; k++) {
        w[k] = _mm256_or_si256(_mm256_andnot_si256(gk_bits32(x->qs + 4 * k), _mm256_set1_epi8(-1)), _mm256_set1_epi8(1));
        s[k] = d; m[k] = 0;
    }
}
static inline void dec_q2_0(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_q2_0 *x = (const gk_block_q2_0 *)row + sb;
    const float d = f16(x->d);
    for (int k = 0; k < 2; k++) {
        w[k] = _mm256_sub_epi8(gk_q2_0_expand(x->qs + 8 * k), _mm256_set1_epi8(1));
        s[k] = d; m[k] = 0;
    }
}
static inline void dec_nvfp4(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
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
/* TQ1_0: base-3 digits, as avx2/vecdot_tq1_avx2.c reads them: the bytes q * 3^l (mod 256) of each
 * digit plane l, in activation order, give the digit (3v) >> 8 = avg(v - 1, avg(v - 1, 0)) >> 6. */
static inline __m256i tq1_trits_minus1(__m256i v) {
    const __m256i u = _mm256_subs_epu8(v, _mm256_set1_epi8(1));
    const __m256i t = _mm256_and_si256(_mm256_srli_epi16(_mm256_avg_epu8(u, _mm256_avg_epu8(u, _mm256_setzero_si256())), 6),
                                       _mm256_set1_epi8(3));
    return _mm256_sub_epi8(t, _mm256_set1_epi8(1));
}
static inline __m256i tq1_times3(__m256i x) { return _mm256_add_epi8(x, _mm256_add_epi8(x, x)); }
static inline __m256i tq1_times9(__m256i x) {
    return _mm256_add_epi8(_mm256_and_si256(_mm256_slli_epi16(x, 3), _mm256_set1_epi8((char)0xf8)), x);
}
static inline void dec_tq1_0(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_tq1_0 *x = (const gk_block_tq1_0 *)row + sb;
    /* weights 0..159: planes 0..4 of qs[0..31] */
    const __m256i x0 = _mm256_loadu_si256((const __m256i *)x->qs);
    const __m256i x1 = tq1_times3(x0), x2 = tq1_times9(x0);
    w[0] = tq1_trits_minus1(x0); w[1] = tq1_trits_minus1(x1); w[2] = tq1_trits_minus1(x2);
    w[3] = tq1_trits_minus1(tq1_times9(x1)); w[4] = tq1_trits_minus1(tq1_times9(x2));
    /* 160..239: planes 0..4 of qs[32..47], 16 per plane; 240..255: qh[j] * 3^l at 240 + 4l + j */
    const __m128i y0 = _mm_loadu_si128((const __m128i *)(x->qs + 32));
    const __m256i y01 = _mm256_inserti128_si256(_mm256_castsi128_si256(y0), _mm_add_epi8(y0, _mm_add_epi8(y0, y0)), 1);
    const __m256i y23 = tq1_times9(y01);
    uint32_t qh;
    memcpy(&qh, x->qh, 4);
    __m128i h = _mm_set1_epi32((int)qh);
    h = _mm_blend_epi32(h, _mm_add_epi8(h, _mm_add_epi8(h, h)), 0xe);
    h = _mm_blend_epi32(h, _mm_add_epi8(h, _mm_add_epi8(h, h)), 0xc);
    h = _mm_blend_epi32(h, _mm_add_epi8(h, _mm_add_epi8(h, h)), 0x8);
    w[5] = tq1_trits_minus1(y01); w[6] = tq1_trits_minus1(y23);
    w[7] = tq1_trits_minus1(_mm256_inserti128_si256(tq1_times9(y23), h, 1));
    const float d = f16(x->d);
    for (int c = 0; c < 8; c++) { s[c] = d; m[c] = 0; }
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


#endif
