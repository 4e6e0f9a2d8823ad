/* The quant kernels of the ref tier, by type id. NULL: inherit from the tier below. */
#include "ggufkit/gk_kernels.h"

/* Kernels of this family in this tier (defined in this folder). */
size_t gk_quant_q4_0_ref(const float *, void *, int64_t, int64_t, const float *);
size_t gk_quant_q4_1_ref(const float *, void *, int64_t, int64_t, const float *);
size_t gk_quant_q5_0_ref(const float *, void *, int64_t, int64_t, const float *);
size_t gk_quant_q5_1_ref(const float *, void *, int64_t, int64_t, const float *);

/* IQ grid types (quant_iq) */
size_t gk_quant_iq2_xxs_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq2_xs_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq2_s_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq3_xxs_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq3_s_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq1_s_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq1_m_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);

const gk_quant_fn gk_quant_table_ref[GK_TYPE_COUNT] = {
    /* quant helper (legacy, K, TQ, FP4, Q1_0/Q2_0, IQ4) */
    [GK_TYPE_Q4_0] = gk_quant_q4_0_ref,
    [GK_TYPE_Q4_1] = gk_quant_q4_1_ref,
    [GK_TYPE_Q5_0] = gk_quant_q5_0_ref,
    [GK_TYPE_Q5_1] = gk_quant_q5_1_ref,
    /* IQ grid types (quant_iq) */
    [GK_TYPE_IQ2_XXS] = gk_quant_iq2_xxs_ref,
    [GK_TYPE_IQ2_XS] = gk_quant_iq2_xs_ref,
    [GK_TYPE_IQ2_S] = gk_quant_iq2_s_ref,
    [GK_TYPE_IQ3_XXS] = gk_quant_iq3_xxs_ref,
    [GK_TYPE_IQ3_S] = gk_quant_iq3_s_ref,
    [GK_TYPE_IQ1_S] = gk_quant_iq1_s_ref,
    [GK_TYPE_IQ1_M] = gk_quant_iq1_m_ref,
};
