/* vec_dot and gemm kernels of the avx512_vnni tier: the shared x86 kernels of avx2/x86_dot.h and
 * avx2/x86_dot_iq.h with vpdpbusd for the u8 x s8 dot products. */
#define GK_X86_VNNI 1
#include "../avx2/x86_dot_iq.h"

/* f32_f32: inherited from avx512/vecdot_float_avx512.c */
/* f16_f16: inherited from avx512/vecdot_float_avx512.c */
/* bf16_bf16: inherited from avx512/vecdot_float_avx512.c */
/* q8_0_q8_0: vec_dot in vecdot_legacy_avx512_vnni.c, gemm in gemm_packed_avx512_vnni.c */
/* q4_0_q8_0: vec_dot in vecdot_legacy_avx512_vnni.c, gemm in gemm_packed_avx512_vnni.c */
/* q5_0_q8_0: vec_dot in vecdot_legacy_avx512_vnni.c, gemm in gemm_packed_avx512_vnni.c */
/* q4_1_q8_1: vec_dot in vecdot_legacy_avx512_vnni.c, gemm in gemm_packed_avx512_vnni.c */
/* q5_1_q8_1: vec_dot in vecdot_legacy_avx512_vnni.c, gemm in gemm_packed_avx512_vnni.c */
/* iq4_nl_q8_0: vec_dot in vecdot_legacy_avx512_vnni.c, gemm in gemm_packed_avx512_vnni.c */
/* mxfp4_q8_0: vec_dot in vecdot_legacy_avx512_vnni.c, gemm in gemm_packed_avx512_vnni.c */
/* q2_K_q8_K: vec_dot in vecdot_k_avx512_vnni.c, gemm in gemm_packed_avx512_vnni.c */
/* q3_K_q8_K: vec_dot in vecdot_k_avx512_vnni.c, gemm in gemm_packed_avx512_vnni.c */
/* q4_K_q8_K: vec_dot in vecdot_k_avx512_vnni.c, gemm in gemm_packed_avx512_vnni.c */
/* q5_K_q8_K: vec_dot in vecdot_k_avx512_vnni.c, gemm in gemm_packed_avx512_vnni.c */
/* q6_K_q8_K: vec_dot in vecdot_k_avx512_vnni.c, gemm in gemm_packed_avx512_vnni.c */
/* iq4_xs_q8_K: vec_dot in vecdot_k_avx512_vnni.c, gemm in gemm_packed_avx512_vnni.c */
/* tq2_0_q8_K: vec_dot in vecdot_k_avx512_vnni.c, gemm in gemm_packed_avx512_vnni.c */
