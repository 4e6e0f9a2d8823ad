/* AVX2 building blocks of the quantizers (quant_k_avx2.c, quant_legacy_avx2.c): ggml's scale
 * searches run lane-parallel, one lane per (sub-)block, each lane with exactly the scalar operations
 * in the scalar order, so the bytes match the reference. static inline only (see DESIGN.md). */
#ifndef GK_QUANT_LANES_AVX2_H
#define GK_QUANT_LANES_AVX2_H
#include <immintrin.h>
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

/* xt[i * os] lane k = p[k][i], i < n (n a multiple of 8). */
static inline void load_lanes_p(const float *const *p, int n, vf *xt, int os) {
    for (int i0 = 0; i0 < n; i0 += 8) {
        vf r[8];
        for (int k = 0; k < 8; ++k) r[k] = _mm256_loadu_ps(p[k] + i0);
        transpose8(r);
        for (int j = 0; j < 8; ++j) xt[(i0 + j) * os] = r[j];
    }
}

/* xt[i * os] lane k = x[k * stride + i], i < n (n a multiple of 8). */
static inline void load_lanes(const float *x, int stride, int n, vf *xt, int os) {
    for (int i0 = 0; i0 < n; i0 += 8) {
        vf r[8];
        for (int k = 0; k < 8; ++k) r[k] = _mm256_loadu_ps(x + k * stride + i0);
        transpose8(r);
        for (int j = 0; j < 8; ++j) xt[(i0 + j) * os] = r[j];
    }
}

/* L[k * stride + i] = lane k of Lt[i * os] (values that fit a byte). */
static inline void store_lanes_u8(const vi *Lt, int os, int n, uint8_t *L, int stride) {
    int32_t buf[32][8];
    for (int i = 0; i < n; ++i) _mm256_storeu_si256((vi *)buf[i], Lt[i * os]);
    for (int k = 0; k < 8; ++k)
        for (int i = 0; i < n; ++i) L[k * stride + i] = (uint8_t)buf[i][k];
}

/* ---- small shared helpers ------------------------------------------------------------------------ */

/* float -> half with F16C (round to nearest even): the same bits as gk_fp32_to_fp16 for every finite
 * float (checked over a stride-7 sweep of all bit patterns); scales here are always finite. */
static inline gk_half f16c_fp32_to_fp16(float f) { return (gk_half)_cvtss_sh(f, 0); }

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

/* 32 int32 lanes (4 vectors, values 0..255) to 32 bytes in order. */
static inline __m256i pack32_u8(const __m256i *q) {
    __m256i b = _mm256_packus_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
    return _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

/* qs[j] = low nibble of q[j] | low nibble of q[j + 16] << 4. */
static inline void pack_nibbles(__m256i q, uint8_t *qs) {
    const __m128i m = _mm_set1_epi8(15);
    __m128i lo = _mm_and_si128(_mm256_castsi256_si128(q), m);
    __m128i hi = _mm_and_si128(_mm256_extracti128_si256(q, 1), m);
    _mm_storeu_si128((__m128i *)qs, _mm_or_si128(lo, _mm_slli_epi16(hi, 4)));
}

static inline void load32f(const float *x, vf *v) {
    for (int k = 0; k < 4; ++k) v[k] = _mm256_loadu_ps(x + 8 * k);
}

/* roundf / lroundf: to nearest, ties away from zero (exact: a - floor(a) is exact). */
static inline vf v_round_away(vf t) {
    vf a = v_abs(t);
    vf f = _mm256_floor_ps(a);
    vf up = _mm256_and_ps(_mm256_cmp_ps(_mm256_sub_ps(a, f), _mm256_set1_ps(0.5f), _CMP_GE_OQ), _mm256_set1_ps(1.0f));
    return _mm256_or_ps(_mm256_add_ps(f, up), _mm256_and_ps(t, _mm256_set1_ps(-0.0f)));
}

static inline float absmax_n(const float *x, int n) { /* n a multiple of 8 */
    vf a = _mm256_setzero_ps();
    for (int j = 0; j < n; j += 8) a = _mm256_max_ps(a, v_abs(_mm256_loadu_ps(x + j)));
    return hmax8(a);
}

/* ---- lane-parallel searches ------------------------------------------------------------------- */
/* Each search below runs nv (1 to 4; n * nv <= 64) independent sets of 8 lanes, interleaved so that the sums of one
 * set hide the add latency of the other. Arrays are by element then set: xt[i * nv + v]. The callers
 * pass constants for nv, n, nmax and the flags, so everything is unrolled and specialized. */

#define GK_ALWAYS_INLINE static inline __attribute__((always_inline))

/* make_qkx2_quants (qkx3 = 0) or make_qkx3_quants with weights (qkx3 = 1) on sub-blocks of n <= 32
 * values: xt / wt values and weights. Out: Lt (quants), scale and the_min per lane. */
GK_ALWAYS_INLINE void qkx_lanes(int nv, int n, int nmax, const vf *xt, const vf *wt, vi *Lt, vf *scale_out,
                                vf *the_min_out, float rmin, float rdelta, int nstep, int use_mad, int qkx3) {
    const vf zero = _mm256_setzero_ps();
    vf min[4], max[4], sum_w[4], sum_x[4], done[4], scale[4], best[4], iscale[4];
    for (int v = 0; v < nv; ++v) {
        min[v] = max[v] = xt[v];
        sum_w[v] = wt[v];
        sum_x[v] = _mm256_mul_ps(sum_w[v], xt[v]);
    }
    for (int i = 1; i < n; ++i)
        for (int v = 0; v < nv; ++v) {
            const vf x = xt[i * nv + v], w = wt[i * nv + v];
            min[v] = _mm256_min_ps(x, min[v]); /* x < min ? x : min */
            max[v] = _mm256_max_ps(x, max[v]); /* x > max ? x : max */
            sum_w[v] = _mm256_add_ps(sum_w[v], w);
            sum_x[v] = _mm256_add_ps(sum_x[v], _mm256_mul_ps(w, x));
        }
    for (int v = 0; v < nv; ++v) {
        min[v] = v_sel(V_GT(min[v], zero), zero, min[v]);
        done[v] = qkx3 ? _mm256_cmp_ps(max[v], min[v], _CMP_LE_OQ) : _mm256_cmp_ps(max[v], min[v], _CMP_EQ_OQ);
        iscale[v] = _mm256_div_ps(_mm256_set1_ps((float)nmax), _mm256_sub_ps(max[v], min[v]));
        scale[v] = _mm256_div_ps(_mm256_set1_ps(1.0f), iscale[v]);
        best[v] = zero;
    }
    for (int i = 0; i < n; ++i)
        for (int v = 0; v < nv; ++v) {
            const vf x = xt[i * nv + v];
            vi l = v_clamp(v_nearest_int(_mm256_mul_ps(iscale[v], _mm256_sub_ps(x, min[v]))), 0, nmax);
            Lt[i * nv + v] = l;
            vf diff = _mm256_sub_ps(_mm256_add_ps(_mm256_mul_ps(scale[v], _mm256_cvtepi32_ps(l)), min[v]), x);
            diff = use_mad ? v_abs(diff) : _mm256_mul_ps(diff, diff);
            best[v] = _mm256_add_ps(best[v], _mm256_mul_ps(wt[i * nv + v], diff));
        }
    vf lbuf[64];
    for (int is = 0; nstep >= 1 && is <= nstep; ++is) {
        const vf num = _mm256_set1_ps(rmin + rdelta * is + nmax);
        vf sl[4], sl2[4], sxl[4], live[4];
        int any = 0;
        for (int v = 0; v < nv; ++v) {
            iscale[v] = _mm256_div_ps(num, _mm256_sub_ps(max[v], min[v]));
            sl[v] = sl2[v] = sxl[v] = zero;
        }
        for (int i = 0; i < n; ++i)
            for (int v = 0; v < nv; ++v) {
                const vf x = xt[i * nv + v];
                vi l = v_clamp(v_nearest_int(_mm256_mul_ps(iscale[v], _mm256_sub_ps(x, min[v]))), 0, nmax);
                vf lf = _mm256_cvtepi32_ps(l);
                lbuf[i * nv + v] = lf;
                vf wl = _mm256_mul_ps(wt[i * nv + v], lf);
                sl[v] = _mm256_add_ps(sl[v], wl);
                sl2[v] = _mm256_add_ps(sl2[v], _mm256_mul_ps(wl, lf));
                sxl[v] = _mm256_add_ps(sxl[v], _mm256_mul_ps(wl, x));
            }
        vf ts[4], tm[4], D[4], err[4];
        for (int v = 0; v < nv; ++v) {
            D[v] = _mm256_sub_ps(_mm256_mul_ps(sum_w[v], sl2[v]), _mm256_mul_ps(sl[v], sl[v]));
            live[v] = _mm256_andnot_ps(done[v], V_GT(D[v], zero));
            any |= _mm256_movemask_ps(live[v]);
        }
        if (!any) continue;
        for (int v = 0; v < nv; ++v) {
            ts[v] = _mm256_div_ps(_mm256_sub_ps(_mm256_mul_ps(sum_w[v], sxl[v]), _mm256_mul_ps(sum_x[v], sl[v])), D[v]);
            tm[v] = _mm256_div_ps(_mm256_sub_ps(_mm256_mul_ps(sl2[v], sum_x[v]), _mm256_mul_ps(sl[v], sxl[v])), D[v]);
            vf mp = V_GT(tm[v], zero);
            tm[v] = v_sel(mp, zero, tm[v]);
            ts[v] = v_sel(mp, _mm256_div_ps(sxl[v], sl2[v]), ts[v]);
            err[v] = zero;
        }
        for (int i = 0; i < n; ++i)
            for (int v = 0; v < nv; ++v) {
                vf diff = _mm256_sub_ps(_mm256_add_ps(_mm256_mul_ps(ts[v], lbuf[i * nv + v]), tm[v]), xt[i * nv + v]);
                diff = use_mad ? v_abs(diff) : _mm256_mul_ps(diff, diff);
                err[v] = _mm256_add_ps(err[v], _mm256_mul_ps(wt[i * nv + v], diff));
            }
        for (int v = 0; v < nv; ++v) {
            vf acc = _mm256_and_ps(live[v], V_LT(err[v], best[v]));
            if (!_mm256_movemask_ps(acc)) continue;
            for (int i = 0; i < n; ++i)
                Lt[i * nv + v] = v_seli(acc, _mm256_cvttps_epi32(lbuf[i * nv + v]), Lt[i * nv + v]);
            best[v] = v_sel(acc, err[v], best[v]);
            scale[v] = v_sel(acc, ts[v], scale[v]);
            min[v] = v_sel(acc, tm[v], min[v]);
        }
    }
    for (int v = 0; v < nv; ++v) {
        for (int i = 0; i < n; ++i) Lt[i * nv + v] = _mm256_andnot_si256(_mm256_castps_si256(done[v]), Lt[i * nv + v]);
        scale_out[v] = v_sel(done[v], zero, scale[v]);
        the_min_out[v] = _mm256_xor_ps(min[v], _mm256_set1_ps(-0.0f));
    }
}

/* Lane max |x| and the first x reaching it (ggml's "if (ax > amax) { amax = ax; max = x; }"). */
GK_ALWAYS_INLINE void absmax_lanes(int nv, int n, const vf *xt, vf *amax, vf *max) {
    for (int v = 0; v < nv; ++v) amax[v] = max[v] = _mm256_setzero_ps();
    for (int i = 0; i < n; ++i)
        for (int v = 0; v < nv; ++v) {
            vf ax = v_abs(xt[i * nv + v]);
            vf m = V_GT(ax, amax[v]);
            amax[v] = v_sel(m, ax, amax[v]);
            max[v] = v_sel(m, xt[i * nv + v], max[v]);
        }
}

/* make_qx_quants with rmse_type 1 (wt NULL: weights x^2). Lt gets l + nmax. */
GK_ALWAYS_INLINE void qx_lanes(int nv, int n, int nmax, const vf *xt, const vf *wt, vi *Lt, vf *scale_out) {
    const vf zero = _mm256_setzero_ps();
    const vi vnmax = _mm256_set1_epi32(nmax);
    vf amax[4], max[4], done[4], sumlx[4], suml2[4], scale[4], best[4];
    absmax_lanes(nv, n, xt, amax, max);
    for (int v = 0; v < nv; ++v) {
        done[v] = V_LT(amax[v], _mm256_set1_ps(GK_GROUP_MAX_EPS));
        sumlx[v] = suml2[v] = zero;
    }
    const vf num0 = _mm256_set1_ps((float)-nmax);
    for (int i = 0; i < n; ++i)
        for (int v = 0; v < nv; ++v) {
            const vf x = xt[i * nv + v];
            vi l = v_clamp(v_nearest_int(_mm256_mul_ps(_mm256_div_ps(num0, max[v]), x)), -nmax, nmax - 1);
            Lt[i * nv + v] = _mm256_add_epi32(l, vnmax);
            vf lf = _mm256_cvtepi32_ps(l);
            vf w = wt ? wt[i * nv + v] : _mm256_mul_ps(x, x);
            sumlx[v] = _mm256_add_ps(sumlx[v], _mm256_mul_ps(_mm256_mul_ps(w, x), lf));
            suml2[v] = _mm256_add_ps(suml2[v], _mm256_mul_ps(_mm256_mul_ps(w, lf), lf));
        }
    for (int v = 0; v < nv; ++v) {
        scale[v] = v_sel(_mm256_cmp_ps(suml2[v], zero, _CMP_NEQ_UQ), _mm256_div_ps(sumlx[v], suml2[v]), zero);
        best[v] = _mm256_mul_ps(scale[v], sumlx[v]);
    }
    vi lbuf[64];
    for (int is = -9; is <= 9; ++is) {
        if (is == 0) continue;
        const vf num = _mm256_set1_ps(-(nmax + 0.1f * is));
        vf iscale[4];
        for (int v = 0; v < nv; ++v) {
            iscale[v] = _mm256_div_ps(num, max[v]);
            sumlx[v] = suml2[v] = zero;
        }
        for (int i = 0; i < n; ++i)
            for (int v = 0; v < nv; ++v) {
                const vf x = xt[i * nv + v];
                vi l = v_clamp(v_nearest_int(_mm256_mul_ps(iscale[v], x)), -nmax, nmax - 1);
                lbuf[i * nv + v] = l;
                vf lf = _mm256_cvtepi32_ps(l);
                vf w = wt ? wt[i * nv + v] : _mm256_mul_ps(x, x);
                sumlx[v] = _mm256_add_ps(sumlx[v], _mm256_mul_ps(_mm256_mul_ps(w, x), lf));
                suml2[v] = _mm256_add_ps(suml2[v], _mm256_mul_ps(_mm256_mul_ps(w, lf), lf));
            }
        for (int v = 0; v < nv; ++v) {
            vf acc = _mm256_and_ps(V_GT(suml2[v], zero),
                                   V_GT(_mm256_mul_ps(sumlx[v], sumlx[v]), _mm256_mul_ps(best[v], suml2[v])));
            acc = _mm256_andnot_ps(done[v], acc);
            if (!_mm256_movemask_ps(acc)) continue;
            for (int i = 0; i < n; ++i) Lt[i * nv + v] = v_seli(acc, _mm256_add_epi32(lbuf[i * nv + v], vnmax), Lt[i * nv + v]);
            vf s = _mm256_div_ps(sumlx[v], suml2[v]);
            scale[v] = v_sel(acc, s, scale[v]);
            best[v] = v_sel(acc, _mm256_mul_ps(s, sumlx[v]), best[v]);
        }
    }
    for (int v = 0; v < nv; ++v) {
        for (int i = 0; i < n; ++i) Lt[i * nv + v] = _mm256_andnot_si256(_mm256_castps_si256(done[v]), Lt[i * nv + v]);
        scale_out[v] = v_sel(done[v], zero, scale[v]);
    }
}

/* make_q3_quants with do_rmse: Lt gets l + nmax. */
GK_ALWAYS_INLINE void q3_lanes(int nv, int n, int nmax, const vf *xt, vi *Lt, vf *scale_out) {
    const vf zero = _mm256_setzero_ps();
    vf amax[4], max[4], done[4], sumlx[4], suml2[4], active[4];
    vi Lc[64];
    absmax_lanes(nv, n, xt, amax, max);
    for (int v = 0; v < nv; ++v) {
        done[v] = V_LT(amax[v], _mm256_set1_ps(GK_GROUP_MAX_EPS));
        sumlx[v] = suml2[v] = zero;
        active[v] = _mm256_xor_ps(done[v], _mm256_castsi256_ps(_mm256_set1_epi32(-1)));
    }
    const vf num0 = _mm256_set1_ps((float)-nmax);
    for (int i = 0; i < n; ++i)
        for (int v = 0; v < nv; ++v) {
            const vf x = xt[i * nv + v];
            vi l = v_clamp(v_nearest_int(_mm256_mul_ps(_mm256_div_ps(num0, max[v]), x)), -nmax, nmax - 1);
            Lc[i * nv + v] = l;
            vf lf = _mm256_cvtepi32_ps(l);
            vf w = _mm256_mul_ps(x, x);
            sumlx[v] = _mm256_add_ps(sumlx[v], _mm256_mul_ps(_mm256_mul_ps(w, x), lf));
            suml2[v] = _mm256_add_ps(suml2[v], _mm256_mul_ps(_mm256_mul_ps(w, lf), lf));
        }
    for (int itry = 0; itry < 5; ++itry) {
        int any = 0;
        for (int v = 0; v < nv; ++v) any |= _mm256_movemask_ps(active[v]);
        if (!any) break;
        vf changed[4];
        for (int v = 0; v < nv; ++v) changed[v] = zero;
        for (int i = 0; i < n; ++i)
            for (int v = 0; v < nv; ++v) {
                const vf x = xt[i * nv + v];
                vf w = _mm256_mul_ps(x, x);
                vf wx = _mm256_mul_ps(w, x);
                vf Lf = _mm256_cvtepi32_ps(Lc[i * nv + v]);
                vf slx = _mm256_sub_ps(sumlx[v], _mm256_mul_ps(wx, Lf));
                vf sl2 = _mm256_sub_ps(suml2[v], _mm256_mul_ps(_mm256_mul_ps(w, Lf), Lf));
                vi new_l = v_clamp(v_nearest_int(_mm256_div_ps(_mm256_mul_ps(x, sl2), slx)), -nmax, nmax - 1);
                vf differs = _mm256_castsi256_ps(
                    _mm256_xor_si256(_mm256_cmpeq_epi32(new_l, Lc[i * nv + v]), _mm256_set1_epi32(-1)));
                vf nf = _mm256_cvtepi32_ps(new_l);
                vf slx2 = _mm256_add_ps(slx, _mm256_mul_ps(wx, nf));
                vf sl2b = _mm256_add_ps(sl2, _mm256_mul_ps(_mm256_mul_ps(w, nf), nf));
                vf better = V_GT(_mm256_mul_ps(_mm256_mul_ps(slx2, slx2), suml2[v]),
                                 _mm256_mul_ps(_mm256_mul_ps(sumlx[v], sumlx[v]), sl2b));
                vf acc = _mm256_and_ps(_mm256_and_ps(active[v], V_GT(slx, zero)),
                                       _mm256_and_ps(differs, _mm256_and_ps(V_GT(sl2b, zero), better)));
                Lc[i * nv + v] = v_seli(acc, new_l, Lc[i * nv + v]);
                sumlx[v] = v_sel(acc, slx2, sumlx[v]);
                suml2[v] = v_sel(acc, sl2b, suml2[v]);
                changed[v] = _mm256_or_ps(changed[v], acc);
            }
        for (int v = 0; v < nv; ++v) active[v] = _mm256_and_ps(active[v], changed[v]);
    }
    const vi vnmax = _mm256_set1_epi32(nmax);
    for (int v = 0; v < nv; ++v) {
        for (int i = 0; i < n; ++i)
            Lt[i * nv + v] = _mm256_andnot_si256(_mm256_castps_si256(done[v]), _mm256_add_epi32(Lc[i * nv + v], vnmax));
        vf scale = v_sel(V_GT(suml2[v], zero), _mm256_div_ps(sumlx[v], suml2[v]), zero);
        scale_out[v] = v_sel(done[v], zero, scale);
    }
}

#endif
