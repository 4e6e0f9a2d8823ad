/* Scalar reference quantizers for IQ2_XXS, IQ2_XS and IQ2_S, byte-identical to ggml's quantize_iq2_xxs,
 * quantize_iq2_xs and quantize_iq2_s (ggml-quants.c), with and without an importance matrix.
 *
 * Each group of 8 magnitudes gets levels 0..2 (values 1, 3, 5 times a scale); the level pattern must be a
 * point of the type's grid, so a pattern off the grid is replaced by its best neighbour (smallest weighted
 * squared error). A trial over a few scales keeps the best, then the sub-block scales are quantized against
 * the block's largest one. Signs: IQ2_XXS / IQ2_XS store 7 sign bits per 8 values (even parity, the
 * least important value absorbs an odd sign), IQ2_S stores all 8.
 *
 * Every float expression keeps ggml's operand order (the build uses -ffp-contract=off): the argmin/argmax
 * decisions, and so the bytes, depend on it. */
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
#define GROUP_MAX_EPS 1e-15f
#define GROUP_MAX_EPS_IQ2_S 1e-8f

/* The neighbour of an off-grid pattern closest to scale*q ~ xval under weights w (first one on ties).
 * Writes its levels to L, returns its grid index. */
static int best_neighbour8(const uint16_t *neighbours, const uint64_t *grid, const float *xval, const float *w,
                           float scale, int8_t *L) {
    const int count = neighbours[0];
    float best_d2 = FLT_MAX;
    int index = neighbours[1]; /* ggml asserts a strictly better one exists; only NaN/inf inputs miss it */
    for (int j = 1; j <= count; ++j) {
        const int8_t *pg = (const int8_t *)(grid + neighbours[j]);
        float d2 = 0;
        for (int i = 0; i < 8; ++i) {
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
    for (int i = 0; i < 8; ++i) L[i] = (int8_t)((pg[i] - 1) / 2);
    return index;
}

/* Magnitudes of 8 values and their sign bits; with even_parity an odd count of negatives is made even by
 * keeping the sign of the value with the smallest w*x*x (that value is then stored negated). */
static uint8_t signs8(const float *xb, const float *weight, float *xval, int even_parity) {
    int nflip = 0;
    uint8_t s = 0;
    for (int i = 0; i < 8; ++i) {
        if (xb[i] >= 0) xval[i] = xb[i];
        else {
            xval[i] = -xb[i];
            ++nflip;
            s |= (uint8_t)(1 << i);
        }
    }
    if (even_parity && (nflip % 2)) {
        int imin = 0;
        float min = weight[0] * xb[0] * xb[0];
        for (int i = 1; i < 8; ++i) {
            float ax = weight[i] * xb[i] * xb[i];
            if (ax < min) {
                min = ax;
                imin = i;
            }
        }
        xval[imin] = -xval[imin];
        s ^= (uint8_t)(1 << imin);
    }
    return even_parity ? (uint8_t)(s & 127) : s;
}

/* Levels of 8 magnitudes at inverse scale id, clamped to 0..2, packed 2 bits each. */
static int pattern8(const float *xval, float id, int8_t *L) {
    int u = 0;
    for (int i = 0; i < 8; ++i) {
        int l = gk_iq_nearest_int(0.5f * (id * xval[i] - 1));
        l = IQ_MAX(0, IQ_MIN(2, l));
        L[i] = (int8_t)l;
        u |= l << 2 * i;
    }
    return u;
}

static int pattern_of(const int8_t *L) {
    int u = 0;
    for (int i = 0; i < 8; ++i) u |= L[i] << 2 * i;
    return u;
}

/* Grid index of the levels in L (snapped to the best neighbour, L updated, if off the grid). */
static int snap8(const gk_iq_grid *g, int u, const float *xval, const float *waux, float scale, int8_t *L,
                 int *on_grid) {
    int index = g->map[u];
    if (on_grid) *on_grid = index >= 0;
    if (index < 0) index = best_neighbour8(g->neighbours - g->map[u] - 1, g->grid8, xval, waux, scale, L);
    return index;
}

/* ggml's make_qp_quants: levels 0..nmax of non-negative x with a weighted least-squares scale. */
static float make_qp_quants(int n, int nmax, const float *x, uint8_t *L, const float *quant_weights) {
    float max = 0;
    for (int i = 0; i < n; ++i) max = IQ_MAX(max, x[i]);
    if (max < GROUP_MAX_EPS) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        return 0.f;
    }
    float iscale = nmax / max;
    for (int i = 0; i < n; ++i) L[i] = (uint8_t)gk_iq_nearest_int(iscale * x[i]);
    float scale = 1 / iscale;
    float best_mse = 0;
    for (int i = 0; i < n; ++i) {
        float diff = x[i] - scale * L[i];
        float w = quant_weights[i];
        best_mse += w * diff * diff;
    }
    for (int is = -4; is <= 4; ++is) {
        if (is == 0) continue;
        float iscale_is = (0.1f * is + nmax) / max;
        float scale_is = 1 / iscale_is;
        float mse = 0;
        for (int i = 0; i < n; ++i) {
            int l = gk_iq_nearest_int(iscale_is * x[i]);
            l = IQ_MIN(nmax, l);
            float diff = x[i] - scale_is * l;
            float w = quant_weights[i];
            mse += w * diff * diff;
        }
        if (mse < best_mse) {
            best_mse = mse;
            iscale = iscale_is;
        }
    }
    float sumlx = 0;
    float suml2 = 0;
    for (int i = 0; i < n; ++i) {
        int l = gk_iq_nearest_int(iscale * x[i]);
        l = IQ_MIN(nmax, l);
        L[i] = (uint8_t)l;
        float w = quant_weights[i];
        sumlx += w * x[i] * l;
        suml2 += w * l * l;
    }
    for (int itry = 0; itry < 5; ++itry) {
        int n_changed = 0;
        for (int i = 0; i < n; ++i) {
            float w = quant_weights[i];
            float slx = sumlx - w * x[i] * L[i];
            float sl2 = suml2 - w * L[i] * L[i];
            if (slx > 0 && sl2 > 0) {
                int new_l = gk_iq_nearest_int(x[i] * sl2 / slx);
                new_l = IQ_MIN(nmax, new_l);
                if (new_l != L[i]) {
                    slx += w * x[i] * new_l;
                    sl2 += w * new_l * new_l;
                    if (slx * slx * suml2 > sumlx * sumlx * sl2) {
                        L[i] = (uint8_t)new_l;
                        sumlx = slx;
                        suml2 = sl2;
                        ++n_changed;
                    }
                }
            }
        }
        if (!n_changed) break;
    }
    return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
}

/* sum w*x*q and sum w*q*q over n values with q = 2*L+1. */
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

static void store_le32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static void store_le16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
}

/* ------------------------------------------------------------------------------------------------ IQ2_XXS */

static void quantize_block_iq2_xxs(const gk_iq_grid *g, const float *xbl, const float *qwbl, gk_block_iq2_xxs *y) {
    float scales[QK / 32], weight[32], xval[32], waux[32];
    int8_t L[32], Laux[32];
    uint8_t block_signs[4];
    uint32_t q2[2 * (QK / 32)];
    memset(q2, 0, sizeof(q2));
    y->d = 0;

    float max_scale = 0;
    float sumx2 = 0;
    for (int i = 0; i < QK; ++i) sumx2 += xbl[i] * xbl[i];
    float sigma2 = sumx2 / QK;

    for (int ib = 0; ib < QK / 32; ++ib) {
        const float *xb = xbl + 32 * ib;
        const float *qw = qwbl + 32 * ib;
        for (int i = 0; i < 32; ++i) weight[i] = qw[i] * sqrtf(sigma2 + xb[i] * xb[i]);
        for (int i = 0; i < 32; ++i) waux[i] = sqrtf(weight[i]);
        for (int k = 0; k < 4; ++k) block_signs[k] = signs8(xb + 8 * k, weight + 8 * k, xval + 8 * k, 1);
        float max = xval[0];
        for (int i = 1; i < 32; ++i) max = IQ_MAX(max, xval[i]);
        if (max < GROUP_MAX_EPS) {
            scales[ib] = 0;
            continue;
        }
        float scale = make_qp_quants(32, 4, xval, (uint8_t *)L, weight);
        float eff_max = scale * 3;
        if (eff_max <= 0) {
            scales[ib] = 0;
            continue;
        }
        float best = 0;
        for (int is = -6; is <= 6; ++is) {
            float id = (5 + is * 0.1f) / eff_max;
            float this_scale = 1 / id;
            for (int k = 0; k < 4; ++k) {
                int u = pattern8(xval + 8 * k, id, Laux + 8 * k);
                snap8(g, u, xval + 8 * k, waux + 8 * k, this_scale, Laux + 8 * k, NULL);
            }
            float sumqx, sumq2;
            level_sums(32, weight, xval, Laux, &sumqx, &sumq2);
            if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                scale = sumqx / sumq2;
                best = scale * sumqx;
                memcpy(L, Laux, 32);
            }
        }
        if (scale > 0) {
            float id = 1 / scale;
            for (int k = 0; k < 4; ++k) {
                int8_t Lk[8];
                int u = pattern8(xval + 8 * k, id, Lk);
                int index = snap8(g, u, xval + 8 * k, waux + 8 * k, scale, L + 8 * k, NULL);
                const int8_t *pg = (const int8_t *)(g->grid8 + index);
                for (int i = 0; i < 8; ++i) L[8 * k + i] = (int8_t)((pg[i] - 1) / 2);
            }
            float sumqx, sumq2;
            level_sums(32, weight, xval, L, &sumqx, &sumq2);
            if (sumq2 > 0) scale = sumqx / sumq2;
        }
        if (scale < 0) { /* cannot happen for finite input; ggml flips scale and signs */
            scale = -scale;
            for (int k = 0; k < 4; ++k) block_signs[k] = (uint8_t)((~block_signs[k]) & 127);
        }
        for (int k = 0; k < 4; ++k) {
            int index = g->map[pattern_of(L + 8 * k)];
            if (index < 0) index = 0; /* ggml aborts here; unreachable for finite input */
            q2[2 * ib + 0] |= (uint32_t)index << 8 * k;
            q2[2 * ib + 1] |= (uint32_t)block_signs[k] << 7 * k;
        }
        scales[ib] = scale;
        max_scale = IQ_MAX(max_scale, scale);
    }

    uint8_t *qs = (uint8_t *)y->qs;
    if (!max_scale) {
        memset(qs, 0, QK / 4);
        return;
    }
    float d = max_scale / 31;
    y->d = gk_fp32_to_fp16(d);
    float id = 1 / d;
    for (int ib = 0; ib < QK / 32; ++ib) {
        int l = gk_iq_nearest_int(0.5f * (id * scales[ib] - 1));
        l = IQ_MAX(0, IQ_MIN(15, l));
        q2[2 * ib + 1] |= (uint32_t)l << 28;
    }
    for (int i = 0; i < 2 * (QK / 32); ++i) store_le32(qs + 4 * i, q2[i]);
}

size_t gk_quant_iq2_xxs_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    if (!imatrix || n_per_row % QK) return 0; /* ggml requires an importance matrix for IQ2_XXS */
    const gk_iq_grid *g = gk_iq_grid_get(GK_IQGRID_IQ2_XXS);
    if (!g) return 0;
    const int64_t nb = n_per_row / QK;
    gk_block_iq2_xxs *out = (gk_block_iq2_xxs *)y;
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t b = 0; b < nb; ++b)
            quantize_block_iq2_xxs(g, x + r * n_per_row + QK * b, imatrix + QK * b, out + r * nb + b);
    return (size_t)(nrows * nb) * sizeof(gk_block_iq2_xxs);
}

/* ------------------------------------------------------------------------------------ IQ2_XS and IQ2_S */

/* The shared search of IQ2_XS and IQ2_S over one sub-block of 16 (two grid groups of 8): levels in L,
 * returns the sub-block scale (>= 0; signs flipped if ggml's "never happens" negative branch is taken). */
static float search_sub16(const gk_iq_grid *g, const float *weight, const float *waux, const float *xval,
                          float max, int8_t *L, uint8_t *block_signs, int sign_mask) {
    int8_t Laux[16];
    int on_grid[2] = {1, 1}, on_grid_aux[2];
    float best = 0;
    float scale = max / 5;
    for (int is = -9; is <= 9; ++is) {
        float id = (5 + is * 0.1f) / max;
        float this_scale = 1 / id;
        for (int k = 0; k < 2; ++k) {
            int u = pattern8(xval + 8 * k, id, Laux + 8 * k);
            snap8(g, u, xval + 8 * k, waux + 8 * k, this_scale, Laux + 8 * k, &on_grid_aux[k]);
        }
        float sumqx, sumq2;
        level_sums(16, weight, xval, Laux, &sumqx, &sumq2);
        if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
            scale = sumqx / sumq2;
            best = scale * sumqx;
            memcpy(L, Laux, 16);
            on_grid[0] = on_grid_aux[0];
            on_grid[1] = on_grid_aux[1];
        }
    }
    if ((!on_grid[0] || !on_grid[1]) && scale > 0) {
        float id = 1 / scale;
        for (int k = 0; k < 2; ++k) {
            if (on_grid[k]) continue;
            int u = pattern8(xval + 8 * k, id, L + 8 * k);
            snap8(g, u, xval + 8 * k, waux + 8 * k, scale, L + 8 * k, NULL);
        }
        float sumqx, sumq2;
        level_sums(16, weight, xval, L, &sumqx, &sumq2);
        if (sumq2 > 0) scale = sumqx / sumq2;
    }
    if (scale < 0) {
        scale = -scale;
        for (int k = 0; k < 2; ++k) block_signs[k] = (uint8_t)((~block_signs[k]) & sign_mask);
    }
    return scale;
}

static void quantize_block_iq2_xs(const gk_iq_grid *g, const float *xbl, const float *qwbl, gk_block_iq2_xs *y) {
    float scales[QK / 16], weight[16], xval[16], waux[16];
    int8_t L[16];
    uint8_t block_signs[2];
    uint16_t q2[2 * (QK / 16)];
    memset(q2, 0, sizeof(q2));
    y->d = 0;
    memset(y->scales, 0, sizeof(y->scales));

    float max_scale = 0;
    float sumx2 = 0;
    for (int i = 0; i < QK; ++i) sumx2 += xbl[i] * xbl[i];
    float sigma2 = sumx2 / QK;

    for (int ib = 0; ib < QK / 16; ++ib) {
        const float *xb = xbl + 16 * ib;
        const float *qw = qwbl + 16 * ib;
        for (int i = 0; i < 16; ++i) weight[i] = qw[i] * sqrtf(sigma2 + xb[i] * xb[i]);
        for (int i = 0; i < 16; ++i) waux[i] = sqrtf(weight[i]);
        for (int k = 0; k < 2; ++k) block_signs[k] = signs8(xb + 8 * k, weight + 8 * k, xval + 8 * k, 1);
        float max = xval[0];
        for (int i = 1; i < 16; ++i) max = IQ_MAX(max, xval[i]);
        memset(L, 0, 16);
        if (max < GROUP_MAX_EPS) {
            scales[ib] = 0;
            continue;
        }
        float scale = search_sub16(g, weight, waux, xval, max, L, block_signs, 127);
        for (int k = 0; k < 2; ++k) {
            int index = g->map[pattern_of(L + 8 * k)];
            if (index < 0) index = 0; /* ggml aborts here; unreachable for finite input */
            q2[2 * ib + k] = (uint16_t)(index | (block_signs[k] << 9));
        }
        scales[ib] = scale;
        max_scale = IQ_MAX(max_scale, scale);
    }

    uint8_t *qs = (uint8_t *)y->qs;
    if (!max_scale) {
        memset(qs, 0, QK / 4);
        return;
    }
    float d = max_scale / 31;
    y->d = gk_fp32_to_fp16(d);
    float id = 1 / d;
    for (int ib = 0; ib < QK / 16; ++ib) {
        int l = gk_iq_nearest_int(0.5f * (id * scales[ib] - 1));
        l = IQ_MAX(0, IQ_MIN(15, l));
        if (ib % 2 == 0) y->scales[ib / 2] = (uint8_t)l;
        else y->scales[ib / 2] |= (uint8_t)(l << 4);
    }
    for (int i = 0; i < 2 * (QK / 16); ++i) store_le16(qs + 2 * i, q2[i]);
}

size_t gk_quant_iq2_xs_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    if (!imatrix || n_per_row % QK) return 0; /* ggml requires an importance matrix for IQ2_XS */
    const gk_iq_grid *g = gk_iq_grid_get(GK_IQGRID_IQ2_XS);
    if (!g) return 0;
    const int64_t nb = n_per_row / QK;
    gk_block_iq2_xs *out = (gk_block_iq2_xs *)y;
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t b = 0; b < nb; ++b)
            quantize_block_iq2_xs(g, x + r * n_per_row + QK * b, imatrix + QK * b, out + r * nb + b);
    return (size_t)(nrows * nb) * sizeof(gk_block_iq2_xs);
}

static void quantize_block_iq2_s(const gk_iq_grid *g, const float *xbl, const float *qwbl, gk_block_iq2_s *y) {
    float scales[QK / 16], weight[16], xval[16], waux[16];
    int8_t L[16];
    uint8_t block_signs[2];
    memset(y, 0, sizeof(*y));

    float max_scale = 0;
    float sumx2 = 0;
    for (int i = 0; i < QK; ++i) sumx2 += xbl[i] * xbl[i];
    float sigma2 = 2 * sumx2 / QK;

    for (int ib = 0; ib < QK / 16; ++ib) {
        const float *xb = xbl + 16 * ib;
        if (qwbl) {
            const float *qw = qwbl + 16 * ib;
            for (int i = 0; i < 16; ++i) weight[i] = qw[i] * sqrtf(sigma2 + xb[i] * xb[i]);
        } else {
            for (int i = 0; i < 16; ++i) weight[i] = 0.25f * sigma2 + xb[i] * xb[i];
        }
        for (int i = 0; i < 16; ++i) waux[i] = sqrtf(weight[i]);
        for (int k = 0; k < 2; ++k) block_signs[k] = signs8(xb + 8 * k, weight + 8 * k, xval + 8 * k, 0);
        float max = xval[0];
        for (int i = 1; i < 16; ++i) max = IQ_MAX(max, xval[i]);
        memset(L, 0, 16);
        if (max < GROUP_MAX_EPS_IQ2_S) {
            scales[ib] = 0;
            continue;
        }
        float scale = search_sub16(g, weight, waux, xval, max, L, block_signs, 255);
        for (int k = 0; k < 2; ++k) {
            int index = g->map[pattern_of(L + 8 * k)];
            if (index < 0) index = 0; /* ggml aborts here; unreachable for finite input */
            const int i8 = 2 * ib + k;
            y->qs[i8] = (uint8_t)(index & 255);
            y->qh[i8 / 4] |= (uint8_t)((index >> 8) << 2 * (i8 % 4));
            y->qs[QK / 8 + i8] = block_signs[k];
        }
        scales[ib] = scale;
        max_scale = IQ_MAX(max_scale, scale);
    }

    if (!max_scale) return;
    float d = max_scale / 31;
    y->d = gk_fp32_to_fp16(d * 0.9875f);
    float id = 1 / d;
    for (int ib = 0; ib < QK / 16; ++ib) {
        int l = gk_iq_nearest_int(0.5f * (id * scales[ib] - 1));
        l = IQ_MAX(0, IQ_MIN(15, l));
        if (ib % 2 == 0) y->scales[ib / 2] = (uint8_t)l;
        else y->scales[ib / 2] |= (uint8_t)(l << 4);
    }
}

size_t gk_quant_iq2_s_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    if (n_per_row % QK) return 0;
    const gk_iq_grid *g = gk_iq_grid_get(GK_IQGRID_IQ2_S);
    if (!g) return 0;
    const int64_t nb = n_per_row / QK;
    gk_block_iq2_s *out = (gk_block_iq2_s *)y;
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t b = 0; b < nb; ++b)
            quantize_block_iq2_s(g, x + r * n_per_row + QK * b, imatrix ? imatrix + QK * b : NULL,
                                 out + r * nb + b);
    return (size_t)(nrows * nb) * sizeof(gk_block_iq2_s);
}
