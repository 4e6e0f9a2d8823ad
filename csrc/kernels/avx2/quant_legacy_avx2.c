/* AVX2 quantizers of the legacy types Q4_0, Q4_1, Q5_0, Q5_1, bit-exact with the reference.
 * Without an imatrix: one block of 32 per iteration, the max-abs / min / max searches done exactly
 * (a max or min reduction has one answer whatever the order; the element ggml keeps, the first one
 * reaching the max, is found by a compare mask; a zero min or max, whose sign depends on the order,
 * falls back to the scalar scan). With an imatrix: the per-block weighted searches run lane-parallel,
 * 8 blocks of a row at a time (quant_lanes_avx2.h). */
#include <float.h>
#include <math.h>
#include "ggufkit/gk_kernels.h"
#include "quant_lanes_avx2.h"

#define QK 32

/* The element ggml's "if (amax < fabsf(v)) { amax = fabsf(v); max = v; }" keeps: the first one with
 * the largest magnitude (0 if all are zero). */
static inline float signed_absmax32(const float *x, const vf *v) {
    vf a = _mm256_max_ps(_mm256_max_ps(v_abs(v[0]), v_abs(v[1])), _mm256_max_ps(v_abs(v[2]), v_abs(v[3])));
    const float amax = hmax8(a);
    if (amax == 0.0f) return 0.0f;
    const vf va = _mm256_set1_ps(amax);
    uint32_t mask = 0;
    for (int k = 0; k < 4; ++k)
        mask |= (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(v_abs(v[k]), va, _CMP_EQ_OQ)) << (8 * k);
    return x[__builtin_ctz(mask)];
}

/* ggml's min / max scan from +-FLT_MAX; the reduction is exact except for the sign of a zero. */
static inline void min_max32(const float *x, const vf *v, float *min_out, float *max_out) {
    float min = hmin8(_mm256_min_ps(_mm256_min_ps(v[0], v[1]), _mm256_min_ps(v[2], v[3])));
    float max = hmax8(_mm256_max_ps(_mm256_max_ps(v[0], v[1]), _mm256_max_ps(v[2], v[3])));
    if (min == 0.0f || max == 0.0f) {
        min = FLT_MAX;
        max = -FLT_MAX;
        for (int j = 0; j < QK; j++) {
            if (x[j] < min) min = x[j];
            if (x[j] > max) max = x[j];
        }
    }
    *min_out = min;
    *max_out = max;
}

/* Quants trunc((x - sub) * id + add), capped at cap, as 32 bytes. */
static inline __m256i quants32(const vf *v, int has_sub, float sub, float id, float add, int cap) {
    __m256i q[4];
    for (int k = 0; k < 4; ++k) {
        vf t = has_sub ? _mm256_sub_ps(v[k], _mm256_set1_ps(sub)) : v[k];
        t = _mm256_add_ps(_mm256_mul_ps(t, _mm256_set1_ps(id)), _mm256_set1_ps(add));
        q[k] = _mm256_min_epi32(_mm256_cvttps_epi32(t), _mm256_set1_epi32(cap));
    }
    return pack32_u8(q);
}

/* As quants32, with sub and id already broadcast. */
static inline __m256i quants32v(const vf *v, int has_sub, vf sub, vf id, float add, int cap) {
    __m256i q[4];
    for (int k = 0; k < 4; ++k) {
        vf t = has_sub ? _mm256_sub_ps(v[k], sub) : v[k];
        t = _mm256_add_ps(_mm256_mul_ps(t, id), _mm256_set1_ps(add));
        q[k] = _mm256_min_epi32(_mm256_cvttps_epi32(t), _mm256_set1_epi32(cap));
    }
    return pack32_u8(q);
}

/* Bit j = bit 4 of q[j]. */
static inline uint32_t fifth_bits(__m256i q) { return (uint32_t)_mm256_movemask_epi8(_mm256_slli_epi16(q, 3)); }

static void block_q4_0(const float *x, gk_block_q4_0 *y) {
    vf v[4];
    load32f(x, v);
    const float max = signed_absmax32(x, v);
    const float d = max / -8;
    const float id = d ? 1.0f / d : 0.0f;
    y->d = f16c_fp32_to_fp16(d);
    pack_nibbles(quants32(v, 0, 0.f, id, 8.5f, 15), y->qs);
}

static void block_q4_1(const float *x, gk_block_q4_1 *y) {
    vf v[4];
    load32f(x, v);
    float min, max;
    min_max32(x, v, &min, &max);
    const float d = (max - min) / ((1 << 4) - 1);
    const float id = d ? 1.0f / d : 0.0f;
    y->d = f16c_fp32_to_fp16(d);
    y->m = f16c_fp32_to_fp16(min);
    pack_nibbles(quants32(v, 1, min, id, 0.5f, 15), y->qs);
}

static void block_q5_0(const float *x, gk_block_q5_0 *y) {
    vf v[4];
    load32f(x, v);
    const float max = signed_absmax32(x, v);
    const float d = max / -16;
    const float id = d ? 1.0f / d : 0.0f;
    y->d = f16c_fp32_to_fp16(d);
    __m256i q = quants32(v, 0, 0.f, id, 16.5f, 31);
    pack_nibbles(q, y->qs);
    uint32_t qh = fifth_bits(q);
    memcpy(y->qh, &qh, 4);
}

static void block_q5_1(const float *x, gk_block_q5_1 *y) {
    vf v[4];
    load32f(x, v);
    float min, max;
    min_max32(x, v, &min, &max);
    const float d = (max - min) / ((1 << 5) - 1);
    const float id = d ? 1.0f / d : 0.0f;
    y->d = f16c_fp32_to_fp16(d);
    y->m = f16c_fp32_to_fp16(min);
    __m256i q = quants32(v, 1, min, id, 0.5f, 255); /* ggml: (uint8_t)(x0 + 0.5f), no cap */
    pack_nibbles(q, y->qs);
    uint32_t qh = fifth_bits(q);
    memcpy(y->qh, &qh, 4);
}

/* ---- 8 blocks at a time --------------------------------------------------------------------------- */
/* The per-block reductions are turned into lane values with one 8x8 transpose, so the scales of 8
 * blocks (divisions, half conversions) are computed in one vector. */

/* lane k = max (is_max) or min of the 8 lanes of r[k] */
static inline vf reduce_lanes(vf *r, int is_max) {
    transpose8(r);
    for (int w = 4; w >= 1; w >>= 1)
        for (int k = 0; k < w; ++k) r[k] = is_max ? _mm256_max_ps(r[k], r[k + w]) : _mm256_min_ps(r[k], r[k + w]);
    return r[0];
}

/* Min and max of each of 8 blocks (the lanes of *min, *max), with ggml's scan where a zero's sign
 * depends on the order. */
static inline void min_max8(const float *x, vf *min_out, vf *max_out) {
    vf mn[8], mx[8];
    for (int k = 0; k < 8; ++k) {
        const float *b = x + QK * k;
        vf v0 = _mm256_loadu_ps(b), v1 = _mm256_loadu_ps(b + 8), v2 = _mm256_loadu_ps(b + 16), v3 = _mm256_loadu_ps(b + 24);
        mn[k] = _mm256_min_ps(_mm256_min_ps(v0, v1), _mm256_min_ps(v2, v3));
        mx[k] = _mm256_max_ps(_mm256_max_ps(v0, v1), _mm256_max_ps(v2, v3));
    }
    *min_out = reduce_lanes(mn, 0);
    *max_out = reduce_lanes(mx, 1);
}

/* Symmetric types: lane k = the element ggml's first-max-magnitude scan keeps in block k. */
static inline vf signed_absmax8(const float *x) {
    vf mn, mx;
    min_max8(x, &mn, &mx);
    const vf neg_mn = _mm256_xor_ps(mn, _mm256_set1_ps(-0.0f));
    vf r = v_sel(V_GT(neg_mn, mx), mn, mx);
    int ties = _mm256_movemask_ps(_mm256_cmp_ps(neg_mn, mx, _CMP_EQ_OQ)); /* +a and -a, or all zero */
    if (ties) {
        float rv[8];
        _mm256_storeu_ps(rv, r);
        for (int k = 0; k < 8; ++k)
            if (ties >> k & 1) {
                vf v[4];
                load32f(x + QK * k, v);
                rv[k] = signed_absmax32(x + QK * k, v);
            }
        r = _mm256_loadu_ps(rv);
    }
    return r;
}

/* Asymmetric types: min and max of 8 blocks, exactly as ggml's scan (zeros rescanned). */
static inline void min_max8_exact(const float *x, vf *min_out, vf *max_out) {
    vf mn, mx;
    min_max8(x, &mn, &mx);
    const vf zero = _mm256_setzero_ps();
    int zeros = _mm256_movemask_ps(_mm256_or_ps(_mm256_cmp_ps(mn, zero, _CMP_EQ_OQ), _mm256_cmp_ps(mx, zero, _CMP_EQ_OQ)));
    if (zeros) {
        float a[8], b[8];
        _mm256_storeu_ps(a, mn);
        _mm256_storeu_ps(b, mx);
        for (int k = 0; k < 8; ++k)
            if (zeros >> k & 1) {
                vf v[4];
                load32f(x + QK * k, v);
                min_max32(x + QK * k, v, a + k, b + k);
            }
        mn = _mm256_loadu_ps(a);
        mx = _mm256_loadu_ps(b);
    }
    *min_out = mn;
    *max_out = mx;
}

static inline vf inv_or_zero(vf d) { /* d ? 1.0f / d : 0.0f */
    return v_sel(_mm256_cmp_ps(d, _mm256_setzero_ps(), _CMP_NEQ_UQ), _mm256_div_ps(_mm256_set1_ps(1.0f), d),
                 _mm256_setzero_ps());
}

static inline vf lane(vf v, int k) { return _mm256_permutevar8x32_ps(v, _mm256_set1_epi32(k)); }

static inline void halves8(vf v, uint16_t *h) { _mm_storeu_si128((__m128i *)h, _mm256_cvtps_ph(v, 0)); }

static void blocks8_q4_0(const float *x, gk_block_q4_0 *y) {
    const vf d = _mm256_div_ps(signed_absmax8(x), _mm256_set1_ps(-8.f)), id = inv_or_zero(d);
    uint16_t h[8];
    halves8(d, h);
    for (int k = 0; k < 8; ++k) {
        vf v[4];
        load32f(x + QK * k, v);
        y[k].d = h[k];
        pack_nibbles(quants32v(v, 0, _mm256_setzero_ps(), lane(id, k), 8.5f, 15), y[k].qs);
    }
}

static void blocks8_q5_0(const float *x, gk_block_q5_0 *y) {
    const vf d = _mm256_div_ps(signed_absmax8(x), _mm256_set1_ps(-16.f)), id = inv_or_zero(d);
    uint16_t h[8];
    halves8(d, h);
    for (int k = 0; k < 8; ++k) {
        vf v[4];
        load32f(x + QK * k, v);
        y[k].d = h[k];
        __m256i q = quants32v(v, 0, _mm256_setzero_ps(), lane(id, k), 16.5f, 31);
        pack_nibbles(q, y[k].qs);
        uint32_t qh = fifth_bits(q);
        memcpy(y[k].qh, &qh, 4);
    }
}

static void blocks8_q4_1(const float *x, gk_block_q4_1 *y) {
    vf mn, mx;
    min_max8_exact(x, &mn, &mx);
    const vf d = _mm256_div_ps(_mm256_sub_ps(mx, mn), _mm256_set1_ps(15.f)), id = inv_or_zero(d);
    uint16_t hd[8], hm[8];
    halves8(d, hd);
    halves8(mn, hm);
    for (int k = 0; k < 8; ++k) {
        vf v[4];
        load32f(x + QK * k, v);
        y[k].d = hd[k];
        y[k].m = hm[k];
        pack_nibbles(quants32v(v, 1, lane(mn, k), lane(id, k), 0.5f, 15), y[k].qs);
    }
}

static void blocks8_q5_1(const float *x, gk_block_q5_1 *y) {
    vf mn, mx;
    min_max8_exact(x, &mn, &mx);
    const vf d = _mm256_div_ps(_mm256_sub_ps(mx, mn), _mm256_set1_ps(31.f)), id = inv_or_zero(d);
    uint16_t hd[8], hm[8];
    halves8(d, hd);
    halves8(mn, hm);
    for (int k = 0; k < 8; ++k) {
        vf v[4];
        load32f(x + QK * k, v);
        y[k].d = hd[k];
        y[k].m = hm[k];
        __m256i q = quants32v(v, 1, lane(mn, k), lane(id, k), 0.5f, 255);
        pack_nibbles(q, y[k].qs);
        uint32_t qh = fifth_bits(q);
        memcpy(y[k].qh, &qh, 4);
    }
}

/* ---- with an importance matrix: 8 or 16 blocks of a row per search ------------------------------------- */

static float row_sigma2(const float *x, int64_t n) {
    float sum_x2 = 0;
    for (int64_t j = 0; j < n; ++j) sum_x2 += x[j] * x[j];
    return sum_x2 / n;
}

/* Set v, lane k = block ib0 + 8 v + k of the row (the last block repeated past the end); values and
 * weights by element then set (xt[i * nv + v]). Returns the number of real blocks. */
GK_ALWAYS_INLINE int load_blocks(int nv, const float *x, const float *imatrix, int64_t nb, int64_t ib0, float sigma2,
                                 vf *xt, vf *wt) {
    const int64_t left = nb - ib0;
    const int nl = left < 8 * nv ? (int)left : 8 * nv;
    vf qt[2 * QK];
    for (int v = 0; v < nv; ++v) {
        const float *px[8], *pw[8];
        for (int k = 0; k < 8; ++k) {
            int64_t ib = ib0 + (8 * v + k < nl ? 8 * v + k : nl - 1);
            px[k] = x + QK * ib;
            pw[k] = imatrix + QK * ib;
        }
        load_lanes_p(px, QK, xt + v, nv);
        load_lanes_p(pw, QK, qt + v, nv);
    }
    const vf s2 = _mm256_set1_ps(sigma2);
    for (int i = 0; i < QK * nv; ++i)
        wt[i] = _mm256_mul_ps(qt[i], _mm256_sqrt_ps(_mm256_add_ps(s2, _mm256_mul_ps(xt[i], xt[i]))));
    return nl;
}

/* Symmetric types (Q4_0 nmax 8, Q5_0 nmax 16): make_qx_quants per block, 8 nv blocks at once. */
GK_ALWAYS_INLINE void sym_imatrix_blocks(int nv, int nmax, const float *x, void *vy, int64_t nb, int64_t ib0,
                                         const float *imatrix, float sigma2) {
    vf xt[2 * QK], wt[2 * QK], sc[2];
    vi Lt[2 * QK];
    const int nl = load_blocks(nv, x, imatrix, nb, ib0, sigma2, xt, wt);
    qx_lanes(nv, QK, nmax, xt, wt, Lt, sc);
    float d[16];
    uint8_t L[16 * QK];
    for (int v = 0; v < nv; ++v) {
        _mm256_storeu_ps(d + 8 * v, sc[v]);
        store_lanes_u8(Lt + v, nv, QK, L + 8 * QK * v, QK);
    }
    for (int k = 0; k < nl; ++k) {
        const uint8_t *l = L + QK * k;
        if (nmax == 8) {
            gk_block_q4_0 *b = (gk_block_q4_0 *)vy + ib0 + k;
            b->d = f16c_fp32_to_fp16(d[k]);
            for (int j = 0; j < 16; ++j) b->qs[j] = l[j] | (l[j + 16] << 4);
        } else {
            gk_block_q5_0 *b = (gk_block_q5_0 *)vy + ib0 + k;
            b->d = f16c_fp32_to_fp16(d[k]);
            __m256i q = _mm256_loadu_si256((const __m256i *)l);
            pack_nibbles(q, b->qs);
            uint32_t qh = fifth_bits(q);
            memcpy(b->qh, &qh, 4);
        }
    }
}

/* Asymmetric types (Q4_1 nmax 15, Q5_1 nmax 31): make_qkx3_quants per block, 8 nv blocks at once. */
GK_ALWAYS_INLINE void asym_imatrix_blocks(int nv, int nmax, const float *x, void *vy, int64_t nb, int64_t ib0,
                                          const float *imatrix, float sigma2) {
    vf xt[2 * QK], wt[2 * QK], sc[2], mn[2];
    vi Lt[2 * QK];
    const int nl = load_blocks(nv, x, imatrix, nb, ib0, sigma2, xt, wt);
    qkx_lanes(nv, QK, nmax, xt, wt, Lt, sc, mn, -0.9f, 0.05f, 36, 0, 1);
    float d[16], m[16];
    uint8_t L[16 * QK];
    for (int v = 0; v < nv; ++v) {
        _mm256_storeu_ps(d + 8 * v, sc[v]);
        _mm256_storeu_ps(m + 8 * v, mn[v]);
        store_lanes_u8(Lt + v, nv, QK, L + 8 * QK * v, QK);
    }
    for (int k = 0; k < nl; ++k) {
        __m256i q = _mm256_loadu_si256((const __m256i *)(L + QK * k));
        if (nmax == 15) {
            gk_block_q4_1 *b = (gk_block_q4_1 *)vy + ib0 + k;
            b->d = f16c_fp32_to_fp16(d[k]);
            b->m = f16c_fp32_to_fp16(-m[k]);
            pack_nibbles(q, b->qs);
        } else {
            gk_block_q5_1 *b = (gk_block_q5_1 *)vy + ib0 + k;
            b->d = f16c_fp32_to_fp16(d[k]);
            b->m = f16c_fp32_to_fp16(-m[k]);
            pack_nibbles(q, b->qs);
            uint32_t qh = fifth_bits(q);
            memcpy(b->qh, &qh, 4);
        }
    }
}

/* One row: 16 blocks at a time (two interleaved lane sets hide the add latency), 8 for the rest. */
#define GK_IMATRIX_ROW(name, blocks, nmax)                                                            \
    static void name(const float *x, void *vy, int64_t n, const float *imatrix) {                     \
        const int64_t nb = n / QK;                                                                    \
        const float sigma2 = row_sigma2(x, n);                                                        \
        int64_t ib0 = 0;                                                                              \
        for (; nb - ib0 > 8; ib0 += 16) blocks(2, nmax, x, vy, nb, ib0, imatrix, sigma2);             \
        if (ib0 < nb) blocks(1, nmax, x, vy, nb, ib0, imatrix, sigma2);                               \
    }

GK_IMATRIX_ROW(row_q4_0_imatrix, sym_imatrix_blocks, 8)
GK_IMATRIX_ROW(row_q5_0_imatrix, sym_imatrix_blocks, 16)
GK_IMATRIX_ROW(row_q4_1_imatrix, asym_imatrix_blocks, 15)
GK_IMATRIX_ROW(row_q5_1_imatrix, asym_imatrix_blocks, 31)

#define GK_LEGACY_QUANT_AVX2(type, imatrix_row)                                                 \
    size_t gk_quant_##type##_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row,         \
                                  const float *imatrix) {                                             \
        gk_block_##type *y = (gk_block_##type *)vy;                                                   \
        const int64_t nb = n_per_row / QK;                                                            \
        if (!imatrix) {                                                                               \
            int64_t i = 0;                                                                            \
            for (; i + 8 <= nrows * nb; i += 8) blocks8_##type(x + i * QK, y + i);                    \
            for (; i < nrows * nb; ++i) block_##type(x + i * QK, y + i);                              \
        } else {                                                                                      \
            for (int64_t r = 0; r < nrows; ++r)                                                       \
                imatrix_row(x + r * n_per_row, y + r * nb, n_per_row, imatrix);                       \
        }                                                                                             \
        return (size_t)(nrows * nb) * sizeof(gk_block_##type);                                        \
    }

GK_LEGACY_QUANT_AVX2(q4_0, row_q4_0_imatrix)
GK_LEGACY_QUANT_AVX2(q4_1, row_q4_1_imatrix)
GK_LEGACY_QUANT_AVX2(q5_0, row_q5_0_imatrix)
GK_LEGACY_QUANT_AVX2(q5_1, row_q5_1_imatrix)
