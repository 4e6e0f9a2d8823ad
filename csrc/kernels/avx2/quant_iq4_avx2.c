/* AVX2 quantizers of IQ4_NL and IQ4_XS, bit-exact with the reference: the per-32 scale search runs
 * lane-parallel (one block of 32 per lane, 8 at once), each lane doing the reference's operations in
 * its order; best_index_int8's binary search becomes a count of table values <= x plus a table lookup
 * (the same answer for a sorted table, ties included). */
#include <math.h>
#include "ggufkit/gk_kernels.h"
#include "tables.h"
#include "quant_lanes_avx2.h"

typedef struct { vf lo, hi; float v[16]; } iq4_table;

static inline void iq4_table_init(iq4_table *t) {
    for (int i = 0; i < 16; ++i) t->v[i] = (float)gk_kvalues_iq4nl[i];
    t->lo = _mm256_loadu_ps(t->v);
    t->hi = _mm256_loadu_ps(t->v + 8);
}

/* table value number idx (0..15) per lane */
static inline vf iq4_lookup(const iq4_table *t, vi idx) {
    vf lo = _mm256_permutevar8x32_ps(t->lo, idx), hi = _mm256_permutevar8x32_ps(t->hi, idx);
    return v_sel(_mm256_castsi256_ps(_mm256_cmpgt_epi32(idx, _mm256_set1_epi32(7))), hi, lo);
}

/* ggml's best_index_int8(16, kvalues_iq4nl, x) per lane. */
static inline vi iq4_best_index(const iq4_table *t, vf x) {
    vi cnt = _mm256_setzero_si256();
    for (int i = 0; i < 16; ++i)
        cnt = _mm256_sub_epi32(cnt, _mm256_castps_si256(_mm256_cmp_ps(_mm256_set1_ps(t->v[i]), x, _CMP_LE_OQ)));
    vi mu = v_clamp(cnt, 1, 15); /* inside the table: val[mu - 1] <= x < val[mu] */
    vi mu1 = _mm256_sub_epi32(mu, _mm256_set1_epi32(1));
    vf lower = V_LT(_mm256_sub_ps(x, iq4_lookup(t, mu1)), _mm256_sub_ps(iq4_lookup(t, mu), x));
    vi r = v_seli(lower, mu1, mu);
    r = v_seli(_mm256_cmp_ps(x, _mm256_set1_ps(t->v[0]), _CMP_LE_OQ), _mm256_setzero_si256(), r);
    /* x >= the last value, or NaN (every comparison of the binary search fails): the last index */
    vf last = _mm256_or_ps(_mm256_cmp_ps(x, _mm256_set1_ps(t->v[15]), _CMP_GE_OQ), _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
    return v_seli(last, _mm256_set1_epi32(15), r);
}

/* The per-32 search of quantize_row_iq4_nl_impl (ntry 7) on 8 blocks: xt / wt by element. */
static vf iq4_scales(const iq4_table *t, const vf *xt, const vf *wt) {
    const vf zero = _mm256_setzero_ps();
    vf amax, max;
    absmax_lanes(1, 32, xt, &amax, &max);
    const vf done = V_LT(amax, _mm256_set1_ps(GK_GROUP_MAX_EPS));
    vf d = _mm256_div_ps(_mm256_xor_ps(max, _mm256_set1_ps(-0.0f)), _mm256_set1_ps(t->v[0]));
    vf id = _mm256_div_ps(_mm256_set1_ps(1.0f), d);
    vf sumqx = zero, sumq2 = zero;
    for (int j = 0; j < 32; ++j) {
        vf q = iq4_lookup(t, iq4_best_index(t, _mm256_mul_ps(id, xt[j])));
        vf wq = _mm256_mul_ps(wt[j], q);
        sumqx = _mm256_add_ps(sumqx, _mm256_mul_ps(wq, xt[j]));
        sumq2 = _mm256_add_ps(sumq2, _mm256_mul_ps(wq, q));
    }
    d = v_sel(V_GT(sumq2, zero), _mm256_div_ps(sumqx, sumq2), zero);
    vf best = _mm256_mul_ps(d, sumqx);
    for (int itry = -7; itry <= 7; ++itry) {
        id = _mm256_div_ps(_mm256_set1_ps((float)(itry + gk_kvalues_iq4nl[0])), max);
        sumqx = sumq2 = zero;
        for (int j = 0; j < 32; ++j) {
            vf q = iq4_lookup(t, iq4_best_index(t, _mm256_mul_ps(id, xt[j])));
            vf wq = _mm256_mul_ps(wt[j], q);
            sumqx = _mm256_add_ps(sumqx, _mm256_mul_ps(wq, xt[j]));
            sumq2 = _mm256_add_ps(sumq2, _mm256_mul_ps(wq, q));
        }
        vf acc = _mm256_and_ps(V_GT(sumq2, zero), V_GT(_mm256_mul_ps(sumqx, sumqx), _mm256_mul_ps(best, sumq2)));
        if (!_mm256_movemask_ps(acc)) continue;
        vf dn = _mm256_div_ps(sumqx, sumq2);
        d = v_sel(acc, dn, d);
        best = v_sel(acc, _mm256_mul_ps(dn, sumqx), best);
    }
    return v_sel(done, zero, d);
}

/* weights: imatrix * sqrt(sigma2 + x^2), or x^2 */
static inline void iq4_weights(const vf *xt, const vf *qt, const vf *sigma2, vf *wt) {
    for (int j = 0; j < 32; ++j) {
        vf x2 = _mm256_mul_ps(xt[j], xt[j]);
        wt[j] = qt ? _mm256_mul_ps(qt[j], _mm256_sqrt_ps(_mm256_add_ps(*sigma2, x2))) : x2;
    }
}

/* L (8 blocks of 32, by lane) = best index of idl * x, then the nibbles of each block. */
static inline void iq4_requant_pack(const iq4_table *t, const vf *xt, vf idl, uint8_t *L) {
    vi Lt[32];
    for (int j = 0; j < 32; ++j) Lt[j] = iq4_best_index(t, _mm256_mul_ps(idl, xt[j]));
    store_lanes_u8(Lt, 1, 32, L, 32);
}

size_t gk_quant_iq4_nl_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    gk_block_iq4_nl *y = vy;
    const int64_t nb = n_per_row / 32, total = nrows * nb;
    iq4_table t;
    iq4_table_init(&t);
    for (int64_t b0 = 0; b0 < total; b0 += 8) {
        const int nl = total - b0 < 8 ? (int)(total - b0) : 8;
        const float *px[8], *pw[8];
        for (int k = 0; k < 8; ++k) {
            int64_t b = b0 + (k < nl ? k : nl - 1);
            px[k] = x + 32 * b;
            pw[k] = imatrix ? imatrix + 32 * (b % nb) : NULL;
        }
        vf xt[32], qt[32], wt[32], sigma2 = _mm256_setzero_ps();
        load_lanes_p(px, 32, xt, 1);
        for (int j = 0; j < 32; ++j) sigma2 = _mm256_add_ps(sigma2, _mm256_mul_ps(xt[j], xt[j]));
        sigma2 = _mm256_mul_ps(sigma2, _mm256_set1_ps(2.f / 32));
        if (imatrix) load_lanes_p(pw, 32, qt, 1);
        iq4_weights(xt, imatrix ? qt : NULL, &sigma2, wt);
        vf d = iq4_scales(&t, xt, wt);
        vf idl = v_sel(_mm256_cmp_ps(d, _mm256_setzero_ps(), _CMP_NEQ_UQ), _mm256_div_ps(_mm256_set1_ps(1.0f), d),
                       _mm256_setzero_ps());
        uint8_t L[8 * 32];
        float ds[8];
        _mm256_storeu_ps(ds, d);
        iq4_requant_pack(&t, xt, idl, L);
        for (int k = 0; k < nl; ++k) {
            y[b0 + k].d = f16c_fp32_to_fp16(ds[k]);
            pack_nibbles(_mm256_loadu_si256((const vi *)(L + 32 * k)), y[b0 + k].qs);
        }
    }
    return (size_t)total * sizeof *y;
}

static void block_iq4_xs(const iq4_table *t, const float *x, gk_block_iq4_xs *y, const float *qw) {
    vf xt[32], qt[32], wt[32];
    load_lanes(x, 32, 32, xt, 1);
    float sigma2 = 0;
    for (int j = 0; j < GK_QK_K; ++j) sigma2 += x[j] * x[j];
    sigma2 *= 2.f / GK_QK_K;
    const vf s2 = _mm256_set1_ps(sigma2);
    if (qw) load_lanes(qw, 32, 32, qt, 1);
    iq4_weights(xt, qw ? qt : NULL, &s2, wt);
    float scales[8];
    _mm256_storeu_ps(scales, iq4_scales(t, xt, wt));

    float max_scale = 0, amax_scale = 0;
    for (int ib = 0; ib < 8; ++ib) {
        float abs_d = fabsf(scales[ib]);
        if (abs_d > amax_scale) { amax_scale = abs_d; max_scale = scales[ib]; }
    }
    uint16_t scales_h = 0;
    float d = -max_scale / 32;
    y->d = f16c_fp32_to_fp16(d);
    float id = d ? 1 / d : 0.f;
    float idl[8];
    for (int ib = 0; ib < 8; ++ib) {
        int l = gk_nearest_int(id * scales[ib]);
        l = GK_MAX(-32, GK_MIN(31, l));
        float dl = d * l;
        idl[ib] = dl ? 1 / dl : 0.f;
        l += 32;
        uint8_t l_l = l & 0xf, l_h = l >> 4;
        if (ib % 2 == 0) y->scales_l[ib / 2] = l_l;
        else y->scales_l[ib / 2] |= (l_l << 4);
        scales_h |= (uint16_t)(l_h << 2 * (ib % 8));
    }
    memcpy(&y->scales_h, &scales_h, 2);
    uint8_t L[GK_QK_K];
    iq4_requant_pack(t, xt, _mm256_loadu_ps(idl), L);
    for (int i = 0; i < 8; ++i) pack_nibbles(_mm256_loadu_si256((const vi *)(L + 32 * i)), y->qs + 16 * i);
}

size_t gk_quant_iq4_xs_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    gk_block_iq4_xs *y = vy;
    const int64_t nb = n_per_row / GK_QK_K;
    iq4_table t;
    iq4_table_init(&t);
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t i = 0; i < nb; ++i)
            block_iq4_xs(&t, x + r * n_per_row + i * GK_QK_K, y + r * nb + i, imatrix ? imatrix + i * GK_QK_K : NULL);
    return (size_t)(nrows * nb) * sizeof *y;
}
