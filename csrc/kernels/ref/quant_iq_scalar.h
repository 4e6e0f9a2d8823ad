/* The scalar search primitives of the grid IQ quantizers: the hot loops that a SIMD tier may replace
 * (quant_iq_impl.h calls them through the names iq_nb8, iq_nb4, iq_nb1, iq_trials, iq_sort,
 * iq1s_split, iq1m_split).
 * Each is ggml's loop with its exact float operation order; a replacement must pick the same winner.
 * static inline only: included by files of several ISA tiers. */
#ifndef GK_QUANT_IQ_SCALAR_H
#define GK_QUANT_IQ_SCALAR_H
#include <float.h>
#include <stdint.h>
#include <string.h>

#include "quant_iq_grids.h"

/* The neighbour of the off-grid key u closest to scale*q ~ xval under weights w (8-wide grids, q = 2l+1):
 * smallest sum of w*diff*diff, the first one on ties. Writes its levels to L, returns its grid index. */
static inline int iq_nb8_scalar(const gk_iq_grid *g, int u, const float *xval, const float *w, float scale,
                                int8_t *L) {
    const uint16_t *neighbours = g->neighbours - g->map[u] - 1;
    const int count = neighbours[0];
    float best_d2 = FLT_MAX;
    int index = neighbours[1]; /* ggml asserts a strictly better one exists; only overflowed inputs miss it */
    for (int j = 1; j <= count; ++j) {
        const int8_t *pg = (const int8_t *)(g->grid8 + neighbours[j]);
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
    const int8_t *pg = (const int8_t *)(g->grid8 + index);
    for (int i = 0; i < 8; ++i) L[i] = (int8_t)((pg[i] - 1) / 2);
    return index;
}

/* The same for the 4-wide IQ3 grids. */
static inline int iq_nb4_scalar(const gk_iq_grid *g, int u, const float *xval, const float *w, float scale,
                                int8_t *L) {
    const uint16_t *neighbours = g->neighbours - g->map[u] - 1;
    const int count = neighbours[0];
    float best_d2 = FLT_MAX;
    int index = neighbours[1];
    for (int j = 1; j <= count; ++j) {
        const int8_t *pg = (const int8_t *)(g->grid4 + neighbours[j]);
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
    const int8_t *pg = (const int8_t *)(g->grid4 + index);
    for (int i = 0; i < 4; ++i) L[i] = (int8_t)((pg[i] - 1) / 2);
    return index;
}

/* IQ1: the sub-block values with their positions, sorted ascending by value, stably (ggml sorts them
 * with glibc's qsort, a merge sort for arrays this small): ties keep the position order. */
typedef struct {
    float x;
    int i;
} sort_pair;

static inline void iq_sort_scalar(sort_pair *p, int n) {
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

/* The IQ1 neighbour search: the value of level l is xg[l] (ggml's iq1_find_best_neighbour2). */
static inline int iq_nb1_scalar(const gk_iq_grid *g, int u, const float *xval, const float *w, float scale,
                                const float *xg, int8_t *L) {
    const uint16_t *neighbours = g->neighbours - g->map[u] - 1;
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
        /* Only for overflowed distances. ggml then scans the whole grid (reading xval[grid index], out of
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

/* The best split of an IQ1_S sub-block of bs sorted values into levels 0 | 1 | 2 at i1 <= i2, for both
 * shifts (x_p: +1, x_m: -1), from prefix sums sumx (of w*x) and sumw (of w). Updates the running best
 * exactly as ggml's double loop (first candidate wins ties). */
typedef struct {
    float best_score, scale;
    int i1, i2, which;
} iq1_split;

static inline void iq1s_split_scalar(const float *sumx, const float *sumw, int bs, const float *x_p,
                                     const float *x_m, iq1_split *r) {
    for (int i1 = 0; i1 <= bs; ++i1) {
        for (int i2 = i1; i2 <= bs; ++i2) {
            float sumqx = (sumx[i1] - sumx[0]) * x_p[0] + (sumx[i2] - sumx[i1]) * x_p[1]
                        + (sumx[bs] - sumx[i2]) * x_p[2];
            float sumq2 = (sumw[i1] - sumw[0]) * x_p[0] * x_p[0] + (sumw[i2] - sumw[i1]) * x_p[1] * x_p[1]
                        + (sumw[bs] - sumw[i2]) * x_p[2] * x_p[2];
            if (sumq2 > 0 && sumqx * sumqx > r->best_score * sumq2) {
                r->scale = sumqx / sumq2;
                r->best_score = r->scale * sumqx;
                r->i1 = i1; r->i2 = i2; r->which = 1;
            }
            sumqx = (sumx[i1] - sumx[0]) * x_m[0] + (sumx[i2] - sumx[i1]) * x_m[1]
                  + (sumx[bs] - sumx[i2]) * x_m[2];
            sumq2 = (sumw[i1] - sumw[0]) * x_m[0] * x_m[0] + (sumw[i2] - sumw[i1]) * x_m[1] * x_m[1]
                  + (sumw[bs] - sumw[i2]) * x_m[2] * x_m[2];
            if (sumq2 > 0 && sumqx * sumqx > r->best_score * sumq2) {
                r->scale = sumqx / sumq2;
                r->best_score = r->scale * sumqx;
                r->i1 = i1; r->i2 = i2; r->which = -1;
            }
        }
    }
}

/* IQ1_M (sub-blocks of 16, each half with its own shift): prefix sums px (w*x) and pw (w) per half over
 * the sorted order; candidate k is the pair of shifts 0: (+,+) 1: (+,-) 2: (-,+) 3: (-,-). Since
 * v[0]-v[1] = v[1]-v[2] = -1 for both shifts, a split's sum collapses to T*v[2] - px[i1] - px[i2]
 * (ggml's formulation, kept for identical rounding). */
typedef struct {
    float px[2][17], pw[2][17];
    float txs[2], tws[2];
    float p2, m2, cp1, cp2, cm1, cm2;
} iq1m_sums;

static inline void iq1m_split_scalar(const iq1m_sums *s, int bs, iq1_split *r) {
    for (int i1 = 0; i1 <= bs; ++i1) {
        for (int i2 = i1; i2 <= bs; ++i2) {
            float qx_p[2], qx_m[2], q2_p[2], q2_m[2], sumqx[4], sumq2[4];
            for (int h = 0; h < 2; ++h) {
                const float sx = s->px[h][i1] + s->px[h][i2];
                qx_p[h] = s->txs[h] * s->p2 - sx;
                qx_m[h] = s->txs[h] * s->m2 - sx;
                q2_p[h] = s->tws[h] * s->p2 * s->p2 + s->pw[h][i1] * s->cp1 + s->pw[h][i2] * s->cp2;
                q2_m[h] = s->tws[h] * s->m2 * s->m2 + s->pw[h][i1] * s->cm1 + s->pw[h][i2] * s->cm2;
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
                if (sumq2[k] > 0 && sumqx[k] * sumqx[k] > r->best_score * sumq2[k]) {
                    r->scale = sumqx[k] / sumq2[k];
                    r->best_score = r->scale * sumqx[k];
                    r->i1 = i1; r->i2 = i2; r->which = k;
                }
            }
        }
    }
}

/* The scale trials of the IQ2 / IQ3 quantizers: for is = is_lo..is_hi, inverse scale
 * id = (base + is*step) / denom, levels clamp(nearest(0.5*(id*x - 1)), 0, maxl) per element, each group of
 * width levels snapped to the grid (best neighbour at scale 1/id if off the grid); the trial whose levels
 * give the best sumqx^2/sumq2 (weights w, values 2l+1) replaces *best, *scale, L[0..n) and, if on_grid is
 * not NULL, on_grid[group] (whether the group's pattern was a grid point). ggml's loops, exactly. */
typedef struct {
    int width, bits, maxl, n; /* 8, 2, 2 (IQ2) or 4, 3, 7 (IQ3); n = 16 or 32 elements */
    float base, step;
    int is_lo, is_hi;
    float denom;
} iq_trial_spec;

static inline int iq_pattern_scalar(const iq_trial_spec *sp, const float *xval, float id, int8_t *L) {
    int u = 0;
    for (int i = 0; i < sp->width; ++i) {
        int l = gk_iq_nearest_int(0.5f * (id * xval[i] - 1));
        l = l < sp->maxl ? l : sp->maxl;
        l = l > 0 ? l : 0;
        L[i] = (int8_t)l;
        u |= l << sp->bits * i;
    }
    return u;
}

static inline void iq_trials_scalar(const gk_iq_grid *g, const iq_trial_spec *sp, const float *weight,
                                    const float *waux, const float *xval, float *best, float *scale, int8_t *L,
                                    int *on_grid) {
    int8_t Laux[32];
    int on_grid_aux[8];
    const int ngroups = sp->n / sp->width;
    for (int is = sp->is_lo; is <= sp->is_hi; ++is) {
        float id = (sp->base + is * sp->step) / sp->denom;
        float this_scale = 1 / id;
        for (int k = 0; k < ngroups; ++k) {
            const int o = sp->width * k;
            const int u = iq_pattern_scalar(sp, xval + o, id, Laux + o);
            on_grid_aux[k] = g->map[u] >= 0;
            if (g->map[u] < 0) {
                if (sp->width == 8) iq_nb8_scalar(g, u, xval + o, waux + o, this_scale, Laux + o);
                else iq_nb4_scalar(g, u, xval + o, waux + o, this_scale, Laux + o);
            }
        }
        float sumqx = 0, sumq2 = 0;
        for (int i = 0; i < sp->n; ++i) {
            float w = weight[i];
            float q = 2 * Laux[i] + 1;
            sumqx += w * xval[i] * q;
            sumq2 += w * q * q;
        }
        if (sumq2 > 0 && sumqx * sumqx > *best * sumq2) {
            *scale = sumqx / sumq2;
            *best = *scale * sumqx;
            memcpy(L, Laux, (size_t)sp->n);
            if (on_grid) memcpy(on_grid, on_grid_aux, sizeof(int) * (size_t)ngroups);
        }
    }
}

#endif
