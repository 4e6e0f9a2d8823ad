/* Scalar reference quantizers for IQ1_S and IQ1_M, byte-identical to ggml's quantize_iq1_s and
 * quantize_iq1_m (ggml-quants.c); IQ1_S needs an importance matrix, IQ1_M works with or without one.
 *
 * Values take one of three levels -1, 0, 1 shifted by +-delta (x_p / x_m below). Within a sub-block
 * (32 values for IQ1_S, 16 for IQ1_M) the weighted least-squares problem is solved exactly: after sorting
 * the values, every split into three groups is scored from prefix sums. Groups of 8 levels must then be a
 * point of the 2048-point grid; off-grid patterns are replaced by their best neighbour.
 *
 * Every float expression keeps ggml's operand order (the build uses -ffp-contract=off). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "blocks.h"
#include "fp16.h"
#include "tables.h"
#include "quant_iq_grids.h"
#include "ggufkit/gk_kernels.h"

#define QK 256
#define IQ_MAX(a, b) ((a) > (b) ? (a) : (b))
#define IQ_MIN(a, b) ((a) < (b) ? (a) : (b))
#define GROUP_MAX_EPS_IQ1_M 1e-7f
#define GROUP_MAX_EPS_IQ1_S 1e-12f
#define IQ1S_BLOCK 32
#define IQ1M_BLOCK 16

typedef struct {
    float x;
    int i;
} sort_pair;

/* Ascending by x, stable (ggml sorts with glibc's qsort, a merge sort for arrays this small). */
static void sort_pairs(sort_pair *p, int n) {
    for (int a = 1; a < n; ++a) {
        sort_pair t = p[a];
        int b = a;
        while (b > 0 && t.x < p[b - 1].x) {
            p[b] = p[b - 1];
            --b;
        }
        p[b] = t;
    }
}

/* The neighbour of an off-grid pattern whose values xg[level]*scale are closest to xval under weights w. */
static int best_neighbour_iq1(const gk_iq_grid *g, const uint16_t *neighbours, const float *xval, const float *w,
                              float scale, const float *xg, int8_t *L) {
    const int count = neighbours[0];
    float best = FLT_MAX;
    int index = -1;
    for (int j = 1; j <= count; ++j) {
        const int8_t *pg = (const int8_t *)(g->grid8 + neighbours[j]);
        float d2 = 0;
        for (int i = 0; i < 8; ++i) {
            float q = xg[(pg[i] - 1) / 2];
            float wi = w[i];
            float diff = scale * q - xval[i];
            d2 += wi * diff * diff;
        }
        if (d2 < best) {
            best = d2;
            index = neighbours[j];
        }
    }
    if (index < 0) {
        /* Only for non-finite distances. ggml then scans the whole grid (reading xval[grid index], out of
         * bounds); we scan it with the element index, and fall back to the first neighbour. */
        for (int k = 0; k < g->grid_size; ++k) {
            const int8_t *pg = (const int8_t *)(g->grid8 + k);
            float d2 = 0;
            for (int i = 0; i < 8; ++i) {
                float diff = scale * xg[(pg[i] - 1) / 2] - xval[i];
                d2 += w[i] * diff * diff;
            }
            if (d2 < best) {
                best = d2;
                index = k;
            }
        }
        if (index < 0) index = neighbours[1];
    }
    const int8_t *pg = (const int8_t *)(g->grid8 + index);
    for (int i = 0; i < 8; ++i) L[i] = (int8_t)((pg[i] - 1) / 2);
    return index;
}

static int pattern_of(const int8_t *L) {
    int u = 0;
    for (int i = 0; i < 8; ++i) u |= L[i] << 2 * i;
    return u;
}

/* ------------------------------------------------------------------------------------------------- IQ1_S */

static void quantize_block_iq1_s(const gk_iq_grid *g, const float *xbl, const float *qwbl, gk_block_iq1_s *y) {
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
    float sumx2 = 0;
    for (int i = 0; i < QK; ++i) sumx2 += xbl[i] * xbl[i];
    float sigma2 = 2 * sumx2 / QK;

    for (int ib = 0; ib < QK / bs; ++ib) {
        const float *xb = xbl + bs * ib;
        const float *qw = qwbl + bs * ib;
        for (int i = 0; i < bs; ++i) weight[i] = qw[i] * sqrtf(sigma2 + xb[i] * xb[i]);
        float max = fabsf(xb[0]);
        for (int i = 1; i < bs; ++i) max = IQ_MAX(max, fabsf(xb[i]));
        if (max < GROUP_MAX_EPS_IQ1_S) {
            scales[ib] = 0;
            shifts[ib] = 1;
            continue;
        }
        for (int j = 0; j < bs; ++j) {
            pairs[j].x = xb[j];
            pairs[j].i = j;
        }
        sort_pairs(pairs, bs);
        sumx[0] = sumw[0] = 0;
        for (int j = 0; j < bs; ++j) {
            int i = pairs[j].i;
            sumx[j + 1] = sumx[j] + weight[i] * xb[i];
            sumw[j + 1] = sumw[j] + weight[i];
        }
        /* Exhaustive search of the split points i1 <= i2 (sorted order): levels 0 | 1 | 2. */
        float best_score = -FLT_MAX, scale = max;
        int besti1 = -1, besti2 = -1, best_shift = 0;
        for (int i1 = 0; i1 <= bs; ++i1) {
            for (int i2 = i1; i2 <= bs; ++i2) {
                float sumqx = (sumx[i1] - sumx[0]) * x_p[0] + (sumx[i2] - sumx[i1]) * x_p[1]
                            + (sumx[bs] - sumx[i2]) * x_p[2];
                float sumq2 = (sumw[i1] - sumw[0]) * x_p[0] * x_p[0] + (sumw[i2] - sumw[i1]) * x_p[1] * x_p[1]
                            + (sumw[bs] - sumw[i2]) * x_p[2] * x_p[2];
                if (sumq2 > 0 && sumqx * sumqx > best_score * sumq2) {
                    scale = sumqx / sumq2;
                    best_score = scale * sumqx;
                    besti1 = i1; besti2 = i2; best_shift = 1;
                }
                sumqx = (sumx[i1] - sumx[0]) * x_m[0] + (sumx[i2] - sumx[i1]) * x_m[1]
                      + (sumx[bs] - sumx[i2]) * x_m[2];
                sumq2 = (sumw[i1] - sumw[0]) * x_m[0] * x_m[0] + (sumw[i2] - sumw[i1]) * x_m[1] * x_m[1]
                      + (sumw[bs] - sumw[i2]) * x_m[2] * x_m[2];
                if (sumq2 > 0 && sumqx * sumqx > best_score * sumq2) {
                    scale = sumqx / sumq2;
                    best_score = scale * sumqx;
                    besti1 = i1; besti2 = i2; best_shift = -1;
                }
            }
        }
        if (besti1 < 0 || besti2 < 0 || best_shift == 0) {
            scales[ib] = 0;
            shifts[ib] = 1;
            continue;
        }
        for (int j = 0; j < besti1; ++j) L[pairs[j].i] = 0;
        for (int j = besti1; j < besti2; ++j) L[pairs[j].i] = 1;
        for (int j = besti2; j < bs; ++j) L[pairs[j].i] = 2;
        if (scale < 0) {
            for (int j = 0; j < bs; ++j) L[j] = (int8_t)(2 - L[j]);
            scale = -scale;
            best_shift = -best_shift;
        }
        int all_on_grid = 1;
        const float *xx = best_shift == 1 ? x_p : x_m;
        for (int k = 0; k < bs / 8; ++k) {
            const int u = pattern_of(L + 8 * k);
            int gi = g->map[u];
            if (gi < 0) {
                all_on_grid = 0;
                gi = best_neighbour_iq1(g, g->neighbours - gi - 1, xb + 8 * k, weight + 8 * k, scale, xx, L + 8 * k);
            }
            index[k] = (uint16_t)gi;
        }
        if (!all_on_grid) {
            float sumqx = 0, sumq2 = 0;
            for (int k = 0; k < bs / 8; ++k) {
                const int8_t *pg = (const int8_t *)(g->grid8 + index[k]);
                for (int j = 0; j < 8; ++j) {
                    float w = weight[8 * k + j];
                    float q = xx[(pg[j] - 1) / 2];
                    sumqx += w * q * xb[8 * k + j];
                    sumq2 += w * q * q;
                }
            }
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
            int l = gk_iq_nearest_int(0.5f * (id * scales[ib] - 1));
            l = IQ_MAX(0, IQ_MIN(7, l));
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

size_t gk_quant_iq1_s_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    if (!imatrix || n_per_row % QK) return 0; /* ggml requires an importance matrix for IQ1_S */
    const gk_iq_grid *g = gk_iq_grid_get(GK_IQGRID_IQ1_S);
    if (!g) return 0;
    const int64_t nb = n_per_row / QK;
    gk_block_iq1_s *out = (gk_block_iq1_s *)y;
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t b = 0; b < nb; ++b)
            quantize_block_iq1_s(g, x + r * n_per_row + QK * b, imatrix + QK * b, out + r * nb + b);
    return (size_t)(nrows * nb) * sizeof(gk_block_iq1_s);
}

/* ------------------------------------------------------------------------------------------------- IQ1_M */

static void iq1m_weights(const float *xb, const float *qw, float sigma2, float *weight) {
    if (qw) {
        for (int i = 0; i < IQ1M_BLOCK; ++i) weight[i] = qw[i] * sqrtf(sigma2 + xb[i] * xb[i]);
    } else {
        for (int i = 0; i < IQ1M_BLOCK; ++i) weight[i] = xb[i] * xb[i];
    }
}

static void quantize_block_iq1_m(const gk_iq_grid *g, const float *xbl, const float *qwbl, gk_block_iq1_m *y) {
    const float x_p[3] = {-1 + GK_IQ1M_DELTA, GK_IQ1M_DELTA, 1 + GK_IQ1M_DELTA};
    const float x_m[3] = {-1 - GK_IQ1M_DELTA, -GK_IQ1M_DELTA, 1 - GK_IQ1M_DELTA};
    static const uint8_t masks[4] = {0x00, 0x80, 0x08, 0x88};
    const int bs = IQ1M_BLOCK;
    float scales[QK / IQ1M_BLOCK], weight[IQ1M_BLOCK];
    int8_t L[IQ1M_BLOCK], shifts[QK / IQ1M_BLOCK];
    uint16_t index[IQ1M_BLOCK / 8];
    sort_pair pairs[IQ1M_BLOCK];
    uint16_t sc[4] = {0, 0, 0, 0};
    const float *xx;

    memset(y, 0, sizeof(*y));

    float max_scale = 0;
    float sumx2 = 0;
    for (int i = 0; i < QK; ++i) sumx2 += xbl[i] * xbl[i];
    float sigma2 = 2 * sumx2 / QK;

    for (int ib = 0; ib < QK / bs; ++ib) {
        const float *xb = xbl + bs * ib;
        iq1m_weights(xb, qwbl ? qwbl + bs * ib : NULL, sigma2, weight);
        float max = fabsf(xb[0]);
        for (int i = 1; i < bs; ++i) max = IQ_MAX(max, fabsf(xb[i]));
        if (max < GROUP_MAX_EPS_IQ1_M) {
            scales[ib] = 0;
            shifts[ib] = 0;
            continue;
        }
        for (int j = 0; j < bs; ++j) {
            pairs[j].x = xb[j];
            pairs[j].i = j;
        }
        sort_pairs(pairs, bs);
        float best_score = -FLT_MAX, scale = max;
        int besti1 = -1, besti2 = -1, best_k = -1;
        /* k: the shifts of the two halves, 0: (+,+) 1: (+,-) 2: (-,+) 3: (-,-). Prefix sums are kept per
         * half; since v[0]-v[1] = v[1]-v[2] = -1 for x_p and x_m, the 3-group sum of a split collapses to
         * T*v[2] - px[i1] - px[i2] (ggml's formulation, kept for identical rounding). */
        float px[2][IQ1M_BLOCK + 1], pw[2][IQ1M_BLOCK + 1];
        px[0][0] = px[1][0] = 0;
        pw[0][0] = pw[1][0] = 0;
        for (int j = 0; j < bs; ++j) {
            const int i = pairs[j].i;
            const int h = i < bs / 2 ? 0 : 1;
            px[h][j + 1] = px[h][j] + weight[i] * xb[i];
            px[1 - h][j + 1] = px[1 - h][j];
            pw[h][j + 1] = pw[h][j] + weight[i];
            pw[1 - h][j + 1] = pw[1 - h][j];
        }
        const float txs[2] = {px[0][bs], px[1][bs]};
        const float tws[2] = {pw[0][bs], pw[1][bs]};
        const float p2 = x_p[2], m2 = x_m[2];
        const float cp1 = x_p[0] * x_p[0] - x_p[1] * x_p[1];
        const float cp2 = x_p[1] * x_p[1] - x_p[2] * x_p[2];
        const float cm1 = x_m[0] * x_m[0] - x_m[1] * x_m[1];
        const float cm2 = x_m[1] * x_m[1] - x_m[2] * x_m[2];
        for (int i1 = 0; i1 <= bs; ++i1) {
            for (int i2 = i1; i2 <= bs; ++i2) {
                float qx_p[2], qx_m[2], q2_p[2], q2_m[2], sumqx[4], sumq2[4];
                for (int h = 0; h < 2; ++h) {
                    const float sx = px[h][i1] + px[h][i2];
                    qx_p[h] = txs[h] * p2 - sx;
                    qx_m[h] = txs[h] * m2 - sx;
                    q2_p[h] = tws[h] * p2 * p2 + pw[h][i1] * cp1 + pw[h][i2] * cp2;
                    q2_m[h] = tws[h] * m2 * m2 + pw[h][i1] * cm1 + pw[h][i2] * cm2;
                }
                sumqx[0] = qx_p[0] + qx_p[1];
                sumqx[1] = qx_p[0] + qx_m[1];
                sumqx[2] = qx_m[0] + qx_p[1];
                sumqx[3] = qx_m[0] + qx_m[1];
                sumq2[0] = q2_p[0] + q2_p[1];
                sumq2[1] = q2_p[0] + q2_m[1];
                sumq2[2] = q2_m[0] + q2_p[1];
                sumq2[3] = q2_m[0] + q2_m[1];
                for (int k = 0; k < 4; ++k) {
                    if (sumq2[k] > 0 && sumqx[k] * sumqx[k] > best_score * sumq2[k]) {
                        scale = sumqx[k] / sumq2[k];
                        best_score = scale * sumqx[k];
                        besti1 = i1; besti2 = i2; best_k = k;
                    }
                }
            }
        }
        if (besti1 < 0 || besti2 < 0 || best_k < 0) {
            scales[ib] = 0;
            shifts[ib] = 0;
            continue;
        }
        for (int j = 0; j < besti1; ++j) L[pairs[j].i] = 0;
        for (int j = besti1; j < besti2; ++j) L[pairs[j].i] = 1;
        for (int j = besti2; j < bs; ++j) L[pairs[j].i] = 2;
        if (scale < 0) {
            for (int j = 0; j < bs; ++j) L[j] = (int8_t)(2 - L[j]);
            scale = -scale;
            best_k = 3 - best_k;
        }
        int all_on_grid = 1;
        for (int k = 0; k < bs / 8; ++k) {
            xx = (k == 0 ? best_k < 2 : best_k % 2 == 0) ? x_p : x_m;
            const int u = pattern_of(L + 8 * k);
            int gi = g->map[u];
            if (gi < 0) {
                all_on_grid = 0;
                gi = best_neighbour_iq1(g, g->neighbours - gi - 1, xb + 8 * k, weight + 8 * k, scale, xx, L + 8 * k);
            }
            index[k] = (uint16_t)gi;
        }
        if (!all_on_grid) {
            float sumqx_f = 0, sumq2_f = 0;
            for (int k = 0; k < bs / 8; ++k) {
                xx = (k == 0 ? best_k < 2 : best_k % 2 == 0) ? x_p : x_m;
                const int8_t *pg = (const int8_t *)(g->grid8 + index[k]);
                for (int j = 0; j < 8; ++j) {
                    float w = weight[8 * k + j];
                    float q = xx[(pg[j] - 1) / 2];
                    sumqx_f += w * q * xb[8 * k + j];
                    sumq2_f += w * q * q;
                }
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
        int l = gk_iq_nearest_int(0.5f * (id * scales[ib + 0] - 1));
        l = IQ_MAX(0, IQ_MIN(7, l));
        sc[ib / 4] |= (uint16_t)(l << 3 * (ib % 4));
        y->qh[ib] |= masks[shifts[ib]];
        const float *xb = xbl + bs * ib;
        iq1m_weights(xb, qwbl ? qwbl + bs * ib : NULL, sigma2, weight);
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

size_t gk_quant_iq1_m_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    if (n_per_row % QK) return 0;
    const gk_iq_grid *g = gk_iq_grid_get(GK_IQGRID_IQ1_S);
    if (!g) return 0;
    const int64_t nb = n_per_row / QK;
    gk_block_iq1_m *out = (gk_block_iq1_m *)y;
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t b = 0; b < nb; ++b)
            quantize_block_iq1_m(g, x + r * n_per_row + QK * b, imatrix ? imatrix + QK * b : NULL,
                                 out + r * nb + b);
    return (size_t)(nrows * nb) * sizeof(gk_block_iq1_m);
}
