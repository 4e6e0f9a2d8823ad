/* vec_dot of the IQ grid types with Q8_K activations, neon_dotprod tier. The bodies are in
 * ../neon/vecdot_iq_neon.h, shared with the neon tier; here __ARM_FEATURE_DOTPROD selects vdotq_s32. */
#include "../neon/vecdot_iq_neon.h"

void gk_vecdot_iq2_xxs_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_iq2_xxs_q8_K(n, s, x, y); }
void gk_vecdot_iq2_xs_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_iq2_xs_q8_K(n, s, x, y); }
void gk_vecdot_iq2_s_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_iq2_s_q8_K(n, s, x, y); }
void gk_vecdot_iq3_xxs_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_iq3_xxs_q8_K(n, s, x, y); }
void gk_vecdot_iq3_s_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_iq3_s_q8_K(n, s, x, y); }
void gk_vecdot_iq1_s_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_iq1_s_q8_K(n, s, x, y); }
void gk_vecdot_iq1_m_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_iq1_m_q8_K(n, s, x, y); }
