/* vec_dot of the K-quants with Q8_K activations, neon tier. The bodies are in
 * vecdot_k_neon.h, shared with neon_dotprod (sdot there); here int8 dots by vmull_s8 + vpadalq_s16. */
#include "vecdot_k_neon.h"

void gk_vecdot_q2_K_q8_K_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q2_K_q8_K(n, s, x, y); }
void gk_vecdot_q3_K_q8_K_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q3_K_q8_K(n, s, x, y); }
void gk_vecdot_q4_K_q8_K_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q4_K_q8_K(n, s, x, y); }
void gk_vecdot_q5_K_q8_K_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q5_K_q8_K(n, s, x, y); }
void gk_vecdot_q6_K_q8_K_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q6_K_q8_K(n, s, x, y); }
