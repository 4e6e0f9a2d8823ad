/* vec_dot of the ternary types with Q8_K activations, neon_dotprod tier. The bodies are in
 * ../neon/vecdot_tq_neon.h, shared with the neon tier; here __ARM_FEATURE_DOTPROD selects vdotq_s32. */
#include "../neon/vecdot_tq_neon.h"

void gk_vecdot_tq1_0_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_tq1_0_q8_K(n, s, x, y); }
void gk_vecdot_tq2_0_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_tq2_0_q8_K(n, s, x, y); }
