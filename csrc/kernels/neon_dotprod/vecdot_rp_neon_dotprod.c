/* vec_dot of the repacked layouts, neon_dotprod tier: the bodies of ../neon/vecdot_rp_neon.h with sdot. */
#include "../neon/vecdot_rp_neon.h"

void gk_vecdot_rp_iq1_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_rp_iq1_q8_K(n, s, x, y); }
void gk_vecdot_rp_iq2_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_rp_iq2_q8_K(n, s, x, y); }
void gk_vecdot_rp_iq3_xxs_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_rp_iq3_xxs_q8_K(n, s, x, y); }
void gk_vecdot_rp_iq3_s_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_rp_iq3_s_q8_K(n, s, x, y); }
