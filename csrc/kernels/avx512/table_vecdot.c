/* The vecdot kernels of the avx512 tier, by type id. NULL: inherit from the tier below. */
#include "ggufkit/gk_kernels.h"

/* Kernels of this family in this tier (defined in this folder). */
void gk_vecdot_f32_f32_avx512(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_bf16_bf16_avx512(int64_t n, float *s, const void *x, const void *y);

/* IQ, TQ1_0, Q1_0/Q2_0, NVFP4 (vecdot_iq) */
void gk_vecdot_iq2_s_q8_K_avx512(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_iq1_s_q8_K_avx512(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_iq1_m_q8_K_avx512(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_q1_0_q8_0_avx512(int64_t n, float *s, const void *x, const void *y);

const gk_vecdot_fn gk_vecdot_table_avx512[GK_TYPE_COUNT] = {
    [GK_TYPE_F32] = gk_vecdot_f32_f32_avx512,
    /* F16: the avx2 tier's kernel (see vecdot_float_avx512.c) */
    [GK_TYPE_BF16] = gk_vecdot_bf16_bf16_avx512,
    /* IQ, TQ1_0, Q1_0/Q2_0, NVFP4 (vecdot_iq) */
    [GK_TYPE_IQ2_S] = gk_vecdot_iq2_s_q8_K_avx512,
    [GK_TYPE_IQ1_S] = gk_vecdot_iq1_s_q8_K_avx512,
    [GK_TYPE_IQ1_M] = gk_vecdot_iq1_m_q8_K_avx512,
    [GK_TYPE_Q1_0] = gk_vecdot_q1_0_q8_0_avx512,
};

/* Repacked rows (gk_repack.h), by source type. */
void gk_vecdot_rp_iq2_q8_K_avx512(int64_t n, float *s, const void *x, const void *y);
const gk_vecdot_fn gk_vecdot_rp_table_avx512[GK_TYPE_COUNT] = {
    0, /* entries below; the rest inherit */
    [GK_TYPE_IQ2_XXS] = gk_vecdot_rp_iq2_q8_K_avx512,
    [GK_TYPE_IQ2_XS] = gk_vecdot_rp_iq2_q8_K_avx512,
    [GK_TYPE_IQ2_S] = gk_vecdot_rp_iq2_q8_K_avx512,
};
