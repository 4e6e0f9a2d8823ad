/* The vecdot kernels of the avx512 tier, by type id. NULL: inherit from the tier below. */
#include "ggufkit/gk_kernels.h"

/* Kernels of this family in this tier (defined in this folder). */
void gk_vecdot_f16_f16_avx512(int64_t n, float *s, const void *x, const void *y);
void gk_vecdot_bf16_bf16_avx512(int64_t n, float *s, const void *x, const void *y);

const gk_vecdot_fn gk_vecdot_table_avx512[GK_TYPE_COUNT] = {
    [GK_TYPE_F16] = gk_vecdot_f16_f16_avx512,
    [GK_TYPE_BF16] = gk_vecdot_bf16_bf16_avx512,
};
