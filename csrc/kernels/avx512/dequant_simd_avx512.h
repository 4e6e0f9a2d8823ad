/* static inline helpers shared by the AVX-512 dequantizers of the IQ, ternary, FP4 and Q1_0/Q2_0 types
 * (also included by the avx512_vnni tier).
 *
 * Bit-exactness: every output is the reference's one float multiply (scale * value, where value is an exactly
 * representable small integer, or integer + 1/8 for IQ1), done either per weight or once per sub-block into a
 * table of the few possible products that vpermps then looks up; either way it equals the scalar reference bit
 * for bit. Grid rows are fetched with scalar loads (gathers are slow on the AMD cores this was tuned on).
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

/* Compiler barrier after a block's unpacked indices are stored: without it GCC keeps them in vector registers
 * and extracts each one with vpextrw (2 uops), slower than reloading them from L1. */
#define GK_AVX512_SPILL() __asm__ volatile("" ::: "memory")

/* Two 8-byte grid rows (row a first) in one register, loaded straight from the table. */
static inline __m128i gk_avx512_rows8x2(const uint64_t *grid, unsigned a, unsigned b) {
    const __m128i lo = _mm_loadl_epi64((const __m128i *)&grid[a]);
    return _mm_castpd_si128(_mm_loadh_pd(_mm_castsi128_pd(lo), (const double *)&grid[b]));
}

/* Four 4-byte grid rows in one register. */
static inline __m128i gk_avx512_rows4x4(const uint32_t *grid, unsigned a, unsigned b, unsigned c, unsigned e) {
    const __m128i ab = _mm_unpacklo_epi32(_mm_cvtsi32_si128((int)grid[a]), _mm_cvtsi32_si128((int)grid[b]));
    const __m128i ce = _mm_unpacklo_epi32(_mm_cvtsi32_si128((int)grid[c]), _mm_cvtsi32_si128((int)grid[e]));
    return _mm_unpacklo_epi64(ab, ce);
}

/* y[0..16) = scale * (the 16 int8 of g, negated where bit j of k is set). */
static inline void gk_avx512_store16_i8_signed_scaled(float *y, __m128i g, __mmask16 k, float scale) {
    __m512i v = _mm512_cvtepi8_epi32(g);
    v = _mm512_mask_sub_epi32(v, k, _mm512_setzero_si512(), v);
    _mm512_storeu_ps(y, _mm512_mul_ps(_mm512_set1_ps(scale), _mm512_cvtepi32_ps(v)));
}

/* 16-bit sign mask j (weights 16j..16j+15) of a bit string. */
static inline __mmask16 gk_avx512_sign16(const uint8_t *bits, int j) {
    uint16_t v;
    memcpy(&v, bits + 2 * j, 2);
    return _cvtu32_mask16(v);
}

/* ggml's ksigns_iq2xs for 32 seven-bit indices (one per byte): the index with bit 7 set when its parity is odd,
 * so that every sign byte has an even number of minus signs. Parity of each nibble from a 16-entry table. */
static inline __m256i gk_avx512_ksigns32(__m256i f7) {
    const __m256i par = _mm256_setr_epi8(0, -128, -128, 0, -128, 0, 0, -128, -128, 0, 0, -128, 0, -128, -128, 0,
                                         0, -128, -128, 0, -128, 0, 0, -128, -128, 0, 0, -128, 0, -128, -128, 0);
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    const __m256i p = _mm256_xor_si256(_mm256_shuffle_epi8(par, _mm256_and_si256(f7, m4)),
                                       _mm256_shuffle_epi8(par, _mm256_and_si256(_mm256_srli_epi16(f7, 4), m4)));
    return _mm256_or_si256(f7, p);
}

/* The 16 sixteen-weight scales d * (0.5 + nibble) * 0.25 of the IQ2_XS / IQ2_S scale bytes (low nibble first). */
static inline void gk_avx512_iq2_scales16(float *out, const uint8_t *scales8, float d) {
    const __m128i b = _mm_shuffle_epi8(_mm_loadl_epi64((const __m128i *)scales8),
                                       _mm_setr_epi8(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7));
    const __m512i shift = _mm512_setr_epi32(0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4);
    const __m512i nib = _mm512_and_si512(_mm512_srlv_epi32(_mm512_cvtepu8_epi32(b), shift), _mm512_set1_epi32(15));
    const __m512 v = _mm512_add_ps(_mm512_set1_ps(0.5f), _mm512_cvtepi32_ps(nib));
    _mm512_storeu_ps(out, _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(d), v), _mm512_set1_ps(0.25f)));
}

/* The 16 int8 of a value table as floats (to build product tables scale * value, looked up with vpermps). */
static inline __m512 gk_avx512_i8x16_ps(const int8_t *values) {
    return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)values)));
}

/* y[0..32) from 16 bytes of 4-bit codes: y[j] = table[low nibble of q[j]], y[16 + j] = table[high nibble]
 * (vpermps reads only the low 4 bits of each index). */
static inline void gk_avx512_store32_nibbles_lut(float *y, __m128i q, __m512 table) {
    const __m512i w = _mm512_cvtepu8_epi32(q);
    _mm512_storeu_ps(y, _mm512_permutexvar_ps(w, table));
    _mm512_storeu_ps(y + 16, _mm512_permutexvar_ps(_mm512_srli_epi32(w, 4), table));
}

/* y[0..64) = table[c] for the 64 small codes c (< 16) in the bytes of v, 16 at a time. */
static inline void gk_avx512_store64_codes_lut(float *y, __m512i v, __m512 table) {
    _mm512_storeu_ps(y + 0, _mm512_permutexvar_ps(_mm512_cvtepu8_epi32(_mm512_castsi512_si128(v)), table));
    _mm512_storeu_ps(y + 16, _mm512_permutexvar_ps(_mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(v, 1)), table));
    _mm512_storeu_ps(y + 32, _mm512_permutexvar_ps(_mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(v, 2)), table));
    _mm512_storeu_ps(y + 48, _mm512_permutexvar_ps(_mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(v, 3)), table));
}

#endif
