/* AVX2 quantizers of the K types (Q2_K .. Q6_K, with and without an importance matrix).
 *
 * ggml's scale searches (make_qkx2_quants, make_qkx3_quants, make_qx_quants, make_q3_quants) are
 * sequential per sub-block: each candidate scale depends on the ones accepted before it, and every
 * sum runs in element order. So we vectorize across sub-blocks instead: lane k runs the search of
 * sub-block k with exactly the scalar operations in the scalar order (no FMA, IEEE division and
 * square root, blends where the scalar code branches), which keeps the bytes identical to the
 * reference. The scalar tails (scale quantization, requantization, packing) are the reference's. */
#include <immintrin.h>
#include <math.h>
#include "ggufkit/gk_kernels.h"
#include "../ref/quant_ref.h"

typedef __m256 vf;
typedef __m256i vi;

static inline vi v_nearest_int(vf v) { /* gk_nearest_int per lane */
    vi i = _mm256_castps_si256(_mm256_add_ps(v, _mm256_set1_ps(12582912.f)));
    return _mm256_sub_epi32(_mm256_and_si256(i, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x00400000));
}
static inline vf v_abs(vf v) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), v); }
static inline vf v_sel(vf mask, vf if_true, vf if_false) { return _mm256_blendv_ps(if_false, if_true, mask); }
static inline vi v_seli(vf mask, vi if_true, vi if_false) {
    return _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(if_false), _mm256_castsi256_ps(if_true), mask));
}
static inline vi v_clamp(vi l, int lo, int hi) {
    return _mm256_max_epi32(_mm256_set1_epi32(lo), _mm256_min_epi32(_mm256_set1_epi32(hi), l));
}
#define V_GT(a, b) _mm256_cmp_ps(a, b, _CMP_GT_OQ)
#define V_LT(a, b) _mm256_cmp_ps(a, b, _CMP_LT_OQ)

static inline void transpose8(vf *r) {
    vf t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    vf t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    vf t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    vf t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    vf s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0)), s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    vf s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0)), s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    vf s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0)), s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    vf s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0)), s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20); r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20); r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31); r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31); r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

/* xt[i] lane k = x[k * stride + i], i < n (n a multiple of 8). */
static inline void load_lanes(const float *x, int stride, int n, vf *xt) {
    for (int i0 = 0; i0 < n; i0 += 8) {
        vf r[8];
        for (int k = 0; k < 8; ++k) r[k] = _mm256_loadu_ps(x + k * stride + i0);
        transpose8(r);
        for (int j = 0; j < 8; ++j) xt[i0 + j] = r[j];
    }
}

/* L[k * stride + i] = lane k of Lt[i] (values that fit a byte). */
static inline void store_lanes_u8(const vi *Lt, int n, uint8_t *L, int stride) {
    int32_t buf[32][8];
    for (int i = 0; i < n; ++i) _mm256_storeu_si256((vi *)buf[i], Lt[i]);
    for (int k = 0; k < 8; ++k)
        for (int i = 0; i < n; ++i) L[k * stride + i] = (uint8_t)buf[i][k];
}

/* ---- lane-parallel searches ------------------------------------------------------------------- */

/* make_qkx2_quants (qkx3 = 0) or make_qkx3_quants with weights (qkx3 = 1) on 8 sub-blocks of n <= 32
 * values: xt / wt values and weights by element, lane = sub-block. Out: Lt, scale and the_min. */
static inline __attribute__((always_inline)) void qkx_lanes(int n, int nmax, const vf *xt, const vf *wt, vi *Lt, vf *scale_out, vf *the_min_out,
                      float rmin, float rdelta, int nstep, int use_mad, int qkx3) {
    const vf zero = _mm256_setzero_ps();
    vf min = xt[0], max = xt[0];
    vf sum_w = wt[0];
    vf sum_x = _mm256_mul_ps(sum_w, xt[0]);
    for (int i = 1; i < n; ++i) {
        min = _mm256_min_ps(xt[i], min); /* x < min ? x : min */
        max = _mm256_max_ps(xt[i], max); /* x > max ? x : max */
        sum_w = _mm256_add_ps(sum_w, wt[i]);
        sum_x = _mm256_add_ps(sum_x, _mm256_mul_ps(wt[i], xt[i]));
    }
    min = v_sel(V_GT(min, zero), zero, min);
    const vf done = qkx3 ? _mm256_cmp_ps(max, min, _CMP_LE_OQ) : _mm256_cmp_ps(max, min, _CMP_EQ_OQ);
    vf iscale = _mm256_div_ps(_mm256_set1_ps((float)nmax), _mm256_sub_ps(max, min));
    vf scale = _mm256_div_ps(_mm256_set1_ps(1.0f), iscale);
    vf best = zero;
    for (int i = 0; i < n; ++i) {
        vi l = v_clamp(v_nearest_int(_mm256_mul_ps(iscale, _mm256_sub_ps(xt[i], min))), 0, nmax);
        Lt[i] = l;
        vf diff = _mm256_sub_ps(_mm256_add_ps(_mm256_mul_ps(scale, _mm256_cvtepi32_ps(l)), min), xt[i]);
        diff = use_mad ? v_abs(diff) : _mm256_mul_ps(diff, diff);
        best = _mm256_add_ps(best, _mm256_mul_ps(wt[i], diff));
    }
    vf lbuf[32];
    for (int is = 0; nstep >= 1 && is <= nstep; ++is) {
        const float num = rmin + rdelta * is + nmax;
        iscale = _mm256_div_ps(_mm256_set1_ps(num), _mm256_sub_ps(max, min));
        vf sl = zero, sl2 = zero, sxl = zero;
        for (int i = 0; i < n; ++i) {
            vi l = v_clamp(v_nearest_int(_mm256_mul_ps(iscale, _mm256_sub_ps(xt[i], min))), 0, nmax);
            vf lf = _mm256_cvtepi32_ps(l);
            lbuf[i] = lf;
            vf wl = _mm256_mul_ps(wt[i], lf);
            sl = _mm256_add_ps(sl, wl);
            sl2 = _mm256_add_ps(sl2, _mm256_mul_ps(wl, lf));
            sxl = _mm256_add_ps(sxl, _mm256_mul_ps(wl, xt[i]));
        }
        vf D = _mm256_sub_ps(_mm256_mul_ps(sum_w, sl2), _mm256_mul_ps(sl, sl));
        vf live = _mm256_andnot_ps(done, V_GT(D, zero));
        if (!_mm256_movemask_ps(live)) continue;
        vf ts = _mm256_div_ps(_mm256_sub_ps(_mm256_mul_ps(sum_w, sxl), _mm256_mul_ps(sum_x, sl)), D);
        vf tm = _mm256_div_ps(_mm256_sub_ps(_mm256_mul_ps(sl2, sum_x), _mm256_mul_ps(sl, sxl)), D);
        vf mp = V_GT(tm, zero);
        tm = v_sel(mp, zero, tm);
        ts = v_sel(mp, _mm256_div_ps(sxl, sl2), ts);
        vf err = zero;
        for (int i = 0; i < n; ++i) {
            vf diff = _mm256_sub_ps(_mm256_add_ps(_mm256_mul_ps(ts, lbuf[i]), tm), xt[i]);
            diff = use_mad ? v_abs(diff) : _mm256_mul_ps(diff, diff);
            err = _mm256_add_ps(err, _mm256_mul_ps(wt[i], diff));
        }
        vf acc = _mm256_and_ps(live, V_LT(err, best));
        if (!_mm256_movemask_ps(acc)) continue;
        for (int i = 0; i < n; ++i) Lt[i] = v_seli(acc, _mm256_cvttps_epi32(lbuf[i]), Lt[i]);
        best = v_sel(acc, err, best);
        scale = v_sel(acc, ts, scale);
        min = v_sel(acc, tm, min);
    }
    for (int i = 0; i < n; ++i) Lt[i] = _mm256_andnot_si256(_mm256_castps_si256(done), Lt[i]);
    *scale_out = v_sel(done, zero, scale);
    *the_min_out = _mm256_xor_ps(min, _mm256_set1_ps(-0.0f));
}

/* Lane max |x| and the first x reaching it (ggml's "if (ax > amax) { amax = ax; max = x; }"). */
static inline void absmax_lanes(int n, const vf *xt, vf *amax_out, vf *max_out) {
    vf amax = _mm256_setzero_ps(), max = _mm256_setzero_ps();
    for (int i = 0; i < n; ++i) {
        vf ax = v_abs(xt[i]);
        vf m = V_GT(ax, amax);
        amax = v_sel(m, ax, amax);
        max = v_sel(m, xt[i], max);
    }
    *amax_out = amax;
    *max_out = max;
}

/* make_qx_quants with rmse_type 1 on 8 sub-blocks (wt NULL: weights x^2). Lt gets l + nmax. */
static inline __attribute__((always_inline)) void qx_lanes(int n, int nmax, const vf *xt, const vf *wt, vi *Lt, vf *scale_out) {
    const vf zero = _mm256_setzero_ps();
    vf amax, max;
    absmax_lanes(n, xt, &amax, &max);
    const vf done = V_LT(amax, _mm256_set1_ps(GK_GROUP_MAX_EPS));
    const vi vnmax = _mm256_set1_epi32(nmax);
    vf iscale = _mm256_div_ps(_mm256_set1_ps((float)-nmax), max);
    vf sumlx = zero, suml2 = zero;
    for (int i = 0; i < n; ++i) {
        vi l = v_clamp(v_nearest_int(_mm256_mul_ps(iscale, xt[i])), -nmax, nmax - 1);
        Lt[i] = _mm256_add_epi32(l, vnmax);
        vf lf = _mm256_cvtepi32_ps(l);
        vf w = wt ? wt[i] : _mm256_mul_ps(xt[i], xt[i]);
        sumlx = _mm256_add_ps(sumlx, _mm256_mul_ps(_mm256_mul_ps(w, xt[i]), lf));
        suml2 = _mm256_add_ps(suml2, _mm256_mul_ps(_mm256_mul_ps(w, lf), lf));
    }
    vf scale = v_sel(_mm256_cmp_ps(suml2, zero, _CMP_NEQ_UQ), _mm256_div_ps(sumlx, suml2), zero);
    vf best = _mm256_mul_ps(scale, sumlx);
    vi lbuf[32];
    for (int is = -9; is <= 9; ++is) {
        if (is == 0) continue;
        iscale = _mm256_div_ps(_mm256_set1_ps(-(nmax + 0.1f * is)), max);
        sumlx = suml2 = zero;
        for (int i = 0; i < n; ++i) {
            vi l = v_clamp(v_nearest_int(_mm256_mul_ps(iscale, xt[i])), -nmax, nmax - 1);
            lbuf[i] = l;
            vf lf = _mm256_cvtepi32_ps(l);
            vf w = wt ? wt[i] : _mm256_mul_ps(xt[i], xt[i]);
            sumlx = _mm256_add_ps(sumlx, _mm256_mul_ps(_mm256_mul_ps(w, xt[i]), lf));
            suml2 = _mm256_add_ps(suml2, _mm256_mul_ps(_mm256_mul_ps(w, lf), lf));
        }
        vf acc = _mm256_and_ps(V_GT(suml2, zero), V_GT(_mm256_mul_ps(sumlx, sumlx), _mm256_mul_ps(best, suml2)));
        acc = _mm256_andnot_ps(done, acc);
        if (!_mm256_movemask_ps(acc)) continue;
        for (int i = 0; i < n; ++i) Lt[i] = v_seli(acc, _mm256_add_epi32(lbuf[i], vnmax), Lt[i]);
        vf s = _mm256_div_ps(sumlx, suml2);
        scale = v_sel(acc, s, scale);
        best = v_sel(acc, _mm256_mul_ps(s, sumlx), best);
    }
    for (int i = 0; i < n; ++i) Lt[i] = _mm256_andnot_si256(_mm256_castps_si256(done), Lt[i]);
    *scale_out = v_sel(done, zero, scale);
}

/* make_q3_quants with do_rmse on 8 sub-blocks: Lt gets l + nmax. */
static inline __attribute__((always_inline)) void q3_lanes(int n, int nmax, const vf *xt, vi *Lt, vf *scale_out) {
    const vf zero = _mm256_setzero_ps();
    vf amax, max;
    absmax_lanes(n, xt, &amax, &max);
    const vf done = V_LT(amax, _mm256_set1_ps(GK_GROUP_MAX_EPS));
    vf iscale = _mm256_div_ps(_mm256_set1_ps((float)-nmax), max);
    vf sumlx = zero, suml2 = zero;
    vi Lc[32];
    for (int i = 0; i < n; ++i) {
        vi l = v_clamp(v_nearest_int(_mm256_mul_ps(iscale, xt[i])), -nmax, nmax - 1);
        Lc[i] = l;
        vf lf = _mm256_cvtepi32_ps(l);
        vf w = _mm256_mul_ps(xt[i], xt[i]);
        sumlx = _mm256_add_ps(sumlx, _mm256_mul_ps(_mm256_mul_ps(w, xt[i]), lf));
        suml2 = _mm256_add_ps(suml2, _mm256_mul_ps(_mm256_mul_ps(w, lf), lf));
    }
    vf active = _mm256_xor_ps(done, _mm256_castsi256_ps(_mm256_set1_epi32(-1)));
    for (int itry = 0; itry < 5 && _mm256_movemask_ps(active); ++itry) {
        vf changed_any = zero;
        for (int i = 0; i < n; ++i) {
            vf w = _mm256_mul_ps(xt[i], xt[i]);
            vf wx = _mm256_mul_ps(w, xt[i]);
            vf Lf = _mm256_cvtepi32_ps(Lc[i]);
            vf slx = _mm256_sub_ps(sumlx, _mm256_mul_ps(wx, Lf));
            vf sl2 = _mm256_sub_ps(suml2, _mm256_mul_ps(_mm256_mul_ps(w, Lf), Lf));
            vi new_l = v_clamp(v_nearest_int(_mm256_div_ps(_mm256_mul_ps(xt[i], sl2), slx)), -nmax, nmax - 1);
            vf differs = _mm256_castsi256_ps(_mm256_xor_si256(_mm256_cmpeq_epi32(new_l, Lc[i]), _mm256_set1_epi32(-1)));
            vf nf = _mm256_cvtepi32_ps(new_l);
            vf slx2 = _mm256_add_ps(slx, _mm256_mul_ps(wx, nf));
            vf sl2b = _mm256_add_ps(sl2, _mm256_mul_ps(_mm256_mul_ps(w, nf), nf));
            vf better = V_GT(_mm256_mul_ps(_mm256_mul_ps(slx2, slx2), suml2),
                             _mm256_mul_ps(_mm256_mul_ps(sumlx, sumlx), sl2b));
            vf acc = _mm256_and_ps(_mm256_and_ps(active, V_GT(slx, zero)),
                                   _mm256_and_ps(differs, _mm256_and_ps(V_GT(sl2b, zero), better)));
            Lc[i] = v_seli(acc, new_l, Lc[i]);
            sumlx = v_sel(acc, slx2, sumlx);
            suml2 = v_sel(acc, sl2b, suml2);
            changed_any = _mm256_or_ps(changed_any, acc);
        }
        active = _mm256_and_ps(active, changed_any);
    }
    const vi vnmax = _mm256_set1_epi32(nmax);
    for (int i = 0; i < n; ++i) Lt[i] = _mm256_andnot_si256(_mm256_castps_si256(done), _mm256_add_epi32(Lc[i], vnmax));
    vf scale = v_sel(V_GT(suml2, zero), _mm256_div_ps(sumlx, suml2), zero);
    *scale_out = v_sel(done, zero, scale);
}

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
static inline vf imatrix_weights(int n, const vf *xt, const vf *qt, float sigma2, vf *wt) {
    const vf s2 = _mm256_set1_ps(sigma2);
    vf sw = _mm256_setzero_ps();
    for (int i = 0; i < n; ++i) {
        wt[i] = _mm256_mul_ps(qt[i], _mm256_sqrt_ps(_mm256_add_ps(s2, _mm256_mul_ps(xt[i], xt[i]))));
        sw = _mm256_add_ps(sw, wt[i]);
    }
    return sw;
}

static void block_q2_K(const float *x, gk_block_q2_K *y, const float *qw) {
    uint8_t L[GK_QK_K];
    float scales[16], mins[16], sw[16];
    const float sigma2 = qw ? sum_squares_256(x) / GK_QK_K : 0;
    for (int g = 0; g < 2; ++g) {
        vf xt[16], wt[16], sc, mn;
        vi Lt[16];
        load_lanes(x + 128 * g, 16, 16, xt);
        if (qw) {
            vf qt[16];
            load_lanes(qw + 128 * g, 16, 16, qt);
            _mm256_storeu_ps(sw + 8 * g, imatrix_weights(16, xt, qt, sigma2, wt));
            qkx_lanes(16, 3, xt, wt, Lt, &sc, &mn, -0.9f, 0.05f, 36, 0, 1);
        } else {
            for (int i = 0; i < 16; ++i) wt[i] = v_abs(xt[i]);
            qkx_lanes(16, 3, xt, wt, Lt, &sc, &mn, -0.5f, 0.1f, 15, 1, 0);
        }
        _mm256_storeu_ps(scales + 8 * g, sc);
        _mm256_storeu_ps(mins + 8 * g, mn);
        store_lanes_u8(Lt, 16, L + 128 * g, 16);
    }
    if (qw) gk_q2_K_scales_imatrix_ref(y, scales, mins, sw);
    else gk_q2_K_scales_ref(y, scales, mins);
    finish_q2_K(x, y, L);
}

static void block_q3_K(const float *x, gk_block_q3_K *y, const float *qw) {
    int8_t L[GK_QK_K];
    float scales[16], sw[16];
    const float sigma2 = qw ? 2 * sum_squares_256(x) / GK_QK_K : 0;
    for (int g = 0; g < 2; ++g) {
        vf xt[16], sc;
        vi Lt[16];
        load_lanes(x + 128 * g, 16, 16, xt);
        if (qw) {
            vf qt[16], wt[16];
            load_lanes(qw + 128 * g, 16, 16, qt);
            _mm256_storeu_ps(sw + 8 * g, imatrix_weights(16, xt, qt, sigma2, wt));
            qx_lanes(16, 4, xt, wt, Lt, &sc);
        } else {
            q3_lanes(16, 4, xt, Lt, &sc);
        }
        _mm256_storeu_ps(scales + 8 * g, sc);
        store_lanes_u8(Lt, 16, (uint8_t *)L + 128 * g, 16);
    }
    if (qw) gk_q3_K_scales_imatrix_ref(y, scales, sw);
    else gk_q3_K_scales_ref(y, scales);
    finish_q3_K(x, y, (uint8_t *)L);
}

/* Q4_K (nmax 15) / Q5_K (nmax 31): the 8 sub-blocks of 32 are the 8 lanes. */
static void search_k4(const float *x, const float *qw, int nmax, float *scales, float *mins, float *sw, uint8_t *L) {
    vf xt[32], wt[32], sc, mn;
    vi Lt[32];
    load_lanes(x, 32, 32, xt);
    if (qw) {
        vf qt[32];
        load_lanes(qw, 32, 32, qt);
        _mm256_storeu_ps(sw, imatrix_weights(32, xt, qt, 2 * sum_squares_256(x) / GK_QK_K, wt));
        qkx_lanes(32, nmax, xt, wt, Lt, &sc, &mn, -0.9f, 0.05f, 36, 0, 1);
    } else {
        vf s = _mm256_setzero_ps();
        for (int i = 0; i < 32; ++i) s = _mm256_add_ps(s, _mm256_mul_ps(xt[i], xt[i]));
        vf av_x = _mm256_sqrt_ps(_mm256_div_ps(s, _mm256_set1_ps(32.f)));
        for (int i = 0; i < 32; ++i) wt[i] = _mm256_add_ps(av_x, v_abs(xt[i]));
        if (nmax == 15) qkx_lanes(32, 15, xt, wt, Lt, &sc, &mn, -1.f, 0.1f, 20, 0, 0);
        else qkx_lanes(32, 31, xt, wt, Lt, &sc, &mn, -0.5f, 0.1f, 15, 0, 0);
    }
    _mm256_storeu_ps(scales, sc);
    _mm256_storeu_ps(mins, mn);
    store_lanes_u8(Lt, 32, L, 32);
}

static void block_q4_K(const float *x, gk_block_q4_K *y, const float *qw) {
    uint8_t L[GK_QK_K];
    float scales[8], mins[8], sw[8];
    search_k4(x, qw, 15, scales, mins, sw, L);
    if (qw) gk_k4_scales_imatrix_ref(scales, mins, sw, 15, y->scales, &y->d, &y->dmin);
    else gk_k4_scales_ref(scales, mins, y->scales, &y->d, &y->dmin);
    finish_q4_K(x, y, L);
}

static void block_q5_K(const float *x, gk_block_q5_K *y, const float *qw) {
    uint8_t L[GK_QK_K];
    float scales[8], mins[8], sw[8];
    search_k4(x, qw, 31, scales, mins, sw, L);
    if (qw) gk_k4_scales_imatrix_ref(scales, mins, sw, 31, y->scales, &y->d, &y->dmin);
    else gk_k4_scales_ref(scales, mins, y->scales, &y->d, &y->dmin);
    finish_q5_K(x, y, L);
}

static void block_q6_K(const float *x, gk_block_q6_K *y, const float *qw) {
    int8_t L[GK_QK_K];
    float scales[16];
    for (int g = 0; g < 2; ++g) {
        vf xt[16], qt[16], sc;
        vi Lt[16];
        load_lanes(x + 128 * g, 16, 16, xt);
        if (qw) load_lanes(qw + 128 * g, 16, 16, qt);
        qx_lanes(16, 32, xt, qw ? qt : NULL, Lt, &sc);
        _mm256_storeu_ps(scales + 8 * g, sc);
        store_lanes_u8(Lt, 16, (uint8_t *)L + 128 * g, 16);
    }
    if (gk_q6_K_scales_ref(y, scales)) finish_q6_K(x, y, (uint8_t *)L);
}

#define GK_K_QUANT_AVX2(type)                                                                         \
    size_t gk_quant_##type##_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row,         \
                                  const float *imatrix) {                                             \
        gk_block_##type *y = vy;                                                                      \
        const int64_t nb = n_per_row / GK_QK_K;                                                       \
        for (int64_t r = 0; r < nrows; ++r)                                                           \
            for (int64_t i = 0; i < nb; ++i)                                                          \
                block_##type(x + r * n_per_row + i * GK_QK_K, y + r * nb + i,                         \
                             imatrix ? imatrix + i * GK_QK_K : NULL);                                 \
        return (size_t)(nrows * nb) * sizeof *y;                                                      \
    }

GK_K_QUANT_AVX2(q2_K)
GK_K_QUANT_AVX2(q3_K)
GK_K_QUANT_AVX2(q4_K)
GK_K_QUANT_AVX2(q5_K)
GK_K_QUANT_AVX2(q6_K)
