/* vec_dot kernels of the neon_dotprod tier (aarch64 + sdot): Q8_0, Q4_0 with Q8_0 activations and
 * Q4_K with Q8_K. vdotq_s32 sums 4 adjacent int8 products per int32 lane; block scales in float. */
#include <arm_neon.h>
#include <string.h>
#include "blocks.h"
#include "../ref/vecdot_helpers.h"

void gk_vecdot_q8_0_q8_0_neon_dotprod(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q8_0 *x = vx, *y = vy;
    const int64_t nb = n / 32;
    float32x4_t acc0 = vdupq_n_f32(0), acc1 = vdupq_n_f32(0);
    int64_t b = 0;
    for (; b + 2 <= nb; b += 2) {
        int32x4_t p0 = vdotq_s32(vdupq_n_s32(0), vld1q_s8(x[b].qs), vld1q_s8(y[b].qs));
        p0 = vdotq_s32(p0, vld1q_s8(x[b].qs + 16), vld1q_s8(y[b].qs + 16));
        int32x4_t p1 = vdotq_s32(vdupq_n_s32(0), vld1q_s8(x[b + 1].qs), vld1q_s8(y[b + 1].qs));
        p1 = vdotq_s32(p1, vld1q_s8(x[b + 1].qs + 16), vld1q_s8(y[b + 1].qs + 16));
        acc0 = vmlaq_n_f32(acc0, vcvtq_f32_s32(p0), GK_F16(x[b].d) * GK_F16(y[b].d));
        acc1 = vmlaq_n_f32(acc1, vcvtq_f32_s32(p1), GK_F16(x[b + 1].d) * GK_F16(y[b + 1].d));
    }
    for (; b < nb; b++) {
        int32x4_t p = vdotq_s32(vdupq_n_s32(0), vld1q_s8(x[b].qs), vld1q_s8(y[b].qs));
        p = vdotq_s32(p, vld1q_s8(x[b].qs + 16), vld1q_s8(y[b].qs + 16));
        acc0 = vmlaq_n_f32(acc0, vcvtq_f32_s32(p), GK_F16(x[b].d) * GK_F16(y[b].d));
    }
    *s = vaddvq_f32(vaddq_f32(acc0, acc1));
}

void gk_vecdot_q4_0_q8_0_neon_dotprod(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q4_0 *x = vx;
    const gk_block_q8_0 *y = vy;
    const int64_t nb = n / 32;
    const uint8x16_t m4 = vdupq_n_u8(0x0F);
    const int8x16_t eight = vdupq_n_s8(8);
    float32x4_t acc0 = vdupq_n_f32(0), acc1 = vdupq_n_f32(0);
    for (int64_t b = 0; b < nb; b++) {
        const uint8x16_t q = vld1q_u8(x[b].qs);
        const int8x16_t lo = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(q, m4)), eight);
        const int8x16_t hi = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(q, 4)), eight);
        int32x4_t p = vdotq_s32(vdupq_n_s32(0), lo, vld1q_s8(y[b].qs));
        p = vdotq_s32(p, hi, vld1q_s8(y[b].qs + 16));
        if (b & 1) acc1 = vmlaq_n_f32(acc1, vcvtq_f32_s32(p), GK_F16(x[b].d) * GK_F16(y[b].d));
        else acc0 = vmlaq_n_f32(acc0, vcvtq_f32_s32(p), GK_F16(x[b].d) * GK_F16(y[b].d));
    }
    *s = vaddvq_f32(vaddq_f32(acc0, acc1));
}

void gk_vecdot_q4_K_q8_K_neon_dotprod(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q4_K *x = vx;
    const gk_block_q8_K *y = vy;
    const uint8x16_t m4 = vdupq_n_u8(0x0F);
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        uint8_t sc[8], mn[8];
        gk_unpack_k4_scales(x[b].scales, sc, mn);
        /* mins against the 16-element sums: pairs of bsums per 32-weight sub-block */
        const int16x8_t bs = vpaddq_s16(vld1q_s16(y[b].bsums), vld1q_s16(y[b].bsums + 8));
        const int16x8_t mins = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(mn)));
        int32x4_t mp = vmull_s16(vget_low_s16(bs), vget_low_s16(mins));
        mp = vmlal_s16(mp, vget_high_s16(bs), vget_high_s16(mins));
        const int32_t msum = vaddvq_s32(mp);
        int32_t isum = 0;
        for (int j = 0; j < 4; j++) {
            const uint8x16_t q0 = vld1q_u8(x[b].qs + 32 * j), q1 = vld1q_u8(x[b].qs + 32 * j + 16);
            const int8_t *q8 = y[b].qs + 64 * j;
            int32x4_t pl = vdotq_s32(vdupq_n_s32(0), vreinterpretq_s8_u8(vandq_u8(q0, m4)), vld1q_s8(q8));
            pl = vdotq_s32(pl, vreinterpretq_s8_u8(vandq_u8(q1, m4)), vld1q_s8(q8 + 16));
            int32x4_t ph = vdotq_s32(vdupq_n_s32(0), vreinterpretq_s8_u8(vshrq_n_u8(q0, 4)), vld1q_s8(q8 + 32));
            ph = vdotq_s32(ph, vreinterpretq_s8_u8(vshrq_n_u8(q1, 4)), vld1q_s8(q8 + 48));
            isum += vaddvq_s32(pl) * sc[2 * j] + vaddvq_s32(ph) * sc[2 * j + 1];
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)isum - GK_F16(x[b].dmin) * y[b].d * (float)msum;
    }
    *s = sum;
}
