/* AVX-512 dequantizers of F16 (exact vcvtph2ps) and BF16 (zero-extend and shift). */
#include <immintrin.h>
#include "ggufkit/gk_kernels.h"
#include "fp16.h"

void gk_dequant_f16_avx512(const void *vx, float *y, int64_t n) {
    const uint16_t *x = (const uint16_t *)vx;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        _mm512_storeu_ps(y + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(x + i))));
        _mm512_storeu_ps(y + i + 16, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(x + i + 16))));
    }
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(x + i))));
    if (i < n) { /* masked tail */
        const __mmask16 k = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(y + i, k, _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(k, x + i)));
    }
}

void gk_dequant_bf16_avx512(const void *vx, float *y, int64_t n) {
    const uint16_t *x = (const uint16_t *)vx;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512i v = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(x + i)));
        _mm512_storeu_si512((void *)(y + i), _mm512_slli_epi32(v, 16));
    }
    if (i < n) {
        const __mmask16 k = (__mmask16)((1u << (n - i)) - 1);
        const __m512i v = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(k, x + i));
        _mm512_mask_storeu_epi32((void *)(y + i), k, _mm512_slli_epi32(v, 16));
    }
}
