/* K-type dequantizers shared by the avx2 and avx512 tiers (static inline only; each tier's
 * dequant_k_<isa>.c includes this with its own flags and names its exported functions with its suffix).
 *
 * Sub-block scales are computed in scalar float exactly as the reference (d * sc, dmin * m); the weights
 * then go 32 at a time through int8 -> float, one multiply and (for the types with a min) one subtract:
 * bit-identical to the reference.
 *
 * GK_DEQUANT_K_ZMM: the 32-float stores convert and store 16 lanes at a time (AVX-512F) instead of 8;
 * measured faster on Q3_K, Q6_K and Q8_K (+2..4%, table_dequantize.py --incache). */
#ifndef GK_DEQUANT_K_X86_H
#define GK_DEQUANT_K_X86_H
#include <immintrin.h>
#include <string.h>
#include "ggufkit/gk_kernels.h"
#include "blocks.h"
#include "fp16.h"

static inline float half_to_float(gk_half h) { return _cvtsh_ss(h); }

#ifdef GK_DEQUANT_K_ZMM
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
#else
static inline __m256 i8x8_to_ps(__m128i v) { return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(v)); }

/* y[0..16) = q[0..16) * d0 - m0, y[16..32) = q[16..32) * d1 - m1 (q int8) */
static inline void store_2x16(float *y, __m256i q, float d0, float m0, float d1, float m1) {
    const __m128i lo = _mm256_castsi256_si128(q), hi = _mm256_extracti128_si256(q, 1);
    const __m256 vd0 = _mm256_set1_ps(d0), vm0 = _mm256_set1_ps(m0);
    const __m256 vd1 = _mm256_set1_ps(d1), vm1 = _mm256_set1_ps(m1);
    _mm256_storeu_ps(y + 0, _mm256_sub_ps(_mm256_mul_ps(vd0, i8x8_to_ps(lo)), vm0));
    _mm256_storeu_ps(y + 8, _mm256_sub_ps(_mm256_mul_ps(vd0, i8x8_to_ps(_mm_srli_si128(lo, 8))), vm0));
    _mm256_storeu_ps(y + 16, _mm256_sub_ps(_mm256_mul_ps(vd1, i8x8_to_ps(hi)), vm1));
    _mm256_storeu_ps(y + 24, _mm256_sub_ps(_mm256_mul_ps(vd1, i8x8_to_ps(_mm_srli_si128(hi, 8))), vm1));
}

/* y[0..16) = d0 * q, y[16..32) = d1 * q (no min) */
static inline void store_2x16_nomin(float *y, __m256i q, float d0, float d1) {
    const __m128i lo = _mm256_castsi256_si128(q), hi = _mm256_extracti128_si256(q, 1);
    const __m256 vd0 = _mm256_set1_ps(d0), vd1 = _mm256_set1_ps(d1);
    _mm256_storeu_ps(y + 0, _mm256_mul_ps(vd0, i8x8_to_ps(lo)));
    _mm256_storeu_ps(y + 8, _mm256_mul_ps(vd0, i8x8_to_ps(_mm_srli_si128(lo, 8))));
    _mm256_storeu_ps(y + 16, _mm256_mul_ps(vd1, i8x8_to_ps(hi)));
    _mm256_storeu_ps(y + 24, _mm256_mul_ps(vd1, i8x8_to_ps(_mm_srli_si128(hi, 8))));
}
#endif

/* bytes >> s (s < 8), per byte */
static inline __m256i srli_epi8(__m256i v, int s, __m256i mask) {
    return _mm256_and_si256(_mm256_srli_epi16(v, s), mask);
}

/* 16 unsigned bytes -> 16 floats, times d: dst[j] = d * (float)b[j] (one rounding, as the scalar) */
static inline void scale_u8x16(float *dst, __m128i b, float d) {
    const __m256 vd = _mm256_set1_ps(d);
    _mm256_storeu_ps(dst, _mm256_mul_ps(vd, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(b))));
    _mm256_storeu_ps(dst + 8, _mm256_mul_ps(vd, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(b, 8)))));
}

/* 16 signed bytes -> 16 floats, times d */
static inline void scale_i8x16(float *dst, __m128i b, float d) {
    const __m256 vd = _mm256_set1_ps(d);
    _mm256_storeu_ps(dst, _mm256_mul_ps(vd, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(b))));
    _mm256_storeu_ps(dst + 8, _mm256_mul_ps(vd, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(b, 8)))));
}

static inline void dequant_q2_K_x86(const void *vx, float *y, int64_t n) {
    const gk_block_q2_K *x = (const gk_block_q2_K *)vx;
    const __m256i m3 = _mm256_set1_epi8(3);
    const __m128i m4 = _mm_set1_epi8(0x0F);
    float dl[16], ml[16];
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        /* all 16 sub-block scales and mins at once: d * (sc & 15), dmin * (sc >> 4) */
        const __m128i sc = _mm_loadu_si128((const __m128i *)x[i].scales);
        scale_u8x16(dl, _mm_and_si128(sc, m4), half_to_float(x[i].d));
        scale_u8x16(ml, _mm_and_si128(_mm_srli_epi16(sc, 4), m4), half_to_float(x[i].dmin));
        int is = 0;
        for (int half = 0; half < 2; half++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)(x[i].qs + 32 * half));
            for (int s = 0; s < 4; s++, is += 2, y += 32)
                store_2x16(y, srli_epi8(q, 2 * s, m3), dl[is], ml[is], dl[is + 1], ml[is + 1]);
        }
    }
}

/* The 16 six-bit Q3_K scales minus 32, from their 12 packed bytes: low nibbles from bytes 0..7
 * (low then high halves), two high bits from bytes 8..11 (scale j: byte 8 + j % 4, bits 2 * (j / 4)). */
static inline __m128i q3_K_scales(const uint8_t *s) {
    uint32_t t;
    memcpy(&t, s + 8, 4);
    const __m128i lo8 = _mm_loadl_epi64((const __m128i *)s);
    const __m128i m4 = _mm_set1_epi8(0x0F);
    const __m128i lo = _mm_and_si128(_mm_unpacklo_epi64(lo8, _mm_srli_epi16(lo8, 4)), m4);
    const __m128i hi = _mm_and_si128(_mm_srlv_epi32(_mm_set1_epi32((int)t), _mm_setr_epi32(0, 2, 4, 6)),
                                     _mm_set1_epi8(3));
    return _mm_sub_epi8(_mm_or_si128(lo, _mm_slli_epi16(hi, 4)), _mm_set1_epi8(32));
}

static inline void dequant_q3_K_x86(const void *vx, float *y, int64_t n) {
    const gk_block_q3_K *x = (const gk_block_q3_K *)vx;
    const __m256i m3 = _mm256_set1_epi8(3), four = _mm256_set1_epi8(4);
    float dl[16];
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        scale_i8x16(dl, q3_K_scales(x[i].scales), half_to_float(x[i].d));
        const __m256i hm = _mm256_loadu_si256((const __m256i *)x[i].hmask);
        int is = 0, bit = 0;
        for (int half = 0; half < 2; half++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)(x[i].qs + 32 * half));
            for (int sh = 0; sh < 4; sh++, bit++, is += 2, y += 32) {
                const __m256i mbit = _mm256_set1_epi8((char)(1 << bit));
                /* 4 where the high-mask bit is clear */
                const __m256i sub = _mm256_andnot_si256(_mm256_cmpeq_epi8(_mm256_and_si256(hm, mbit), mbit), four);
                const __m256i v = _mm256_sub_epi8(srli_epi8(q, 2 * sh, m3), sub);
                store_2x16_nomin(y, v, dl[is], dl[is + 1]);
            }
        }
    }
}

/* The eight six-bit scales and mins of Q4_K / Q5_K, unpacked from 12 bytes into sc[0..8) and
 * m[0..8) (scales j < 4: low 6 bits of bytes j / j + 4; j >= 4: nibbles of byte j + 4 and the top two
 * bits of bytes j - 4 / j), then dsc[j] = d * sc[j], dm[j] = dmin * m[j]. */
static inline void k4_scales(const uint8_t *q, float d, float dmin, float *dsc, float *dm) {
    uint32_t u[3];
    memcpy(u, q, 12);
    const uint32_t sc_lo = u[0] & 0x3f3f3f3f, m_lo = u[1] & 0x3f3f3f3f;
    const uint32_t sc_hi = (u[2] & 0x0f0f0f0f) | (((u[0] >> 6) & 0x03030303) << 4);
    const uint32_t m_hi = ((u[2] >> 4) & 0x0f0f0f0f) | (((u[1] >> 6) & 0x03030303) << 4);
    const __m128i sc = _mm_setr_epi32((int)sc_lo, (int)sc_hi, 0, 0), m = _mm_setr_epi32((int)m_lo, (int)m_hi, 0, 0);
    _mm256_storeu_ps(dsc, _mm256_mul_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(sc))));
    _mm256_storeu_ps(dm, _mm256_mul_ps(_mm256_set1_ps(dmin), _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(m))));
}

static inline void dequant_q6_K_x86(const void *vx, float *y, int64_t n) {
    const gk_block_q6_K *x = (const gk_block_q6_K *)vx;
    const __m256i m4 = _mm256_set1_epi8(0x0F), m3 = _mm256_set1_epi8(3), off = _mm256_set1_epi8(32);
    float ds[16];
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        /* d * scale for all 16 sub-blocks, as the reference's first multiply */
        scale_i8x16(ds, _mm_loadu_si128((const __m128i *)x[i].scales), half_to_float(x[i].d));
        for (int half = 0; half < 2; half++, y += 128) {
            const uint8_t *ql = x[i].ql + 64 * half, *qhp = x[i].qh + 32 * half;
            const float *sc = ds + 8 * half;
            const __m256i l0 = _mm256_loadu_si256((const __m256i *)ql);
            const __m256i l1 = _mm256_loadu_si256((const __m256i *)(ql + 32));
            const __m256i qh = _mm256_loadu_si256((const __m256i *)qhp);
            const __m256i q1 = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_slli_epi16(_mm256_and_si256(qh, m3), 4));
            const __m256i q2 = _mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_slli_epi16(srli_epi8(qh, 2, m3), 4));
            const __m256i q3 = _mm256_or_si256(srli_epi8(l0, 4, m4), _mm256_slli_epi16(srli_epi8(qh, 4, m3), 4));
            const __m256i q4 = _mm256_or_si256(srli_epi8(l1, 4, m4), _mm256_slli_epi16(srli_epi8(qh, 6, m3), 4));
            /* (d * scale) * q, as the reference */
            store_2x16_nomin(y + 0, _mm256_sub_epi8(q1, off), sc[0], sc[1]);
            store_2x16_nomin(y + 32, _mm256_sub_epi8(q2, off), sc[2], sc[3]);
            store_2x16_nomin(y + 64, _mm256_sub_epi8(q3, off), sc[4], sc[5]);
            store_2x16_nomin(y + 96, _mm256_sub_epi8(q4, off), sc[6], sc[7]);
        }
    }
}

static inline void dequant_q8_K_x86(const void *vx, float *y, int64_t n) {
    const gk_block_q8_K *x = (const gk_block_q8_K *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        float d;
        memcpy(&d, &x[i].d, 4);
        for (int j = 0; j < GK_QK_K; j += 32, y += 32)
            store_2x16_nomin(y, _mm256_loadu_si256((const __m256i *)(x[i].qs + j)), d, d);
    }
}

#endif
