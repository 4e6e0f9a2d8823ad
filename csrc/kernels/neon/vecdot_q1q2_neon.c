/* vec_dot of Q1_0 and Q2_0 with Q8_0 activations, neon tier. The bodies are in
 * vecdot_q1q2_neon.h, shared with neon_dotprod (sdot there); here int8 dots by vmull_s8 + vpadalq_s16. */
#include "vecdot_q1q2_neon.h"

void gk_vecdot_q1_0_q8_0_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q1_0_q8_0(n, s, x, y); }
void gk_vecdot_q2_0_q8_0_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q2_0_q8_0(n, s, x, y); }
