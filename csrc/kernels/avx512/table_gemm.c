/* The gemm kernels of the avx512 tier, by type id. NULL: inherit from the tier below. */
#include "ggufkit/gk_kernels.h"

/* Kernels of this family in this tier (defined in this folder). */
void gk_gemm_f16_f16_avx512(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);
void gk_gemm_bf16_bf16_avx512(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);

const gk_gemm_fn gk_gemm_table_avx512[GK_TYPE_COUNT] = {
    [GK_TYPE_F16] = gk_gemm_f16_f16_avx512,
    [GK_TYPE_BF16] = gk_gemm_bf16_bf16_avx512,
};
