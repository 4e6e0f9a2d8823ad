/* Shared pieces of the reference quantizers (quant_*.c): ggml's rounding trick and the scale-search
 * helpers (defined once, in quant_k.c, compiled at baseline flags). SIMD tiers may call them too.
 * static inline helpers and plain prototypes only. */
#ifndef GK_QUANT_REF_H
#define GK_QUANT_REF_H
#include <stdint.h>
#include <string.h>
#include <stddef.h>
#include "blocks.h"
#include "fp16.h"

#define GK_GROUP_MAX_EPS 1e-15f

#define GK_MIN(a, b) ((a) < (b) ? (a) : (b))
#define GK_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Round to the nearest integer, ties to even, by adding 1.5 * 2^23 (ggml's nearest_int; valid for
 * |fval| <= 4194303, and deterministic garbage beyond, exactly as in ggml). */
static inline int gk_nearest_int(float fval) {
    float val = fval + 12582912.f;
    int i;
    memcpy(&i, &val, sizeof(int));
    return (i & 0x007fffff) - 0x00400000;
}

/* ggml's scale searches (same names without the gk_ prefix and _ref suffix in ggml-quants.c). */
float gk_make_qx_quants_ref(int n, int nmax, const float *x, int8_t *L, int rmse_type, const float *qw);
float gk_make_q3_quants_ref(int n, int nmax, const float *x, int8_t *L, int do_rmse);
float gk_make_qkx2_quants_ref(int n, int nmax, const float *x, const float *weights, uint8_t *L,
                              float *the_min, uint8_t *Laux, float rmin, float rdelta, int nstep, int use_mad);
float gk_make_qkx3_quants_ref(int n, int nmax, const float *x, const float *weights, uint8_t *L,
                              float *the_min, uint8_t *Laux, float rmin, float rdelta, int nstep, int use_mad);
float gk_make_qp_quants_ref(int n, int nmax, const float *x, uint8_t *L, const float *quant_weights);


/* The scale quantization of the K quantizers (quant_k.c): from the sub-block scales (and mins, and
 * for the imatrix paths the sub-block weight sums sw) found by a search, set the block's d (dmin) and
 * packed sub-block scales. SIMD tiers reuse them between their own search and requantization. */
void gk_q2_K_scales_ref(gk_block_q2_K *y, const float *scales, const float *mins);
void gk_q2_K_scales_imatrix_ref(gk_block_q2_K *y, const float *scales, const float *mins, const float *sw);
void gk_q3_K_scales_ref(gk_block_q3_K *y, const float *scales);
void gk_q3_K_scales_imatrix_ref(gk_block_q3_K *y, const float *scales, const float *sw);
void gk_k4_scales_ref(const float *scales, const float *mins, uint8_t *yscales, gk_half *yd, gk_half *ydmin);
void gk_k4_scales_imatrix_ref(const float *scales, const float *mins, const float *sw, int nmax, uint8_t *yscales,
                              gk_half *yd, gk_half *ydmin);
int gk_q6_K_scales_ref(gk_block_q6_K *y, const float *scales); /* 0: all-zero block, fully written */

#endif
