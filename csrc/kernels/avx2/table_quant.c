/* The quant kernels of the avx2 tier, by type id. NULL: inherit from the tier below. */
#include "ggufkit/gk_kernels.h"

/* Kernels of this family in this tier (defined in this folder). */

/* IQ grid types (quant_iq) */
size_t gk_quant_iq2_xxs_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq2_xs_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq2_s_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq3_xxs_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq3_s_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq1_s_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq1_m_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);

const gk_quant_fn gk_quant_table_avx2[GK_TYPE_COUNT] = {
    0,
    /* IQ grid types (quant_iq) */
    [GK_TYPE_IQ2_XXS] = gk_quant_iq2_xxs_avx2,
    [GK_TYPE_IQ2_XS] = gk_quant_iq2_xs_avx2,
    [GK_TYPE_IQ2_S] = gk_quant_iq2_s_avx2,
    [GK_TYPE_IQ3_XXS] = gk_quant_iq3_xxs_avx2,
    [GK_TYPE_IQ3_S] = gk_quant_iq3_s_avx2,
    [GK_TYPE_IQ1_S] = gk_quant_iq1_s_avx2,
    [GK_TYPE_IQ1_M] = gk_quant_iq1_m_avx2,
};
