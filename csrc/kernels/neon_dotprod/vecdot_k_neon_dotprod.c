/* vec_dot of the K-quants with Q8_K activations, neon_dotprod tier. The bodies are in
 * ../neon/vecdot_k_neon.h, shared with the neon tier; here __ARM_FEATURE_DOTPROD selects vdotq_s32. */
#include "../neon/vecdot_k_neon.h"

void gk_vecdot_q2_K_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q2_K_q8_K(n, s, x, y); }
void gk_vecdot_q3_K_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q3_K_q8_K(n, s, x, y); }
void gk_vecdot_q4_K_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q4_K_q8_K(n, s, x, y); }
void gk_vecdot_q5_K_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q5_K_q8_K(n, s, x, y); }
void gk_vecdot_q6_K_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q6_K_q8_K(n, s, x, y); }
