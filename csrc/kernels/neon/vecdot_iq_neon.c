/* vec_dot of the IQ grid types with Q8_K activations, neon tier. The bodies are in
 * vecdot_iq_neon.h, shared with neon_dotprod (sdot there); here int8 dots by vmull_s8 + vpadalq_s16. */
#include "vecdot_iq_neon.h"

void gk_vecdot_iq2_xxs_q8_K_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_iq2_xxs_q8_K(n, s, x, y); }
void gk_vecdot_iq2_xs_q8_K_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_iq2_xs_q8_K(n, s, x, y); }
void gk_vecdot_iq2_s_q8_K_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_iq2_s_q8_K(n, s, x, y); }
void gk_vecdot_iq3_xxs_q8_K_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_iq3_xxs_q8_K(n, s, x, y); }
void gk_vecdot_iq3_s_q8_K_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_iq3_s_q8_K(n, s, x, y); }
void gk_vecdot_iq1_s_q8_K_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_iq1_s_q8_K(n, s, x, y); }
void gk_vecdot_iq1_m_q8_K_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_iq1_m_q8_K(n, s, x, y); }
