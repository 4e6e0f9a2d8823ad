/* vec_dot of the legacy 32-element types, neon_dotprod tier (sdot). The bodies are shared with the
 * neon tier: ../neon/vecdot_legacy_neon.h, where __ARM_FEATURE_DOTPROD selects vdotq_s32. */
#include "../neon/vecdot_legacy_neon.h"

void gk_vecdot_q8_0_q8_0_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q8_0_q8_0(n, s, x, y); }
void gk_vecdot_q4_0_q8_0_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q4_0_q8_0(n, s, x, y); }
void gk_vecdot_q4_1_q8_1_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q4_1_q8_1(n, s, x, y); }
void gk_vecdot_q5_0_q8_0_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q5_0_q8_0(n, s, x, y); }
void gk_vecdot_q5_1_q8_1_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q5_1_q8_1(n, s, x, y); }
