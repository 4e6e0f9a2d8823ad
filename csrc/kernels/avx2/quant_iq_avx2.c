/* AVX2 grid IQ quantizers: the logic of ../ref/quant_iq_impl.h with the hot searches done 8 candidates at a
 * time, picking exactly the scalar reference's winners (same bytes; the tests compare every tier).
 *
 * Neighbour searches: lane j of a vector holds candidate j's distance sum. Each element's term
 * w*diff*diff is first tabulated for every level (the same float operations as the scalar loop, so the
 * same values), then summed in the scalar order by a table lookup (vpermps) per element. The argmin keeps
 * the scalar rule: the smallest distance below FLT_MAX, the first candidate on ties.
 * Scale trials (IQ2 / IQ3): 8 trial scales at a time, one per lane: levels, pattern keys (map gathered)
 * and the two weighted sums are computed across trials, each lane in the scalar order; off-grid groups are
 * snapped one by one, and the accept-if-better decisions replay the trials in order.
 * IQ1 split searches: the candidates (i1, i2) of one i1 are evaluated 8 values of i2 at a time with the
 * scalar formulas, all of them first (with each one's score); the scan then starts at the first candidate
 * of the largest score when that one is sure to be accepted there (see split_search), and a chunk with no
 * candidate beating the running best (all compared against the same best, as the scalar loop would) is
 * skipped; in any other chunk only the candidates that beat the chunk's starting best are replayed, in the
 * scalar order (all of them if the best ever falls below that start by rounding).
 * IQ1 sort: ranks from vector compares (count of smaller values; ties then ordered by position), i.e. the
 * stable order of the scalar sort without its unpredictable branches. */
#include "ggufkit/gk_cpu.h"
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "../ref/quant_iq_scalar.h"

/* Prefix-sum copies padded so that 8 lanes from any split point stay in bounds. */
#define IQ1S_SPLIT_PAD (32 + 8)
#define IQ1M_SPLIT_PAD (16 + 8)

/* Position (in list order) of the smallest lane value below FLT_MAX, the first on ties; -1 if none.
 * Lanes that never took a candidate hold FLT_MAX. */
static inline int argmin_lanes(__m256 best, __m256i best_pos) {
    __m256 m = _mm256_min_ps(best, _mm256_permute2f128_ps(best, best, 1));
    m = _mm256_min_ps(m, _mm256_permute_ps(m, 0x4e));
    m = _mm256_min_ps(m, _mm256_permute_ps(m, 0xb1));
    if (!(_mm256_cvtss_f32(m) < FLT_MAX)) return -1;
    const __m256i eq = _mm256_castps_si256(_mm256_cmp_ps(best, m, _CMP_EQ_OQ));
    __m256i p = _mm256_blendv_epi8(_mm256_set1_epi32(INT32_MAX), best_pos, eq);
    p = _mm256_min_epi32(p, _mm256_permute2x128_si256(p, p, 1));
    p = _mm256_min_epi32(p, _mm256_shuffle_epi32(p, 0x4e));
    p = _mm256_min_epi32(p, _mm256_shuffle_epi32(p, 0xb1));
    return _mm256_cvtsi256_si32(p);
}

/* Position (0-based, in list order) of the neighbour of key u minimizing sum_e tab[e][level_e]; -1 if no
 * sum is below FLT_MAX. width: elements per grid point (8 or 4). */
static inline int nb_search(const gk_iq_grid *g, int u, const __m256 *tab, int width) {
    const uint16_t *neighbours = g->neighbours - g->map[u] - 1;
    const int count = neighbours[0];
    const uint8_t *lv = (const uint8_t *)(neighbours + 1 + count);
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256 best = _mm256_set1_ps(FLT_MAX);
    __m256i best_pos = _mm256_set1_epi32(-1);
    for (int c = 0; 8 * c < count; ++c) {
        __m256 d2 = _mm256_setzero_ps();
        for (int e = 0; e < width; ++e) {
            const __m256i idx = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(lv + 8 * (width * c + e))));
            d2 = _mm256_add_ps(d2, _mm256_permutevar8x32_ps(tab[e], idx));
        }
        const __m256i pos = _mm256_add_epi32(_mm256_set1_epi32(8 * c), lane);
        const __m256i valid = _mm256_cmpgt_epi32(_mm256_set1_epi32(count), pos);
        const __m256 lt = _mm256_and_ps(_mm256_cmp_ps(d2, best, _CMP_LT_OQ), _mm256_castsi256_ps(valid));
        best = _mm256_blendv_ps(best, d2, lt);
        best_pos = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(best_pos), _mm256_castsi256_ps(pos), lt));
    }
    return argmin_lanes(best, best_pos);
}

/* tab[e][l] = (w[e]*diff)*diff with diff = scale*qv[l] - x[e]: the scalar loop's term for level l. */
static inline void level_terms(int width, const float *x, const float *w, float scale, __m256 qv, __m256 *tab) {
    const __m256 sq = _mm256_mul_ps(_mm256_set1_ps(scale), qv);
    for (int e = 0; e < width; ++e) {
        const __m256 diff = _mm256_sub_ps(sq, _mm256_set1_ps(x[e]));
        tab[e] = _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(w[e]), diff), diff);
    }
}

/* Grid index of the best neighbour of off-grid key u (width 8 or 4, levels valued 2l+1). */
static inline int nb_index(const gk_iq_grid *g, int u, int width, const float *xval, const float *w, float scale) {
    __m256 tab[8];
    level_terms(width, xval, w, scale, _mm256_setr_ps(1, 3, 5, 7, 9, 11, 13, 15), tab);
    const int at = nb_search(g, u, tab, width);
    return (g->neighbours - g->map[u] - 1)[1 + (at < 0 ? 0 : at)];
}

static inline int iq_nb8_avx2(const gk_iq_grid *g, int u, const float *xval, const float *w, float scale, int8_t *L) {
    const int index = nb_index(g, u, 8, xval, w, scale);
    const int8_t *pg = (const int8_t *)(g->grid8 + index);
    for (int i = 0; i < 8; ++i) L[i] = (int8_t)((pg[i] - 1) / 2);
    return index;
}

static inline int iq_nb4_avx2(const gk_iq_grid *g, int u, const float *xval, const float *w, float scale, int8_t *L) {
    const int index = nb_index(g, u, 4, xval, w, scale);
    const int8_t *pg = (const int8_t *)(g->grid4 + index);
    for (int i = 0; i < 4; ++i) L[i] = (int8_t)((pg[i] - 1) / 2);
    return index;
}

/* iq_trials_scalar with 8 scale trials at a time (lane t = trial is0 + t): levels, keys (map gathered),
 * and the two weighted sums run across trials, each lane in the scalar order; off-grid groups are snapped
 * one by one; the accept-if-better decisions then replay the trials in order. */
static inline void iq_trials_avx2(const gk_iq_grid *g, const iq_trial_spec *sp, const float *weight,
                                  const float *waux, const float *xval, float *best, float *scale, int8_t *L,
                                  int *on_grid) {
    const int n = sp->n, width = sp->width, ngroups = n / width;
    float wx[32];
    for (int i = 0; i < n; ++i) wx[i] = weight[i] * xval[i];
    int32_t Lt[32][8] __attribute__((aligned(32)));
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i maxl = _mm256_set1_epi32(sp->maxl), zero = _mm256_setzero_si256();
    for (int is0 = sp->is_lo; is0 <= sp->is_hi; is0 += 8) {
        const int nvalid = sp->is_hi - is0 + 1 < 8 ? sp->is_hi - is0 + 1 : 8;
        const int valid_bits = (1 << nvalid) - 1;
        const __m256 isf = _mm256_cvtepi32_ps(_mm256_add_epi32(_mm256_set1_epi32(is0), lane));
        const __m256 id = _mm256_div_ps(_mm256_add_ps(_mm256_set1_ps(sp->base), _mm256_mul_ps(isf, _mm256_set1_ps(sp->step))),
                                        _mm256_set1_ps(sp->denom));
        float this_scale[8];
        _mm256_storeu_ps(this_scale, _mm256_div_ps(_mm256_set1_ps(1.0f), id));
        for (int i = 0; i < n; ++i) {
            const __m256 v = _mm256_mul_ps(_mm256_set1_ps(0.5f),
                                           _mm256_sub_ps(_mm256_mul_ps(id, _mm256_set1_ps(xval[i])), _mm256_set1_ps(1.0f)));
            const __m256i bits = _mm256_castps_si256(_mm256_add_ps(v, _mm256_set1_ps(12582912.f)));
            __m256i l = _mm256_sub_epi32(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x00400000));
            l = _mm256_max_epi32(zero, _mm256_min_epi32(maxl, l));
            _mm256_store_si256((__m256i *)Lt[i], l);
        }
        int off_bits[8];
        for (int k = 0; k < ngroups; ++k) {
            const int o = width * k;
            __m256i u = zero;
            for (int e = 0; e < width; ++e)
                u = _mm256_or_si256(u, _mm256_sll_epi32(_mm256_load_si256((const __m256i *)Lt[o + e]),
                                                        _mm_cvtsi32_si128(sp->bits * e)));
            const __m256i m = _mm256_i32gather_epi32((const int *)g->map, u, 4);
            int off = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(zero, m))) & valid_bits;
            off_bits[k] = off;
            if (!off) continue;
            int32_t keys[8];
            _mm256_storeu_si256((__m256i *)keys, u);
            for (; off; off &= off - 1) {
                const int t = __builtin_ctz((unsigned)off);
                const int index = nb_index(g, keys[t], width, xval + o, waux + o, this_scale[t]);
                const int8_t *pg = width == 8 ? (const int8_t *)(g->grid8 + index) : (const int8_t *)(g->grid4 + index);
                for (int e = 0; e < width; ++e) Lt[o + e][t] = (pg[e] - 1) / 2;
            }
        }
        __m256 sx = _mm256_setzero_ps(), s2 = _mm256_setzero_ps();
        for (int i = 0; i < n; ++i) {
            const __m256i l = _mm256_load_si256((const __m256i *)Lt[i]);
            const __m256 q = _mm256_cvtepi32_ps(_mm256_add_epi32(_mm256_add_epi32(l, l), _mm256_set1_epi32(1)));
            sx = _mm256_add_ps(sx, _mm256_mul_ps(_mm256_set1_ps(wx[i]), q));
            s2 = _mm256_add_ps(s2, _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(weight[i]), q), q));
        }
        float sumqx[8], sumq2[8];
        _mm256_storeu_ps(sumqx, sx);
        _mm256_storeu_ps(sumq2, s2);
        for (int t = 0; t < nvalid; ++t) {
            if (sumq2[t] > 0 && sumqx[t] * sumqx[t] > *best * sumq2[t]) {
                *scale = sumqx[t] / sumq2[t];
                *best = *scale * sumqx[t];
                for (int i = 0; i < n; ++i) L[i] = (int8_t)Lt[i][t];
                if (on_grid)
                    for (int k = 0; k < ngroups; ++k) on_grid[k] = !((off_bits[k] >> t) & 1);
            }
        }
    }
}

static inline int iq_nb1_avx2(const gk_iq_grid *g, int u, const float *xval, const float *w, float scale,
                              const float *xg, int8_t *L) {
    __m256 tab[8];
    level_terms(8, xval, w, scale, _mm256_setr_ps(xg[0], xg[1], xg[2], 0, 0, 0, 0, 0), tab);
    const int at = nb_search(g, u, tab, 8);
    if (at < 0) return iq_nb1_scalar(g, u, xval, w, scale, xg, L); /* overflowed input: ggml's fallback */
    const int index = (g->neighbours - g->map[u] - 1)[1 + at];
    const int8_t *pg = (const int8_t *)(g->grid8 + index);
    for (int i = 0; i < 8; ++i) L[i] = (int8_t)((pg[i] - 1) / 2);
    return index;
}

/* Stable ascending sort of n (16 or 32) values given in position order (p[j].i == j), by ranks.
 * Fast path: rank j = count of values below x[j], accumulated for all j at once (one compare per value
 * and vector); distinct values give a permutation. If two ranks collide (equal values) the ranks are
 * recomputed with the ties ordered by position (count of smaller values plus equal ones before), as the
 * stable scalar sort orders them. The scalar sort is the last resort (NaN). */
static inline void iq_sort_avx2(sort_pair *p, int n) {
    float x[32] __attribute__((aligned(32)));
    int32_t rank[32] __attribute__((aligned(32)));
    sort_pair out[32];
    for (int j = 0; j < n; ++j) x[j] = p[j].x;
    const int nv = n / 8;
    __m256 xv[4];
    __m256i acc[4];
    for (int c = 0; c < nv; ++c) {
        xv[c] = _mm256_load_ps(x + 8 * c);
        acc[c] = _mm256_setzero_si256();
    }
    for (int i = 0; i < n; ++i) {
        const __m256 xi = _mm256_set1_ps(x[i]);
        for (int c = 0; c < nv; ++c) /* lane j counts x[i] < x[j] (a true compare is -1) */
            acc[c] = _mm256_sub_epi32(acc[c], _mm256_castps_si256(_mm256_cmp_ps(xi, xv[c], _CMP_LT_OQ)));
    }
    for (int c = 0; c < nv; ++c) _mm256_store_si256((__m256i *)(rank + 8 * c), acc[c]);
    const uint32_t full = n == 32 ? 0xffffffffu : (1u << n) - 1;
    uint32_t used = 0;
    for (int j = 0; j < n; ++j) used |= 1u << rank[j];
    if (used != full) {
        used = 0;
        for (int i = 0; i < n; ++i) {
            const __m256 xi = _mm256_set1_ps(x[i]);
            uint32_t lt = 0, eq = 0;
            for (int c = 0; c < nv; ++c) {
                lt |= (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(xv[c], xi, _CMP_LT_OQ)) << 8 * c;
                eq |= (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(xv[c], xi, _CMP_EQ_OQ)) << 8 * c;
            }
            rank[i] = __builtin_popcount(lt) + __builtin_popcount(eq & ((1u << i) - 1));
            used |= 1u << rank[i];
        }
        if (used != full) {
            iq_sort_scalar(p, n);
            return;
        }
    }
    for (int j = 0; j < n; ++j) {
        out[rank[j]].x = x[j];
        out[rank[j]].i = j;
    }
    memcpy(p, out, sizeof(sort_pair) * (size_t)n);
}

/* Whether candidate (sumqx, sumq2) beats best as ggml tests it; lanes where valid is set. */
static inline int any_beats(__m256 sumqx, __m256 sumq2, __m256 best, __m256 valid) {
    const __m256 pos = _mm256_cmp_ps(sumq2, _mm256_setzero_ps(), _CMP_GT_OQ);
    const __m256 gt = _mm256_cmp_ps(_mm256_mul_ps(sumqx, sumqx), _mm256_mul_ps(best, sumq2), _CMP_GT_OQ);
    return _mm256_movemask_ps(_mm256_and_ps(_mm256_and_ps(pos, gt), valid));
}

/* Replays one chunk of split candidates in the scalar order (lane l = split i2 + l, candidate k within a
 * lane; bit nk*l + k of the masks), with ggml's accept test against the running best. beats marks the
 * candidates that pass that test against the best at the chunk's start; while the best does not fall below
 * that start value, no other candidate can pass (b*sumq2 rounds monotonically in b for sumq2 > 0), so only
 * those are visited. If an accepted score is below the start value (possible by rounding), every remaining
 * valid candidate is visited. Scales and scores are computed 8 at a time with the scalar operations. */
static inline void replay_split(const __m256 *sqx, const __m256 *sq2, int nk, uint32_t beats, uint32_t valid_bits,
                                int i1, int i2, const int *which, iq1_split *r) {
    float vxx[4][8], v2[4][8], vsc[4][8], vbest[4][8];
    for (int k = 0; k < nk; ++k) {
        const __m256 sc = _mm256_div_ps(sqx[k], sq2[k]);
        _mm256_storeu_ps(vxx[k], _mm256_mul_ps(sqx[k], sqx[k]));
        _mm256_storeu_ps(v2[k], sq2[k]);
        _mm256_storeu_ps(vsc[k], sc);
        _mm256_storeu_ps(vbest[k], _mm256_mul_ps(sc, sqx[k]));
    }
    const float start = r->best_score;
    while (beats) {
        const int pos = __builtin_ctz(beats);
        beats &= beats - 1;
        const int l = pos / nk, k = pos % nk;
        if (v2[k][l] > 0 && vxx[k][l] > r->best_score * v2[k][l]) {
            r->scale = vsc[k][l];
            r->best_score = vbest[k][l];
            r->i1 = i1; r->i2 = i2 + l; r->which = which[k];
            if (!(r->best_score >= start)) beats |= valid_bits & ~((2u << pos) - 1u);
        }
    }
}

static const int iq1s_which[2] = {1, -1}, iq1m_which[4] = {0, 1, 2, 3};

/* ---- Two-pass split search: the candidates of all chunks are computed first, then the scan starts at the
 * first candidate m of largest score S = (sumqx/sumq2)*sumqx when it is sure to be accepted there.
 * The scalar loop's running best before m is the score of an earlier accepted candidate (or the initial
 * value), so it is at most U = max(initial, largest S before m); if sumqx_m^2 > U*sumq2_m (rounded as the
 * scalar test), m passes whatever the best was (b*sumq2 rounds monotonically in b), and the best becomes
 * S_m exactly as in the scalar loop. Only the candidates after m then need the filtered scan, and with the
 * best already at the maximum almost every chunk is skipped. Otherwise (a near tie, or an overflowed
 * score) the filtered scan runs from the start. */
typedef struct {
    int i1, i2, nl; /* first split i2 of the chunk's lanes; nl valid lanes */
} split_chunk;

#define SPLIT_MAX_CHUNKS 85 /* bs = 32: sum over i1 of ceil((33 - i1) / 8) */

static inline __m256 lanes_below(int nl) {
    return _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32(nl), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
}

/* Bits 0..15 of x to the even bits, and bits 0..7 of x to every fourth bit: pdep with masks 0x55555555
 * and 0x11111111 done with shifts, for CPUs whose pdep is microcoded (GK_CPU_SLOW_PDEP: AMD before
 * Zen 3). Elsewhere pdep is kept: the shifts made the IQ1 quantizers 15-20% slower on Zen 4. */
static inline uint32_t spread_stride2(uint32_t x) {
    x &= 0xFFFFu;
    x = (x | (x << 8)) & 0x00FF00FFu;
    x = (x | (x << 4)) & 0x0F0F0F0Fu;
    x = (x | (x << 2)) & 0x33333333u;
    return (x | (x << 1)) & 0x55555555u;
}
static inline uint32_t spread_stride4(uint32_t x) {
    x &= 0xFFu;
    x = (x | (x << 12)) & 0x000F000Fu;
    x = (x | (x << 6)) & 0x03030303u;
    return (x | (x << 3)) & 0x11111111u;
}
static int pdep_is_slow(void) {
    static volatile int slow = -1; /* a race only asks twice */
    if (slow < 0) slow = (gk_cpu_features() & GK_CPU_SLOW_PDEP) != 0;
    return slow;
}

/* Bit nk*l + k from bit l of m[k] (scan order within a chunk). */
static inline uint32_t interleave_masks(const int *m, int nk) {
    uint32_t b = 0;
    if (pdep_is_slow()) {
        if (nk == 2) return spread_stride2((uint32_t)m[0]) | (spread_stride2((uint32_t)m[1]) << 1);
        for (int k = 0; k < nk; ++k) b |= spread_stride4((uint32_t)m[k]) << k;
        return b;
    }
    if (nk == 2) return _pdep_u32((uint32_t)m[0], 0x55555555u) | _pdep_u32((uint32_t)m[1], 0xaaaaaaaau);
    for (int k = 0; k < nk; ++k) b |= _pdep_u32((uint32_t)m[k], 0x11111111u << k);
    return b;
}

static inline float hmax_ps(__m256 v) {
    v = _mm256_max_ps(v, _mm256_permute2f128_ps(v, v, 1));
    v = _mm256_max_ps(v, _mm256_permute_ps(v, 0x4e));
    v = _mm256_max_ps(v, _mm256_permute_ps(v, 0xb1));
    return _mm256_cvtss_f32(v);
}

/* The filtered scan from chunk c0, skipping the positions in skip0 of chunk c0. X, Q: [chunk * nk + k][lane]. */
static inline void split_scan(const float (*X)[8], const float (*Q)[8], const split_chunk *ch, int nc, int nk, int c0,
                              uint32_t skip0, const int *which, iq1_split *r) {
    for (int c = c0; c < nc; ++c) {
        const __m256 valid = lanes_below(ch[c].nl), best = _mm256_set1_ps(r->best_score);
        int m[4];
        for (int k = 0; k < nk; ++k)
            m[k] = any_beats(_mm256_load_ps(X[c * nk + k]), _mm256_load_ps(Q[c * nk + k]), best, valid);
        uint32_t beats = interleave_masks(m, nk);
        if (c == c0) beats &= ~skip0;
        if (!beats) continue;
        __m256 sqx[4], sq2[4];
        for (int k = 0; k < nk; ++k) {
            sqx[k] = _mm256_load_ps(X[c * nk + k]);
            sq2[k] = _mm256_load_ps(Q[c * nk + k]);
        }
        replay_split(sqx, sq2, nk, beats, (uint32_t)(((uint64_t)1 << nk * ch[c].nl) - 1), ch[c].i1, ch[c].i2, which, r);
    }
}

static inline void split_search(const float (*X)[8], const float (*Q)[8], const split_chunk *ch, int nc, int nk,
                                const int *which, iq1_split *r) {
    float S[SPLIT_MAX_CHUNKS * 4][8] __attribute__((aligned(32)));
    const __m256 ninf = _mm256_set1_ps(-INFINITY), fmax = _mm256_set1_ps(FLT_MAX);
    __m256 vmax = ninf;
    int weird = 0;
    for (int c = 0; c < nc; ++c) {
        const __m256 valid = lanes_below(ch[c].nl);
        for (int k = 0; k < nk; ++k) {
            const __m256 x = _mm256_load_ps(X[c * nk + k]), q = _mm256_load_ps(Q[c * nk + k]);
            const __m256 ok = _mm256_and_ps(valid, _mm256_cmp_ps(q, _mm256_setzero_ps(), _CMP_GT_OQ));
            const __m256 sc = _mm256_mul_ps(_mm256_div_ps(x, q), x);
            weird |= _mm256_movemask_ps(_mm256_and_ps(ok, _mm256_cmp_ps(sc, fmax, _CMP_NLE_UQ)));
            const __m256 v = _mm256_blendv_ps(ninf, sc, ok);
            _mm256_store_ps(S[c * nk + k], v);
            vmax = _mm256_max_ps(vmax, v);
        }
    }
    if (weird) { /* an overflowed score: no shortcut */
        split_scan(X, Q, ch, nc, nk, 0, 0, which, r);
        return;
    }
    const float top = hmax_ps(vmax);
    if (top == -INFINITY) return; /* no candidate has sumq2 > 0: the scalar loop accepts none */
    const __m256 topv = _mm256_set1_ps(top);
    int c = 0;
    uint32_t bits = 0;
    for (; c < nc; ++c) {
        int m[4];
        for (int k = 0; k < nk; ++k) m[k] = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_load_ps(S[c * nk + k]), topv, _CMP_EQ_OQ));
        bits = interleave_masks(m, nk);
        if (bits) break;
    }
    const int pos = __builtin_ctz(bits), l = pos / nk, k = pos % nk;
    __m256 vb = ninf;
    for (int i = 0; i < c * nk; ++i) vb = _mm256_max_ps(vb, _mm256_load_ps(S[i]));
    float u = hmax_ps(vb);
    for (int p = 0; p < pos; ++p) u = (S[c * nk + p % nk][p / nk] > u ? S[c * nk + p % nk][p / nk] : u);
    if (r->best_score > u) u = r->best_score;
    const float xm = X[c * nk + k][l], qm = Q[c * nk + k][l];
    if (qm > 0 && xm * xm > u * qm) {
        r->scale = xm / qm;
        r->best_score = r->scale * xm;
        r->i1 = ch[c].i1; r->i2 = ch[c].i2 + l; r->which = which[k];
        split_scan(X, Q, ch, nc, nk, c, (2u << pos) - 1u, which, r);
    } else {
        split_scan(X, Q, ch, nc, nk, 0, 0, which, r);
    }
}

static inline void iq1s_split_avx2(const float *sumx, const float *sumw, int bs, const float *x_p, const float *x_m,
                                   iq1_split *r) {
    float sx[IQ1S_SPLIT_PAD], sw[IQ1S_SPLIT_PAD];
    for (int i = 0; i < IQ1S_SPLIT_PAD; ++i) {
        sx[i] = i <= bs ? sumx[i] : 0;
        sw[i] = i <= bs ? sumw[i] : 0;
    }
    float X[SPLIT_MAX_CHUNKS * 2][8] __attribute__((aligned(32))), Q[SPLIT_MAX_CHUNKS * 2][8] __attribute__((aligned(32)));
    split_chunk ch[SPLIT_MAX_CHUNKS];
    int nc = 0;
    const __m256 xp0 = _mm256_set1_ps(x_p[0]), xp1 = _mm256_set1_ps(x_p[1]), xp2 = _mm256_set1_ps(x_p[2]);
    const __m256 xm0 = _mm256_set1_ps(x_m[0]), xm1 = _mm256_set1_ps(x_m[1]), xm2 = _mm256_set1_ps(x_m[2]);
    const __m256 xtot = _mm256_set1_ps(sx[bs]), wtot = _mm256_set1_ps(sw[bs]);
    for (int i1 = 0; i1 <= bs; ++i1) {
        const __m256 ax = _mm256_set1_ps(sx[i1] - sx[0]), aw = _mm256_set1_ps(sw[i1] - sw[0]);
        const __m256 x1 = _mm256_set1_ps(sx[i1]), w1 = _mm256_set1_ps(sw[i1]);
        for (int i2 = i1; i2 <= bs; i2 += 8) {
            const __m256 x2 = _mm256_loadu_ps(sx + i2), w2 = _mm256_loadu_ps(sw + i2);
            const __m256 bx = _mm256_sub_ps(x2, x1), bw = _mm256_sub_ps(w2, w1);
            const __m256 cx = _mm256_sub_ps(xtot, x2), cw = _mm256_sub_ps(wtot, w2);
            const __m256 qx_p = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(ax, xp0), _mm256_mul_ps(bx, xp1)),
                                              _mm256_mul_ps(cx, xp2));
            const __m256 q2_p = _mm256_add_ps(
                _mm256_add_ps(_mm256_mul_ps(_mm256_mul_ps(aw, xp0), xp0), _mm256_mul_ps(_mm256_mul_ps(bw, xp1), xp1)),
                _mm256_mul_ps(_mm256_mul_ps(cw, xp2), xp2));
            const __m256 qx_m = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(ax, xm0), _mm256_mul_ps(bx, xm1)),
                                              _mm256_mul_ps(cx, xm2));
            const __m256 q2_m = _mm256_add_ps(
                _mm256_add_ps(_mm256_mul_ps(_mm256_mul_ps(aw, xm0), xm0), _mm256_mul_ps(_mm256_mul_ps(bw, xm1), xm1)),
                _mm256_mul_ps(_mm256_mul_ps(cw, xm2), xm2));
            _mm256_store_ps(X[2 * nc], qx_p);
            _mm256_store_ps(X[2 * nc + 1], qx_m);
            _mm256_store_ps(Q[2 * nc], q2_p);
            _mm256_store_ps(Q[2 * nc + 1], q2_m);
            ch[nc].i1 = i1;
            ch[nc].i2 = i2;
            ch[nc].nl = bs - i2 + 1 < 8 ? bs - i2 + 1 : 8;
            ++nc;
        }
    }
    split_search((const float (*)[8])X, (const float (*)[8])Q, ch, nc, 2, iq1s_which, r);
}

static inline void iq1m_split_avx2(const iq1m_sums *s, int bs, iq1_split *r) {
    float px[2][IQ1M_SPLIT_PAD], pw[2][IQ1M_SPLIT_PAD];
    for (int h = 0; h < 2; ++h)
        for (int i = 0; i < IQ1M_SPLIT_PAD; ++i) {
            px[h][i] = i <= bs ? s->px[h][i] : 0;
            pw[h][i] = i <= bs ? s->pw[h][i] : 0;
        }
    float a_p[2], a_m[2], b_p[2], b_m[2];
    for (int h = 0; h < 2; ++h) {
        a_p[h] = s->txs[h] * s->p2;
        a_m[h] = s->txs[h] * s->m2;
        b_p[h] = s->tws[h] * s->p2 * s->p2;
        b_m[h] = s->tws[h] * s->m2 * s->m2;
    }
    float X[SPLIT_MAX_CHUNKS * 4][8] __attribute__((aligned(32))), Q[SPLIT_MAX_CHUNKS * 4][8] __attribute__((aligned(32)));
    split_chunk ch[SPLIT_MAX_CHUNKS];
    int nc = 0;
    const __m256 cp2 = _mm256_set1_ps(s->cp2), cm2 = _mm256_set1_ps(s->cm2);
    for (int i1 = 0; i1 <= bs; ++i1) {
        __m256 x1[2], apv[2], amv[2], cpv[2], cmv[2];
        for (int h = 0; h < 2; ++h) {
            x1[h] = _mm256_set1_ps(px[h][i1]);
            apv[h] = _mm256_set1_ps(a_p[h]);
            amv[h] = _mm256_set1_ps(a_m[h]);
            cpv[h] = _mm256_set1_ps(b_p[h] + pw[h][i1] * s->cp1);
            cmv[h] = _mm256_set1_ps(b_m[h] + pw[h][i1] * s->cm1);
        }
        for (int i2 = i1; i2 <= bs; i2 += 8) {
            __m256 qx_p[2], qx_m[2], q2_p[2], q2_m[2];
            for (int h = 0; h < 2; ++h) {
                const __m256 sx = _mm256_add_ps(x1[h], _mm256_loadu_ps(px[h] + i2));
                const __m256 w2 = _mm256_loadu_ps(pw[h] + i2);
                qx_p[h] = _mm256_sub_ps(apv[h], sx);
                qx_m[h] = _mm256_sub_ps(amv[h], sx);
                q2_p[h] = _mm256_add_ps(cpv[h], _mm256_mul_ps(w2, cp2));
                q2_m[h] = _mm256_add_ps(cmv[h], _mm256_mul_ps(w2, cm2));
            }
            float (*x)[8] = X + 4 * nc, (*q)[8] = Q + 4 * nc;
            _mm256_store_ps(x[0], _mm256_add_ps(qx_p[0], qx_p[1]));
            _mm256_store_ps(x[1], _mm256_add_ps(qx_p[0], qx_m[1]));
            _mm256_store_ps(x[2], _mm256_add_ps(qx_m[0], qx_p[1]));
            _mm256_store_ps(x[3], _mm256_add_ps(qx_m[0], qx_m[1]));
            _mm256_store_ps(q[0], _mm256_add_ps(q2_p[0], q2_p[1]));
            _mm256_store_ps(q[1], _mm256_add_ps(q2_p[0], q2_m[1]));
            _mm256_store_ps(q[2], _mm256_add_ps(q2_m[0], q2_p[1]));
            _mm256_store_ps(q[3], _mm256_add_ps(q2_m[0], q2_m[1]));
            ch[nc].i1 = i1;
            ch[nc].i2 = i2;
            ch[nc].nl = bs - i2 + 1 < 8 ? bs - i2 + 1 : 8;
            ++nc;
        }
    }
    split_search((const float (*)[8])X, (const float (*)[8])Q, ch, nc, 4, iq1m_which, r);
}

#define iq_nb8 iq_nb8_avx2
#define iq_nb4 iq_nb4_avx2
#define iq_nb1 iq_nb1_avx2
#define iq_trials iq_trials_avx2
#define iq_sort iq_sort_avx2
#define iq1s_split iq1s_split_avx2
#define iq1m_split iq1m_split_avx2
#include "../ref/quant_iq_impl.h"
#include "ggufkit/gk_kernels.h"

size_t gk_quant_iq2_xxs_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows_iq2_xxs(x, y, nrows, n_per_row, imatrix);
}
size_t gk_quant_iq2_xs_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows_iq2_xs(x, y, nrows, n_per_row, imatrix);
}
size_t gk_quant_iq2_s_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows_iq2_s(x, y, nrows, n_per_row, imatrix);
}
size_t gk_quant_iq3_xxs_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows_iq3_xxs(x, y, nrows, n_per_row, imatrix);
}
size_t gk_quant_iq3_s_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows_iq3_s(x, y, nrows, n_per_row, imatrix);
}
size_t gk_quant_iq1_s_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows_iq1_s(x, y, nrows, n_per_row, imatrix);
}
size_t gk_quant_iq1_m_avx2(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    return iq_rows_iq1_m(x, y, nrows, n_per_row, imatrix);
}
