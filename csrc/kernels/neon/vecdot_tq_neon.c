/* vec_dot of the ternary types with Q8_K activations, neon tier. The bodies are in
 * vecdot_tq_neon.h, shared with neon_dotprod (sdot there); here int8 dots by vmull_s8 + vpadalq_s16. */
#include "vecdot_tq_neon.h"

void gk_vecdot_tq1_0_q8_K_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_tq1_0_q8_K(n, s, x, y); }
void gk_vecdot_tq2_0_q8_K_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_tq2_0_q8_K(n, s, x, y); }
