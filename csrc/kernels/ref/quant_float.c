/* F16 and BF16 "quantizers": float32 -> half / bfloat16 conversion, round to nearest even
 * (bit-exact with ggml's fp32_to_fp16 / fp32_to_bf16, NaN kept quiet). */
#include "fp16.h"

size_t gk_quant_f16_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    uint16_t *o = (uint16_t *)y;
    const int64_t n = nrows * n_per_row;
    for (int64_t i = 0; i < n; i++) o[i] = gk_fp32_to_fp16(x[i]);
    return (size_t)n * 2;
}

size_t gk_quant_bf16_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    uint16_t *o = (uint16_t *)y;
    const int64_t n = nrows * n_per_row;
    for (int64_t i = 0; i < n; i++) o[i] = gk_fp32_to_bf16(x[i]);
    return (size_t)n * 2;
}
