/* The vecdot kernels of the neon_dotprod tier, by type id. NULL: inherit from the tier below. */
#include "ggufkit/gk_kernels.h"

/* Kernels of this family in this tier (defined in this folder; bodies shared by both aarch64
 * tiers in ../neon/vecdot_<family>_neon.h). */
/* legacy 32-element types (vecdot_legacy_neon_dotprod.c) */
void gk_vecdot_q4_0_q8_0_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_q4_1_q8_1_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_q5_0_q8_0_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_q5_1_q8_1_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_q8_0_q8_0_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
/* K-quants (vecdot_k_neon_dotprod.c) */
void gk_vecdot_q2_K_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_q3_K_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_q4_K_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_q5_K_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_q6_K_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
/* 4-bit lookup-table types (vecdot_iq4_neon_dotprod.c) */
void gk_vecdot_iq4_nl_q8_0_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_mxfp4_q8_0_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_nvfp4_q8_0_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_iq4_xs_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
/* ternary types (vecdot_tq_neon_dotprod.c) */
void gk_vecdot_tq1_0_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_tq2_0_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
/* IQ grid types (vecdot_iq_neon_dotprod.c) */
void gk_vecdot_iq2_xxs_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_iq2_xs_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_iq2_s_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_iq3_xxs_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_iq3_s_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_iq1_s_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_iq1_m_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
/* Q1_0 / Q2_0 (vecdot_q1q2_neon_dotprod.c) */
void gk_vecdot_q1_0_q8_0_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_q2_0_q8_0_neon_dotprod(int64_t n, float *s, const void *x, const void *y);

const gk_vecdot_fn gk_vecdot_table_neon_dotprod[GK_TYPE_COUNT] = {
    [GK_TYPE_Q4_0] = gk_vecdot_q4_0_q8_0_neon_dotprod,
    [GK_TYPE_Q4_1] = gk_vecdot_q4_1_q8_1_neon_dotprod,
    [GK_TYPE_Q5_0] = gk_vecdot_q5_0_q8_0_neon_dotprod,
    [GK_TYPE_Q5_1] = gk_vecdot_q5_1_q8_1_neon_dotprod,
    [GK_TYPE_Q8_0] = gk_vecdot_q8_0_q8_0_neon_dotprod,
    [GK_TYPE_Q2_K] = gk_vecdot_q2_K_q8_K_neon_dotprod,
    [GK_TYPE_Q3_K] = gk_vecdot_q3_K_q8_K_neon_dotprod,
    [GK_TYPE_Q4_K] = gk_vecdot_q4_K_q8_K_neon_dotprod,
    [GK_TYPE_Q5_K] = gk_vecdot_q5_K_q8_K_neon_dotprod,
    [GK_TYPE_Q6_K] = gk_vecdot_q6_K_q8_K_neon_dotprod,
    [GK_TYPE_IQ4_NL] = gk_vecdot_iq4_nl_q8_0_neon_dotprod,
    [GK_TYPE_MXFP4] = gk_vecdot_mxfp4_q8_0_neon_dotprod,
    [GK_TYPE_NVFP4] = gk_vecdot_nvfp4_q8_0_neon_dotprod,
    [GK_TYPE_IQ4_XS] = gk_vecdot_iq4_xs_q8_K_neon_dotprod,
    [GK_TYPE_TQ1_0] = gk_vecdot_tq1_0_q8_K_neon_dotprod,
    [GK_TYPE_TQ2_0] = gk_vecdot_tq2_0_q8_K_neon_dotprod,
    [GK_TYPE_IQ2_XXS] = gk_vecdot_iq2_xxs_q8_K_neon_dotprod,
    [GK_TYPE_IQ2_XS] = gk_vecdot_iq2_xs_q8_K_neon_dotprod,
    [GK_TYPE_IQ2_S] = gk_vecdot_iq2_s_q8_K_neon_dotprod,
    [GK_TYPE_IQ3_XXS] = gk_vecdot_iq3_xxs_q8_K_neon_dotprod,
    [GK_TYPE_IQ3_S] = gk_vecdot_iq3_s_q8_K_neon_dotprod,
    [GK_TYPE_IQ1_S] = gk_vecdot_iq1_s_q8_K_neon_dotprod,
    [GK_TYPE_IQ1_M] = gk_vecdot_iq1_m_q8_K_neon_dotprod,
    [GK_TYPE_Q1_0] = gk_vecdot_q1_0_q8_0_neon_dotprod,
    [GK_TYPE_Q2_0] = gk_vecdot_q2_0_q8_0_neon_dotprod,
};

/* Repacked rows (gk_repack.h), by source type (vecdot_rp_neon*.c). */
void gk_vecdot_rp_iq1_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_rp_iq2_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_rp_iq3_xxs_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_rp_iq3_s_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y);
const gk_vecdot_fn gk_vecdot_rp_table_neon_dotprod[GK_TYPE_COUNT] = {
    [GK_TYPE_IQ1_S] = gk_vecdot_rp_iq1_q8_K_neon_dotprod,
    [GK_TYPE_IQ1_M] = gk_vecdot_rp_iq1_q8_K_neon_dotprod,
    [GK_TYPE_IQ2_XXS] = gk_vecdot_rp_iq2_q8_K_neon_dotprod,
    [GK_TYPE_IQ2_XS] = gk_vecdot_rp_iq2_q8_K_neon_dotprod,
    [GK_TYPE_IQ2_S] = gk_vecdot_rp_iq2_q8_K_neon_dotprod,
    [GK_TYPE_IQ3_XXS] = gk_vecdot_rp_iq3_xxs_q8_K_neon_dotprod,
    [GK_TYPE_IQ3_S] = gk_vecdot_rp_iq3_s_q8_K_neon_dotprod,
};
