/* Bodies of the NEON vec_dot kernels of the K-quants with Q8_K activations (static inline; compiled
 * once per aarch64 tier by vecdot_k_neon.c and ../neon_dotprod/vecdot_k_neon_dotprod.c).
 * Per 256-weight block: each 16- or 32-weight sub-block dot (int32 lanes) is multiplied by its
 * integer scale into one int32x4 accumulator, reduced once per block; the mins of Q2_K / Q4_K /
 * Q5_K are dotted with the activation's 16-element sums (bsums). Then d_w * d_y in float, as the
 * reference does. Block sums stay far inside int32 (|sum| < 2^28 for every type). */
#ifndef GK_VECDOT_K_NEON_H
#define GK_VECDOT_K_NEON_H
#include "blocks.h"
#include "../ref/vecdot_helpers.h"
#include "vecdot_neon.h"

typedef gk_block_q8_K gk_neon_q8K;

/* acc + sc0 * (a0 . b[0..16)) + sc1 * (a1 . b[16..32)) */
static inline int32x4_t gk_neon_dot16x2_scaled(int32x4_t acc, int8x16_t a0, int8x16_t a1, const int8_t *b,
                                               int32_t sc0, int32_t sc1) {
    acc = vmlaq_n_s32(acc, gk_neon_dot(vdupq_n_s32(0), a0, vld1q_s8(b)), sc0);
    return vmlaq_n_s32(acc, gk_neon_dot(vdupq_n_s32(0), a1, vld1q_s8(b + 16)), sc1);
}

/* sum of mins[j] * (bsums[2j] + bsums[2j+1]) over the 8 32-weight sub-blocks */
static inline int32_t gk_neon_mins_dot_bsums8(const uint8_t mn[8], const int16_t *bsums) {
    const int16x8_t bs = vpaddq_s16(vld1q_s16(bsums), vld1q_s16(bsums + 8)); /* |pair| <= 4096 */
    const int16x8_t mins = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(mn)));
    int32x4_t p = vmull_s16(vget_low_s16(bs), vget_low_s16(mins));
    p = vmlal_high_s16(p, bs, mins);
    return vaddvq_s32(p);
}

/* Q2_K: byte k of the 32-byte half h holds weights 128h + 32l + k at bits 2l; scales[j]: low
 * nibble the scale, high nibble the min of the 16 weights j. */
static inline void gk_neon_vecdot_q2_K_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q2_K *x = vx;
    const gk_neon_q8K *y = vy;
    const uint8x16_t m3 = vdupq_n_u8(3);
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const uint8x16_t scm = vld1q_u8(x[b].scales), mn = vshrq_n_u8(scm, 4);
        const int32_t msum = gk_neon_dot_s16x16(vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(mn))),
                                                vreinterpretq_s16_u16(vmovl_high_u8(mn)),
                                                vld1q_s16(y[b].bsums), vld1q_s16(y[b].bsums + 8));
        uint8_t sc[16];
        vst1q_u8(sc, vandq_u8(scm, vdupq_n_u8(0x0F)));
        const int8_t *q8 = y[b].qs;
        int32x4_t isum = vdupq_n_s32(0);
        for (int h = 0; h < 2; h++) {
            uint8x16_t q0 = vld1q_u8(x[b].qs + 32 * h), q1 = vld1q_u8(x[b].qs + 32 * h + 16);
            for (int l = 0; l < 4; l++, q8 += 32) {
                const int j = 8 * h + 2 * l;
                isum = gk_neon_dot16x2_scaled(isum, vreinterpretq_s8_u8(vandq_u8(q0, m3)),
                                              vreinterpretq_s8_u8(vandq_u8(q1, m3)), q8, sc[j], sc[j + 1]);
                q0 = vshrq_n_u8(q0, 2);
                q1 = vshrq_n_u8(q1, 2);
            }
        }
        sum += y[b].d * GK_F16(x[b].d) * (float)vaddvq_s32(isum) - y[b].d * GK_F16(x[b].dmin) * (float)msum;
    }
    *s = sum;
}

/* Q3_K: the 2 low bits as Q2_K; weight 128h + 32l + k is minus 4 unless bit 4h + l of hmask[k]. */
static inline void gk_neon_vecdot_q3_K_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q3_K *x = vx;
    const gk_neon_q8K *y = vy;
    const uint8x16_t m3 = vdupq_n_u8(3), minus4 = vdupq_n_u8(0xFC);
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        int8_t sc[16];
        gk_unpack_q3_K_scales(x[b].scales, sc);
        const uint8x16_t hm0 = vld1q_u8(x[b].hmask), hm1 = vld1q_u8(x[b].hmask + 16);
        const int8_t *q8 = y[b].qs;
        int32x4_t isum = vdupq_n_s32(0);
        for (int h = 0; h < 2; h++) {
            uint8x16_t q0 = vld1q_u8(x[b].qs + 32 * h), q1 = vld1q_u8(x[b].qs + 32 * h + 16);
            for (int l = 0; l < 4; l++, q8 += 32) {
                const int j = 8 * h + 2 * l;
                const uint8x16_t bit = vdupq_n_u8((uint8_t)(1u << (4 * h + l)));
                /* v - 4 for v in 0..3 is the byte v | 0xFC */
                const uint8x16_t w0 = vorrq_u8(vandq_u8(q0, m3), vbicq_u8(minus4, vtstq_u8(hm0, bit)));
                const uint8x16_t w1 = vorrq_u8(vandq_u8(q1, m3), vbicq_u8(minus4, vtstq_u8(hm1, bit)));
                isum = gk_neon_dot16x2_scaled(isum, vreinterpretq_s8_u8(w0), vreinterpretq_s8_u8(w1), q8, sc[j], sc[j + 1]);
                q0 = vshrq_n_u8(q0, 2);
                q1 = vshrq_n_u8(q1, 2);
            }
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)vaddvq_s32(isum);
    }
    *s = sum;
}

/* Q4_K / Q5_K, one block: 32-byte group g holds sub-block 2g in the low nibbles, 2g + 1 in the high
 * ones; Q5_K adds bit j of qh[k] as bit 4 of weight k of sub-block j (qh == NULL: Q4_K).
 * Returns the scaled integer sum, *msum the mins against the bsums. */
static inline int32_t gk_neon_q45_K_block(const uint8_t *scales, const uint8_t *qs, const uint8_t *qh,
                                          const gk_neon_q8K *y, int32_t *msum) {
    const uint8x16_t m4 = vdupq_n_u8(0x0F), b4 = vdupq_n_u8(0x10);
    uint8_t sc[8], mn[8];
    gk_unpack_k4_scales(scales, sc, mn);
    *msum = gk_neon_mins_dot_bsums8(mn, y->bsums);
    uint8x16_t h0 = vdupq_n_u8(0), h1 = vdupq_n_u8(0);
    if (qh) { h0 = vld1q_u8(qh); h1 = vld1q_u8(qh + 16); }
    const int8_t *q8 = y->qs;
    int32x4_t isum = vdupq_n_s32(0);
    for (int g = 0; g < 4; g++, q8 += 64) {
        const uint8x16_t q0 = vld1q_u8(qs + 32 * g), q1 = vld1q_u8(qs + 32 * g + 16);
        uint8x16_t lo0 = vandq_u8(q0, m4), lo1 = vandq_u8(q1, m4);
        uint8x16_t hi0 = vshrq_n_u8(q0, 4), hi1 = vshrq_n_u8(q1, 4);
        if (qh) {
            /* bit 2g of qh (now bit 0) into the low sub-block, bit 2g + 1 into the high one */
            lo0 = vorrq_u8(lo0, vandq_u8(vshlq_n_u8(h0, 4), b4));
            lo1 = vorrq_u8(lo1, vandq_u8(vshlq_n_u8(h1, 4), b4));
            hi0 = vorrq_u8(hi0, vandq_u8(vshlq_n_u8(h0, 3), b4));
            hi1 = vorrq_u8(hi1, vandq_u8(vshlq_n_u8(h1, 3), b4));
            h0 = vshrq_n_u8(h0, 2);
            h1 = vshrq_n_u8(h1, 2);
        }
        const int32x4_t pl = gk_neon_dot32(vreinterpretq_s8_u8(lo0), vreinterpretq_s8_u8(lo1), q8);
        const int32x4_t ph = gk_neon_dot32(vreinterpretq_s8_u8(hi0), vreinterpretq_s8_u8(hi1), q8 + 32);
        isum = vmlaq_n_s32(vmlaq_n_s32(isum, pl, sc[2 * g]), ph, sc[2 * g + 1]);
    }
    return vaddvq_s32(isum);
}

static inline void gk_neon_vecdot_q4_K_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q4_K *x = vx;
    const gk_neon_q8K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        int32_t msum;
        const int32_t isum = gk_neon_q45_K_block(x[b].scales, x[b].qs, NULL, &y[b], &msum);
        sum += GK_F16(x[b].d) * y[b].d * (float)isum - GK_F16(x[b].dmin) * y[b].d * (float)msum;
    }
    *s = sum;
}

static inline void gk_neon_vecdot_q5_K_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q5_K *x = vx;
    const gk_neon_q8K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        int32_t msum;
        const int32_t isum = gk_neon_q45_K_block(x[b].scales, x[b].qs, x[b].qh, &y[b], &msum);
        sum += GK_F16(x[b].d) * y[b].d * (float)isum - GK_F16(x[b].dmin) * y[b].d * (float)msum;
    }
    *s = sum;
}

/* Q6_K: in each 128-weight half, part p (32 weights) has its 4 low bits in ql[32 (p & 1) + k]
 * (low nibble for p < 2, high for p >= 2) and its 2 high bits at bits 2p of qh[k]; minus 32. */
static inline void gk_neon_vecdot_q6_K_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q6_K *x = vx;
    const gk_neon_q8K *y = vy;
    const uint8x16_t m4 = vdupq_n_u8(0x0F), m3 = vdupq_n_u8(3);
    const int8x16_t m32 = vdupq_n_s8(32);
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        int32x4_t isum = vdupq_n_s32(0);
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = x[b].ql + 64 * h;
            const int8_t *sc = x[b].scales + 8 * h, *q8 = y[b].qs + 128 * h;
            uint8x16_t qh0 = vld1q_u8(x[b].qh + 32 * h), qh1 = vld1q_u8(x[b].qh + 32 * h + 16);
            for (int p = 0; p < 4; p++) {
                uint8x16_t l0 = vld1q_u8(ql + 32 * (p & 1)), l1 = vld1q_u8(ql + 32 * (p & 1) + 16);
                if (p < 2) { l0 = vandq_u8(l0, m4); l1 = vandq_u8(l1, m4); }
                else { l0 = vshrq_n_u8(l0, 4); l1 = vshrq_n_u8(l1, 4); }
                const int8x16_t w0 = vsubq_s8(vreinterpretq_s8_u8(vorrq_u8(l0, vshlq_n_u8(vandq_u8(qh0, m3), 4))), m32);
                const int8x16_t w1 = vsubq_s8(vreinterpretq_s8_u8(vorrq_u8(l1, vshlq_n_u8(vandq_u8(qh1, m3), 4))), m32);
                isum = gk_neon_dot16x2_scaled(isum, w0, w1, q8 + 32 * p, sc[2 * p], sc[2 * p + 1]);
                qh0 = vshrq_n_u8(qh0, 2);
                qh1 = vshrq_n_u8(qh1, 2);
            }
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)vaddvq_s32(isum);
    }
    *s = sum;
}
#endif
