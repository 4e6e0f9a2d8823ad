/* AVX2 quantizers of the K types (Q2_K .. Q6_K, with and without an importance matrix).
 *
 * ggml's scale searches (make_qkx2_quants, make_qkx3_quants, make_qx_quants, make_q3_quants) are
 * sequential per sub-block: each candidate scale depends on the ones accepted before it, and every
 * sum runs in element order. So we vectorize across sub-blocks instead: lane k runs the search of
 * sub-block k with exactly the scalar operations in the scalar order (no FMA, IEEE division and
 * square root, blends where the scalar code branches), which keeps the bytes identical to the
 * reference (quant_lanes_avx2.h). The scale quantization between search and requantization is the
 * reference's scalar code (gk_*_scales_ref); requantization (IEEE division, ggml's rounding) and packing
 * are vectorized here. */
#include <immintrin.h>
#include <math.h>
#include "ggufkit/gk_kernels.h"
#include "../ref/quant_ref.h"

#include "quant_lanes_avx2.h"

/* ---- requantization with the stored scales, and packing ------------------------------------------ */

/* 8 int32 lanes from clamp(nearest_int((x + add) / d), lo, hi) + off (add skipped when has_add = 0:
 * x + 0 can flip the sign of a zero, which nearest_int ignores anyway, but stay literal). */
static inline vi requant8(const float *x, int has_add, float add, float d, int lo, int hi, int off) {
    vf v = _mm256_loadu_ps(x);
    if (has_add) v = _mm256_add_ps(v, _mm256_set1_ps(add));
    vi l = v_clamp(v_nearest_int(_mm256_div_ps(v, _mm256_set1_ps(d))), lo, hi);
    return _mm256_add_epi32(l, _mm256_set1_epi32(off));
}

/* 16 byte lanes (values 0..255) from two int32 vectors, in order. */
static inline __m128i pack16_u8(vi a, vi b) {
    vi ab = _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), _MM_SHUFFLE(3, 1, 2, 0));
    return _mm_packus_epi16(_mm256_castsi256_si128(ab), _mm256_extracti128_si256(ab, 1));
}

static inline void requant16(const float *x, int has_add, float add, float d, int lo, int hi, int off, uint8_t *L) {
    _mm_storeu_si128((__m128i *)L, pack16_u8(requant8(x, has_add, add, d, lo, hi, off),
                                             requant8(x + 8, has_add, add, d, lo, hi, off)));
}

static inline vi load32(const uint8_t *p) { return _mm256_loadu_si256((const vi *)p); }
static inline void store32(uint8_t *p, vi v) { _mm256_storeu_si256((vi *)p, v); }

/* Four 2-bit values (each byte <= 3) per byte, 128 values per 32 bytes (Q2_K, Q3_K). */
static inline void pack_2bit(const uint8_t *L, uint8_t *qs) {
    for (int j = 0; j < GK_QK_K; j += 128) {
        vi q = _mm256_or_si256(_mm256_or_si256(load32(L + j), _mm256_slli_epi16(load32(L + j + 32), 2)),
                               _mm256_or_si256(_mm256_slli_epi16(load32(L + j + 64), 4),
                                               _mm256_slli_epi16(load32(L + j + 96), 6)));
        store32(qs + j / 4, q);
    }
}

static void finish_q2_K(const float *x, gk_block_q2_K *y, uint8_t *L) {
    const float dm = gk_fp16_to_fp32(y->d), mm = gk_fp16_to_fp32(y->dmin);
    for (int j = 0; j < GK_QK_K / 16; ++j) {
        const float d = dm * (y->scales[j] & 0xF);
        if (!d) continue;
        const float m = mm * (y->scales[j] >> 4);
        requant16(x + 16 * j, 1, m, d, 0, 3, 0, L + 16 * j);
    }
    pack_2bit(L, y->qs);
}

static void finish_q3_K(const float *x, gk_block_q3_K *y, uint8_t *L) {
    const float d_all = gk_fp16_to_fp32(y->d);
    for (int j = 0; j < GK_QK_K / 16; ++j) {
        int8_t sc = j < 8 ? y->scales[j] & 0xF : y->scales[j - 8] >> 4;
        sc = (sc | (((y->scales[8 + j % 4] >> (2 * (j / 4))) & 3) << 4)) - 32;
        float d = d_all * sc;
        if (!d) continue;
        requant16(x + 16 * j, 0, 0.f, d, -4, 3, 4, L + 16 * j);
    }
    /* value j = 32 b + m: its high bit (L > 3) goes to bit b of hmask[m]; keep the low 2 bits. */
    vi hm = _mm256_setzero_si256();
    for (int b = 0; b < 8; ++b) {
        vi v = load32(L + 32 * b);
        vi hi = _mm256_cmpgt_epi8(v, _mm256_set1_epi8(3));
        hm = _mm256_or_si256(hm, _mm256_and_si256(hi, _mm256_set1_epi8((char)(1 << b))));
        store32(L + 32 * b, _mm256_and_si256(v, _mm256_set1_epi8(3)));
    }
    store32(y->hmask, hm);
    pack_2bit(L, y->qs);
}

/* Q4_K / Q5_K: requantize every 32 with the stored 6-bit scale and min. */
static void requant_k4(const float *x, const uint8_t *scales, float d_all, float dmin_all, int nmax, uint8_t *L) {
    for (int j = 0; j < GK_QK_K / 32; ++j) {
        uint8_t sc, m;
        if (j < 4) {
            sc = scales[j] & 63;
            m = scales[j + 4] & 63;
        } else {
            sc = (scales[j + 4] & 0xF) | ((scales[j - 4] >> 6) << 4);
            m = (scales[j + 4] >> 4) | ((scales[j - 0] >> 6) << 4);
        }
        const float d = d_all * sc;
        if (!d) continue;
        const float dm = dmin_all * m;
        requant16(x + 32 * j, 1, dm, d, 0, nmax, 0, L + 32 * j);
        requant16(x + 32 * j + 16, 1, dm, d, 0, nmax, 0, L + 32 * j + 16);
    }
}

static void finish_q4_K(const float *x, gk_block_q4_K *y, uint8_t *L) {
    requant_k4(x, y->scales, gk_fp16_to_fp32(y->d), gk_fp16_to_fp32(y->dmin), 15, L);
    for (int j = 0; j < GK_QK_K; j += 64) /* values <= 15: a 16-bit shift cannot carry across bytes */
        store32(y->qs + j / 2, _mm256_or_si256(load32(L + j), _mm256_slli_epi16(load32(L + j + 32), 4)));
}

static void finish_q5_K(const float *x, gk_block_q5_K *y, uint8_t *L) {
    requant_k4(x, y->scales, gk_fp16_to_fp32(y->d), gk_fp16_to_fp32(y->dmin), 31, L);
    const vi low4 = _mm256_set1_epi8(15), big = _mm256_set1_epi8(15);
    vi qh = _mm256_setzero_si256();
    for (int n = 0; n < GK_QK_K; n += 64) {
        vi l1 = load32(L + n), l2 = load32(L + n + 32);
        const int b = n / 32; /* bits 2 (n/64) and 2 (n/64) + 1 */
        qh = _mm256_or_si256(qh, _mm256_and_si256(_mm256_cmpgt_epi8(l1, big), _mm256_set1_epi8((char)(1 << b))));
        qh = _mm256_or_si256(qh, _mm256_and_si256(_mm256_cmpgt_epi8(l2, big), _mm256_set1_epi8((char)(2 << b))));
        store32(y->qs + n / 2, _mm256_or_si256(_mm256_and_si256(l1, low4),
                                               _mm256_slli_epi16(_mm256_and_si256(l2, low4), 4)));
    }
    store32(y->qh, qh);
}

static void finish_q6_K(const float *x, gk_block_q6_K *y, uint8_t *L) {
    const float d_all = gk_fp16_to_fp32(y->d);
    for (int j = 0; j < GK_QK_K / 16; ++j) {
        float d = d_all * y->scales[j];
        if (!d) continue;
        requant16(x + 16 * j, 0, 0.f, d, -32, 31, 32, L + 16 * j);
    }
    const vi low4 = _mm256_set1_epi8(15);
    for (int j = 0; j < GK_QK_K; j += 128) {
        vi a = load32(L + j), b = load32(L + j + 32), c = load32(L + j + 64), e = load32(L + j + 96);
        store32(y->ql + j / 2, _mm256_or_si256(_mm256_and_si256(a, low4), _mm256_slli_epi16(_mm256_and_si256(c, low4), 4)));
        store32(y->ql + j / 2 + 32, _mm256_or_si256(_mm256_and_si256(b, low4), _mm256_slli_epi16(_mm256_and_si256(e, low4), 4)));
        /* (v >> 4) of bytes <= 63 is 0..3: shift 16-bit lanes, then mask off what came from the neighbour */
        const vi m2 = _mm256_set1_epi8(3);
        vi h = _mm256_or_si256(
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(a, 4), m2),
                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(b, 4), m2), 2)),
            _mm256_or_si256(_mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(c, 4), m2), 4),
                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(e, 4), m2), 6)));
        store32(y->qh + j / 4, h);
    }
}

/* ---- per-type searches -------------------------------------------------------------------------- */

static float sum_squares_256(const float *x) { /* in element order, like the reference */
    float s = 0;
    for (int j = 0; j < GK_QK_K; ++j) s += x[j] * x[j];
    return s;
}

/* wt = qw * sqrt(sigma2 + x^2); sw = sum of wt over elements (lane-wise, element order). */
GK_ALWAYS_INLINE void imatrix_weights(int nv, int n, const vf *xt, const vf *qt, const float *sigma2, vf *wt, vf *sw) {
    for (int v = 0; v < nv; ++v) sw[v] = _mm256_setzero_ps();
    for (int i = 0; i < n; ++i)
        for (int v = 0; v < nv; ++v) {
            const vf x = xt[i * nv + v];
            wt[i * nv + v] = _mm256_mul_ps(qt[i * nv + v], _mm256_sqrt_ps(_mm256_add_ps(_mm256_set1_ps(sigma2[v]),
                                                                                       _mm256_mul_ps(x, x))));
            sw[v] = _mm256_add_ps(sw[v], wt[i * nv + v]);
        }
}

/* Q2_K, Q3_K and Q6_K: the 16 sub-blocks of 16 of a super-block are two sets of 8 lanes; nsb (1 or 2)
 * super-blocks at once (x[s], qw[s], y + s), set v = 2 s + g. */
GK_ALWAYS_INLINE void load_sb16(int nsb, const float *const *x, vf *xt) {
    for (int sb = 0; sb < nsb; ++sb)
        for (int g = 0; g < 2; ++g) load_lanes(x[sb] + 128 * g, 16, 16, xt + 2 * sb + g, 2 * nsb);
}

GK_ALWAYS_INLINE void store_sb16(int nsb, const vi *Lt, const vf *sc, const vf *mn, float *scales, float *mins,
                                 uint8_t *L) {
    for (int v = 0; v < 2 * nsb; ++v) {
        _mm256_storeu_ps(scales + 8 * v, sc[v]);
        if (mn) _mm256_storeu_ps(mins + 8 * v, mn[v]);
        store_lanes_u8(Lt + v, 2 * nsb, 16, L + 128 * v, 16);
    }
}

GK_ALWAYS_INLINE void imatrix_sb16(int nsb, const float *const *x, const float *const *qw, float sigma_mul,
                                   const vf *xt, vf *wt, float *sw) {
    vf qt[64], s[4];
    float s2[4];
    for (int sb = 0; sb < nsb; ++sb) {
        const float sigma2 = sigma_mul * sum_squares_256(x[sb]) / GK_QK_K;
        s2[2 * sb] = s2[2 * sb + 1] = sigma2;
        for (int g = 0; g < 2; ++g) load_lanes(qw[sb] + 128 * g, 16, 16, qt + 2 * sb + g, 2 * nsb);
    }
    imatrix_weights(2 * nsb, 16, xt, qt, s2, wt, s);
    for (int v = 0; v < 2 * nsb; ++v) _mm256_storeu_ps(sw + 8 * v, s[v]);
}

GK_ALWAYS_INLINE void blocks_q2_K(int nsb, const float *const *x, gk_block_q2_K *y, const float *const *qw) {
    uint8_t L[2 * GK_QK_K];
    float scales[32], mins[32], sw[32];
    vf xt[64], wt[64], sc[4], mn[4];
    vi Lt[64];
    load_sb16(nsb, x, xt);
    if (qw) {
        imatrix_sb16(nsb, x, qw, 1.0f, xt, wt, sw);
        qkx_lanes(2 * nsb, 16, 3, xt, wt, Lt, sc, mn, -0.9f, 0.05f, 36, 0, 1);
    } else {
        for (int i = 0; i < 32 * nsb; ++i) wt[i] = v_abs(xt[i]);
        qkx_lanes(2 * nsb, 16, 3, xt, wt, Lt, sc, mn, -0.5f, 0.1f, 15, 1, 0);
    }
    store_sb16(nsb, Lt, sc, mn, scales, mins, L);
    for (int sb = 0; sb < nsb; ++sb) {
        if (qw) gk_q2_K_scales_imatrix_ref(y + sb, scales + 16 * sb, mins + 16 * sb, sw + 16 * sb);
        else gk_q2_K_scales_ref(y + sb, scales + 16 * sb, mins + 16 * sb);
        finish_q2_K(x[sb], y + sb, L + GK_QK_K * sb);
    }
}

GK_ALWAYS_INLINE void blocks_q3_K(int nsb, const float *const *x, gk_block_q3_K *y, const float *const *qw) {
    uint8_t L[2 * GK_QK_K];
    float scales[32], sw[32];
    vf xt[64], sc[4];
    vi Lt[64];
    load_sb16(nsb, x, xt);
    if (qw) {
        vf wt[64];
        imatrix_sb16(nsb, x, qw, 2.0f, xt, wt, sw);
        qx_lanes(2 * nsb, 16, 4, xt, wt, Lt, sc);
    } else {
        q3_lanes(2 * nsb, 16, 4, xt, Lt, sc);
    }
    store_sb16(nsb, Lt, sc, NULL, scales, NULL, L);
    for (int sb = 0; sb < nsb; ++sb) {
        if (qw) gk_q3_K_scales_imatrix_ref(y + sb, scales + 16 * sb, sw + 16 * sb);
        else gk_q3_K_scales_ref(y + sb, scales + 16 * sb);
        finish_q3_K(x[sb], y + sb, L + GK_QK_K * sb);
    }
}

GK_ALWAYS_INLINE void blocks_q6_K(int nsb, const float *const *x, gk_block_q6_K *y, const float *const *qw) {
    uint8_t L[2 * GK_QK_K];
    float scales[32];
    vf xt[64], qt[64], sc[4];
    vi Lt[64];
    load_sb16(nsb, x, xt);
    if (qw) {
        for (int sb = 0; sb < nsb; ++sb)
            for (int g = 0; g < 2; ++g) load_lanes(qw[sb] + 128 * g, 16, 16, qt + 2 * sb + g, 2 * nsb);
        qx_lanes(2 * nsb, 16, 32, xt, qt, Lt, sc);
    } else {
        qx_lanes(2 * nsb, 16, 32, xt, NULL, Lt, sc);
    }
    store_sb16(nsb, Lt, sc, NULL, scales, NULL, L);
    for (int sb = 0; sb < nsb; ++sb)
        if (gk_q6_K_scales_ref(y + sb, scales + 16 * sb)) finish_q6_K(x[sb], y + sb, L + GK_QK_K * sb);
}

/* Q4_K (nmax 15) / Q5_K (nmax 31): the 8 sub-blocks of 32 are 8 lanes; nv super-blocks at once
 * (x[v], qw[v]). Out: scales, mins, sw per super-block (8 each), L (256 each). */
GK_ALWAYS_INLINE void search_k4(int nv, const float *const *x, const float *const *qw, int nmax, float *scales,
                                float *mins, float *sw, uint8_t *L) {
    vf xt[64], wt[64], sc[2], mn[2];
    vi Lt[64];
    for (int v = 0; v < nv; ++v) load_lanes(x[v], 32, 32, xt + v, nv);
    if (qw) {
        vf qt[64], s[2];
        float s2[2];
        for (int v = 0; v < nv; ++v) {
            load_lanes(qw[v], 32, 32, qt + v, nv);
            s2[v] = 2 * sum_squares_256(x[v]) / GK_QK_K;
        }
        imatrix_weights(nv, 32, xt, qt, s2, wt, s);
        for (int v = 0; v < nv; ++v) _mm256_storeu_ps(sw + 8 * v, s[v]);
        qkx_lanes(nv, 32, nmax, xt, wt, Lt, sc, mn, -0.9f, 0.05f, 36, 0, 1);
    } else {
        vf s[2], av_x[2];
        for (int v = 0; v < nv; ++v) s[v] = _mm256_setzero_ps();
        for (int i = 0; i < 32; ++i)
            for (int v = 0; v < nv; ++v) s[v] = _mm256_add_ps(s[v], _mm256_mul_ps(xt[i * nv + v], xt[i * nv + v]));
        for (int v = 0; v < nv; ++v) av_x[v] = _mm256_sqrt_ps(_mm256_div_ps(s[v], _mm256_set1_ps(32.f)));
        for (int i = 0; i < 32; ++i)
            for (int v = 0; v < nv; ++v) wt[i * nv + v] = _mm256_add_ps(av_x[v], v_abs(xt[i * nv + v]));
        if (nmax == 15) qkx_lanes(nv, 32, 15, xt, wt, Lt, sc, mn, -1.f, 0.1f, 20, 0, 0);
        else qkx_lanes(nv, 32, 31, xt, wt, Lt, sc, mn, -0.5f, 0.1f, 15, 0, 0);
    }
    for (int v = 0; v < nv; ++v) {
        _mm256_storeu_ps(scales + 8 * v, sc[v]);
        _mm256_storeu_ps(mins + 8 * v, mn[v]);
        store_lanes_u8(Lt + v, nv, 32, L + GK_QK_K * v, 32);
    }
}

/* nv (1 or 2) consecutive super-blocks b0, b0 + 1 of the flattened rows. */
GK_ALWAYS_INLINE void blocks_k4(int nv, int nmax, const float *x, void *vy, int64_t b0, int64_t nb,
                                const float *imatrix) {
    uint8_t L[2 * GK_QK_K];
    float scales[16], mins[16], sw[16];
    const float *xs[2], *qws[2];
    for (int v = 0; v < nv; ++v) {
        xs[v] = x + (b0 + v) * GK_QK_K;
        qws[v] = imatrix ? imatrix + ((b0 + v) % nb) * GK_QK_K : NULL;
    }
    if (nmax == 15) search_k4(nv, xs, imatrix ? qws : NULL, 15, scales, mins, sw, L);
    else search_k4(nv, xs, imatrix ? qws : NULL, 31, scales, mins, sw, L);
    for (int v = 0; v < nv; ++v) {
        if (nmax == 15) {
            gk_block_q4_K *y = (gk_block_q4_K *)vy + b0 + v;
            if (imatrix) gk_k4_scales_imatrix_ref(scales + 8 * v, mins + 8 * v, sw + 8 * v, 15, y->scales, &y->d, &y->dmin);
            else gk_k4_scales_ref(scales + 8 * v, mins + 8 * v, y->scales, &y->d, &y->dmin);
            finish_q4_K(xs[v], y, L + GK_QK_K * v);
        } else {
            gk_block_q5_K *y = (gk_block_q5_K *)vy + b0 + v;
            if (imatrix) gk_k4_scales_imatrix_ref(scales + 8 * v, mins + 8 * v, sw + 8 * v, 31, y->scales, &y->d, &y->dmin);
            else gk_k4_scales_ref(scales + 8 * v, mins + 8 * v, y->scales, &y->d, &y->dmin);
            finish_q5_K(xs[v], y, L + GK_QK_K * v);
        }
    }
}

#define GK_K4_QUANT_AVX2(type, nmax)                                                                  \
    size_t gk_quant_##type##_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row,         \
                                  const float *imatrix) {                                             \
        const int64_t nb = n_per_row / GK_QK_K, total = nrows * nb;                                   \
        int64_t b = 0;                                                                                \
        for (; b + 2 <= total; b += 2) blocks_k4(2, nmax, x, vy, b, nb, imatrix);                     \
        if (b < total) blocks_k4(1, nmax, x, vy, b, nb, imatrix);                                     \
        return (size_t)total * sizeof(gk_block_##type);                                               \
    }

GK_K4_QUANT_AVX2(q4_K, 15)
GK_K4_QUANT_AVX2(q5_K, 31)

/* Super-blocks b, b + 1 of the flattened rows at once (each with its own imatrix part). */
#define GK_K16_QUANT_AVX2(type)                                                                       \
    size_t gk_quant_##type##_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row,         \
                                  const float *imatrix) {                                             \
        gk_block_##type *y = vy;                                                                      \
        const int64_t nb = n_per_row / GK_QK_K, total = nrows * nb;                                   \
        int64_t b = 0;                                                                                \
        for (; b + 2 <= total; b += 2) {                                                              \
            const float *xs[2] = {x + b * GK_QK_K, x + (b + 1) * GK_QK_K};                            \
            const float *qs[2] = {imatrix ? imatrix + (b % nb) * GK_QK_K : NULL,                      \
                                  imatrix ? imatrix + ((b + 1) % nb) * GK_QK_K : NULL};               \
            blocks_##type(2, xs, y + b, imatrix ? qs : NULL);                                         \
        }                                                                                             \
        if (b < total) {                                                                              \
            const float *xs[1] = {x + b * GK_QK_K};                                                   \
            const float *qs[1] = {imatrix ? imatrix + (b % nb) * GK_QK_K : NULL};                     \
            blocks_##type(1, xs, y + b, imatrix ? qs : NULL);                                         \
        }                                                                                             \
        return (size_t)total * sizeof *y;                                                             \
    }

GK_K16_QUANT_AVX2(q2_K)
GK_K16_QUANT_AVX2(q3_K)
GK_K16_QUANT_AVX2(q6_K)
