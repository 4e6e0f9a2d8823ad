/* vec_dot of repacked IQ1 rows with Q8_K activations, neon_dotprod tier. The body is in
 * ../neon/vecdot_rp_iq1_neon.h, shared with the neon tier; here __ARM_FEATURE_DOTPROD selects vdotq_s32. */
#include "../neon/vecdot_rp_iq1_neon.h"

void gk_vecdot_rp_iq1_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_rp_iq1_q8_K(n, s, x, y); }
