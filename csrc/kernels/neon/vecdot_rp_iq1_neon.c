/* vec_dot of repacked IQ1 rows with Q8_K activations, neon tier. The body is in vecdot_rp_iq1_neon.h,
 * shared with neon_dotprod (sdot there); here int8 dots by vmull_s8 + vpadalq_s16. */
#include "vecdot_rp_iq1_neon.h"

void gk_vecdot_rp_iq1_q8_K_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_rp_iq1_q8_K(n, s, x, y); }
