/* vec_dot of the 4-bit lookup-table types (IQ4_NL, MXFP4, NVFP4, IQ4_XS), neon_dotprod tier. The bodies are in
 * ../neon/vecdot_iq4_neon.h, shared with the neon tier; here __ARM_FEATURE_DOTPROD selects vdotq_s32. */
#include "../neon/vecdot_iq4_neon.h"

void gk_vecdot_iq4_nl_q8_0_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_iq4_nl_q8_0(n, s, x, y); }
void gk_vecdot_mxfp4_q8_0_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_mxfp4_q8_0(n, s, x, y); }
void gk_vecdot_nvfp4_q8_0_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_nvfp4_q8_0(n, s, x, y); }
void gk_vecdot_iq4_xs_q8_K_neon_dotprod(int64_t n, float *s, const void *x, const void *y) { gk_neon_vecdot_iq4_xs_q8_K(n, s, x, y); }
