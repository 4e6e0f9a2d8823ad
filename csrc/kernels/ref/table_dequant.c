/* The dequant kernels of the ref tier, by type id: every type has one (the scalar oracle). */
#include "ggufkit/gk_kernels.h"

/* Kernels of this family in this tier (defined in this folder). */
void gk_dequant_f32_ref(const void *x, float *y, int64_t n);
void gk_dequant_f16_ref(const void *x, float *y, int64_t n);
void gk_dequant_bf16_ref(const void *x, float *y, int64_t n);
void gk_dequant_f64_ref(const void *x, float *y, int64_t n);
void gk_dequant_i8_ref(const void *x, float *y, int64_t n);
void gk_dequant_i16_ref(const void *x, float *y, int64_t n);
void gk_dequant_i32_ref(const void *x, float *y, int64_t n);
void gk_dequant_i64_ref(const void *x, float *y, int64_t n);
void gk_dequant_q4_0_ref(const void *x, float *y, int64_t n);
void gk_dequant_q4_1_ref(const void *x, float *y, int64_t n);
void gk_dequant_q5_0_ref(const void *x, float *y, int64_t n);
void gk_dequant_q5_1_ref(const void *x, float *y, int64_t n);
void gk_dequant_q8_0_ref(const void *x, float *y, int64_t n);
void gk_dequant_q8_1_ref(const void *x, float *y, int64_t n);
void gk_dequant_q2_K_ref(const void *x, float *y, int64_t n);
void gk_dequant_q3_K_ref(const void *x, float *y, int64_t n);
void gk_dequant_q4_K_ref(const void *x, float *y, int64_t n);
void gk_dequant_q5_K_ref(const void *x, float *y, int64_t n);
void gk_dequant_q6_K_ref(const void *x, float *y, int64_t n);
void gk_dequant_q8_K_ref(const void *x, float *y, int64_t n);
void gk_dequant_iq2_xxs_ref(const void *x, float *y, int64_t n);
void gk_dequant_iq2_xs_ref(const void *x, float *y, int64_t n);
void gk_dequant_iq2_s_ref(const void *x, float *y, int64_t n);
void gk_dequant_iq3_xxs_ref(const void *x, float *y, int64_t n);
void gk_dequant_iq3_s_ref(const void *x, float *y, int64_t n);
void gk_dequant_iq1_s_ref(const void *x, float *y, int64_t n);
void gk_dequant_iq1_m_ref(const void *x, float *y, int64_t n);
void gk_dequant_iq4_nl_ref(const void *x, float *y, int64_t n);
void gk_dequant_iq4_xs_ref(const void *x, float *y, int64_t n);
void gk_dequant_tq1_0_ref(const void *x, float *y, int64_t n);
void gk_dequant_tq2_0_ref(const void *x, float *y, int64_t n);
void gk_dequant_mxfp4_ref(const void *x, float *y, int64_t n);
void gk_dequant_nvfp4_ref(const void *x, float *y, int64_t n);
void gk_dequant_q1_0_ref(const void *x, float *y, int64_t n);
void gk_dequant_q2_0_ref(const void *x, float *y, int64_t n);

const gk_dequant_fn gk_dequant_table_ref[GK_TYPE_COUNT] = {
    [GK_TYPE_F32] = gk_dequant_f32_ref,
    [GK_TYPE_F16] = gk_dequant_f16_ref,
    [GK_TYPE_BF16] = gk_dequant_bf16_ref,
    [GK_TYPE_F64] = gk_dequant_f64_ref,
    [GK_TYPE_I8] = gk_dequant_i8_ref,
    [GK_TYPE_I16] = gk_dequant_i16_ref,
    [GK_TYPE_I32] = gk_dequant_i32_ref,
    [GK_TYPE_I64] = gk_dequant_i64_ref,
    [GK_TYPE_Q4_0] = gk_dequant_q4_0_ref,
    [GK_TYPE_Q4_1] = gk_dequant_q4_1_ref,
    [GK_TYPE_Q5_0] = gk_dequant_q5_0_ref,
    [GK_TYPE_Q5_1] = gk_dequant_q5_1_ref,
    [GK_TYPE_Q8_0] = gk_dequant_q8_0_ref,
    [GK_TYPE_Q8_1] = gk_dequant_q8_1_ref,
    [GK_TYPE_Q2_K] = gk_dequant_q2_K_ref,
    [GK_TYPE_Q3_K] = gk_dequant_q3_K_ref,
    [GK_TYPE_Q4_K] = gk_dequant_q4_K_ref,
    [GK_TYPE_Q5_K] = gk_dequant_q5_K_ref,
    [GK_TYPE_Q6_K] = gk_dequant_q6_K_ref,
    [GK_TYPE_Q8_K] = gk_dequant_q8_K_ref,
    [GK_TYPE_IQ2_XXS] = gk_dequant_iq2_xxs_ref,
    [GK_TYPE_IQ2_XS] = gk_dequant_iq2_xs_ref,
    [GK_TYPE_IQ2_S] = gk_dequant_iq2_s_ref,
    [GK_TYPE_IQ3_XXS] = gk_dequant_iq3_xxs_ref,
    [GK_TYPE_IQ3_S] = gk_dequant_iq3_s_ref,
    [GK_TYPE_IQ1_S] = gk_dequant_iq1_s_ref,
    [GK_TYPE_IQ1_M] = gk_dequant_iq1_m_ref,
    [GK_TYPE_IQ4_NL] = gk_dequant_iq4_nl_ref,
    [GK_TYPE_IQ4_XS] = gk_dequant_iq4_xs_ref,
    [GK_TYPE_TQ1_0] = gk_dequant_tq1_0_ref,
    [GK_TYPE_TQ2_0] = gk_dequant_tq2_0_ref,
    [GK_TYPE_MXFP4] = gk_dequant_mxfp4_ref,
    [GK_TYPE_NVFP4] = gk_dequant_nvfp4_ref,
    [GK_TYPE_Q1_0] = gk_dequant_q1_0_ref,
    [GK_TYPE_Q2_0] = gk_dequant_q2_0_ref,
};
