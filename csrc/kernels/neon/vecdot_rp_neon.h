/* vec_dot of the repacked layouts (gk_block_iq1_rp, gk_block_iq2_rp in blocks.h) with Q8_K activations,
 * bodies shared by both aarch64 tiers (__ARM_FEATURE_DOTPROD picks sdot in gk_neon_dot). The 2-bit codes
 * of 16-weight group h are bits 2 (h / 4) of q2 bytes 16 (h % 4) .. + 15: no lookups. */
#ifndef GK_VECDOT_RP_NEON_H
#define GK_VECDOT_RP_NEON_H
#include <string.h>
#include "vecdot_neon.h"
#include "blocks.h"
#include "fp16.h"

/* IQ1: per group, the int8 weights w = 8 g + delta * 8 = 8 (u - 1) +- 1 (in -9..9), so one dot product
 * per 16 weights gives 8 * (sum g q + delta * sum q) exactly. */
static inline void gk_neon_vecdot_rp_iq1_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq1_rp *x = vx;
    const gk_block_q8_K *y = vy;
    const int8x16_t minus7 = vdupq_n_s8(-7), minus9 = vdupq_n_s8(-9);
    const uint8x16_t three = vdupq_n_u8(3);
    float sum = 0;
    for (int64_t b = 0; b < n / 256; b++) {
        uint16_t sc[4];
        memcpy(sc, x[b].scales, 8);
        uint32_t delta;
        memcpy(&delta, x[b].delta, 4);
        const uint16_t d16 = (uint16_t)((sc[0] >> 12) | ((sc[1] >> 8) & 0x00f0) | ((sc[2] >> 4) & 0x0f00) | (sc[3] & 0xf000));
        const int8_t *q8 = y[b].qs;
        int32_t isum = 0;
        for (int c = 0; c < 4; c++) {
            for (int j = 0; j < 4; j++) {
                const int h = 4 * c + j;
                const uint8x16_t u = vandq_u8(vshlq_u8(vld1q_u8(x[b].q2 + 16 * j), vdupq_n_s8((int8_t)(-2 * c))), three);
                /* bytes 0-7 take delta bit 2h, bytes 8-15 bit 2h + 1: set means -1/8 */
                const uint8x16_t neg = vcombine_u8(vdup_n_u8((uint8_t)(0 - ((delta >> (2 * h)) & 1))),
                                                   vdup_n_u8((uint8_t)(0 - ((delta >> (2 * h + 1)) & 1))));
                const int8x16_t w = vaddq_s8(vreinterpretq_s8_u8(vshlq_n_u8(u, 3)), vbslq_s8(neg, minus9, minus7));
                const int32_t dot = vaddvq_s32(gk_neon_dot(vdupq_n_s32(0), w, vld1q_s8(q8 + 16 * h)));
                isum += (2 * ((sc[h / 4] >> (3 * (h % 4))) & 7) + 1) * dot;
            }
        }
        sum += gk_fp16_to_fp32(d16) * y[b].d * (float)isum;
    }
    *s = 0.125f * sum;
}

/* IQ2: magnitudes 8, 25, 43 by table lookup, the sign applied to the weight (|w| <= 43: no overflow,
 * whereas negating a -128 activation would). */
static inline void gk_neon_vecdot_rp_iq2_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    static const uint8_t mag_tbl[16] = {8, 25, 43, 0};
    const gk_block_iq2_rp *x = vx;
    const gk_block_q8_K *y = vy;
    const uint8x16_t mags = vld1q_u8(mag_tbl), three = vdupq_n_u8(3);
    float sum = 0;
    for (int64_t b = 0; b < n / 256; b++) {
        const int8_t *q8 = y[b].qs;
        int32_t isum = 0;
        for (int c = 0; c < 4; c++) {
            for (int j = 0; j < 4; j++) {
                const int h = 4 * c + j;
                const uint8x16_t u = vandq_u8(vshlq_u8(vld1q_u8(x[b].q2 + 16 * j), vdupq_n_s8((int8_t)(-2 * c))), three);
                const int8x16_t m = vreinterpretq_s8_u8(vqtbl1q_u8(mags, u));
                uint16_t sg;
                memcpy(&sg, x[b].signs + 2 * h, 2);
                const int8x16_t w = vbslq_s8(gk_neon_bitmask16(sg), vnegq_s8(m), m);
                const int32_t dot = vaddvq_s32(gk_neon_dot(vdupq_n_s32(0), w, vld1q_s8(q8 + 16 * h)));
                isum += (2 * ((x[b].scales[h / 2] >> (4 * (h % 2))) & 0xf) + 1) * dot;
            }
        }
        sum += gk_fp16_to_fp32(x[b].d) * y[b].d * (float)isum;
    }
    *s = 0.125f * sum;
}
#endif
