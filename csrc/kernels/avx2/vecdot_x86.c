/* vec_dot and gemm kernels of the avx2 tier: the shared x86 kernels of avx2/x86_dot.h and
 * avx2/x86_dot_iq.h. */
#include "x86_dot_iq.h"

GK_X86_DEFINE_VECDOT(gk_k_f32, f32_f32, avx2) /* gemm: gemm_float_avx2.c */
GK_X86_DEFINE_VECDOT(gk_k_f16, f16_f16, avx2) /* gemm: gemm_float_avx2.c */
GK_X86_DEFINE_VECDOT(gk_k_bf16, bf16_bf16, avx2) /* gemm: gemm_float_avx2.c */
GK_X86_DEFINE_VECDOT(gk_k_q8_0, q8_0_q8_0, avx2) /* gemm: gemm_packed_avx2.c */
GK_X86_DEFINE_VECDOT(gk_k_q4_0, q4_0_q8_0, avx2) /* gemm: gemm_packed_avx2.c (m = 1: gemv_legacy_avx2.c) */
GK_X86_DEFINE_VECDOT(gk_k_q5_0, q5_0_q8_0, avx2) /* gemm: gemm_packed_avx2.c (m = 1: gemv_legacy_avx2.c) */
GK_X86_DEFINE_VECDOT(gk_k_q4_1, q4_1_q8_1, avx2) /* gemm: gemm_packed_avx2.c (m = 1: gemv_legacy_avx2.c) */
GK_X86_DEFINE_VECDOT(gk_k_q5_1, q5_1_q8_1, avx2) /* gemm: gemm_packed_avx2.c (m = 1: gemv_legacy_avx2.c) */
GK_X86_DEFINE_VECDOT(gk_k_q2_0, q2_0_q8_0, avx2) /* gemm: gemm_packed_avx2.c */
GK_X86_DEFINE_VECDOT(gk_k_q4_K, q4_K_q8_K, avx2) /* gemm: gemm_packed_avx2.c */
GK_X86_DEFINE_VECDOT(gk_k_q5_K, q5_K_q8_K, avx2) /* gemm: gemm_packed_avx2.c */
/* TQ2_0, Q2_K, Q3_K, Q6_K: vecdot_k_avx2.c (gemm: gemm_packed_avx2.c) */
/* IQ4_NL, MXFP4, IQ4_XS: vecdot_nl4_avx2.c (gemm: gemm_packed_avx2.c) */
