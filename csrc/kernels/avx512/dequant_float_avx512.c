/* AVX-512 dequantizers of F32 (a copy), F16 (exact vcvtph2ps) and BF16 (zero-extend and shift).
 * Large calls (>= GK_STREAM_MIN floats) use non-temporal stores after aligning the destination, as in
 * the AVX2 tier (see dequant_float_avx2.c for the measurements). */
#include <immintrin.h>
#include <stdint.h>
#include "ggufkit/gk_kernels.h"
#include "fp16.h"
#include "../avx2/dequant_float_x86.h"

static inline __attribute__((always_inline)) void store16(float *y, __m512 v, int stream) {
    if (stream) _mm512_stream_ps(y, v); else _mm512_storeu_ps(y, v);
}

static inline __attribute__((always_inline)) void f32_32(const float *x, float *y, int stream) {
    const __m512 a = _mm512_loadu_ps(x), b = _mm512_loadu_ps(x + 16);
    store16(y, a, stream);
    store16(y + 16, b, stream);
}

static inline __attribute__((always_inline)) void f16_32(const uint16_t *x, float *y, int stream) {
    store16(y, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)x)), stream);
    store16(y + 16, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(x + 16))), stream);
}

static inline __attribute__((always_inline)) void bf16_32(const uint16_t *x, float *y, int stream) {
    const __m512i a = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)x));
    const __m512i b = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(x + 16)));
    store16(y, _mm512_castsi512_ps(_mm512_slli_epi32(a, 16)), stream);
    store16(y + 16, _mm512_castsi512_ps(_mm512_slli_epi32(b, 16)), stream);
}

void gk_dequant_f32_avx512(const void *vx, float *y, int64_t n) { GK_FLOAT_LOOP(float, f32_32, f32_id, 64) }
void gk_dequant_f16_avx512(const void *vx, float *y, int64_t n) { GK_FLOAT_LOOP(uint16_t, f16_32, _cvtsh_ss, 64) }
void gk_dequant_bf16_avx512(const void *vx, float *y, int64_t n) { GK_FLOAT_LOOP(uint16_t, bf16_32, gk_bf16_to_fp32, 64) }
