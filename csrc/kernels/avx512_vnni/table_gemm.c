/* The gemm kernels of the avx512_vnni tier, by type id. NULL: inherit from the tier below. */
#include "ggufkit/gk_kernels.h"

/* Kernels of this family in this tier (defined in this folder). */
void gk_gemm_q8_0_q8_0_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_q4_0_q8_0_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_q5_0_q8_0_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_q4_1_q8_1_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_q5_1_q8_1_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_iq4_nl_q8_0_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_mxfp4_q8_0_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_nvfp4_q8_0_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_q1_0_q8_0_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_q2_0_q8_0_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_q2_K_q8_K_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_q3_K_q8_K_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_q4_K_q8_K_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_q5_K_q8_K_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_q6_K_q8_K_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_iq4_xs_q8_K_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_tq1_0_q8_K_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_tq2_0_q8_K_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_iq2_xxs_q8_K_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_iq2_xs_q8_K_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_iq2_s_q8_K_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_iq3_xxs_q8_K_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_iq3_s_q8_K_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_iq1_s_q8_K_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_bf16_bf16_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_iq1_m_q8_K_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);

const gk_gemm_fn gk_gemm_table_avx512_vnni[GK_TYPE_COUNT] = {
    [GK_TYPE_Q8_0] = gk_gemm_q8_0_q8_0_avx512_vnni,
    [GK_TYPE_Q4_0] = gk_gemm_q4_0_q8_0_avx512_vnni,
    [GK_TYPE_Q5_0] = gk_gemm_q5_0_q8_0_avx512_vnni,
    [GK_TYPE_Q4_1] = gk_gemm_q4_1_q8_1_avx512_vnni,
    [GK_TYPE_Q5_1] = gk_gemm_q5_1_q8_1_avx512_vnni,
    [GK_TYPE_IQ4_NL] = gk_gemm_iq4_nl_q8_0_avx512_vnni,
    [GK_TYPE_MXFP4] = gk_gemm_mxfp4_q8_0_avx512_vnni,
    [GK_TYPE_NVFP4] = gk_gemm_nvfp4_q8_0_avx512_vnni,
    [GK_TYPE_Q1_0] = gk_gemm_q1_0_q8_0_avx512_vnni,
    [GK_TYPE_Q2_0] = gk_gemm_q2_0_q8_0_avx512_vnni,
    [GK_TYPE_Q2_K] = gk_gemm_q2_K_q8_K_avx512_vnni,
    [GK_TYPE_Q3_K] = gk_gemm_q3_K_q8_K_avx512_vnni,
    [GK_TYPE_Q4_K] = gk_gemm_q4_K_q8_K_avx512_vnni,
    [GK_TYPE_Q5_K] = gk_gemm_q5_K_q8_K_avx512_vnni,
    [GK_TYPE_Q6_K] = gk_gemm_q6_K_q8_K_avx512_vnni,
    [GK_TYPE_IQ4_XS] = gk_gemm_iq4_xs_q8_K_avx512_vnni,
    [GK_TYPE_TQ1_0] = gk_gemm_tq1_0_q8_K_avx512_vnni,
    [GK_TYPE_TQ2_0] = gk_gemm_tq2_0_q8_K_avx512_vnni,
    [GK_TYPE_IQ2_XXS] = gk_gemm_iq2_xxs_q8_K_avx512_vnni,
    [GK_TYPE_IQ2_XS] = gk_gemm_iq2_xs_q8_K_avx512_vnni,
    [GK_TYPE_IQ2_S] = gk_gemm_iq2_s_q8_K_avx512_vnni,
    [GK_TYPE_IQ3_XXS] = gk_gemm_iq3_xxs_q8_K_avx512_vnni,
    [GK_TYPE_IQ3_S] = gk_gemm_iq3_s_q8_K_avx512_vnni,
    [GK_TYPE_IQ1_S] = gk_gemm_iq1_s_q8_K_avx512_vnni,
    [GK_TYPE_IQ1_M] = gk_gemm_iq1_m_q8_K_avx512_vnni,
    [GK_TYPE_BF16] = gk_gemm_bf16_bf16_avx512_vnni,
};
