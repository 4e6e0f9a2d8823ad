/* F16 and BF16 conversion of activations with AVX2 + F16C, byte-identical to ref/quant_float.c
 * (round to nearest even; bfloat16 keeps NaN quiet). */
#include <immintrin.h>
#include "fp16.h"

size_t gk_quant_f16_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    uint16_t *y = vy;
    const int64_t n = nrows * n_per_row;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        _mm_storeu_si128((__m128i *)(y + i), _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT));
        /* F16C keeps NaN payloads; the reference makes every NaN 0x7E00 (with its sign) */
        if (_mm256_movemask_ps(_mm256_cmp_ps(v, v, _CMP_UNORD_Q)))
            for (int j = 0; j < 8; j++) y[i + j] = gk_fp32_to_fp16(x[i + j]);
    }
    for (; i < n; i++) y[i] = gk_fp32_to_fp16(x[i]);
    return (size_t)n * 2;
}

size_t gk_quant_bf16_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    uint16_t *y = vy;
    const int64_t n = nrows * n_per_row;
    int64_t i = 0;
    const __m256i absmask = _mm256_set1_epi32(0x7fffffff), inf = _mm256_set1_epi32(0x7f800000);
    for (; i + 16 <= n; i += 16) {
        __m256i r[2];
        for (int h = 0; h < 2; h++) {
            const __m256i u = _mm256_loadu_si256((const __m256i *)(x + i + 8 * h));
            const __m256i rounded = _mm256_srli_epi32(
                _mm256_add_epi32(u, _mm256_add_epi32(_mm256_set1_epi32(0x7fff),
                                                     _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1)))), 16);
            const __m256i nan = _mm256_or_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(64));
            const __m256i isnan = _mm256_cmpgt_epi32(_mm256_and_si256(u, absmask), inf);
            r[h] = _mm256_blendv_epi8(rounded, nan, isnan);
        }
        /* 16 uint32 (each < 2^16) -> 16 uint16 in order */
        const __m256i p = _mm256_permute4x64_epi64(_mm256_packus_epi32(r[0], r[1]), 0xD8);
        _mm256_storeu_si256((__m256i *)(y + i), p);
    }
    for (; i < n; i++) y[i] = gk_fp32_to_bf16(x[i]);
    return (size_t)n * 2;
}
