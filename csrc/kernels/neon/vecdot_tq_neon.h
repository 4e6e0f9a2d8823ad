/* Bodies of the NEON vec_dot kernels of the ternary types TQ1_0 and TQ2_0 with Q8_K activations
 * (static inline; compiled once per aarch64 tier by vecdot_tq_neon.c and
 * ../neon_dotprod/vecdot_tq_neon_dotprod.c). Weights are decoded to int8 -1..2 and dotted. */
#ifndef GK_VECDOT_TQ_NEON_H
#define GK_VECDOT_TQ_NEON_H
#include "blocks.h"
#include "../ref/vecdot_helpers.h"
#include "vecdot_neon.h"

/* TQ2_0: byte k of the 32-byte group g holds weights 128 g + 32 l + k at bits 2l, minus 1 */
static inline void gk_neon_vecdot_tq2_0_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_tq2_0 *x = vx;
    const gk_block_q8_K *y = vy;
    const uint8x16_t m3 = vdupq_n_u8(3);
    const int8x16_t one = vdupq_n_s8(1);
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const int8_t *q8 = y[b].qs;
        int32x4_t isum = vdupq_n_s32(0);
        for (int g = 0; g < 2; g++) {
            uint8x16_t q0 = vld1q_u8(x[b].qs + 32 * g), q1 = vld1q_u8(x[b].qs + 32 * g + 16);
            for (int l = 0; l < 4; l++, q8 += 32) {
                isum = gk_neon_dot(isum, vsubq_s8(vreinterpretq_s8_u8(vandq_u8(q0, m3)), one), vld1q_s8(q8));
                isum = gk_neon_dot(isum, vsubq_s8(vreinterpretq_s8_u8(vandq_u8(q1, m3)), one), vld1q_s8(q8 + 16));
                q0 = vshrq_n_u8(q0, 2);
                q1 = vshrq_n_u8(q1, 2);
            }
        }
        sum += (float)vaddvq_s32(isum) * (y[b].d * GK_F16(x[b].d));
    }
    *s = sum;
}

/* TQ1_0 digit of bytes already multiplied by 3^l (mod 256): ((t * 3) >> 8) - 1, in -1..1 */
static inline int8x16_t gk_neon_tq1_digits(uint8x16_t t) {
    const uint8x8_t three = vdup_n_u8(3);
    const uint8x16_t d = vcombine_u8(vshrn_n_u16(vmull_u8(vget_low_u8(t), three), 8),
                                     vshrn_n_u16(vmull_high_u8(t, vdupq_n_u8(3)), 8));
    return vsubq_s8(vreinterpretq_s8_u8(d), vdupq_n_s8(1));
}

/* TQ1_0: qs[0..32) give 5 x 32 weights (digit l: weights 32 l + m), qs[32..48) 5 x 16 weights
 * (160 + 16 l + m), qh[0..4) 4 x 4 weights (240 + 4 l + j) */
static inline void gk_neon_vecdot_tq1_0_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    static const uint8_t pow3_qh[16] = {1, 1, 1, 1, 3, 3, 3, 3, 9, 9, 9, 9, 27, 27, 27, 27};
    const gk_block_tq1_0 *x = vx;
    const gk_block_q8_K *y = vy;
    const uint8x16_t p3qh = vld1q_u8(pow3_qh);
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const int8_t *q8 = y[b].qs;
        const uint8x16_t a0 = vld1q_u8(x[b].qs), a1 = vld1q_u8(x[b].qs + 16), c = vld1q_u8(x[b].qs + 32);
        int32x4_t isum = vdupq_n_s32(0);
        uint8_t pow3 = 1;
        for (int l = 0; l < 5; l++, pow3 = (uint8_t)(pow3 * 3)) {
            const uint8x16_t m = vdupq_n_u8(pow3);
            isum = gk_neon_dot(isum, gk_neon_tq1_digits(vmulq_u8(a0, m)), vld1q_s8(q8 + 32 * l));
            isum = gk_neon_dot(isum, gk_neon_tq1_digits(vmulq_u8(a1, m)), vld1q_s8(q8 + 32 * l + 16));
            isum = gk_neon_dot(isum, gk_neon_tq1_digits(vmulq_u8(c, m)), vld1q_s8(q8 + 160 + 16 * l));
        }
        uint32_t qh;
        memcpy(&qh, x[b].qh, 4);
        const uint8x16_t h = vreinterpretq_u8_u32(vdupq_n_u32(qh)); /* byte 4 l + j = qh[j] */
        isum = gk_neon_dot(isum, gk_neon_tq1_digits(vmulq_u8(h, p3qh)), vld1q_s8(q8 + 240));
        sum += (float)vaddvq_s32(isum) * (GK_F16(x[b].d) * y[b].d);
    }
    *s = sum;
}
#endif
