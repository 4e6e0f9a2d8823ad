/* The quant kernels of the avx2 tier, by type id. NULL: inherit from the tier below. */
#include "ggufkit/gk_kernels.h"

/* Kernels of this family in this tier (defined in this folder). */
#define GK_QUANT_PROTO(type) size_t gk_quant_##type##_avx2(const float *, void *, int64_t, int64_t, const float *);
GK_QUANT_PROTO(q4_0) GK_QUANT_PROTO(q4_1) GK_QUANT_PROTO(q5_0) GK_QUANT_PROTO(q5_1)
GK_QUANT_PROTO(tq1_0) GK_QUANT_PROTO(tq2_0) GK_QUANT_PROTO(mxfp4) GK_QUANT_PROTO(nvfp4)
GK_QUANT_PROTO(q1_0) GK_QUANT_PROTO(q2_0) GK_QUANT_PROTO(iq4_nl) GK_QUANT_PROTO(iq4_xs)
GK_QUANT_PROTO(q2_K) GK_QUANT_PROTO(q3_K) GK_QUANT_PROTO(q4_K) GK_QUANT_PROTO(q5_K) GK_QUANT_PROTO(q6_K)

/* IQ grid types (quant_iq) */
size_t gk_quant_iq2_xxs_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq2_xs_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq2_s_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq3_xxs_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq3_s_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq1_s_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_iq1_m_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);


/* activation formats and float conversions (matmul) */
size_t gk_quant_q8_0_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_q8_1_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_q8_K_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_f16_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);
size_t gk_quant_bf16_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);

const gk_quant_fn gk_quant_table_avx2[GK_TYPE_COUNT] = {
    /* quant family: legacy, K, ternary, FP4, Q1_0 / Q2_0, IQ4 */
    [GK_TYPE_Q4_0] = gk_quant_q4_0_avx2,
    [GK_TYPE_Q4_1] = gk_quant_q4_1_avx2,
    [GK_TYPE_Q5_0] = gk_quant_q5_0_avx2,
    [GK_TYPE_Q5_1] = gk_quant_q5_1_avx2,
    [GK_TYPE_Q2_K] = gk_quant_q2_K_avx2,
    [GK_TYPE_Q3_K] = gk_quant_q3_K_avx2,
    [GK_TYPE_Q4_K] = gk_quant_q4_K_avx2,
    [GK_TYPE_Q5_K] = gk_quant_q5_K_avx2,
    [GK_TYPE_Q6_K] = gk_quant_q6_K_avx2,
    [GK_TYPE_TQ1_0] = gk_quant_tq1_0_avx2,
    [GK_TYPE_TQ2_0] = gk_quant_tq2_0_avx2,
    [GK_TYPE_MXFP4] = gk_quant_mxfp4_avx2,
    [GK_TYPE_NVFP4] = gk_quant_nvfp4_avx2,
    [GK_TYPE_Q1_0] = gk_quant_q1_0_avx2,
    [GK_TYPE_Q2_0] = gk_quant_q2_0_avx2,
    [GK_TYPE_IQ4_NL] = gk_quant_iq4_nl_avx2,
    [GK_TYPE_IQ4_XS] = gk_quant_iq4_xs_avx2,
    /* IQ grid types (quant_iq) */
    [GK_TYPE_IQ2_XXS] = gk_quant_iq2_xxs_avx2,
    [GK_TYPE_IQ2_XS] = gk_quant_iq2_xs_avx2,
    [GK_TYPE_IQ2_S] = gk_quant_iq2_s_avx2,
    [GK_TYPE_IQ3_XXS] = gk_quant_iq3_xxs_avx2,
    [GK_TYPE_IQ3_S] = gk_quant_iq3_s_avx2,
    [GK_TYPE_IQ1_S] = gk_quant_iq1_s_avx2,
    [GK_TYPE_IQ1_M] = gk_quant_iq1_m_avx2,
    /* activation formats and float conversions (matmul) */
    [GK_TYPE_Q8_0] = gk_quant_q8_0_avx2,
    [GK_TYPE_Q8_1] = gk_quant_q8_1_avx2,
    [GK_TYPE_Q8_K] = gk_quant_q8_K_avx2,
    [GK_TYPE_F16] = gk_quant_f16_avx2,
    [GK_TYPE_BF16] = gk_quant_bf16_avx2,
    /* end of activation formats and float conversions (matmul) */
};
