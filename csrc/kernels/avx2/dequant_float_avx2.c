/* AVX2 dequantizers of F16 (F16C conversion, exact) and BF16 (a 16-bit shift). */
#include <immintrin.h>
#include "ggufkit/gk_kernels.h"
#include "fp16.h"

void gk_dequant_f16_avx2(const void *vx, float *y, int64_t n) {
    const uint16_t *x = (const uint16_t *)vx;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(x + i));
        const __m256i b = _mm256_loadu_si256((const __m256i *)(x + i + 16));
        _mm256_storeu_ps(y + i + 0, _mm256_cvtph_ps(_mm256_castsi256_si128(a)));
        _mm256_storeu_ps(y + i + 8, _mm256_cvtph_ps(_mm256_extracti128_si256(a, 1)));
        _mm256_storeu_ps(y + i + 16, _mm256_cvtph_ps(_mm256_castsi256_si128(b)));
        _mm256_storeu_ps(y + i + 24, _mm256_cvtph_ps(_mm256_extracti128_si256(b, 1)));
    }
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i))));
    for (; i < n; i++) y[i] = gk_fp16_to_fp32(x[i]);
}

void gk_dequant_bf16_avx2(const void *vx, float *y, int64_t n) {
    const uint16_t *x = (const uint16_t *)vx;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(x + i));
        const __m256i z = _mm256_setzero_si256();
        /* interleave zeros below each bf16: that is the float's bit pattern; fix the lane order after */
        const __m256i lo = _mm256_unpacklo_epi16(z, a), hi = _mm256_unpackhi_epi16(z, a);
        _mm256_storeu_si256((__m256i *)(y + i + 0), _mm256_permute2x128_si256(lo, hi, 0x20));
        _mm256_storeu_si256((__m256i *)(y + i + 8), _mm256_permute2x128_si256(lo, hi, 0x31));
    }
    for (; i < n; i++) y[i] = gk_bf16_to_fp32(x[i]);
}
