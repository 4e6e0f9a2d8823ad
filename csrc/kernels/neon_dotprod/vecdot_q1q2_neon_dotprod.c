/* vec_dot of Q1_0 and Q2_0 with Q8_0 activations, neon_dotprod tier. The bodies are in
 * ../neon/vecdot_q1q2_neon.h, shared with the neon tier; here __ARM_FEATURE_DOTPROD selects vdotq_s32. */
#include "../neon/vecdot_q1q2_neon.h"

void gk_vecdot_q1_0_q8_0_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q1_0_q8_0(n, s, x, y); }
void gk_vecdot_q2_0_q8_0_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q2_0_q8_0(n, s, x, y); }
