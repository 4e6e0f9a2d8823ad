/* vec_dot and gemm kernels of the avx512_vnni tier: the shared x86 kernels of avx2/x86_dot.h with vpdpbusd. */
#define GK_X86_VNNI 1
#include "../avx2/x86_dot.h"

GK_X86_DEFINE(gk_k_f32, f32_f32, avx512_vnni)
GK_X86_DEFINE(gk_k_f16, f16_f16, avx512_vnni)
GK_X86_DEFINE(gk_k_bf16, bf16_bf16, avx512_vnni)
GK_X86_DEFINE(gk_k_q8_0, q8_0_q8_0, avx512_vnni)
GK_X86_DEFINE(gk_k_q4_0, q4_0_q8_0, avx512_vnni)
GK_X86_DEFINE(gk_k_q5_0, q5_0_q8_0, avx512_vnni)
GK_X86_DEFINE(gk_k_q4_1, q4_1_q8_1, avx512_vnni)
GK_X86_DEFINE(gk_k_q5_1, q5_1_q8_1, avx512_vnni)
GK_X86_DEFINE(gk_k_iq4_nl, iq4_nl_q8_0, avx512_vnni)
GK_X86_DEFINE(gk_k_mxfp4, mxfp4_q8_0, avx512_vnni)
GK_X86_DEFINE(gk_k_q4_K, q4_K_q8_K, avx512_vnni)
GK_X86_DEFINE(gk_k_q5_K, q5_K_q8_K, avx512_vnni)
GK_X86_DEFINE(gk_k_q6_K, q6_K_q8_K, avx512_vnni)
GK_X86_DEFINE(gk_k_iq4_xs, iq4_xs_q8_K, avx512_vnni)
GK_X86_DEFINE(gk_k_tq2_0, tq2_0_q8_K, avx512_vnni)
