/* The quant kernels of the avx2 tier, by type id. NULL: inherit from the tier below. */
#include "ggufkit/gk_kernels.h"

/* Kernels of this family in this tier (defined in this folder). */
/* activation formats and float conversions (matmul) */
size_t gk_quant_q8_0_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_q8_1_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_q8_K_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_f16_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_bf16_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);

const gk_quant_fn gk_quant_table_avx2[GK_TYPE_COUNT] = {
    /* activation formats and float conversions (matmul) */
    [GK_TYPE_Q8_0] = gk_quant_q8_0_avx2,
    [GK_TYPE_Q8_1] = gk_quant_q8_1_avx2,
    [GK_TYPE_Q8_K] = gk_quant_q8_K_avx2,
    [GK_TYPE_F16] = gk_quant_f16_avx2,
    [GK_TYPE_BF16] = gk_quant_bf16_avx2,
    /* end of activation formats and float conversions (matmul) */
};
