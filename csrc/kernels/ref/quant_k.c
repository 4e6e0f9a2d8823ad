/* Reference quantizers of the K types (Q2_K .. Q6_K), with and without an importance matrix, and
 * ggml's scale-search helpers they share with the legacy types. Bit-exact with ggml's
 * quantize_<type> (ggml-quants.c): same algorithms, same float operation order (no FMA: the build
 * uses -ffp-contract=off). */
#include <math.h>
#include "ggufkit/gk_kernels.h"
#include "quant_ref.h"

/* ---- scale searches ------------------------------------------------------------------------- */

/* Symmetric quantization to [-nmax, nmax-1] (stored + nmax): the scale that maximizes the weighted
 * projection sum(w x l)^2 / sum(w l^2) among 19 candidate inverse scales around -nmax/max. */
float gk_make_qx_quants_ref(int n, int nmax, const float *x, int8_t *L, int rmse_type, const float *qw) {
    float max = 0, amax = 0;
    for (int i = 0; i < n; ++i) {
        float ax = fabsf(x[i]);
        if (ax > amax) { amax = ax; max = x[i]; }
    }
    if (amax < GK_GROUP_MAX_EPS) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        return 0.f;
    }
    float iscale = -nmax / max;
    if (rmse_type == 0) {
        for (int i = 0; i < n; ++i) {
            int l = gk_nearest_int(iscale * x[i]);
            L[i] = nmax + GK_MAX(-nmax, GK_MIN(nmax - 1, l));
        }
        return 1 / iscale;
    }
    int return_early = 0;
    if (rmse_type < 0) { rmse_type = -rmse_type; return_early = 1; }
#define GK_QX_WEIGHT(i) (qw ? qw[i] : rmse_type == 1 ? x[i] * x[i] : rmse_type == 2 ? 1 \
                         : rmse_type == 3 ? fabsf(x[i]) : sqrtf(fabsf(x[i])))
    float sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; ++i) {
        int l = gk_nearest_int(iscale * x[i]);
        l = GK_MAX(-nmax, GK_MIN(nmax - 1, l));
        L[i] = l + nmax;
        float w = GK_QX_WEIGHT(i);
        sumlx += w * x[i] * l;
        suml2 += w * l * l;
    }
    float scale = suml2 ? sumlx / suml2 : 0.0f;
    if (return_early) return suml2 > 0 ? 0.5f * (scale + 1 / iscale) : 1 / iscale;
    float best = scale * sumlx;
    for (int is = -9; is <= 9; ++is) {
        if (is == 0) continue;
        iscale = -(nmax + 0.1f * is) / max;
        sumlx = suml2 = 0;
        for (int i = 0; i < n; ++i) {
            int l = gk_nearest_int(iscale * x[i]);
            l = GK_MAX(-nmax, GK_MIN(nmax - 1, l));
            float w = GK_QX_WEIGHT(i);
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            for (int i = 0; i < n; ++i) {
                int l = gk_nearest_int(iscale * x[i]);
                L[i] = nmax + GK_MAX(-nmax, GK_MIN(nmax - 1, l));
            }
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
#undef GK_QX_WEIGHT
    return scale;
}

/* Symmetric 3-bit quantization with an iterative per-element refinement (Q3_K without imatrix). */
float gk_make_q3_quants_ref(int n, int nmax, const float *x, int8_t *L, int do_rmse) {
    float max = 0, amax = 0;
    for (int i = 0; i < n; ++i) {
        float ax = fabsf(x[i]);
        if (ax > amax) { amax = ax; max = x[i]; }
    }
    if (amax < GK_GROUP_MAX_EPS) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        return 0.f;
    }
    float iscale = -nmax / max;
    if (do_rmse) {
        float sumlx = 0, suml2 = 0;
        for (int i = 0; i < n; ++i) {
            int l = gk_nearest_int(iscale * x[i]);
            l = GK_MAX(-nmax, GK_MIN(nmax - 1, l));
            L[i] = l;
            float w = x[i] * x[i];
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        for (int itry = 0; itry < 5; ++itry) {
            int n_changed = 0;
            for (int i = 0; i < n; ++i) {
                float w = x[i] * x[i];
                float slx = sumlx - w * x[i] * L[i];
                if (slx > 0) {
                    float sl2 = suml2 - w * L[i] * L[i];
                    int new_l = gk_nearest_int(x[i] * sl2 / slx);
                    new_l = GK_MAX(-nmax, GK_MIN(nmax - 1, new_l));
                    if (new_l != L[i]) {
                        slx += w * x[i] * new_l;
                        sl2 += w * new_l * new_l;
                        if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                            L[i] = new_l; sumlx = slx; suml2 = sl2;
                            ++n_changed;
                        }
                    }
                }
            }
            if (!n_changed) break;
        }
        for (int i = 0; i < n; ++i) L[i] += nmax;
        return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
    }
    for (int i = 0; i < n; ++i) {
        int l = gk_nearest_int(iscale * x[i]);
        l = GK_MAX(-nmax, GK_MIN(nmax - 1, l));
        L[i] = l + nmax;
    }
    return 1 / iscale;
}

/* Asymmetric quantization x ~ scale * l - the_min, l in [0, nmax]: weighted least squares of scale
 * and min for nstep+1 candidate inverse scales (rmin + rdelta*is + nmax) / (max - min); keeps the
 * candidate with the smallest weighted error (absolute error if use_mad). */
float gk_make_qkx2_quants_ref(int n, int nmax, const float *x, const float *weights, uint8_t *L,
                              float *the_min, uint8_t *Laux, float rmin, float rdelta, int nstep, int use_mad) {
    float min = x[0], max = x[0];
    float sum_w = weights[0];
    float sum_x = sum_w * x[0];
    for (int i = 1; i < n; ++i) {
        if (x[i] < min) min = x[i];
        if (x[i] > max) max = x[i];
        float w = weights[i];
        sum_w += w;
        sum_x += w * x[i];
    }
    if (min > 0) min = 0;
    if (max == min) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        *the_min = -min;
        return 0.f;
    }
    float iscale = nmax / (max - min);
    float scale = 1 / iscale;
    float best_error = 0;
    for (int i = 0; i < n; ++i) {
        int l = gk_nearest_int(iscale * (x[i] - min));
        L[i] = GK_MAX(0, GK_MIN(nmax, l));
        float diff = scale * L[i] + min - x[i];
        diff = use_mad ? fabsf(diff) : diff * diff;
        best_error += weights[i] * diff;
    }
    if (nstep < 1) {
        *the_min = -min;
        return scale;
    }
    for (int is = 0; is <= nstep; ++is) {
        iscale = (rmin + rdelta * is + nmax) / (max - min);
        float sum_l = 0, sum_l2 = 0, sum_xl = 0;
        for (int i = 0; i < n; ++i) {
            int l = gk_nearest_int(iscale * (x[i] - min));
            l = GK_MAX(0, GK_MIN(nmax, l));
            Laux[i] = l;
            float w = weights[i];
            sum_l += w * l;
            sum_l2 += w * l * l;
            sum_xl += w * l * x[i];
        }
        float D = sum_w * sum_l2 - sum_l * sum_l;
        if (D > 0) {
            float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
            float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
            if (this_min > 0) {
                this_min = 0;
                this_scale = sum_xl / sum_l2;
            }
            float cur_error = 0;
            for (int i = 0; i < n; ++i) {
                float diff = this_scale * Laux[i] + this_min - x[i];
                diff = use_mad ? fabsf(diff) : diff * diff;
                cur_error += weights[i] * diff;
            }
            if (cur_error < best_error) {
                for (int i = 0; i < n; ++i) L[i] = Laux[i];
                best_error = cur_error;
                scale = this_scale;
                min = this_min;
            }
        }
    }
    *the_min = -min;
    return scale;
}

/* ggml's make_qkx3_quants (imatrix paths): make_qkx2_quants with weights x^2 when weights is NULL.
 * (Its degenerate-block test is max <= min where make_qkx2's is max == min; they agree, as min <= 0 and
 * max >= x[0] >= min for the finite inputs the drivers let through.) Sub-blocks have n <= 32 values. */
float gk_make_qkx3_quants_ref(int n, int nmax, const float *x, const float *weights, uint8_t *L,
                              float *the_min, uint8_t *Laux, float rmin, float rdelta, int nstep, int use_mad) {
    float x2[32];
    if (!weights) {
        for (int i = 0; i < n; ++i) x2[i] = x[i] * x[i];
        weights = x2;
    }
    return gk_make_qkx2_quants_ref(n, nmax, x, weights, L, the_min, Laux, rmin, rdelta, nstep, use_mad);
}

/* Non-negative quantization to [0, nmax] of the sub-block scales (imatrix paths), weighted. */
float gk_make_qp_quants_ref(int n, int nmax, const float *x, uint8_t *L, const float *quant_weights) {
    float max = 0;
    for (int i = 0; i < n; ++i) max = GK_MAX(max, x[i]);
    if (max < GK_GROUP_MAX_EPS) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        return 0.f;
    }
    float iscale = nmax / max;
    for (int i = 0; i < n; ++i) L[i] = gk_nearest_int(iscale * x[i]);
    float scale = 1 / iscale;
    float best_mse = 0;
    for (int i = 0; i < n; ++i) {
        float diff = x[i] - scale * L[i];
        float w = quant_weights[i];
        best_mse += w * diff * diff;
    }
    for (int is = -4; is <= 4; ++is) {
        if (is == 0) continue;
        float iscale_is = (0.1f * is + nmax) / max;
        float scale_is = 1 / iscale_is;
        float mse = 0;
        for (int i = 0; i < n; ++i) {
            int l = gk_nearest_int(iscale_is * x[i]);
            l = GK_MIN(nmax, l);
            float diff = x[i] - scale_is * l;
            float w = quant_weights[i];
            mse += w * diff * diff;
        }
        if (mse < best_mse) {
            best_mse = mse;
            iscale = iscale_is;
        }
    }
    float sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; ++i) {
        int l = gk_nearest_int(iscale * x[i]);
        l = GK_MIN(nmax, l);
        L[i] = l;
        float w = quant_weights[i];
        sumlx += w * x[i] * l;
        suml2 += w * l * l;
    }
    for (int itry = 0; itry < 5; ++itry) {
        int n_changed = 0;
        for (int i = 0; i < n; ++i) {
            float w = quant_weights[i];
            float slx = sumlx - w * x[i] * L[i];
            float sl2 = suml2 - w * L[i] * L[i];
            if (slx > 0 && sl2 > 0) {
                int new_l = gk_nearest_int(x[i] * sl2 / slx);
                new_l = GK_MIN(nmax, new_l);
                if (new_l != L[i]) {
                    slx += w * x[i] * new_l;
                    sl2 += w * new_l * new_l;
                    if (slx * slx * suml2 > sumlx * sumlx * sl2) {
                        L[i] = new_l; sumlx = slx; suml2 = sl2;
                        ++n_changed;
                    }
                }
            }
        }
        if (!n_changed) break;
    }
    return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
}

/* ---- shared packing ------------------------------------------------------------------------- */

/* Q4_K / Q5_K: 8 six-bit scales and 8 six-bit mins in 12 bytes. */
static void pack_scales_k4(uint8_t *scales, int j, uint8_t ls, uint8_t lm) {
    if (j < 4) {
        scales[j] = ls;
        scales[j + 4] = lm;
    } else {
        scales[j + 4] = (ls & 0xF) | ((lm & 0xF) << 4);
        scales[j - 4] |= ((ls >> 4) << 6);
        scales[j - 0] |= ((lm >> 4) << 6);
    }
}

static void get_scale_min_k4(int j, const uint8_t *q, uint8_t *d, uint8_t *m) {
    if (j < 4) {
        *d = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4);
    }
}

/* Q2_K / Q3_K: four 2-bit values per byte, 128 values per 32 bytes. */
static void pack_2bit(const uint8_t *L, uint8_t *qs) {
    for (int j = 0; j < GK_QK_K; j += 128)
        for (int l = 0; l < 32; ++l)
            qs[j / 4 + l] = L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6);
}

/* Q2_K: requantize every 16 with the stored scale / min, then pack. */
static void finish_q2_K(const float *x, gk_block_q2_K *y, uint8_t *L, float dm, float mm) {
    for (int j = 0; j < GK_QK_K / 16; ++j) {
        const float d = dm * (y->scales[j] & 0xF);
        if (!d) continue;
        const float m = mm * (y->scales[j] >> 4);
        for (int ii = 0; ii < 16; ++ii) {
            int l = gk_nearest_int((x[16 * j + ii] + m) / d);
            L[16 * j + ii] = GK_MAX(0, GK_MIN(3, l));
        }
    }
    pack_2bit(L, y->qs);
}

/* Every type below is search, scales, finish: the search finds the sub-block scales (and mins) and
 * first quants L; "scales" (exported: SIMD tiers reuse it after their own search) quantizes those
 * scales into the block; finish requantizes with the stored scales and packs. */

/* ---- Q2_K ----------------------------------------------------------------------------------- */

void gk_q2_K_scales_ref(gk_block_q2_K *y, const float *scales, const float *mins) {
    const float q4scale = 15.f;
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < GK_QK_K / 16; ++j) {
        if (scales[j] > max_scale) max_scale = scales[j];
        if (mins[j] > max_min) max_min = mins[j];
    }
    if (max_scale > 0) {
        float iscale = q4scale / max_scale;
        for (int j = 0; j < GK_QK_K / 16; ++j) y->scales[j] = gk_nearest_int(iscale * scales[j]);
        y->d = gk_fp32_to_fp16(max_scale / q4scale);
    } else {
        for (int j = 0; j < GK_QK_K / 16; ++j) y->scales[j] = 0;
        y->d = gk_fp32_to_fp16(0.f);
    }
    if (max_min > 0) {
        float iscale = q4scale / max_min;
        for (int j = 0; j < GK_QK_K / 16; ++j) {
            int l = gk_nearest_int(iscale * mins[j]);
            y->scales[j] |= (l << 4);
        }
        y->dmin = gk_fp32_to_fp16(max_min / q4scale);
    } else {
        y->dmin = gk_fp32_to_fp16(0.f);
    }
}

void gk_q2_K_scales_imatrix_ref(gk_block_q2_K *y, const float *scales, const float *mins, const float *sw) {
    uint8_t Ls[GK_QK_K / 16], Lm[GK_QK_K / 16];
    float dm = gk_make_qp_quants_ref(GK_QK_K / 16, 15, scales, Ls, sw);
    float mm = gk_make_qp_quants_ref(GK_QK_K / 16, 15, mins, Lm, sw);
    y->d = gk_fp32_to_fp16(dm);
    y->dmin = gk_fp32_to_fp16(mm);
    for (int j = 0; j < GK_QK_K / 16; ++j) y->scales[j] = Ls[j] | (Lm[j] << 4);
}

static void block_q2_K(const float *x, gk_block_q2_K *y) {
    uint8_t L[GK_QK_K], Laux[16];
    float weights[16], mins[GK_QK_K / 16], scales[GK_QK_K / 16];
    for (int j = 0; j < GK_QK_K / 16; ++j) {
        for (int l = 0; l < 16; ++l) weights[l] = fabsf(x[16 * j + l]);
        scales[j] = gk_make_qkx2_quants_ref(16, 3, x + 16 * j, weights, L + 16 * j, &mins[j], Laux, -0.5f, 0.1f, 15, 1);
    }
    gk_q2_K_scales_ref(y, scales, mins);
    finish_q2_K(x, y, L, gk_fp16_to_fp32(y->d), gk_fp16_to_fp32(y->dmin));
}

static void block_q2_K_imatrix(const float *x, gk_block_q2_K *y, const float *qw_block) {
    uint8_t L[GK_QK_K], Laux[16];
    float mins[GK_QK_K / 16], scales[GK_QK_K / 16], sw[GK_QK_K / 16], weight[16];
    memset(sw, 0, sizeof sw);
    float sumx2 = 0;
    for (int j = 0; j < GK_QK_K; ++j) sumx2 += x[j] * x[j];
    float sigma2 = sumx2 / GK_QK_K;
    for (int j = 0; j < GK_QK_K / 16; ++j) {
        const float *qw = qw_block + 16 * j;
        for (int l = 0; l < 16; ++l) weight[l] = qw[l] * sqrtf(sigma2 + x[16 * j + l] * x[16 * j + l]);
        for (int l = 0; l < GK_QK_K / 16; ++l) sw[j] += weight[l];
        scales[j] = gk_make_qkx3_quants_ref(16, 3, x + 16 * j, weight, L + 16 * j, &mins[j], Laux, -0.9f, 0.05f, 36, 0);
    }
    gk_q2_K_scales_imatrix_ref(y, scales, mins, sw);
    finish_q2_K(x, y, L, gk_fp16_to_fp32(y->d), gk_fp16_to_fp32(y->dmin));
}

/* ---- Q3_K ----------------------------------------------------------------------------------- */

static void set_scale_q3_K(uint8_t *scales, int j, int l) {
    if (j < 8) scales[j] = l & 0xF;
    else scales[j - 8] |= ((l & 0xF) << 4);
    l >>= 4;
    scales[j % 4 + 8] |= (l << (2 * (j / 4)));
}

/* Requantize with the stored 6-bit scales, split off the high bit into hmask, pack. */
static void finish_q3_K(const float *x, gk_block_q3_K *y, int8_t *L) {
    for (int j = 0; j < GK_QK_K / 16; ++j) {
        int8_t sc = j < 8 ? y->scales[j] & 0xF : y->scales[j - 8] >> 4;
        sc = (sc | (((y->scales[8 + j % 4] >> (2 * (j / 4))) & 3) << 4)) - 32;
        float d = gk_fp16_to_fp32(y->d) * sc;
        if (!d) continue;
        for (int ii = 0; ii < 16; ++ii) {
            int l = gk_nearest_int(x[16 * j + ii] / d);
            l = GK_MAX(-4, GK_MIN(3, l));
            L[16 * j + ii] = l + 4;
        }
    }
    memset(y->hmask, 0, GK_QK_K / 8);
    int m = 0;
    uint8_t hm = 1;
    for (int j = 0; j < GK_QK_K; ++j) {
        if (L[j] > 3) {
            y->hmask[m] |= hm;
            L[j] -= 4;
        }
        if (++m == GK_QK_K / 8) { m = 0; hm <<= 1; }
    }
    pack_2bit((const uint8_t *)L, y->qs);
}

void gk_q3_K_scales_ref(gk_block_q3_K *y, const float *scales) {
    float max_scale = 0, amax = 0;
    for (int j = 0; j < GK_QK_K / 16; ++j) {
        float scale = fabsf(scales[j]);
        if (scale > amax) { amax = scale; max_scale = scales[j]; }
    }
    memset(y->scales, 0, 12);
    if (max_scale) {
        float iscale = -32.f / max_scale;
        for (int j = 0; j < GK_QK_K / 16; ++j) {
            int8_t l = gk_nearest_int(iscale * scales[j]);
            l = GK_MAX(-32, GK_MIN(31, l)) + 32;
            set_scale_q3_K(y->scales, j, l);
        }
        y->d = gk_fp32_to_fp16(1 / iscale);
    } else {
        y->d = gk_fp32_to_fp16(0.f);
    }
}

void gk_q3_K_scales_imatrix_ref(gk_block_q3_K *y, const float *scales, const float *sw) {
    int8_t Ls[GK_QK_K / 16];
    memset(y->scales, 0, 12);
    float d_block = gk_make_qx_quants_ref(GK_QK_K / 16, 32, scales, Ls, 1, sw);
    for (int j = 0; j < GK_QK_K / 16; ++j) set_scale_q3_K(y->scales, j, Ls[j]);
    y->d = gk_fp32_to_fp16(d_block);
}

static void block_q3_K(const float *x, gk_block_q3_K *y) {
    int8_t L[GK_QK_K];
    float scales[GK_QK_K / 16];
    for (int j = 0; j < GK_QK_K / 16; ++j) scales[j] = gk_make_q3_quants_ref(16, 4, x + 16 * j, L + 16 * j, 1);
    gk_q3_K_scales_ref(y, scales);
    finish_q3_K(x, y, L);
}

static void block_q3_K_imatrix(const float *x, gk_block_q3_K *y, const float *qw_block) {
    int8_t L[GK_QK_K];
    float scales[GK_QK_K / 16], weight[16], sw[GK_QK_K / 16];
    float sumx2 = 0;
    for (int j = 0; j < GK_QK_K; ++j) sumx2 += x[j] * x[j];
    float sigma2 = 2 * sumx2 / GK_QK_K;
    for (int j = 0; j < GK_QK_K / 16; ++j) {
        const float *qw = qw_block + 16 * j;
        for (int l = 0; l < 16; ++l) weight[l] = qw[l] * sqrtf(sigma2 + x[16 * j + l] * x[16 * j + l]);
        float sumw = 0;
        for (int l = 0; l < 16; ++l) sumw += weight[l];
        sw[j] = sumw;
        scales[j] = gk_make_qx_quants_ref(16, 4, x + 16 * j, L + 16 * j, 1, weight);
    }
    gk_q3_K_scales_imatrix_ref(y, scales, sw);
    finish_q3_K(x, y, L);
}

/* ---- Q4_K / Q5_K ---------------------------------------------------------------------------- */

/* Requantize every 32 with the stored 6-bit scale and min into L[0..256), values in [0, nmax]. */
static void requant_k4(const float *x, const uint8_t *scales, float d_all, float dmin_all, int nmax, uint8_t *L) {
    uint8_t sc, m;
    for (int j = 0; j < GK_QK_K / 32; ++j) {
        get_scale_min_k4(j, scales, &sc, &m);
        const float d = d_all * sc;
        if (!d) continue;
        const float dm = dmin_all * m;
        for (int ii = 0; ii < 32; ++ii) {
            int l = gk_nearest_int((x[32 * j + ii] + dm) / d);
            L[32 * j + ii] = GK_MAX(0, GK_MIN(nmax, l));
        }
    }
}

static void pack_q4_K(const uint8_t *L, uint8_t *q) {
    for (int j = 0; j < GK_QK_K; j += 64) {
        for (int l = 0; l < 32; ++l) q[l] = L[j + l] | (L[j + l + 32] << 4);
        q += 32;
    }
}

static void pack_q5_K(const uint8_t *L, uint8_t *ql, uint8_t *qh) {
    memset(qh, 0, GK_QK_K / 8);
    uint8_t m1 = 1, m2 = 2;
    for (int n = 0; n < GK_QK_K; n += 64) {
        for (int j = 0; j < 32; ++j) {
            int l1 = L[n + j];
            if (l1 > 15) { l1 -= 16; qh[j] |= m1; }
            int l2 = L[n + j + 32];
            if (l2 > 15) { l2 -= 16; qh[j] |= m2; }
            ql[j] = l1 | (l2 << 4);
        }
        m1 <<= 2; m2 <<= 2;
        ql += 32;
    }
}

/* 6-bit scales and mins of Q4_K / Q5_K without imatrix: relative to the largest ones. */
void gk_k4_scales_ref(const float *scales, const float *mins, uint8_t *yscales, gk_half *yd, gk_half *ydmin) {
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < GK_QK_K / 32; ++j) {
        if (scales[j] > max_scale) max_scale = scales[j];
        if (mins[j] > max_min) max_min = mins[j];
    }
    float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
    float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
    for (int j = 0; j < GK_QK_K / 32; ++j) {
        uint8_t ls = gk_nearest_int(inv_scale * scales[j]);
        uint8_t lm = gk_nearest_int(inv_min * mins[j]);
        ls = GK_MIN(63, ls);
        lm = GK_MIN(63, lm);
        pack_scales_k4(yscales, j, ls, lm);
    }
    *yd = gk_fp32_to_fp16(max_scale / 63.f);
    *ydmin = gk_fp32_to_fp16(max_min / 63.f);
}

/* With imatrix: weighted search of the 6-bit scales and mins (ggml clamps to 63 for Q5_K only;
 * make_qp_quants keeps them <= 63 anyway for finite input). */
void gk_k4_scales_imatrix_ref(const float *scales, const float *mins, const float *sw, int nmax, uint8_t *yscales,
                              gk_half *yd, gk_half *ydmin) {
    uint8_t Ls[GK_QK_K / 32], Lm[GK_QK_K / 32];
    float d_block = gk_make_qp_quants_ref(GK_QK_K / 32, 63, scales, Ls, sw);
    float m_block = gk_make_qp_quants_ref(GK_QK_K / 32, 63, mins, Lm, sw);
    for (int j = 0; j < GK_QK_K / 32; ++j)
        pack_scales_k4(yscales, j, nmax == 31 ? GK_MIN(63, Ls[j]) : Ls[j], nmax == 31 ? GK_MIN(63, Lm[j]) : Lm[j]);
    *yd = gk_fp32_to_fp16(d_block);
    *ydmin = gk_fp32_to_fp16(m_block);
}

static void finish_q4_K(const float *x, gk_block_q4_K *y, uint8_t *L) {
    requant_k4(x, y->scales, gk_fp16_to_fp32(y->d), gk_fp16_to_fp32(y->dmin), 15, L);
    pack_q4_K(L, y->qs);
}

static void finish_q5_K(const float *x, gk_block_q5_K *y, uint8_t *L) {
    requant_k4(x, y->scales, gk_fp16_to_fp32(y->d), gk_fp16_to_fp32(y->dmin), 31, L);
    pack_q5_K(L, y->qs, y->qh);
}

/* The sub-block search of Q4_K / Q5_K (nmax 15 or 31): scales, mins, sub-block weight sums, L. */
static void search_k4(const float *x, const float *qw_block, int nmax, float *scales, float *mins, float *sw,
                      uint8_t *L) {
    uint8_t Laux[32];
    float weights[32];
    if (!qw_block) {
        const float rmin = nmax == 15 ? -1.f : -0.5f;
        const int nstep = nmax == 15 ? 20 : 15;
        for (int j = 0; j < GK_QK_K / 32; ++j) {
            float sum_x2 = 0;
            for (int l = 0; l < 32; ++l) sum_x2 += x[32 * j + l] * x[32 * j + l];
            float av_x = sqrtf(sum_x2 / 32);
            for (int l = 0; l < 32; ++l) weights[l] = av_x + fabsf(x[32 * j + l]);
            scales[j] = gk_make_qkx2_quants_ref(32, nmax, x + 32 * j, weights, L + 32 * j, &mins[j], Laux, rmin, 0.1f,
                                                nstep, 0);
        }
        return;
    }
    float sum_x2 = 0;
    for (int l = 0; l < GK_QK_K; ++l) sum_x2 += x[l] * x[l];
    float sigma2 = 2 * sum_x2 / GK_QK_K;
    for (int j = 0; j < GK_QK_K / 32; ++j) {
        const float *qw = qw_block + 32 * j;
        for (int l = 0; l < 32; ++l) weights[l] = qw[l] * sqrtf(sigma2 + x[32 * j + l] * x[32 * j + l]);
        float sumw = 0;
        for (int l = 0; l < 32; ++l) sumw += weights[l];
        sw[j] = sumw;
        scales[j] = gk_make_qkx3_quants_ref(32, nmax, x + 32 * j, weights, L + 32 * j, &mins[j], Laux, -0.9f, 0.05f, 36, 0);
    }
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

/* ---- Q6_K ----------------------------------------------------------------------------------- */

/* Returns 0 (block all zero, written) or 1 (y->d and y->scales set: requantize and pack next). */
int gk_q6_K_scales_ref(gk_block_q6_K *y, const float *scales) {
    float max_scale = 0, max_abs_scale = 0;
    for (int ib = 0; ib < GK_QK_K / 16; ++ib) {
        const float abs_scale = fabsf(scales[ib]);
        if (abs_scale > max_abs_scale) { max_abs_scale = abs_scale; max_scale = scales[ib]; }
    }
    if (max_abs_scale < GK_GROUP_MAX_EPS) {
        memset(y, 0, sizeof *y);
        y->d = gk_fp32_to_fp16(0.f);
        return 0;
    }
    float iscale = -128.f / max_scale;
    y->d = gk_fp32_to_fp16(1 / iscale);
    for (int ib = 0; ib < GK_QK_K / 16; ++ib) y->scales[ib] = GK_MIN(127, gk_nearest_int(iscale * scales[ib]));
    return 1;
}

static void finish_q6_K(const float *x, gk_block_q6_K *y, int8_t *L) {
    for (int j = 0; j < GK_QK_K / 16; ++j) {
        float d = gk_fp16_to_fp32(y->d) * y->scales[j];
        if (!d) continue;
        for (int ii = 0; ii < 16; ++ii) {
            int l = gk_nearest_int(x[16 * j + ii] / d);
            l = GK_MAX(-32, GK_MIN(31, l));
            L[16 * j + ii] = l + 32;
        }
    }
    uint8_t *ql = y->ql, *qh = y->qh;
    for (int j = 0; j < GK_QK_K; j += 128) {
        for (int l = 0; l < 32; ++l) {
            const uint8_t q1 = L[j + l + 0] & 0xF;
            const uint8_t q2 = L[j + l + 32] & 0xF;
            const uint8_t q3 = L[j + l + 64] & 0xF;
            const uint8_t q4 = L[j + l + 96] & 0xF;
            ql[l + 0] = q1 | (q3 << 4);
            ql[l + 32] = q2 | (q4 << 4);
            qh[l] = (L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) | ((L[j + l + 64] >> 4) << 4) | ((L[j + l + 96] >> 4) << 6);
        }
        ql += 64;
        qh += 32;
    }
}

static void block_q6_K(const float *x, gk_block_q6_K *y, const float *qw_block) {
    int8_t L[GK_QK_K];
    float scales[GK_QK_K / 16];
    for (int ib = 0; ib < GK_QK_K / 16; ++ib)
        scales[ib] = gk_make_qx_quants_ref(16, 32, x + 16 * ib, L + 16 * ib, 1, qw_block ? qw_block + 16 * ib : NULL);
    if (gk_q6_K_scales_ref(y, scales)) finish_q6_K(x, y, L);
}

/* ---- the kernels ---------------------------------------------------------------------------- */

size_t gk_quant_q2_K_ref(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    gk_block_q2_K *y = vy;
    const int64_t nb = n_per_row / GK_QK_K;
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t i = 0; i < nb; ++i) {
            const float *xb = x + r * n_per_row + i * GK_QK_K;
            if (imatrix) block_q2_K_imatrix(xb, y + r * nb + i, imatrix + i * GK_QK_K);
            else block_q2_K(xb, y + r * nb + i);
        }
    return (size_t)(nrows * nb) * sizeof *y;
}

size_t gk_quant_q3_K_ref(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    gk_block_q3_K *y = vy;
    const int64_t nb = n_per_row / GK_QK_K;
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t i = 0; i < nb; ++i) {
            const float *xb = x + r * n_per_row + i * GK_QK_K;
            if (imatrix) block_q3_K_imatrix(xb, y + r * nb + i, imatrix + i * GK_QK_K);
            else block_q3_K(xb, y + r * nb + i);
        }
    return (size_t)(nrows * nb) * sizeof *y;
}

#define GK_K_QUANT(type)                                                                              \
    size_t gk_quant_##type##_ref(const float *x, void *vy, int64_t nrows, int64_t n_per_row,          \
                                 const float *imatrix) {                                              \
        gk_block_##type *y = vy;                                                                      \
        const int64_t nb = n_per_row / GK_QK_K;                                                       \
        for (int64_t r = 0; r < nrows; ++r)                                                           \
            for (int64_t i = 0; i < nb; ++i)                                                          \
                block_##type(x + r * n_per_row + i * GK_QK_K, y + r * nb + i,                         \
                             imatrix ? imatrix + i * GK_QK_K : NULL);                                 \
        return (size_t)(nrows * nb) * sizeof *y;                                                      \
    }

GK_K_QUANT(q4_K)
GK_K_QUANT(q5_K)
GK_K_QUANT(q6_K)
