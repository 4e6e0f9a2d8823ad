/* AVX-512 dequantizers of the K types. Sub-block scales are computed in scalar float exactly as the
 * reference (d * sc, dmin * m); the weights then go 32 at a time through int8 -> float, one multiply
 * and (for the types with a min) one subtract: bit-identical to the reference. */
#include <immintrin.h>
#include <string.h>
#include "ggufkit/gk_kernels.h"
#include "blocks.h"
#include "fp16.h"

static inline float half_to_float(gk_half h) { return _cvtsh_ss(h); }

static inline __m512 i8x16_to_ps(__m128i v) { return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(v)); }

/* y[0..16) = q[0..16) * d0 - m0, y[16..32) = q[16..32) * d1 - m1 (q int8) */
static inline void store_2x16(float *y, __m256i q, float d0, float m0, float d1, float m1) {
    _mm512_storeu_ps(y + 0, _mm512_sub_ps(_mm512_mul_ps(_mm512_set1_ps(d0), i8x16_to_ps(_mm256_castsi256_si128(q))),
                                          _mm512_set1_ps(m0)));
    _mm512_storeu_ps(y + 16, _mm512_sub_ps(_mm512_mul_ps(_mm512_set1_ps(d1), i8x16_to_ps(_mm256_extracti128_si256(q, 1))),
                                           _mm512_set1_ps(m1)));
}

/* y[0..16) = d0 * q, y[16..32) = d1 * q (no min) */
static inline void store_2x16_nomin(float *y, __m256i q, float d0, float d1) {
    _mm512_storeu_ps(y + 0, _mm512_mul_ps(_mm512_set1_ps(d0), i8x16_to_ps(_mm256_castsi256_si128(q))));
    _mm512_storeu_ps(y + 16, _mm512_mul_ps(_mm512_set1_ps(d1), i8x16_to_ps(_mm256_extracti128_si256(q, 1))));
}

/* bytes >> s (s < 8), per byte */
static inline __m256i srli_epi8(__m256i v, int s, __m256i mask) {
    return _mm256_and_si256(_mm256_srli_epi16(v, s), mask);
}

void gk_dequant_q2_K_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q2_K *x = (const gk_block_q2_K *)vx;
    const __m256i m3 = _mm256_set1_epi8(3);
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = half_to_float(x[i].d), dmin = half_to_float(x[i].dmin);
        const uint8_t *sc = x[i].scales;
        for (int half = 0; half < 2; half++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)(x[i].qs + 32 * half));
            for (int s = 0; s < 4; s++, sc += 2, y += 32) {
                store_2x16(y, srli_epi8(q, 2 * s, m3), d * (sc[0] & 0xF), dmin * (sc[0] >> 4),
                           d * (sc[1] & 0xF), dmin * (sc[1] >> 4));
            }
        }
    }
}

void gk_dequant_q3_K_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q3_K *x = (const gk_block_q3_K *)vx;
    const __m256i m3 = _mm256_set1_epi8(3), four = _mm256_set1_epi8(4);
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = half_to_float(x[i].d);
        const uint8_t *s = x[i].scales;
        int8_t scales[16];
        for (int j = 0; j < 16; j++) {
            const int lo = j < 8 ? (s[j] & 0xF) : (s[j - 8] >> 4);
            const int hi = (s[8 + (j & 3)] >> (2 * (j >> 2))) & 3;
            scales[j] = (int8_t)((lo | (hi << 4)) - 32);
        }
        const __m256i hm = _mm256_loadu_si256((const __m256i *)x[i].hmask);
        int is = 0, bit = 0;
        for (int half = 0; half < 2; half++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)(x[i].qs + 32 * half));
            for (int sh = 0; sh < 4; sh++, bit++, is += 2, y += 32) {
                const __m256i mbit = _mm256_set1_epi8((char)(1 << bit));
                /* 4 where the high-mask bit is clear */
                const __m256i sub = _mm256_andnot_si256(_mm256_cmpeq_epi8(_mm256_and_si256(hm, mbit), mbit), four);
                const __m256i v = _mm256_sub_epi8(srli_epi8(q, 2 * sh, m3), sub);
                store_2x16_nomin(y, v, d * scales[is], d * scales[is + 1]);
            }
        }
    }
}

static inline void k4_scale_min(int j, const uint8_t *q, uint8_t *sc, uint8_t *m) {
    if (j < 4) {
        *sc = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

/* y[0..32) = q * d - m, q unsigned bytes < 128 */
static inline void store_32(float *y, __m256i q, float d, float m) {
    store_2x16(y, q, d, m, d, m);
}

void gk_dequant_q4_K_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q4_K *x = (const gk_block_q4_K *)vx;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = half_to_float(x[i].d), dmin = half_to_float(x[i].dmin);
        for (int j = 0; j < 8; j += 2, y += 64) {
            uint8_t sc, m;
            const __m256i q = _mm256_loadu_si256((const __m256i *)(x[i].qs + 16 * j));
            k4_scale_min(j, x[i].scales, &sc, &m);
            store_32(y, _mm256_and_si256(q, m4), d * sc, dmin * m);
            k4_scale_min(j + 1, x[i].scales, &sc, &m);
            store_32(y + 32, srli_epi8(q, 4, m4), d * sc, dmin * m);
        }
    }
}

void gk_dequant_q5_K_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q5_K *x = (const gk_block_q5_K *)vx;
    const __m256i m4 = _mm256_set1_epi8(0x0F), sixteen = _mm256_set1_epi8(16);
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = half_to_float(x[i].d), dmin = half_to_float(x[i].dmin);
        const __m256i qh = _mm256_loadu_si256((const __m256i *)x[i].qh);
        for (int j = 0; j < 8; j += 2, y += 64) {
            uint8_t sc, m;
            const __m256i q = _mm256_loadu_si256((const __m256i *)(x[i].qs + 16 * j));
            const __m256i u1 = _mm256_set1_epi8((char)(1 << j)), u2 = _mm256_set1_epi8((char)(2 << j));
            const __m256i h1 = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(qh, u1), u1), sixteen);
            const __m256i h2 = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(qh, u2), u2), sixteen);
            k4_scale_min(j, x[i].scales, &sc, &m);
            store_32(y, _mm256_or_si256(_mm256_and_si256(q, m4), h1), d * sc, dmin * m);
            k4_scale_min(j + 1, x[i].scales, &sc, &m);
            store_32(y + 32, _mm256_or_si256(srli_epi8(q, 4, m4), h2), d * sc, dmin * m);
        }
    }
}

void gk_dequant_q6_K_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q6_K *x = (const gk_block_q6_K *)vx;
    const __m256i m4 = _mm256_set1_epi8(0x0F), m3 = _mm256_set1_epi8(3), off = _mm256_set1_epi8(32);
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = half_to_float(x[i].d);
        for (int half = 0; half < 2; half++, y += 128) {
            const uint8_t *ql = x[i].ql + 64 * half, *qhp = x[i].qh + 32 * half;
            const int8_t *sc = x[i].scales + 8 * half;
            const __m256i l0 = _mm256_loadu_si256((const __m256i *)ql);
            const __m256i l1 = _mm256_loadu_si256((const __m256i *)(ql + 32));
            const __m256i qh = _mm256_loadu_si256((const __m256i *)qhp);
            const __m256i q1 = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_slli_epi16(_mm256_and_si256(qh, m3), 4));
            const __m256i q2 = _mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_slli_epi16(srli_epi8(qh, 2, m3), 4));
            const __m256i q3 = _mm256_or_si256(srli_epi8(l0, 4, m4), _mm256_slli_epi16(srli_epi8(qh, 4, m3), 4));
            const __m256i q4 = _mm256_or_si256(srli_epi8(l1, 4, m4), _mm256_slli_epi16(srli_epi8(qh, 6, m3), 4));
            /* (d * scale) * q, as the reference */
            store_2x16_nomin(y + 0, _mm256_sub_epi8(q1, off), d * sc[0], d * sc[1]);
            store_2x16_nomin(y + 32, _mm256_sub_epi8(q2, off), d * sc[2], d * sc[3]);
            store_2x16_nomin(y + 64, _mm256_sub_epi8(q3, off), d * sc[4], d * sc[5]);
            store_2x16_nomin(y + 96, _mm256_sub_epi8(q4, off), d * sc[6], d * sc[7]);
        }
    }
}

void gk_dequant_q8_K_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q8_K *x = (const gk_block_q8_K *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        float d;
        memcpy(&d, &x[i].d, 4);
        for (int j = 0; j < GK_QK_K; j += 32, y += 32)
            store_2x16_nomin(y, _mm256_loadu_si256((const __m256i *)(x[i].qs + j)), d, d);
    }
}
