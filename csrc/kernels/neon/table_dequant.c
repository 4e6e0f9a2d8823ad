/* The dequant kernels of the neon tier, by type id. NULL: inherit from the tier below. */
#include "ggufkit/gk_kernels.h"

/* Kernels of this family in this tier (defined in this folder). */
/* float, legacy and K types (dequant_{float,legacy,k}_neon.c) */
void gk_dequant_f16_neon(const void *x, float *y, int64_t n);
void gk_dequant_bf16_neon(const void *x, float *y, int64_t n);
void gk_dequant_q4_0_neon(const void *x, float *y, int64_t n);
void gk_dequant_q4_1_neon(const void *x, float *y, int64_t n);
void gk_dequant_q5_0_neon(const void *x, float *y, int64_t n);
void gk_dequant_q5_1_neon(const void *x, float *y, int64_t n);
void gk_dequant_q8_0_neon(const void *x, float *y, int64_t n);
void gk_dequant_q8_1_neon(const void *x, float *y, int64_t n);
void gk_dequant_q2_K_neon(const void *x, float *y, int64_t n);
void gk_dequant_q3_K_neon(const void *x, float *y, int64_t n);
void gk_dequant_q4_K_neon(const void *x, float *y, int64_t n);
void gk_dequant_q5_K_neon(const void *x, float *y, int64_t n);
void gk_dequant_q6_K_neon(const void *x, float *y, int64_t n);
void gk_dequant_q8_K_neon(const void *x, float *y, int64_t n);

/* 4-bit lookup-table, ternary and 1/2-bit types (dequant_{iq4,tq,q1q2}_neon.c) */
void gk_dequant_iq4_nl_neon(const void *x, float *y, int64_t n);
void gk_dequant_iq4_xs_neon(const void *x, float *y, int64_t n);
void gk_dequant_mxfp4_neon(const void *x, float *y, int64_t n);
void gk_dequant_nvfp4_neon(const void *x, float *y, int64_t n);
void gk_dequant_tq1_0_neon(const void *x, float *y, int64_t n);
void gk_dequant_tq2_0_neon(const void *x, float *y, int64_t n);
void gk_dequant_q1_0_neon(const void *x, float *y, int64_t n);
void gk_dequant_q2_0_neon(const void *x, float *y, int64_t n);

/* IQ grid types (dequant_iq_neon.c) */
void gk_dequant_iq2_xxs_neon(const void *x, float *y, int64_t n);
void gk_dequant_iq2_xs_neon(const void *x, float *y, int64_t n);
void gk_dequant_iq2_s_neon(const void *x, float *y, int64_t n);
void gk_dequant_iq3_xxs_neon(const void *x, float *y, int64_t n);
void gk_dequant_iq3_s_neon(const void *x, float *y, int64_t n);
void gk_dequant_iq1_s_neon(const void *x, float *y, int64_t n);
void gk_dequant_iq1_m_neon(const void *x, float *y, int64_t n);

const gk_dequant_fn gk_dequant_table_neon[GK_TYPE_COUNT] = {
    /* float, legacy and K types */
    [GK_TYPE_F16] = gk_dequant_f16_neon,
    [GK_TYPE_BF16] = gk_dequant_bf16_neon,
    [GK_TYPE_Q4_0] = gk_dequant_q4_0_neon,
    [GK_TYPE_Q4_1] = gk_dequant_q4_1_neon,
    [GK_TYPE_Q5_0] = gk_dequant_q5_0_neon,
    [GK_TYPE_Q5_1] = gk_dequant_q5_1_neon,
    [GK_TYPE_Q8_0] = gk_dequant_q8_0_neon,
    [GK_TYPE_Q8_1] = gk_dequant_q8_1_neon,
    [GK_TYPE_Q2_K] = gk_dequant_q2_K_neon,
    [GK_TYPE_Q3_K] = gk_dequant_q3_K_neon,
    [GK_TYPE_Q4_K] = gk_dequant_q4_K_neon,
    [GK_TYPE_Q5_K] = gk_dequant_q5_K_neon,
    [GK_TYPE_Q6_K] = gk_dequant_q6_K_neon,
    [GK_TYPE_Q8_K] = gk_dequant_q8_K_neon,
    /* 4-bit lookup-table, ternary and 1/2-bit types */
    [GK_TYPE_IQ4_NL] = gk_dequant_iq4_nl_neon,
    [GK_TYPE_IQ4_XS] = gk_dequant_iq4_xs_neon,
    [GK_TYPE_MXFP4] = gk_dequant_mxfp4_neon,
    [GK_TYPE_NVFP4] = gk_dequant_nvfp4_neon,
    [GK_TYPE_TQ1_0] = gk_dequant_tq1_0_neon,
    [GK_TYPE_TQ2_0] = gk_dequant_tq2_0_neon,
    [GK_TYPE_Q1_0] = gk_dequant_q1_0_neon,
    [GK_TYPE_Q2_0] = gk_dequant_q2_0_neon,
    /* IQ grid types */
    [GK_TYPE_IQ2_XXS] = gk_dequant_iq2_xxs_neon,
    [GK_TYPE_IQ2_XS] = gk_dequant_iq2_xs_neon,
    [GK_TYPE_IQ2_S] = gk_dequant_iq2_s_neon,
    [GK_TYPE_IQ3_XXS] = gk_dequant_iq3_xxs_neon,
    [GK_TYPE_IQ3_S] = gk_dequant_iq3_s_neon,
    [GK_TYPE_IQ1_S] = gk_dequant_iq1_s_neon,
    [GK_TYPE_IQ1_M] = gk_dequant_iq1_m_neon,
};
