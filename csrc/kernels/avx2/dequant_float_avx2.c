/* AVX2 dequantizers of F32 (a copy), F16 (F16C conversion, exact) and BF16 (a 16-bit shift).
 *
 * These read half as many bytes as they write (F32: as many), and on a large call the destination's
 * read-for-ownership costs real bandwidth: calls that write at least GK_STREAM_MIN floats use
 * non-temporal stores after aligning the destination (measured: F16 20 -> 24 GB/s, F32 15 -> 23 GB/s
 * on an 8192 x 4096 tensor). Smaller calls keep regular stores so their output stays in cache. */
#include <immintrin.h>
#include <stdint.h>
#include "ggufkit/gk_kernels.h"
#include "fp16.h"
#include "dequant_float_x86.h"

/* Convert or copy 32 values from x to y; 'stream' is a compile-time constant at each call site. */
static inline __attribute__((always_inline)) void store8(float *y, __m256 v, int stream) {
    if (stream) _mm256_stream_ps(y, v); else _mm256_storeu_ps(y, v);
}

static inline __attribute__((always_inline)) void f32_32(const float *x, float *y, int stream) {
    const __m256 a = _mm256_loadu_ps(x), b = _mm256_loadu_ps(x + 8);
    const __m256 c = _mm256_loadu_ps(x + 16), d = _mm256_loadu_ps(x + 24);
    store8(y, a, stream); store8(y + 8, b, stream); store8(y + 16, c, stream); store8(y + 24, d, stream);
}

static inline __attribute__((always_inline)) void f16_32(const uint16_t *x, float *y, int stream) {
    const __m256i a = _mm256_loadu_si256((const __m256i *)x), b = _mm256_loadu_si256((const __m256i *)(x + 16));
    store8(y + 0, _mm256_cvtph_ps(_mm256_castsi256_si128(a)), stream);
    store8(y + 8, _mm256_cvtph_ps(_mm256_extracti128_si256(a, 1)), stream);
    store8(y + 16, _mm256_cvtph_ps(_mm256_castsi256_si128(b)), stream);
    store8(y + 24, _mm256_cvtph_ps(_mm256_extracti128_si256(b, 1)), stream);
}

static inline __attribute__((always_inline)) void bf16_32(const uint16_t *x, float *y, int stream) {
    const __m256i z = _mm256_setzero_si256();
    for (int k = 0; k < 32; k += 16) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(x + k));
        /* a zero below each bf16 is the float's bit pattern; then undo the in-lane interleave */
        const __m256i lo = _mm256_unpacklo_epi16(z, a), hi = _mm256_unpackhi_epi16(z, a);
        store8(y + k, _mm256_castsi256_ps(_mm256_permute2x128_si256(lo, hi, 0x20)), stream);
        store8(y + k + 8, _mm256_castsi256_ps(_mm256_permute2x128_si256(lo, hi, 0x31)), stream);
    }
}

void gk_dequant_f32_avx2(const void *vx, float *y, int64_t n) { GK_FLOAT_LOOP(float, f32_32, f32_id, 32) }
void gk_dequant_f16_avx2(const void *vx, float *y, int64_t n) { GK_FLOAT_LOOP(uint16_t, f16_32, _cvtsh_ss, 32) }
void gk_dequant_bf16_avx2(const void *vx, float *y, int64_t n) { GK_FLOAT_LOOP(uint16_t, bf16_32, gk_bf16_to_fp32, 32) }
