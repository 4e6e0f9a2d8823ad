/* vec_dot of the repacked layouts (gk_block_iq1_rp, gk_block_iq2_rp, gk_block_iq3_rp in blocks.h) with Q8_K activations,
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
/* IQ3: a nibble is magnitude code | sign << 3, so one tbl of a 16-entry table of the signed weights (|w|
 * <= 62) per 16 weights, no sign bits; groups of 32 weights: the low nibbles of q4 bytes 32 t .. 32 t + 31
 * are group t, the high nibbles group 4 + t. The int32 lanes take each group's scale by one multiply-add
 * (at most 8 * 31 * 32 * 62 * 128 in total, far from overflow). */
static inline void gk_neon_vecdot_rp_iq3(int64_t n, float *s, const void *vx, const void *vy, const int8_t table[16],
                                         float final) {
    const gk_block_iq3_rp *x = vx;
    const gk_block_q8_K *y = vy;
    const int8x16_t tbl = vld1q_s8(table);
    const uint8x16_t m0f = vdupq_n_u8(0x0f);
    float sum = 0;
    for (int64_t b = 0; b < n / 256; b++) {
        const int8_t *q8 = y[b].qs;
        uint32_t sc;
        memcpy(&sc, x[b].scales, 4);
        int32x4_t acc = vdupq_n_s32(0);
        for (int t = 0; t < 4; t++) {
            const uint8x16_t b0 = vld1q_u8(x[b].q4 + 32 * t), b1 = vld1q_u8(x[b].q4 + 32 * t + 16);
            const int32x4_t lo = gk_neon_dot32(vqtbl1q_s8(tbl, vandq_u8(b0, m0f)), vqtbl1q_s8(tbl, vandq_u8(b1, m0f)), q8 + 32 * t);
            const int32x4_t hi = gk_neon_dot32(vqtbl1q_s8(tbl, vshrq_n_u8(b0, 4)), vqtbl1q_s8(tbl, vshrq_n_u8(b1, 4)), q8 + 128 + 32 * t);
            acc = vmlaq_n_s32(acc, lo, (int32_t)(2 * ((sc >> (4 * t)) & 15) + 1));
            acc = vmlaq_n_s32(acc, hi, (int32_t)(2 * ((sc >> (4 * t + 16)) & 15) + 1));
        }
        sum += gk_fp16_to_fp32(x[b].d) * y[b].d * (float)vaddvq_s32(acc);
    }
    *s = final * sum;
}

/* entry i = the signed weight of nibble i (magnitude code i % 8, negative for i >= 8) */
static inline void gk_neon_vecdot_rp_iq3_xxs_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    static const int8_t w[16] = {4, 12, 20, 28, 36, 44, 52, 62, -4, -12, -20, -28, -36, -44, -52, -62};
    gk_neon_vecdot_rp_iq3(n, s, vx, vy, w, 0.25f);
}

static inline void gk_neon_vecdot_rp_iq3_s_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    static const int8_t w[16] = {1, 3, 5, 7, 9, 11, 13, 15, -1, -3, -5, -7, -9, -11, -13, -15};
    gk_neon_vecdot_rp_iq3(n, s, vx, vy, w, 1.0f);
}
#endif
