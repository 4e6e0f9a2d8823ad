/* static inline helpers shared by the AVX2 dequantizers of the IQ, ternary, FP4 and Q1_0/Q2_0 types.
 *
 * Bit-exactness: every helper does exactly one float multiply of the reference (scale * value, where value is
 * an exactly representable small integer or integer + 1/8), so the result equals the scalar reference bit for
 * bit. Signs are applied to the integer before the multiply: IEEE rounding is symmetric, so
 * scale * (-g) == -(scale * g) == (scale * g) * -1 (what ggml computes). */
#ifndef GK_DEQUANT_SIMD_AVX2_H
#define GK_DEQUANT_SIMD_AVX2_H
#include <immintrin.h>
#include <stdint.h>
#include <string.h>
#include "blocks.h"
#include "tables.h"

/* F16C conversion: exact for every finite half, subnormals included (same value as gk_fp16_to_fp32). */
static inline float gk_avx2_half(gk_half h) { return _cvtsh_ss(h); }

static inline uint16_t gk_avx2_load_u16(const void *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t gk_avx2_load_u32(const void *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t gk_avx2_load_u64(const void *p) { uint64_t v; memcpy(&v, p, 8); return v; }

#define GK_BYTES_01 0x0101010101010101ull

/* Negate the bytes of g where the byte of s is 0xff (s from gk_ksigns64). The grid bytes are in 1..127, so
 * (g ^ 0xff) + 1 never carries into the next byte. */
static inline uint64_t gk_avx2_sign_bytes(uint64_t g, uint64_t s) { return (g ^ s) + (s & GK_BYTES_01); }

/* Compiler barrier after a block's unpacked indices are stored to a stack array: without it GCC keeps them in
 * vector registers and extracts each one (2 uops), slower than reloading them from L1. */
#define GK_AVX2_SPILL() __asm__ volatile("" ::: "memory")

/* 8 int8 (little-endian in q) -> 8 floats. */
static inline __m256 gk_avx2_i8x8_to_ps(uint64_t q) {
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_cvtsi64_si128((long long)q)));
}

/* y[0..8) = scale * int8 bytes of q. */
static inline void gk_avx2_store8_scaled(float *y, uint64_t q, __m256 scale) {
    _mm256_storeu_ps(y, _mm256_mul_ps(scale, gk_avx2_i8x8_to_ps(q)));
}

/* y[0..8) = scale * (int8 bytes of q + delta). */
static inline void gk_avx2_store8_shifted_scaled(float *y, uint64_t q, __m256 delta, __m256 scale) {
    _mm256_storeu_ps(y, _mm256_mul_ps(scale, _mm256_add_ps(gk_avx2_i8x8_to_ps(q), delta)));
}

/* y[0..16) = scale * the 16 int8 of v. */
static inline void gk_avx2_store16_i8_scaled(float *y, __m128i v, __m256 scale) {
    const __m256 f0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(v));
    const __m256 f1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_unpackhi_epi64(v, v)));
    _mm256_storeu_ps(y + 0, _mm256_mul_ps(scale, f0));
    _mm256_storeu_ps(y + 8, _mm256_mul_ps(scale, f1));
}

/* y[0..32) = scale * the 32 int8 of v. */
static inline void gk_avx2_store32_i8_scaled(float *y, __m256i v, __m256 scale) {
    gk_avx2_store16_i8_scaled(y, _mm256_castsi256_si128(v), scale);
    gk_avx2_store16_i8_scaled(y + 16, _mm256_extracti128_si256(v, 1), scale);
}

/* 16 int8 table lookup of the 4-bit codes: low nibbles of q (16 bytes) in lo, high nibbles in hi. */
static inline void gk_avx2_lut16_nibbles(__m128i q, __m128i lut, __m128i *lo, __m128i *hi) {
    const __m128i m4 = _mm_set1_epi8(0x0f);
    *lo = _mm_shuffle_epi8(lut, _mm_and_si128(q, m4));
    *hi = _mm_shuffle_epi8(lut, _mm_and_si128(_mm_srli_epi16(q, 4), m4));
}

#endif
