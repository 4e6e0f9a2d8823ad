/* Scalar reference quantizers for IQ3_XXS and IQ3_S, byte-identical to ggml's quantize_iq3_xxs and
 * quantize_iq3_s (ggml-quants.c), with and without an importance matrix.
 *
 * Groups of 4 magnitudes get levels 0..7 (values 1, 3, ..., 15 times a scale) that must form a point of
 * the 256 (IQ3_XXS) or 512 (IQ3_S) point grid; off-grid patterns are replaced by their best neighbour.
 * Sub-blocks of 32 try a range of scales and keep the best, then their scales are quantized to 4 bits
 * against the block's largest. IQ3_XXS stores 7 sign bits per 8 values (even parity), IQ3_S all 8.
 *
 * Every float expression keeps ggml's operand order (the build uses -ffp-contract=off). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "blocks.h"
#include "fp16.h"
#include "quant_iq_grids.h"
#include "ggufkit/gk_kernels.h"

#define QK 256
#define IQ_MAX(a, b) ((a) > (b) ? (a) : (b))
#define IQ_MIN(a, b) ((a) < (b) ? (a) : (b))
#define GROUP_MAX_EPS_IQ3_XXS 1e-8f

/* The neighbour of an off-grid pattern closest to scale*q ~ xval under weights w (first one on ties). */
static int best_neighbour4(const uint16_t *neighbours, const uint32_t *grid, const float *xval, const float *w,
                           float scale, int8_t *L) {
    const int count = neighbours[0];
    float best_d2 = FLT_MAX;
    int index = neighbours[1]; /* ggml asserts a strictly better one exists; only NaN/inf inputs miss it */
    for (int j = 1; j <= count; ++j) {
        const int8_t *pg = (const int8_t *)(grid + neighbours[j]);
        float d2 = 0;
        for (int i = 0; i < 4; ++i) {
            float q = pg[i];
            float diff = scale * q - xval[i];
            d2 += w[i] * diff * diff;
        }
        if (d2 < best_d2) {
            best_d2 = d2;
            index = neighbours[j];
        }
    }
    const int8_t *pg = (const int8_t *)(grid + index);
    for (int i = 0; i < 4; ++i) L[i] = (int8_t)((pg[i] - 1) / 2);
    return index;
}

/* Levels of 4 magnitudes at inverse scale id, clamped to 0..7, packed 3 bits each. */
static int pattern4(const float *xval, float id, int8_t *L) {
    int u = 0;
    for (int i = 0; i < 4; ++i) {
        int l = gk_iq_nearest_int(0.5f * (id * xval[i] - 1));
        l = IQ_MAX(0, IQ_MIN(7, l));
        L[i] = (int8_t)l;
        u |= l << 3 * i;
    }
    return u;
}

static void level_sums(int n, const float *weight, const float *xval, const int8_t *L, float *sumqx, float *sumq2) {
    float sx = 0, s2 = 0;
    for (int i = 0; i < n; ++i) {
        float w = weight[i];
        float q = 2 * L[i] + 1;
        sx += w * xval[i] * q;
        s2 += w * q * q;
    }
    *sumqx = sx;
    *sumq2 = s2;
}

/* The search over one sub-block of 32 (8 grid groups of 4), shared by both types:
 *  nsteps/step: scales tried are (15 + is*step)/max for |is| <= nsteps;
 *  init_on_grid: ggml starts IQ3_XXS with "all on grid" and IQ3_S with "none on grid";
 *  redo_all: the refinement at the best scale redoes every group (IQ3_S) or only the off-grid ones (IQ3_XXS).
 * Leaves levels (all on the grid) in L and returns the scale (possibly negative: the caller flips). */
static float search_sub32(const gk_iq_grid *g, const float *weight, const float *waux, const float *xval, float max,
                          int nsteps, float step, int init_on_grid, int redo_all, int8_t *L) {
    int8_t Laux[32];
    int on_grid[8], on_grid_aux[8];
    float best = 0;
    float scale = max / 15;
    for (int k = 0; k < 8; ++k) on_grid[k] = init_on_grid;
    for (int is = -nsteps; is <= nsteps; ++is) {
        float id = (15 + is * step) / max;
        float this_scale = 1 / id;
        for (int k = 0; k < 8; ++k) {
            int u = pattern4(xval + 4 * k, id, Laux + 4 * k);
            int index = g->map[u];
            on_grid_aux[k] = index >= 0;
            if (index < 0)
                best_neighbour4(g->neighbours - index - 1, g->grid4, xval + 4 * k, waux + 4 * k, this_scale,
                                Laux + 4 * k);
        }
        float sumqx, sumq2;
        level_sums(32, weight, xval, Laux, &sumqx, &sumq2);
        if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
            scale = sumqx / sumq2;
            best = scale * sumqx;
            memcpy(L, Laux, 32);
            memcpy(on_grid, on_grid_aux, sizeof(on_grid));
        }
    }
    int n_not_on_grid = 0;
    for (int k = 0; k < 8; ++k) n_not_on_grid += !on_grid[k];
    if (n_not_on_grid > 0 && scale > 0) {
        float id = 1 / scale;
        for (int k = 0; k < 8; ++k) {
            if (!redo_all && on_grid[k]) continue;
            int8_t Lk[4];
            int u = pattern4(xval + 4 * k, id, Lk);
            int index = g->map[u];
            if (index < 0)
                index = best_neighbour4(g->neighbours - index - 1, g->grid4, xval + 4 * k, waux + 4 * k, scale,
                                        L + 4 * k);
            const int8_t *pg = (const int8_t *)(g->grid4 + index);
            for (int i = 0; i < 4; ++i) L[4 * k + i] = (int8_t)((pg[i] - 1) / 2);
        }
        float sumqx, sumq2;
        level_sums(32, weight, xval, L, &sumqx, &sumq2);
        if (sumq2 > 0) scale = sumqx / sumq2;
    }
    return scale;
}

static int grid_index4(const gk_iq_grid *g, const int8_t *L) {
    int u = 0;
    for (int i = 0; i < 4; ++i) u |= L[i] << 3 * i;
    int index = g->map[u];
    return index < 0 ? 0 : index; /* ggml aborts on an off-grid pattern; unreachable for finite input */
}

/* Sub-block weights: imatrix * sqrt(sigma2 + x^2), or x^2 without an imatrix. */
static void sub_weights(int n, const float *xb, const float *qw, float sigma2, float *weight, float *waux) {
    if (qw) {
        for (int i = 0; i < n; ++i) weight[i] = qw[i] * sqrtf(sigma2 + xb[i] * xb[i]);
    } else {
        for (int i = 0; i < n; ++i) weight[i] = xb[i] * xb[i];
    }
    for (int i = 0; i < n; ++i) waux[i] = sqrtf(weight[i]);
}

/* ------------------------------------------------------------------------------------------------ IQ3_XXS */

static void quantize_block_iq3_xxs(const gk_iq_grid *g, const float *xbl, const float *qwbl, gk_block_iq3_xxs *y) {
    float scales[QK / 32], weight[32], xval[32], waux[32];
    int8_t L[32];
    uint8_t block_signs[4];
    uint8_t q3[QK / 4];              /* grid indices */
    uint32_t scales_and_signs[QK / 32];
    memset(q3, 0, sizeof(q3));
    memset(scales_and_signs, 0, sizeof(scales_and_signs));
    y->d = 0;

    float max_scale = 0;
    float sumx2 = 0;
    for (int i = 0; i < QK; ++i) sumx2 += xbl[i] * xbl[i];
    float sigma2 = 2 * sumx2 / QK;

    for (int ib = 0; ib < QK / 32; ++ib) {
        const float *xb = xbl + 32 * ib;
        sub_weights(32, xb, qwbl ? qwbl + 32 * ib : NULL, sigma2, weight, waux);
        for (int k = 0; k < 4; ++k) {
            /* magnitudes and 7 sign bits, the 8th implied by even parity */
            const float *x8 = xb + 8 * k;
            const float *w8 = weight + 8 * k;
            float *v8 = xval + 8 * k;
            int nflip = 0;
            uint8_t s = 0;
            for (int i = 0; i < 8; ++i) {
                if (x8[i] >= 0) v8[i] = x8[i];
                else {
                    v8[i] = -x8[i];
                    ++nflip;
                    s |= (uint8_t)(1 << i);
                }
            }
            if (nflip % 2) {
                int imin = 0;
                float min = w8[0] * x8[0] * x8[0];
                for (int i = 1; i < 8; ++i) {
                    float ax = w8[i] * x8[i] * x8[i];
                    if (ax < min) {
                        min = ax;
                        imin = i;
                    }
                }
                v8[imin] = -v8[imin];
                s ^= (uint8_t)(1 << imin);
            }
            block_signs[k] = s & 127;
        }
        float max = xval[0];
        for (int i = 1; i < 32; ++i) max = IQ_MAX(max, xval[i]);
        memset(L, 0, 32);
        if (max < GROUP_MAX_EPS_IQ3_XXS) {
            scales[ib] = 0;
            continue;
        }
        float scale = search_sub32(g, weight, waux, xval, max, 15, 0.2f, 1, 0, L);
        if (scale < 0) { /* cannot happen for finite input; ggml flips scale and signs */
            scale = -scale;
            for (int k = 0; k < 4; ++k) block_signs[k] = (uint8_t)((~block_signs[k]) & 127);
        }
        for (int k = 0; k < 8; ++k) q3[8 * ib + k] = (uint8_t)grid_index4(g, L + 4 * k);
        scales_and_signs[ib] = block_signs[0] | ((uint32_t)block_signs[1] << 7) | ((uint32_t)block_signs[2] << 14)
                             | ((uint32_t)block_signs[3] << 21);
        scales[ib] = scale;
        max_scale = IQ_MAX(max_scale, scale);
    }

    if (!max_scale) {
        memset(y->qs, 0, sizeof(y->qs));
        return;
    }
    float d = max_scale / 31;
    y->d = gk_fp32_to_fp16(d * 1.0125f);
    float id = 1 / d;
    for (int ib = 0; ib < QK / 32; ++ib) {
        int l = gk_iq_nearest_int(0.5f * (id * scales[ib] - 1));
        l = IQ_MAX(0, IQ_MIN(15, l));
        scales_and_signs[ib] |= (uint32_t)l << 28;
    }
    memcpy(y->qs, q3, QK / 4);
    for (int ib = 0; ib < QK / 32; ++ib) {
        uint8_t *p = y->qs + QK / 4 + 4 * ib;
        const uint32_t v = scales_and_signs[ib];
        p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
    }
}

size_t gk_quant_iq3_xxs_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    if (n_per_row % QK) return 0;
    const gk_iq_grid *g = gk_iq_grid_get(GK_IQGRID_IQ3_XXS);
    if (!g) return 0;
    const int64_t nb = n_per_row / QK;
    gk_block_iq3_xxs *out = (gk_block_iq3_xxs *)y;
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t b = 0; b < nb; ++b)
            quantize_block_iq3_xxs(g, x + r * n_per_row + QK * b, imatrix ? imatrix + QK * b : NULL,
                                   out + r * nb + b);
    return (size_t)(nrows * nb) * sizeof(gk_block_iq3_xxs);
}

/* -------------------------------------------------------------------------------------------------- IQ3_S */

static void quantize_block_iq3_s(const gk_iq_grid *g, const float *xbl, const float *qwbl, gk_block_iq3_s *y) {
    float scales[QK / 32], weight[32], xval[32], waux[32];
    int8_t L[32];
    uint8_t block_signs[4];
    memset(y, 0, sizeof(*y));

    float max_scale = 0;
    float sumx2 = 0;
    for (int i = 0; i < QK; ++i) sumx2 += xbl[i] * xbl[i];
    float sigma2 = 2 * sumx2 / QK;

    for (int ib = 0; ib < QK / 32; ++ib) {
        const float *xb = xbl + 32 * ib;
        sub_weights(32, xb, qwbl ? qwbl + 32 * ib : NULL, sigma2, weight, waux);
        for (int k = 0; k < 4; ++k) {
            uint8_t s = 0;
            for (int i = 0; i < 8; ++i) {
                if (xb[8 * k + i] >= 0) xval[8 * k + i] = xb[8 * k + i];
                else {
                    xval[8 * k + i] = -xb[8 * k + i];
                    s |= (uint8_t)(1 << i);
                }
            }
            block_signs[k] = s;
        }
        float max = xval[0];
        for (int i = 1; i < 32; ++i) max = IQ_MAX(max, xval[i]);
        memset(L, 0, 32);
        if (!max) {
            scales[ib] = 0;
            continue;
        }
        float scale = search_sub32(g, weight, waux, xval, max, 9, 0.2f, 0, 1, L);
        if (scale < 0) { /* cannot happen for finite input; ggml flips scale and signs */
            scale = -scale;
            for (int k = 0; k < 4; ++k) block_signs[k] = (uint8_t)~block_signs[k];
        }
        for (int k = 0; k < 8; ++k) {
            const int index = grid_index4(g, L + 4 * k);
            y->qs[8 * ib + k] = (uint8_t)(index & 255);
            y->qh[ib] |= (uint8_t)((index >> 8) << k);
        }
        memcpy(y->signs + 4 * ib, block_signs, 4);
        scales[ib] = scale;
        max_scale = IQ_MAX(max_scale, scale);
    }

    if (!max_scale) return;
    float d = max_scale / 31;
    y->d = gk_fp32_to_fp16(d * 1.033f);
    float id = 1 / d;
    for (int ib = 0; ib < QK / 32; ib += 2) {
        int l1 = gk_iq_nearest_int(0.5f * (id * scales[ib + 0] - 1));
        l1 = IQ_MAX(0, IQ_MIN(15, l1));
        int l2 = gk_iq_nearest_int(0.5f * (id * scales[ib + 1] - 1));
        l2 = IQ_MAX(0, IQ_MIN(15, l2));
        y->scales[ib / 2] = (uint8_t)(l1 | (l2 << 4));
    }
}

size_t gk_quant_iq3_s_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    if (n_per_row % QK) return 0;
    const gk_iq_grid *g = gk_iq_grid_get(GK_IQGRID_IQ3_S);
    if (!g) return 0;
    const int64_t nb = n_per_row / QK;
    gk_block_iq3_s *out = (gk_block_iq3_s *)y;
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t b = 0; b < nb; ++b)
            quantize_block_iq3_s(g, x + r * n_per_row + QK * b, imatrix ? imatrix + QK * b : NULL,
                                 out + r * nb + b);
    return (size_t)(nrows * nb) * sizeof(gk_block_iq3_s);
}
