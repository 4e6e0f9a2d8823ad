/* The dequant kernels of the avx2 tier, by type id. NULL: inherit from the tier below. */
#include "ggufkit/gk_kernels.h"

/* Kernels of this family in this tier (defined in this folder). */
/* float, legacy and K types (dequant_{float,legacy,k}_avx2.c) */
void gk_dequant_f32_avx2(const void *x, float *y, int64_t n);
void gk_dequant_f16_avx2(const void *x, float *y, int64_t n);
void gk_dequant_bf16_avx2(const void *x, float *y, int64_t n);
void gk_dequant_q4_0_avx2(const void *x, float *y, int64_t n);
void gk_dequant_q4_1_avx2(const void *x, float *y, int64_t n);
void gk_dequant_q5_0_avx2(const void *x, float *y, int64_t n);
void gk_dequant_q5_1_avx2(const void *x, float *y, int64_t n);
void gk_dequant_q8_0_avx2(const void *x, float *y, int64_t n);
void gk_dequant_q8_1_avx2(const void *x, float *y, int64_t n);
void gk_dequant_q2_K_avx2(const void *x, float *y, int64_t n);
void gk_dequant_q3_K_avx2(const void *x, float *y, int64_t n);
void gk_dequant_q4_K_avx2(const void *x, float *y, int64_t n);
void gk_dequant_q5_K_avx2(const void *x, float *y, int64_t n);
void gk_dequant_q6_K_avx2(const void *x, float *y, int64_t n);
void gk_dequant_q8_K_avx2(const void *x, float *y, int64_t n);

/* IQ, ternary, FP4, Q1_0/Q2_0 (dequant_simd): dequant_{iq,tq,fp4,q1q2}_avx2.c */
void gk_dequant_iq1_s_avx2(const void *x, float *y, int64_t n);
void gk_dequant_iq1_m_avx2(const void *x, float *y, int64_t n);
void gk_dequant_iq2_xxs_avx2(const void *x, float *y, int64_t n);
void gk_dequant_iq2_xs_avx2(const void *x, float *y, int64_t n);
void gk_dequant_iq2_s_avx2(const void *x, float *y, int64_t n);
void gk_dequant_iq3_xxs_avx2(const void *x, float *y, int64_t n);
void gk_dequant_iq3_s_avx2(const void *x, float *y, int64_t n);
void gk_dequant_iq4_nl_avx2(const void *x, float *y, int64_t n);
void gk_dequant_iq4_xs_avx2(const void *x, float *y, int64_t n);
void gk_dequant_tq1_0_avx2(const void *x, float *y, int64_t n);
void gk_dequant_tq2_0_avx2(const void *x, float *y, int64_t n);
void gk_dequant_mxfp4_avx2(const void *x, float *y, int64_t n);
void gk_dequant_nvfp4_avx2(const void *x, float *y, int64_t n);
void gk_dequant_q1_0_avx2(const void *x, float *y, int64_t n);
void gk_dequant_q2_0_avx2(const void *x, float *y, int64_t n);

const gk_dequant_fn gk_dequant_table_avx2[GK_TYPE_COUNT] = {
    /* float, legacy and K types */
    [GK_TYPE_F32] = gk_dequant_f32_avx2,
    [GK_TYPE_F16] = gk_dequant_f16_avx2,
    [GK_TYPE_BF16] = gk_dequant_bf16_avx2,
    [GK_TYPE_Q4_0] = gk_dequant_q4_0_avx2,
    [GK_TYPE_Q4_1] = gk_dequant_q4_1_avx2,
    [GK_TYPE_Q5_0] = gk_dequant_q5_0_avx2,
    [GK_TYPE_Q5_1] = gk_dequant_q5_1_avx2,
    [GK_TYPE_Q8_0] = gk_dequant_q8_0_avx2,
    [GK_TYPE_Q8_1] = gk_dequant_q8_1_avx2,
    [GK_TYPE_Q2_K] = gk_dequant_q2_K_avx2,
    [GK_TYPE_Q3_K] = gk_dequant_q3_K_avx2,
    [GK_TYPE_Q4_K] = gk_dequant_q4_K_avx2,
    [GK_TYPE_Q5_K] = gk_dequant_q5_K_avx2,
    [GK_TYPE_Q6_K] = gk_dequant_q6_K_avx2,
    [GK_TYPE_Q8_K] = gk_dequant_q8_K_avx2,
    /* IQ, ternary, FP4, Q1_0/Q2_0 (dequant_simd) */
    [GK_TYPE_IQ1_S] = gk_dequant_iq1_s_avx2,
    [GK_TYPE_IQ1_M] = gk_dequant_iq1_m_avx2,
    [GK_TYPE_IQ2_XXS] = gk_dequant_iq2_xxs_avx2,
    [GK_TYPE_IQ2_XS] = gk_dequant_iq2_xs_avx2,
    [GK_TYPE_IQ2_S] = gk_dequant_iq2_s_avx2,
    [GK_TYPE_IQ3_XXS] = gk_dequant_iq3_xxs_avx2,
    [GK_TYPE_IQ3_S] = gk_dequant_iq3_s_avx2,
    [GK_TYPE_IQ4_NL] = gk_dequant_iq4_nl_avx2,
    [GK_TYPE_IQ4_XS] = gk_dequant_iq4_xs_avx2,
    [GK_TYPE_TQ1_0] = gk_dequant_tq1_0_avx2,
    [GK_TYPE_TQ2_0] = gk_dequant_tq2_0_avx2,
    [GK_TYPE_MXFP4] = gk_dequant_mxfp4_avx2,
    [GK_TYPE_NVFP4] = gk_dequant_nvfp4_avx2,
    [GK_TYPE_Q1_0] = gk_dequant_q1_0_avx2,
    [GK_TYPE_Q2_0] = gk_dequant_q2_0_avx2,
};
