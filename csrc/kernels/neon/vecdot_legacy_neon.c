/* vec_dot of the legacy 32-element types, neon tier (baseline ARMv8: int8 dots by vmull_s8 and
 * pairwise widening adds). The bodies are in vecdot_legacy_neon.h, shared with neon_dotprod. */
#include "vecdot_legacy_neon.h"

void gk_vecdot_q8_0_q8_0_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q8_0_q8_0(n, s, x, y); }
void gk_vecdot_q4_0_q8_0_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q4_0_q8_0(n, s, x, y); }
void gk_vecdot_q4_1_q8_1_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q4_1_q8_1(n, s, x, y); }
void gk_vecdot_q5_0_q8_0_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q5_0_q8_0(n, s, x, y); }
void gk_vecdot_q5_1_q8_1_neon(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_q5_1_q8_1(n, s, x, y); }
