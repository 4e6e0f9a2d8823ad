/* static inline helpers shared by the AVX-512 dequantizers of the IQ, ternary, FP4 and Q1_0/Q2_0 types
 * (also included by the avx512_vnni tier).
 *
 * Bit-exactness: every output is one float multiply of the reference (scale * value, where value is an exactly
 * representable small integer, or integer + 1/8 for IQ1), so the result equals the scalar reference bit for
 * bit. Grid rows are fetched with scalar loads (gathers are slow on the AMD cores this was tuned on).
 * Signs are applied to the integer before the multiply: IEEE rounding is symmetric, so
 * scale * (-g) == -(scale * g) == (scale * g) * -1 (what ggml computes). */
#ifndef GK_DEQUANT_SIMD_AVX512_H
#define GK_DEQUANT_SIMD_AVX512_H
#include <immintrin.h>
#include <stdint.h>
#include <string.h>
#include "blocks.h"
#include "tables.h"

/* F16C conversion: exact for every finite half, subnormals included (same value as gk_fp16_to_fp32). */
static inline float gk_avx512_half(gk_half h) { return _cvtsh_ss(h); }

static inline uint16_t gk_avx512_load_u16(const void *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t gk_avx512_load_u32(const void *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t gk_avx512_load_u64(const void *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* y[0..16) = scale * the 16 int8 of v. */
static inline void gk_avx512_store16_i8_scaled(float *y, __m128i v, __m512 scale) {
    _mm512_storeu_ps(y, _mm512_mul_ps(scale, _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(v))));
}

/* y[0..32) = scale * the 32 int8 of v. */
static inline void gk_avx512_store32_i8_scaled(float *y, __m256i v, __m512 scale) {
    gk_avx512_store16_i8_scaled(y + 0, _mm256_castsi256_si128(v), scale);
    gk_avx512_store16_i8_scaled(y + 16, _mm256_extracti128_si256(v, 1), scale);
}

/* y[0..64) = the 64 int8 of v, each group of 16 times its own scale. */
static inline void gk_avx512_store64_i8_scaled4(float *y, __m512i v, __m512 s0, __m512 s1, __m512 s2, __m512 s3) {
    gk_avx512_store16_i8_scaled(y + 0, _mm512_castsi512_si128(v), s0);
    gk_avx512_store16_i8_scaled(y + 16, _mm512_extracti32x4_epi32(v, 1), s1);
    gk_avx512_store16_i8_scaled(y + 32, _mm512_extracti32x4_epi32(v, 2), s2);
    gk_avx512_store16_i8_scaled(y + 48, _mm512_extracti32x4_epi32(v, 3), s3);
}

/* y[0..16) = scale * (the 16 int8 of v + delta). */
static inline void gk_avx512_store16_i8_shifted_scaled(float *y, __m128i v, __m512 delta, __m512 scale) {
    const __m512 f = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(v));
    _mm512_storeu_ps(y, _mm512_mul_ps(scale, _mm512_add_ps(f, delta)));
}

/* Two 64-bit groups of 8 int8 (a first) in one register. */
static inline __m128i gk_avx512_pair_u64(uint64_t a, uint64_t b) { return _mm_set_epi64x((long long)b, (long long)a); }

/* y[0..16) = scale * (the 16 int8 of g, negated where bit j of k is set). */
static inline void gk_avx512_store16_i8_signed_scaled(float *y, __m128i g, unsigned k, __m512 scale) {
    __m512i v = _mm512_cvtepi8_epi32(g);
    v = _mm512_mask_sub_epi32(v, _cvtu32_mask16(k), _mm512_setzero_si512(), v);
    _mm512_storeu_ps(y, _mm512_mul_ps(scale, _mm512_cvtepi32_ps(v)));
}

/* The 16 sign bits of two 7-bit sign indices (ggml's ksigns_iq2xs: bit 7 makes the parity even). */
static inline unsigned gk_avx512_ksigns16(unsigned idx0, unsigned idx1) {
    return gk_ksigns_iq2xs[idx0 & 127] | (unsigned)gk_ksigns_iq2xs[idx1 & 127] << 8;
}

#endif
