/* The quant kernels of the neon tier, by type id. NULL: inherit from the tier below. */
#include "ggufkit/gk_kernels.h"

/* Kernels of this family in this tier (defined in this folder). */
/* activation formats and float conversions (quant_q8_neon.c, quant_float_neon.c) */
size_t gk_quant_q8_0_neon(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_q8_1_neon(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_q8_K_neon(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_f16_neon(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_bf16_neon(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);

const gk_quant_fn gk_quant_table_neon[GK_TYPE_COUNT] = {
    /* activation formats and float conversions */
    [GK_TYPE_Q8_0] = gk_quant_q8_0_neon,
    [GK_TYPE_Q8_1] = gk_quant_q8_1_neon,
    [GK_TYPE_Q8_K] = gk_quant_q8_K_neon,
    [GK_TYPE_F16] = gk_quant_f16_neon,
    [GK_TYPE_BF16] = gk_quant_bf16_neon,
};
