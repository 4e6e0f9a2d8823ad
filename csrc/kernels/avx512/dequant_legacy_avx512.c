/* AVX-512 dequantizers of the legacy 32-weight block types: codes unpacked to 32 int8 in output order
 * (256-bit), widened to 2 x 16 floats, q * d (+ m) with separate multiply and add: bit-exact with ref. */
#include <immintrin.h>
#include <string.h>
#include "ggufkit/gk_kernels.h"
#include "blocks.h"
#include "fp16.h"

static inline float half_to_float(gk_half h) { return _cvtsh_ss(h); }

static inline __m256i unpack_nibbles(const uint8_t *qs) {
    const __m128i b = _mm_loadu_si128((const __m128i *)qs);
    return _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(b, 4), b), _mm256_set1_epi8(0x0F));
}

static inline __m512 i8x16_to_ps(__m128i v) { return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(v)); }

static inline void store_scaled(float *y, __m256i q, __m512 d) {
    _mm512_storeu_ps(y + 0, _mm512_mul_ps(i8x16_to_ps(_mm256_castsi256_si128(q)), d));
    _mm512_storeu_ps(y + 16, _mm512_mul_ps(i8x16_to_ps(_mm256_extracti128_si256(q, 1)), d));
}

static inline void store_scaled_min(float *y, __m256i q, __m512 d, __m512 m) {
    _mm512_storeu_ps(y + 0, _mm512_add_ps(_mm512_mul_ps(i8x16_to_ps(_mm256_castsi256_si128(q)), d), m));
    _mm512_storeu_ps(y + 16, _mm512_add_ps(_mm512_mul_ps(i8x16_to_ps(_mm256_extracti128_si256(q, 1)), d), m));
}

/* 16 where bit j of qh is set, byte j (AVX-512BW mask to vector) */
static inline __m256i high_bit16(const uint8_t *qh4) {
    uint32_t qh;
    memcpy(&qh, qh4, 4);
    return _mm256_maskz_mov_epi8((__mmask32)qh, _mm256_set1_epi8(16));
}

void gk_dequant_q4_0_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q4_0 *x = (const gk_block_q4_0 *)vx;
    const __m256i eight = _mm256_set1_epi8(8);
    for (int64_t i = 0; i < n / 32; i++, y += 32)
        store_scaled(y, _mm256_sub_epi8(unpack_nibbles(x[i].qs), eight), _mm512_set1_ps(half_to_float(x[i].d)));
}

void gk_dequant_q4_1_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q4_1 *x = (const gk_block_q4_1 *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32)
        store_scaled_min(y, unpack_nibbles(x[i].qs), _mm512_set1_ps(half_to_float(x[i].d)),
                         _mm512_set1_ps(half_to_float(x[i].m)));
}

void gk_dequant_q5_0_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q5_0 *x = (const gk_block_q5_0 *)vx;
    const __m256i sixteen = _mm256_set1_epi8(16);
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const __m256i q = _mm256_sub_epi8(_mm256_or_si256(unpack_nibbles(x[i].qs), high_bit16(x[i].qh)), sixteen);
        store_scaled(y, q, _mm512_set1_ps(half_to_float(x[i].d)));
    }
}

void gk_dequant_q5_1_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q5_1 *x = (const gk_block_q5_1 *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32)
        store_scaled_min(y, _mm256_or_si256(unpack_nibbles(x[i].qs), high_bit16(x[i].qh)),
                         _mm512_set1_ps(half_to_float(x[i].d)), _mm512_set1_ps(half_to_float(x[i].m)));
}

void gk_dequant_q8_0_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q8_0 *x = (const gk_block_q8_0 *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32)
        store_scaled(y, _mm256_loadu_si256((const __m256i *)x[i].qs), _mm512_set1_ps(half_to_float(x[i].d)));
}

void gk_dequant_q8_1_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q8_1 *x = (const gk_block_q8_1 *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32)
        store_scaled(y, _mm256_loadu_si256((const __m256i *)x[i].qs), _mm512_set1_ps(half_to_float(x[i].d)));
}
