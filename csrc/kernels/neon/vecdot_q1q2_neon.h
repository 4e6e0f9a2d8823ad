/* Bodies of the NEON vec_dot kernels of Q1_0 (128 weights of +-d, one bit each) and Q2_0 (64 weights
 * d * (q - 1), two bits each) with Q8_0 activations (static inline; compiled once per aarch64 tier by
 * vecdot_q1q2_neon.c and ../neon_dotprod/vecdot_q1q2_neon_dotprod.c). A weight block spans 4 / 2
 * Q8_0 blocks: each activation block's dot is scaled by its d in float lanes, then by the weight d. */
#ifndef GK_VECDOT_Q1Q2_NEON_H
#define GK_VECDOT_Q1Q2_NEON_H
#include "blocks.h"
#include "../ref/vecdot_helpers.h"
#include "vecdot_neon.h"

/* +1 where bit j of the 16-bit value is set, -1 where not */
static inline int8x16_t gk_neon_bits_pm1(uint32_t bits) {
    return vsubq_s8(vreinterpretq_s8_u8(vandq_u8(gk_neon_bitmask16(bits), vdupq_n_u8(2))), vdupq_n_s8(1));
}

static inline void gk_neon_vecdot_q1_0_q8_0(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q1_0 *x = vx;
    const gk_block_q8_0 *y = vy;
    float32x4_t acc = vdupq_n_f32(0);
    for (int64_t b = 0; b < n / 128; b++) {
        float32x4_t bacc = vdupq_n_f32(0);
        for (int k = 0; k < 4; k++) { /* bytes 4k .. 4k + 3: Q8_0 block 4b + k, bit j = element j */
            const uint8_t *q = x[b].qs + 4 * k;
            const gk_block_q8_0 *yb = &y[4 * b + k];
            const int32x4_t p = gk_neon_dot32(gk_neon_bits_pm1(q[0] | (uint32_t)q[1] << 8),
                                              gk_neon_bits_pm1(q[2] | (uint32_t)q[3] << 8), yb->qs);
            bacc = vmlaq_n_f32(bacc, vcvtq_f32_s32(p), GK_F16(yb->d));
        }
        acc = vmlaq_n_f32(acc, bacc, GK_F16(x[b].d));
    }
    *s = vaddvq_f32(acc);
}

/* Q2_0: byte 8k + i holds elements 32k + 4i .. 32k + 4i + 3 at bits 0, 2, 4, 6. The codes minus 1 of
 * elements 32k .. 32k + 31 of the 16-byte block q (k = 0, 1), in order: each of bytes 8k + 0..3
 * (then 4..7) repeated 4 times by a table lookup, shifted to its 2-bit field. */
static inline void gk_neon_q2_0_decode32(uint8x16_t q, int k, int8x16_t *w0, int8x16_t *w1) {
    static const uint8_t rep4[16] = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3};
    static const int8_t shifts[16] = {0, -2, -4, -6, 0, -2, -4, -6, 0, -2, -4, -6, 0, -2, -4, -6};
    const uint8x16_t m3 = vdupq_n_u8(3);
    const int8x16_t sh = vld1q_s8(shifts), one = vdupq_n_s8(1);
    const uint8x16_t i0 = vaddq_u8(vld1q_u8(rep4), vdupq_n_u8((uint8_t)(8 * k)));
    const uint8x16_t i1 = vaddq_u8(i0, vdupq_n_u8(4));
    *w0 = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(vshlq_u8(vqtbl1q_u8(q, i0), sh), m3)), one);
    *w1 = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(vshlq_u8(vqtbl1q_u8(q, i1), sh), m3)), one);
}

static inline void gk_neon_vecdot_q2_0_q8_0(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q2_0 *x = vx;
    const gk_block_q8_0 *y = vy;
    float32x4_t acc = vdupq_n_f32(0);
    for (int64_t b = 0; b < n / 64; b++) {
        const uint8x16_t q = vld1q_u8(x[b].qs);
        float32x4_t bacc = vdupq_n_f32(0);
        for (int k = 0; k < 2; k++) { /* Q8_0 block 2b + k */
            int8x16_t w0, w1;
            gk_neon_q2_0_decode32(q, k, &w0, &w1);
            const gk_block_q8_0 *yb = &y[2 * b + k];
            bacc = vmlaq_n_f32(bacc, vcvtq_f32_s32(gk_neon_dot32(w0, w1, yb->qs)), GK_F16(yb->d));
        }
        acc = vmlaq_n_f32(acc, bacc, GK_F16(x[b].d));
    }
    *s = vaddvq_f32(acc);
}
#endif
