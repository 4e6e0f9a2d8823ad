/* NEON activation quantizers Q8_0, Q8_1 and Q8_K, byte-identical to the scalar reference
 * (ref/quant_q8.c): the scales use its scalar expressions (division, then reciprocal); the block
 * maximum is taken as the reference does: fmaxnm as its fmaxf (Q8_0 / Q8_1), compare-and-select as its
 * `ax > amax` (Q8_K, where NaN / Inf inputs have a defined result);
 * Q8_0 / Q8_1 round half away from zero (fcvtas = roundf), Q8_K rounds half to even with the
 * reference's own 1.5 * 2^23 trick (same bits for every input, even inf / NaN products); int8 results
 * are narrowed by truncation as the C cast does. No fused multiply-add anywhere. */
#include <arm_neon.h>
#include <math.h>
#include <string.h>
#include "blocks.h"
#include "fp16.h"

/* 4 int32x4 -> 16 int8, truncating (the C conversion to int8_t) */
static inline int8x16_t narrow16(int32x4_t a, int32x4_t b, int32x4_t c, int32x4_t d) {
    const int16x8_t ab = vcombine_s16(vmovn_s32(a), vmovn_s32(b)), cd = vcombine_s16(vmovn_s32(c), vmovn_s32(d));
    return vcombine_s8(vmovn_s16(ab), vmovn_s16(cd));
}

/* one 32-weight block: its scale d (float, as the reference) and 32 int8 in q[0], q[1] */
static inline float q8_block32(const float *x, int8x16_t q[2]) {
    float32x4_t v[8];
    float32x4_t mx = vdupq_n_f32(0.0f);
    for (int k = 0; k < 8; k++) {
        v[k] = vld1q_f32(x + 4 * k);
        mx = vmaxnmq_f32(mx, vabsq_f32(v[k]));
    }
    const float amax = vmaxnmvq_f32(mx);
    const float d = amax / 127.0f;
    const float id = d ? 1.0f / d : 0.0f;
    const float32x4_t idv = vdupq_n_f32(id);
    int32x4_t r[8];
    for (int k = 0; k < 8; k++) r[k] = vcvtaq_s32_f32(vmulq_f32(v[k], idv));
    q[0] = narrow16(r[0], r[1], r[2], r[3]);
    q[1] = narrow16(r[4], r[5], r[6], r[7]);
    return d;
}

size_t gk_quant_q8_0_neon(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_q8_0 *y = vy;
    const int64_t nb = nrows * (n_per_row / 32);
    for (int64_t i = 0; i < nb; i++, x += 32) {
        int8x16_t q[2];
        y[i].d = gk_fp32_to_fp16(q8_block32(x, q));
        vst1q_s8(y[i].qs, q[0]);
        vst1q_s8(y[i].qs + 16, q[1]);
    }
    return (size_t)nb * sizeof(gk_block_q8_0);
}

size_t gk_quant_q8_1_neon(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_q8_1 *y = vy;
    const int64_t nb = nrows * (n_per_row / 32);
    for (int64_t i = 0; i < nb; i++, x += 32) {
        int8x16_t q[2];
        const float d = q8_block32(x, q);
        y[i].d = gk_fp32_to_fp16(d);
        vst1q_s8(y[i].qs, q[0]);
        vst1q_s8(y[i].qs + 16, q[1]);
        const int sum = vaddlvq_s8(q[0]) + vaddlvq_s8(q[1]); /* each at most 16 * 128: exact in int16 */
        y[i].s = gk_fp32_to_fp16((float)sum * d);
    }
    return (size_t)nb * sizeof(gk_block_q8_1);
}

size_t gk_quant_q8_K_neon(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_q8_K *y = vy;
    const int64_t nb = nrows * (n_per_row / GK_QK_K);
    for (int64_t i = 0; i < nb; i++, x += GK_QK_K) {
        /* the reference's `ax > amax`: a compare and select, which skips every NaN (fmaxnm would turn a
         * signaling NaN into a NaN lane that the next fmaxnm drops together with the larger values
         * before it) */
        float32x4_t mx = vdupq_n_f32(0.0f);
        for (int j = 0; j < GK_QK_K; j += 4) {
            const float32x4_t ax = vabsq_f32(vld1q_f32(x + j));
            mx = vbslq_f32(vcgtq_f32(ax, mx), ax, mx);
        }
        const float amax = vmaxvq_f32(mx); /* no NaN lanes */
        if (!amax) {
            memset(&y[i], 0, sizeof(y[i]));
            continue;
        }
        /* the reference keeps the first element of largest magnitude (its sign matters) */
        const float32x4_t amaxv = vdupq_n_f32(amax);
        int j0 = 0;
        while (!vmaxvq_u32(vceqq_f32(vabsq_f32(vld1q_f32(x + j0)), amaxv))) j0 += 4;
        float max = x[j0];
        for (int j = j0; j < j0 + 4; j++)
            if (fabsf(x[j]) == amax) { max = x[j]; break; }
        const float iscale = -127.0f / max;
        const float32x4_t isv = vdupq_n_f32(iscale), magic = vdupq_n_f32(12582912.0f);
        const int32x4_t mant = vdupq_n_s32(0x007fffff), half = vdupq_n_s32(0x00400000), top = vdupq_n_s32(127);
        for (int j = 0; j < GK_QK_K; j += 16) {
            int32x4_t r[4];
            for (int u = 0; u < 4; u++) {
                const float32x4_t v = vaddq_f32(vmulq_f32(isv, vld1q_f32(x + j + 4 * u)), magic);
                r[u] = vminq_s32(vsubq_s32(vandq_s32(vreinterpretq_s32_f32(v), mant), half), top);
            }
            const int8x16_t q = narrow16(r[0], r[1], r[2], r[3]);
            vst1q_s8(y[i].qs + j, q);
            y[i].bsums[j / 16] = vaddlvq_s8(q);
        }
        y[i].d = 1 / iscale;
    }
    return (size_t)nb * sizeof(gk_block_q8_K);
}
