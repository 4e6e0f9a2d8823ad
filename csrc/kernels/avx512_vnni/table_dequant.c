/* The dequant kernels of the avx512_vnni tier, by type id. NULL: inherit from the tier below. */
#include "ggufkit/gk_kernels.h"

/* Kernels of this family in this tier (defined in this folder). */

/* IQ, ternary, FP4, Q1_0/Q2_0 (dequant_simd): dequant_iq_avx512_vnni.c; the rest inherit the avx512 tier */
void gk_dequant_iq3_xxs_avx512_vnni(const void *x, float *y, int64_t n);
void gk_dequant_iq3_s_avx512_vnni(const void *x, float *y, int64_t n);

const gk_dequant_fn gk_dequant_table_avx512_vnni[GK_TYPE_COUNT] = {
    0,
    /* IQ, ternary, FP4, Q1_0/Q2_0 (dequant_simd) */
    [GK_TYPE_IQ3_XXS] = gk_dequant_iq3_xxs_avx512_vnni,
    [GK_TYPE_IQ3_S] = gk_dequant_iq3_s_avx512_vnni,
};
