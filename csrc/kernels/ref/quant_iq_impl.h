/* The grid IQ quantizers (IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ1_M), byte-identical to ggml's
 * quantize_<type> (ggml-quants.c) with and without an importance matrix, written once for every tier.
 *
 * The includer defines the search primitives first (iq_nb8, iq_nb4, iq_nb1, iq_trials, iq_sort, iq1s_split,
 * iq1m_split: the scalar ones of quant_iq_scalar.h, or SIMD ones that pick the same winners), then includes
 * this file and wraps the iq_rows_<type> drivers into its gk_quant_<type>_<isa> kernels. static inline only.
 *
 * IQ2 types: each group of 8 magnitudes gets levels 0..2 (values 1, 3, 5 times a scale); the level pattern
 * must be a point of the type's grid, so a pattern off the grid is replaced by its best neighbour. A trial
 * over a few scales keeps the best, then the sub-block scales are quantized against the block's largest.
 * IQ3 types: groups of 4 with levels 0..7. IQ2_XXS / IQ2_XS / IQ3_XXS store 7 sign bits per 8 values (even
 * parity: the least important value absorbs an odd sign), IQ2_S / IQ3_S all 8.
 * IQ1 types: levels -1, 0, 1 shifted by +-delta; the weighted least-squares split of each sorted sub-block
 * into three groups is found exhaustively, then groups of 8 are snapped to the 2048-point grid.
 *
 * Every float expression keeps ggml's operand order (the build uses -ffp-contract=off): the argmin/argmax
 * decisions, and so the bytes, depend on it. (A ggml built with FMA contraction, e.g. -march=native with
 * GCC's default -ffp-contract=fast, gives other bytes for IQ2_XXS, IQ2_XS and IQ3_XXS on some inputs; we
 * match ggml's uncontracted reference, which is what the golden files hold.) */
#ifndef GK_QUANT_IQ_IMPL_H
#define GK_QUANT_IQ_IMPL_H
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "blocks.h"
#include "fp16.h"
#include "tables.h"
#include "quant_iq_grids.h"
#include "quant_iq_scalar.h"
#include "quant_ref.h" /* gk_make_qp_quants_ref: ggml's make_qp_quants, shared with the K types */

#define QK 256
#define IQ_MAX(a, b) ((a) > (b) ? (a) : (b))
#define IQ_MIN(a, b) ((a) < (b) ? (a) : (b))
#define GROUP_MAX_EPS 1e-15f
#define GROUP_MAX_EPS_IQ2_S 1e-8f
#define GROUP_MAX_EPS_IQ3_XXS 1e-8f
#define GROUP_MAX_EPS_IQ1_M 1e-7f
#define GROUP_MAX_EPS_IQ1_S 1e-12f
#define IQ1S_BLOCK 32
#define IQ1M_BLOCK 16

/* ============================================================================================= shared */

/* Sum of x*x over a block's QK values, in order (ggml's sumx2, from which sigma2 is derived). */
static inline float block_sumx2(const float *x) {
    float sumx2 = 0;
    for (int i = 0; i < QK; ++i) sumx2 += x[i] * x[i];
    return sumx2;
}

/* Largest of n values (the magnitudes xval). */
static inline float max_of(int n, const float *v) {
    float max = v[0];
    for (int i = 1; i < n; ++i) max = IQ_MAX(max, v[i]);
    return max;
}

/* Largest |x| of n values. */
static inline float max_abs(int n, const float *x) {
    float max = fabsf(x[0]);
    for (int i = 1; i < n; ++i) max = IQ_MAX(max, fabsf(x[i]));
    return max;
}

/* Sub-block weights: imatrix * sqrt(sigma2 + x^2), or x^2 without an imatrix; waux = sqrt(weight). */
static inline void sub_weights(int n, const float *xb, const float *qw, float sigma2, float *weight, float *waux) {
    if (qw) {
        for (int i = 0; i < n; ++i) weight[i] = qw[i] * sqrtf(sigma2 + xb[i] * xb[i]);
    } else {
        for (int i = 0; i < n; ++i) weight[i] = xb[i] * xb[i];
    }
    for (int i = 0; i < n; ++i) waux[i] = sqrtf(weight[i]);
}

/* The level l in 0..maxl with v ~ (2 * l + 1) / id: of a magnitude against a scale's inverse, or of a
 * sub-block scale against the block scale's inverse. */
static inline int odd_level(float id, float v, int maxl) {
    int l = gk_iq_nearest_int(0.5f * (id * v - 1));
    return IQ_MAX(0, IQ_MIN(maxl, l));
}

/* The 4-bit levels of n sub-block scales, two to a byte (even sub-block in the low nibble). */
static inline void pack_scale_nibbles(int n, const float *scales, float id, uint8_t *out) {
    for (int ib = 0; ib < n; ib += 2)
        out[ib / 2] = (uint8_t)(odd_level(id, scales[ib], 15) | (odd_level(id, scales[ib + 1], 15) << 4));
}

/* The row loop of every type: block(g, x, imatrix or NULL, y) per block of QK. Returns the bytes written, or 0
 * (nothing written) for a row length that is not a multiple of QK, a missing grid, or a missing importance
 * matrix where the type requires one (ggml asserts there). */
typedef void (*iq_block_fn)(const gk_iq_grid *g, const float *x, const float *qw, void *y);

static inline size_t iq_rows(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix,
                             int grid, int imatrix_required, size_t block_bytes, iq_block_fn block) {
    if ((imatrix_required && !imatrix) || n_per_row % QK) return 0;
    const gk_iq_grid *g = gk_iq_grid_get(grid);
    if (!g) return 0;
    const int64_t nb = n_per_row / QK;
    uint8_t *out = (uint8_t *)y;
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t b = 0; b < nb; ++b)
            block(g, x + r * n_per_row + QK * b, imatrix ? imatrix + QK * b : NULL,
                  out + (size_t)(r * nb + b) * block_bytes);
    return (size_t)(nrows * nb) * block_bytes;
}

/* ================================================================================================ IQ2 */

/* Magnitudes of 8 values and their sign bits; with even_parity an odd count of negatives is made even by
 * keeping the sign of the value with the smallest w*x*x (that value is then stored negated). */
static inline uint8_t signs8(const float *xb, const float *weight, float *xval, int even_parity) {
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
static inline int pattern8(const float *xval, float id, int8_t *L) {
    int u = 0;
    for (int i = 0; i < 8; ++i) {
        const int l = odd_level(id, xval[i], 2);
        L[i] = (int8_t)l;
        u |= l << 2 * i;
    }
    return u;
}

static inline int pattern_of(const int8_t *L) {
    int u = 0;
    for (int i = 0; i < 8; ++i) u |= L[i] << 2 * i;
    return u;
}

static inline int grid_index8(const gk_iq_grid *g, const int8_t *L) {
    int index = g->map[pattern_of(L)];
    return index < 0 ? 0 : index; /* ggml aborts on an off-grid pattern; unreachable for finite input */
}

/* Grid index of the levels in L (snapped to the best neighbour, L updated, if off the grid). */
static inline int snap8(const gk_iq_grid *g, int u, const float *xval, const float *waux, float scale, int8_t *L,
                 int *on_grid) {
    int index = g->map[u];
    if (on_grid) *on_grid = index >= 0;
    if (index < 0) index = iq_nb8(g, u, xval, waux, scale, L);
    return index;
}


/* sum w*x*q and sum w*q*q over n values with q = 2*L+1. */
static inline void level_sums(int n, const float *weight, const float *xval, const int8_t *L, float *sumqx, float *sumq2) {
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

static inline void store_le32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static inline void store_le16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
}

/* ------------------------------------------------------------------------------------------------ IQ2_XXS */

static inline void quantize_block_iq2_xxs(const gk_iq_grid *g, const float *xbl, const float *qwbl, void *vy) {
    gk_block_iq2_xxs *y = (gk_block_iq2_xxs *)vy;
    float scales[QK / 32], weight[32], xval[32], waux[32];
    int8_t L[32];
    uint8_t block_signs[4];
    uint32_t q2[2 * (QK / 32)];
    memset(q2, 0, sizeof(q2));
    y->d = 0;

    float max_scale = 0;
    float sigma2 = block_sumx2(xbl) / QK;

    for (int ib = 0; ib < QK / 32; ++ib) {
        const float *xb = xbl + 32 * ib;
        sub_weights(32, xb, qwbl + 32 * ib, sigma2, weight, waux);
        for (int k = 0; k < 4; ++k) block_signs[k] = signs8(xb + 8 * k, weight + 8 * k, xval + 8 * k, 1);
        float max = max_of(32, xval);
        if (max < GROUP_MAX_EPS) {
            scales[ib] = 0;
            continue;
        }
        float scale = gk_make_qp_quants_ref(32, 4, xval, (uint8_t *)L, weight);
        float eff_max = scale * 3;
        if (eff_max <= 0) {
            scales[ib] = 0;
            continue;
        }
        float best = 0;
        const iq_trial_spec trials = {8, 2, 2, 32, 5.f, 0.1f, -6, 6, eff_max};
        iq_trials(g, &trials, weight, waux, xval, &best, &scale, L, NULL);
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
            const int index = grid_index8(g, L + 8 * k);
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
        q2[2 * ib + 1] |= (uint32_t)odd_level(id, scales[ib], 15) << 28;
    }
    for (int i = 0; i < 2 * (QK / 32); ++i) store_le32(qs + 4 * i, q2[i]);
}

static inline size_t iq_rows_iq2_xxs(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    /* ggml requires an importance matrix for IQ2_XXS */
    return iq_rows(x, y, nrows, n_per_row, imatrix, GK_IQGRID_IQ2_XXS, 1, sizeof(gk_block_iq2_xxs),
                   quantize_block_iq2_xxs);
}

/* ------------------------------------------------------------------------------------ IQ2_XS and IQ2_S */

/* The shared search of IQ2_XS and IQ2_S over one sub-block of 16 (two grid groups of 8): levels in L,
 * returns the sub-block scale (>= 0; signs flipped if ggml's "never happens" negative branch is taken). */
static inline float search_sub16(const gk_iq_grid *g, const float *weight, const float *waux, const float *xval,
                          float max, int8_t *L, uint8_t *block_signs, int sign_mask) {
    int on_grid[2] = {1, 1};
    float best = 0;
    float scale = max / 5;
    const iq_trial_spec trials = {8, 2, 2, 16, 5.f, 0.1f, -9, 9, max};
    iq_trials(g, &trials, weight, waux, xval, &best, &scale, L, on_grid);
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

static inline void quantize_block_iq2_xs(const gk_iq_grid *g, const float *xbl, const float *qwbl, void *vy) {
    gk_block_iq2_xs *y = (gk_block_iq2_xs *)vy;
    float scales[QK / 16], weight[16], xval[16], waux[16];
    int8_t L[16];
    uint8_t block_signs[2];
    uint16_t q2[2 * (QK / 16)];
    memset(q2, 0, sizeof(q2));
    y->d = 0;
    memset(y->scales, 0, sizeof(y->scales));

    float max_scale = 0;
    float sigma2 = block_sumx2(xbl) / QK;

    for (int ib = 0; ib < QK / 16; ++ib) {
        const float *xb = xbl + 16 * ib;
        sub_weights(16, xb, qwbl + 16 * ib, sigma2, weight, waux);
        for (int k = 0; k < 2; ++k) block_signs[k] = signs8(xb + 8 * k, weight + 8 * k, xval + 8 * k, 1);
        float max = max_of(16, xval);
        memset(L, 0, 16);
        if (max < GROUP_MAX_EPS) {
            scales[ib] = 0;
            continue;
        }
        float scale = search_sub16(g, weight, waux, xval, max, L, block_signs, 127);
        for (int k = 0; k < 2; ++k) {
            const int index = grid_index8(g, L + 8 * k);
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
    pack_scale_nibbles(QK / 16, scales, id, y->scales);
    for (int i = 0; i < 2 * (QK / 16); ++i) store_le16(qs + 2 * i, q2[i]);
}

static inline size_t iq_rows_iq2_xs(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    /* ggml requires an importance matrix for IQ2_XS */
    return iq_rows(x, y, nrows, n_per_row, imatrix, GK_IQGRID_IQ2_XS, 1, sizeof(gk_block_iq2_xs),
                   quantize_block_iq2_xs);
}

static inline void quantize_block_iq2_s(const gk_iq_grid *g, const float *xbl, const float *qwbl, void *vy) {
    gk_block_iq2_s *y = (gk_block_iq2_s *)vy;
    float scales[QK / 16], weight[16], xval[16], waux[16];
    int8_t L[16];
    uint8_t block_signs[2];
    memset(y, 0, sizeof(*y));

    float max_scale = 0;
    float sigma2 = 2 * block_sumx2(xbl) / QK;

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
        float max = max_of(16, xval);
        memset(L, 0, 16);
        if (max < GROUP_MAX_EPS_IQ2_S) {
            scales[ib] = 0;
            continue;
        }
        float scale = search_sub16(g, weight, waux, xval, max, L, block_signs, 255);
        for (int k = 0; k < 2; ++k) {
            const int index = grid_index8(g, L + 8 * k);
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
    pack_scale_nibbles(QK / 16, scales, id, y->scales);
}

static inline size_t iq_rows_iq2_s(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows(x, y, nrows, n_per_row, imatrix, GK_IQGRID_IQ2_S, 0, sizeof(gk_block_iq2_s), quantize_block_iq2_s);
}

/* ================================================================================================ IQ3 */

/* Levels of 4 magnitudes at inverse scale id, clamped to 0..7, packed 3 bits each. */
static inline int pattern4(const float *xval, float id, int8_t *L) {
    int u = 0;
    for (int i = 0; i < 4; ++i) {
        const int l = odd_level(id, xval[i], 7);
        L[i] = (int8_t)l;
        u |= l << 3 * i;
    }
    return u;
}

/* The search over one sub-block of 32 (8 grid groups of 4), shared by both types:
 *  nsteps/step: scales tried are (15 + is*step)/max for |is| <= nsteps;
 *  init_on_grid: ggml starts IQ3_XXS with "all on grid" and IQ3_S with "none on grid";
 *  redo_all: the refinement at the best scale redoes every group (IQ3_S) or only the off-grid ones (IQ3_XXS).
 * Leaves levels (all on the grid) in L and returns the scale (possibly negative: the caller flips). */
static inline float search_sub32(const gk_iq_grid *g, const float *weight, const float *waux, const float *xval, float max,
                          int nsteps, float step, int init_on_grid, int redo_all, int8_t *L) {
    int on_grid[8];
    float best = 0;
    float scale = max / 15;
    for (int k = 0; k < 8; ++k) on_grid[k] = init_on_grid;
    const iq_trial_spec trials = {4, 3, 7, 32, 15.f, step, -nsteps, nsteps, max};
    iq_trials(g, &trials, weight, waux, xval, &best, &scale, L, on_grid);
    int n_not_on_grid = 0;
    for (int k = 0; k < 8; ++k) n_not_on_grid += !on_grid[k];
    if (n_not_on_grid > 0 && scale > 0) {
        float id = 1 / scale;
        for (int k = 0; k < 8; ++k) {
            if (!redo_all && on_grid[k]) continue;
            int8_t Lk[4];
            int u = pattern4(xval + 4 * k, id, Lk);
            int index = g->map[u];
            if (index < 0) index = iq_nb4(g, u, xval + 4 * k, waux + 4 * k, scale, L + 4 * k);
            const int8_t *pg = (const int8_t *)(g->grid4 + index);
            for (int i = 0; i < 4; ++i) L[4 * k + i] = (int8_t)((pg[i] - 1) / 2);
        }
        float sumqx, sumq2;
        level_sums(32, weight, xval, L, &sumqx, &sumq2);
        if (sumq2 > 0) scale = sumqx / sumq2;
    }
    return scale;
}

static inline int grid_index4(const gk_iq_grid *g, const int8_t *L) {
    int u = 0;
    for (int i = 0; i < 4; ++i) u |= L[i] << 3 * i;
    int index = g->map[u];
    return index < 0 ? 0 : index; /* ggml aborts on an off-grid pattern; unreachable for finite input */
}

/* ------------------------------------------------------------------------------------------------ IQ3_XXS */

static inline void quantize_block_iq3_xxs(const gk_iq_grid *g, const float *xbl, const float *qwbl, void *vy) {
    gk_block_iq3_xxs *y = (gk_block_iq3_xxs *)vy;
    float scales[QK / 32], weight[32], xval[32], waux[32];
    int8_t L[32];
    uint8_t block_signs[4];
    uint8_t q3[QK / 4];              /* grid indices */
    uint32_t scales_and_signs[QK / 32];
    memset(q3, 0, sizeof(q3));
    memset(scales_and_signs, 0, sizeof(scales_and_signs));
    y->d = 0;

    float max_scale = 0;
    float sigma2 = 2 * block_sumx2(xbl) / QK;

    for (int ib = 0; ib < QK / 32; ++ib) {
        const float *xb = xbl + 32 * ib;
        sub_weights(32, xb, qwbl ? qwbl + 32 * ib : NULL, sigma2, weight, waux);
        /* magnitudes and 7 sign bits, the 8th implied by even parity */
        for (int k = 0; k < 4; ++k) block_signs[k] = signs8(xb + 8 * k, weight + 8 * k, xval + 8 * k, 1);
        float max = max_of(32, xval);
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
        scales_and_signs[ib] |= (uint32_t)odd_level(id, scales[ib], 15) << 28;
    }
    memcpy(y->qs, q3, QK / 4);
    for (int ib = 0; ib < QK / 32; ++ib) store_le32(y->qs + QK / 4 + 4 * ib, scales_and_signs[ib]);
}

static inline size_t iq_rows_iq3_xxs(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows(x, y, nrows, n_per_row, imatrix, GK_IQGRID_IQ3_XXS, 0, sizeof(gk_block_iq3_xxs),
                   quantize_block_iq3_xxs);
}

/* -------------------------------------------------------------------------------------------------- IQ3_S */

static inline void quantize_block_iq3_s(const gk_iq_grid *g, const float *xbl, const float *qwbl, void *vy) {
    gk_block_iq3_s *y = (gk_block_iq3_s *)vy;
    float scales[QK / 32], weight[32], xval[32], waux[32];
    int8_t L[32];
    uint8_t block_signs[4];
    memset(y, 0, sizeof(*y));

    float max_scale = 0;
    float sigma2 = 2 * block_sumx2(xbl) / QK;

    for (int ib = 0; ib < QK / 32; ++ib) {
        const float *xb = xbl + 32 * ib;
        sub_weights(32, xb, qwbl ? qwbl + 32 * ib : NULL, sigma2, weight, waux);
        for (int k = 0; k < 4; ++k) block_signs[k] = signs8(xb + 8 * k, weight + 8 * k, xval + 8 * k, 0);
        float max = max_of(32, xval);
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
    pack_scale_nibbles(QK / 32, scales, id, y->scales);
}

static inline size_t iq_rows_iq3_s(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows(x, y, nrows, n_per_row, imatrix, GK_IQGRID_IQ3_S, 0, sizeof(gk_block_iq3_s), quantize_block_iq3_s);
}

/* ================================================================================================ IQ1 */

/* The n values of a sub-block as (value, position) pairs in ascending order: the split search runs over them. */
static inline void sorted_pairs(int n, const float *xb, sort_pair *pairs) {
    for (int j = 0; j < n; ++j) {
        pairs[j].x = xb[j];
        pairs[j].i = j;
    }
    iq_sort(pairs, n);
}

/* Levels 0 | 1 | 2 for the sorted values below i1, from i1 to i2, from i2 on. */
static inline void split_levels(int n, const sort_pair *pairs, int i1, int i2, int8_t *L) {
    for (int j = 0; j < i1; ++j) L[pairs[j].i] = 0;
    for (int j = i1; j < i2; ++j) L[pairs[j].i] = 1;
    for (int j = i2; j < n; ++j) L[pairs[j].i] = 2;
}

/* Grid index of the 8 levels in L at value set xx; off the grid, the best neighbour's (L updated) and
 * *all_on_grid is cleared. */
static inline int snap8_iq1(const gk_iq_grid *g, const float *xb, const float *weight, float scale, const float *xx,
                            int8_t *L, int *all_on_grid) {
    const int u = pattern_of(L);
    int gi = g->map[u];
    if (gi < 0) {
        *all_on_grid = 0;
        gi = iq_nb1(g, u, xb, weight, scale, xx, L);
    }
    return gi;
}

/* Adds sum w*q*x and sum w*q*q over the 8 values of grid point index (q = xx[level]) to *sumqx and *sumq2. */
static inline void grid8_sums(const gk_iq_grid *g, int index, const float *xx, const float *weight, const float *xb,
                              float *sumqx, float *sumq2) {
    const int8_t *pg = (const int8_t *)(g->grid8 + index);
    for (int j = 0; j < 8; ++j) {
        float w = weight[j];
        float q = xx[(pg[j] - 1) / 2];
        *sumqx += w * q * xb[j];
        *sumq2 += w * q * q;
    }
}

/* ------------------------------------------------------------------------------------------------- IQ1_S */

static inline void quantize_block_iq1_s(const gk_iq_grid *g, const float *xbl, const float *qwbl, void *vy) {
    gk_block_iq1_s *y = (gk_block_iq1_s *)vy;
    const float x_p[3] = {-1 + GK_IQ1S_DELTA, GK_IQ1S_DELTA, 1 + GK_IQ1S_DELTA};
    const float x_m[3] = {-1 - GK_IQ1S_DELTA, -GK_IQ1S_DELTA, 1 - GK_IQ1S_DELTA};
    float scales[QK / IQ1S_BLOCK], weight[IQ1S_BLOCK], sumx[IQ1S_BLOCK + 1], sumw[IQ1S_BLOCK + 1];
    int8_t L[IQ1S_BLOCK], shifts[QK / IQ1S_BLOCK];
    uint16_t index[IQ1S_BLOCK / 8];
    sort_pair pairs[IQ1S_BLOCK];
    const int bs = IQ1S_BLOCK;

    y->d = 0;
    memset(y->qs, 0, sizeof(y->qs));
    memset(y->qh, 0, sizeof(y->qh));
    uint16_t qh[QK / IQ1S_BLOCK] = {0};

    float max_scale = 0;
    float sigma2 = 2 * block_sumx2(xbl) / QK;

    for (int ib = 0; ib < QK / bs; ++ib) {
        const float *xb = xbl + bs * ib;
        const float *qw = qwbl + bs * ib;
        for (int i = 0; i < bs; ++i) weight[i] = qw[i] * sqrtf(sigma2 + xb[i] * xb[i]);
        float max = max_abs(bs, xb);
        if (max < GROUP_MAX_EPS_IQ1_S) {
            scales[ib] = 0;
            shifts[ib] = 1;
            continue;
        }
        sorted_pairs(bs, xb, pairs);
        sumx[0] = sumw[0] = 0;
        for (int j = 0; j < bs; ++j) {
            int i = pairs[j].i;
            sumx[j + 1] = sumx[j] + weight[i] * xb[i];
            sumw[j + 1] = sumw[j] + weight[i];
        }
        /* Exhaustive search of the split points i1 <= i2 (sorted order): levels 0 | 1 | 2. */
        iq1_split best = {-FLT_MAX, max, -1, -1, 0};
        iq1s_split(sumx, sumw, bs, x_p, x_m, &best);
        float scale = best.scale;
        int besti1 = best.i1, besti2 = best.i2, best_shift = best.which;
        if (besti1 < 0 || besti2 < 0 || best_shift == 0) {
            scales[ib] = 0;
            shifts[ib] = 1;
            continue;
        }
        split_levels(bs, pairs, besti1, besti2, L);
        if (scale < 0) {
            for (int j = 0; j < bs; ++j) L[j] = (int8_t)(2 - L[j]);
            scale = -scale;
            best_shift = -best_shift;
        }
        int all_on_grid = 1;
        const float *xx = best_shift == 1 ? x_p : x_m;
        for (int k = 0; k < bs / 8; ++k)
            index[k] = (uint16_t)snap8_iq1(g, xb + 8 * k, weight + 8 * k, scale, xx, L + 8 * k, &all_on_grid);
        if (!all_on_grid) {
            float sumqx = 0, sumq2 = 0;
            for (int k = 0; k < bs / 8; ++k) grid8_sums(g, index[k], xx, weight + 8 * k, xb + 8 * k, &sumqx, &sumq2);
            if (sumqx > 0 && sumq2 > 0) scale = sumqx / sumq2;
        }
        uint16_t h = 0;
        for (int k = 0; k < bs / 8; ++k) {
            y->qs[(bs / 8) * ib + k] = (uint8_t)(index[k] & 255);
            h |= (uint16_t)((index[k] >> 8) << 3 * k);
        }
        qh[ib] = h;
        scales[ib] = scale;
        shifts[ib] = (int8_t)best_shift;
        max_scale = IQ_MAX(max_scale, scale);
    }

    if (max_scale) {
        float d = max_scale / 15;
        y->d = gk_fp32_to_fp16(d * 1.125f);
        float id = 1 / d;
        for (int ib = 0; ib < QK / bs; ++ib) {
            int l = odd_level(id, scales[ib], 7);
            if (shifts[ib] == -1) l |= 8;
            qh[ib] |= (uint16_t)(l << 12);
        }
    }
    for (int ib = 0; ib < QK / bs; ++ib) {
        uint8_t *p = (uint8_t *)y->qh + 2 * ib;
        p[0] = (uint8_t)qh[ib];
        p[1] = (uint8_t)(qh[ib] >> 8);
    }
}

static inline size_t iq_rows_iq1_s(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    /* ggml requires an importance matrix for IQ1_S */
    return iq_rows(x, y, nrows, n_per_row, imatrix, GK_IQGRID_IQ1_S, 1, sizeof(gk_block_iq1_s), quantize_block_iq1_s);
}

/* ------------------------------------------------------------------------------------------------- IQ1_M */

static inline void iq1m_weights(const float *xb, const float *qw, float sigma2, float *weight) {
    if (qw) {
        for (int i = 0; i < IQ1M_BLOCK; ++i) weight[i] = qw[i] * sqrtf(sigma2 + xb[i] * xb[i]);
    } else {
        for (int i = 0; i < IQ1M_BLOCK; ++i) weight[i] = xb[i] * xb[i];
    }
}

static inline void quantize_block_iq1_m(const gk_iq_grid *g, const float *xbl, const float *qwbl, void *vy) {
    gk_block_iq1_m *y = (gk_block_iq1_m *)vy;
    const float x_p[3] = {-1 + GK_IQ1M_DELTA, GK_IQ1M_DELTA, 1 + GK_IQ1M_DELTA};
    const float x_m[3] = {-1 - GK_IQ1M_DELTA, -GK_IQ1M_DELTA, 1 - GK_IQ1M_DELTA};
    static const uint8_t masks[4] = {0x00, 0x80, 0x08, 0x88};
    const int bs = IQ1M_BLOCK;
    float scales[QK / IQ1M_BLOCK], weights[QK]; /* weights kept for the final refit (same values) */
    int8_t L[IQ1M_BLOCK], shifts[QK / IQ1M_BLOCK];
    uint16_t index[IQ1M_BLOCK / 8];
    sort_pair pairs[IQ1M_BLOCK];
    uint16_t sc[4] = {0, 0, 0, 0};
    const float *xx;

    memset(y, 0, sizeof(*y));

    float max_scale = 0;
    float sigma2 = 2 * block_sumx2(xbl) / QK;

    for (int ib = 0; ib < QK / bs; ++ib) {
        const float *xb = xbl + bs * ib;
        float *weight = weights + bs * ib;
        iq1m_weights(xb, qwbl ? qwbl + bs * ib : NULL, sigma2, weight);
        float max = max_abs(bs, xb);
        if (max < GROUP_MAX_EPS_IQ1_M) {
            scales[ib] = 0;
            shifts[ib] = 0;
            continue;
        }
        sorted_pairs(bs, xb, pairs);
        iq1m_sums s;
        s.px[0][0] = s.px[1][0] = 0;
        s.pw[0][0] = s.pw[1][0] = 0;
        for (int j = 0; j < bs; ++j) {
            const int i = pairs[j].i;
            const int h = i < bs / 2 ? 0 : 1;
            s.px[h][j + 1] = s.px[h][j] + weight[i] * xb[i];
            s.px[1 - h][j + 1] = s.px[1 - h][j];
            s.pw[h][j + 1] = s.pw[h][j] + weight[i];
            s.pw[1 - h][j + 1] = s.pw[1 - h][j];
        }
        s.txs[0] = s.px[0][bs]; s.txs[1] = s.px[1][bs];
        s.tws[0] = s.pw[0][bs]; s.tws[1] = s.pw[1][bs];
        s.p2 = x_p[2]; s.m2 = x_m[2];
        s.cp1 = x_p[0] * x_p[0] - x_p[1] * x_p[1];
        s.cp2 = x_p[1] * x_p[1] - x_p[2] * x_p[2];
        s.cm1 = x_m[0] * x_m[0] - x_m[1] * x_m[1];
        s.cm2 = x_m[1] * x_m[1] - x_m[2] * x_m[2];
        iq1_split best = {-FLT_MAX, max, -1, -1, -1};
        iq1m_split(&s, bs, &best);
        float scale = best.scale;
        int besti1 = best.i1, besti2 = best.i2, best_k = best.which;
        if (besti1 < 0 || besti2 < 0 || best_k < 0) {
            scales[ib] = 0;
            shifts[ib] = 0;
            continue;
        }
        split_levels(bs, pairs, besti1, besti2, L);
        if (scale < 0) {
            for (int j = 0; j < bs; ++j) L[j] = (int8_t)(2 - L[j]);
            scale = -scale;
            best_k = 3 - best_k;
        }
        int all_on_grid = 1;
        for (int k = 0; k < bs / 8; ++k) {
            xx = (k == 0 ? best_k < 2 : best_k % 2 == 0) ? x_p : x_m;
            index[k] = (uint16_t)snap8_iq1(g, xb + 8 * k, weight + 8 * k, scale, xx, L + 8 * k, &all_on_grid);
        }
        if (!all_on_grid) {
            float sumqx_f = 0, sumq2_f = 0;
            for (int k = 0; k < bs / 8; ++k) {
                xx = (k == 0 ? best_k < 2 : best_k % 2 == 0) ? x_p : x_m;
                grid8_sums(g, index[k], xx, weight + 8 * k, xb + 8 * k, &sumqx_f, &sumq2_f);
            }
            if (sumqx_f > 0 && sumq2_f > 0) scale = sumqx_f / sumq2_f;
        }
        y->qs[2 * ib + 0] = (uint8_t)(index[0] & 255);
        y->qs[2 * ib + 1] = (uint8_t)(index[1] & 255);
        y->qh[ib] = (uint8_t)((index[0] >> 8) | ((index[1] >> 8) << 4));
        scales[ib] = scale;
        shifts[ib] = (int8_t)best_k;
        max_scale = IQ_MAX(max_scale, scale);
    }

    if (!max_scale) return;

    /* Quantize the sub-block scales to 3 bits, then refit the block scale to the chosen levels. */
    float d = max_scale / 15;
    float id = 1 / d;
    float sumqx_f = 0, sumq2_f = 0;
    for (int ib = 0; ib < QK / bs; ++ib) {
        const int l = odd_level(id, scales[ib], 7);
        sc[ib / 4] |= (uint16_t)(l << 3 * (ib % 4));
        y->qh[ib] |= masks[shifts[ib]];
        const float *xb = xbl + bs * ib;
        const float *weight = weights + bs * ib;
        for (int k = 0; k < bs / 8; ++k) {
            xx = (k == 0 ? shifts[ib] < 2 : shifts[ib] % 2 == 0) ? x_p : x_m;
            const int8_t *pg = (const int8_t *)(g->grid8 + y->qs[2 * ib + k] + ((y->qh[ib] << (8 - 4 * k)) & 0x700));
            for (int j = 0; j < 8; ++j) {
                float w = weight[8 * k + j];
                float q = xx[(pg[j] - 1) / 2] * (2 * l + 1);
                sumqx_f += w * q * xb[8 * k + j];
                sumq2_f += w * q * q;
            }
        }
    }
    if (sumq2_f > 0) d = sumqx_f / sumq2_f;
    const uint16_t s = gk_fp32_to_fp16(d * 1.1125f);
    sc[0] |= (uint16_t)((s & 0x000f) << 12);
    sc[1] |= (uint16_t)((s & 0x00f0) << 8);
    sc[2] |= (uint16_t)((s & 0x0f00) << 4);
    sc[3] |= (uint16_t)((s & 0xf000) << 0);
    for (int i = 0; i < 4; ++i) {
        y->scales[2 * i] = (uint8_t)sc[i];
        y->scales[2 * i + 1] = (uint8_t)(sc[i] >> 8);
    }
}

static inline size_t iq_rows_iq1_m(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows(x, y, nrows, n_per_row, imatrix, GK_IQGRID_IQ1_S, 0, sizeof(gk_block_iq1_m), quantize_block_iq1_m);
}

#endif
