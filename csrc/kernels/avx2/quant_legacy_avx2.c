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

static inline float hmax8(vf v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}
static inline float hmin8(vf v) {
    __m128 m = _mm_min_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_min_ps(m, _mm_movehl_ps(m, m));
    m = _mm_min_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

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

/* 32 int32 lanes (4 vectors, values 0..255) to 32 bytes in order. */
static inline __m256i pack32_u8(const __m256i *q) {
    __m256i b = _mm256_packus_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
    return _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
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

/* qs[j] = low nibble of q[j] | low nibble of q[j + 16] << 4. */
static inline void pack_nibbles(__m256i q, uint8_t *qs) {
    const __m128i m = _mm_set1_epi8(15);
    __m128i lo = _mm_and_si128(_mm256_castsi256_si128(q), m);
    __m128i hi = _mm_and_si128(_mm256_extracti128_si256(q, 1), m);
    _mm_storeu_si128((__m128i *)qs, _mm_or_si128(lo, _mm_slli_epi16(hi, 4)));
}

/* Bit j = bit 4 of q[j]. */
static inline uint32_t fifth_bits(__m256i q) { return (uint32_t)_mm256_movemask_epi8(_mm256_slli_epi16(q, 3)); }

static inline void load32f(const float *x, vf *v) {
    for (int k = 0; k < 4; ++k) v[k] = _mm256_loadu_ps(x + 8 * k);
}

static void block_q4_0(const float *x, gk_block_q4_0 *y) {
    vf v[4];
    load32f(x, v);
    const float max = signed_absmax32(x, v);
    const float d = max / -8;
    const float id = d ? 1.0f / d : 0.0f;
    y->d = gk_fp32_to_fp16(d);
    pack_nibbles(quants32(v, 0, 0.f, id, 8.5f, 15), y->qs);
}

static void block_q4_1(const float *x, gk_block_q4_1 *y) {
    vf v[4];
    load32f(x, v);
    float min, max;
    min_max32(x, v, &min, &max);
    const float d = (max - min) / ((1 << 4) - 1);
    const float id = d ? 1.0f / d : 0.0f;
    y->d = gk_fp32_to_fp16(d);
    y->m = gk_fp32_to_fp16(min);
    pack_nibbles(quants32(v, 1, min, id, 0.5f, 15), y->qs);
}

static void block_q5_0(const float *x, gk_block_q5_0 *y) {
    vf v[4];
    load32f(x, v);
    const float max = signed_absmax32(x, v);
    const float d = max / -16;
    const float id = d ? 1.0f / d : 0.0f;
    y->d = gk_fp32_to_fp16(d);
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
    y->d = gk_fp32_to_fp16(d);
    y->m = gk_fp32_to_fp16(min);
    __m256i q = quants32(v, 1, min, id, 0.5f, 255); /* ggml: (uint8_t)(x0 + 0.5f), no cap */
    pack_nibbles(q, y->qs);
    uint32_t qh = fifth_bits(q);
    memcpy(y->qh, &qh, 4);
}

/* ---- with an importance matrix: 8 blocks of a row per search ------------------------------------- */

static float row_sigma2(const float *x, int64_t n) {
    float sum_x2 = 0;
    for (int64_t j = 0; j < n; ++j) sum_x2 += x[j] * x[j];
    return sum_x2 / n;
}

/* Lane k = block ib0 + k of the row (the last block repeated past the end). Returns the lane count. */
static int load_blocks(const float *x, const float *imatrix, int64_t nb, int64_t ib0, float sigma2, vf *xt, vf *wt) {
    const float *px[8], *pw[8];
    int nl = nb - ib0 < 8 ? (int)(nb - ib0) : 8;
    for (int k = 0; k < 8; ++k) {
        int64_t ib = ib0 + (k < nl ? k : nl - 1);
        px[k] = x + QK * ib;
        pw[k] = imatrix + QK * ib;
    }
    vf qt[QK];
    load_lanes_p(px, QK, xt, 1);
    load_lanes_p(pw, QK, qt, 1);
    const vf s2 = _mm256_set1_ps(sigma2);
    for (int i = 0; i < QK; ++i)
        wt[i] = _mm256_mul_ps(qt[i], _mm256_sqrt_ps(_mm256_add_ps(s2, _mm256_mul_ps(xt[i], xt[i]))));
    return nl;
}

/* Symmetric types (Q4_0 nmax 8, Q5_0 nmax 16): make_qx_quants per block. */
static void row_sym_imatrix(const float *x, void *vy, int64_t n, const float *imatrix, int nmax) {
    const int64_t nb = n / QK;
    const float sigma2 = row_sigma2(x, n);
    for (int64_t ib0 = 0; ib0 < nb; ib0 += 8) {
        vf xt[QK], wt[QK], sc;
        vi Lt[QK];
        int nl = load_blocks(x, imatrix, nb, ib0, sigma2, xt, wt);
        if (nmax == 8) qx_lanes(1, QK, 8, xt, wt, Lt, &sc);
        else qx_lanes(1, QK, 16, xt, wt, Lt, &sc);
        float d[8];
        uint8_t L[8 * QK];
        _mm256_storeu_ps(d, sc);
        store_lanes_u8(Lt, 1, QK, L, QK);
        for (int k = 0; k < nl; ++k) {
            const uint8_t *l = L + QK * k;
            if (nmax == 8) {
                gk_block_q4_0 *b = (gk_block_q4_0 *)vy + ib0 + k;
                b->d = gk_fp32_to_fp16(d[k]);
                for (int j = 0; j < 16; ++j) b->qs[j] = l[j] | (l[j + 16] << 4);
            } else {
                gk_block_q5_0 *b = (gk_block_q5_0 *)vy + ib0 + k;
                b->d = gk_fp32_to_fp16(d[k]);
                __m256i q = _mm256_loadu_si256((const __m256i *)l);
                pack_nibbles(q, b->qs);
                uint32_t qh = fifth_bits(q);
                memcpy(b->qh, &qh, 4);
            }
        }
    }
}

/* Asymmetric types (Q4_1 nmax 15, Q5_1 nmax 31): make_qkx3_quants per block. */
static void row_asym_imatrix(const float *x, void *vy, int64_t n, const float *imatrix, int nmax) {
    const int64_t nb = n / QK;
    const float sigma2 = row_sigma2(x, n);
    for (int64_t ib0 = 0; ib0 < nb; ib0 += 8) {
        vf xt[QK], wt[QK], sc, mn;
        vi Lt[QK];
        int nl = load_blocks(x, imatrix, nb, ib0, sigma2, xt, wt);
        if (nmax == 15) qkx_lanes(1, QK, 15, xt, wt, Lt, &sc, &mn, -0.9f, 0.05f, 36, 0, 1);
        else qkx_lanes(1, QK, 31, xt, wt, Lt, &sc, &mn, -0.9f, 0.05f, 36, 0, 1);
        float d[8], m[8];
        uint8_t L[8 * QK];
        _mm256_storeu_ps(d, sc);
        _mm256_storeu_ps(m, mn);
        store_lanes_u8(Lt, 1, QK, L, QK);
        for (int k = 0; k < nl; ++k) {
            __m256i q = _mm256_loadu_si256((const __m256i *)(L + QK * k));
            if (nmax == 15) {
                gk_block_q4_1 *b = (gk_block_q4_1 *)vy + ib0 + k;
                b->d = gk_fp32_to_fp16(d[k]);
                b->m = gk_fp32_to_fp16(-m[k]);
                pack_nibbles(q, b->qs);
            } else {
                gk_block_q5_1 *b = (gk_block_q5_1 *)vy + ib0 + k;
                b->d = gk_fp32_to_fp16(d[k]);
                b->m = gk_fp32_to_fp16(-m[k]);
                pack_nibbles(q, b->qs);
                uint32_t qh = fifth_bits(q);
                memcpy(b->qh, &qh, 4);
            }
        }
    }
}

#define GK_LEGACY_QUANT_AVX2(type, imatrix_row, nmax)                                                 \
    size_t gk_quant_##type##_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row,         \
                                  const float *imatrix) {                                             \
        gk_block_##type *y = (gk_block_##type *)vy;                                                   \
        const int64_t nb = n_per_row / QK;                                                            \
        if (!imatrix) {                                                                               \
            for (int64_t i = 0; i < nrows * nb; ++i) block_##type(x + i * QK, y + i);                 \
        } else {                                                                                      \
            for (int64_t r = 0; r < nrows; ++r)                                                       \
                imatrix_row(x + r * n_per_row, y + r * nb, n_per_row, imatrix, nmax);                \
        }                                                                                             \
        return (size_t)(nrows * nb) * sizeof(gk_block_##type);                                        \
    }

GK_LEGACY_QUANT_AVX2(q4_0, row_sym_imatrix, 8)
GK_LEGACY_QUANT_AVX2(q4_1, row_asym_imatrix, 15)
GK_LEGACY_QUANT_AVX2(q5_0, row_sym_imatrix, 16)
GK_LEGACY_QUANT_AVX2(q5_1, row_asym_imatrix, 31)
