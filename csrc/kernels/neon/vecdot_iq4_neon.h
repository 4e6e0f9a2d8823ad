/* Bodies of the NEON vec_dot kernels of the 4-bit lookup-table types: IQ4_NL, MXFP4, NVFP4 (Q8_0
 * activations) and IQ4_XS (Q8_K), static inline; compiled once per aarch64 tier by
 * vecdot_iq4_neon.c and ../neon_dotprod/vecdot_iq4_neon_dotprod.c. The nibbles index a 16-entry int8
 * table (gk_kvalues_iq4nl or gk_kvalues_fp4) with one vqtbl1q_s8, then int8 dots as the legacy types. */
#ifndef GK_VECDOT_IQ4_NEON_H
#define GK_VECDOT_IQ4_NEON_H
#include "blocks.h"
#include "tables.h"
#include "../ref/vecdot_helpers.h"
#include "vecdot_neon.h"

/* the 32 table values of 16 nibble bytes: low nibbles are elements 0..15, high nibbles 16..31 */
static inline void gk_neon_lut_nibbles(int8x16_t table, const uint8_t *qs, int8x16_t *w0, int8x16_t *w1) {
    const uint8x16_t q = vld1q_u8(qs);
    *w0 = vqtbl1q_s8(table, vandq_u8(q, vdupq_n_u8(0x0F)));
    *w1 = vqtbl1q_s8(table, vshrq_n_u8(q, 4));
}

/* IQ4_NL and MXFP4 share the layout of Q4_0 (scale, 16 nibble bytes); only the scale differs */
static inline void gk_neon_vecdot_iq4_nl_q8_0(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq4_nl *x = vx;
    const gk_block_q8_0 *y = vy;
    const int8x16_t table = vld1q_s8(gk_kvalues_iq4nl);
    float32x4_t acc[2] = {vdupq_n_f32(0), vdupq_n_f32(0)};
    for (int64_t b = 0; b < n / 32; b++) {
        int8x16_t w0, w1;
        gk_neon_lut_nibbles(table, x[b].qs, &w0, &w1);
        acc[b & 1] = vmlaq_n_f32(acc[b & 1], vcvtq_f32_s32(gk_neon_dot32(w0, w1, y[b].qs)),
                                 GK_F16(x[b].d) * GK_F16(y[b].d));
    }
    *s = vaddvq_f32(vaddq_f32(acc[0], acc[1]));
}

static inline void gk_neon_vecdot_mxfp4_q8_0(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_mxfp4 *x = vx;
    const gk_block_q8_0 *y = vy;
    const int8x16_t table = vld1q_s8(gk_kvalues_fp4);
    float32x4_t acc[2] = {vdupq_n_f32(0), vdupq_n_f32(0)};
    for (int64_t b = 0; b < n / 32; b++) {
        int8x16_t w0, w1;
        gk_neon_lut_nibbles(table, x[b].qs, &w0, &w1);
        acc[b & 1] = vmlaq_n_f32(acc[b & 1], vcvtq_f32_s32(gk_neon_dot32(w0, w1, y[b].qs)),
                                 GK_F16(y[b].d) * gk_e8m0_half(x[b].e));
    }
    *s = vaddvq_f32(vaddq_f32(acc[0], acc[1]));
}

/* NVFP4: 64 weights in 4 sub-blocks of 16 (one UE4M3 scale each); bytes 8 sb .. 8 sb + 7 hold
 * elements 0..7 of sub-block sb in the low nibbles and 8..15 in the high ones. Two Q8_0 blocks. */
static inline void gk_neon_vecdot_nvfp4_q8_0(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_nvfp4 *x = vx;
    const gk_block_q8_0 *y = vy;
    const int8x16_t table = vld1q_s8(gk_kvalues_fp4);
    float32x4_t acc = vdupq_n_f32(0);
    for (int64_t b = 0; b < n / 64; b++) {
        for (int h = 0; h < 2; h++) { /* sub-blocks 2h, 2h + 1 against Q8_0 block 2b + h */
            const gk_block_q8_0 *yb = &y[2 * b + h];
            int8x16_t lo, hi; /* lo: bytes 8 sb + i low nibbles; hi: high nibbles */
            gk_neon_lut_nibbles(table, x[b].qs + 16 * h, &lo, &hi);
            const int8x16_t w0 = vcombine_s8(vget_low_s8(lo), vget_low_s8(hi));
            const int8x16_t w1 = vcombine_s8(vget_high_s8(lo), vget_high_s8(hi));
            const int32x4_t p0 = gk_neon_dot(vdupq_n_s32(0), w0, vld1q_s8(yb->qs));
            const int32x4_t p1 = gk_neon_dot(vdupq_n_s32(0), w1, vld1q_s8(yb->qs + 16));
            const float dy = GK_F16(yb->d);
            acc = vmlaq_n_f32(acc, vcvtq_f32_s32(p0), dy * gk_ue4m3_half(x[b].d[2 * h]));
            acc = vmlaq_n_f32(acc, vcvtq_f32_s32(p1), dy * gk_ue4m3_half(x[b].d[2 * h + 1]));
        }
    }
    *s = vaddvq_f32(acc);
}

/* IQ4_XS: 8 sub-blocks of 32 (16 nibble bytes each, as IQ4_NL) with six-bit scales minus 32 */
static inline void gk_neon_vecdot_iq4_xs_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq4_xs *x = vx;
    const gk_block_q8_K *y = vy;
    const int8x16_t table = vld1q_s8(gk_kvalues_iq4nl);
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        int32x4_t isum = vdupq_n_s32(0);
        for (int ib = 0; ib < 8; ib++) {
            const int ls = ((x[b].scales_l[ib / 2] >> (4 * (ib & 1))) & 0xF) | (((x[b].scales_h >> (2 * ib)) & 3) << 4);
            int8x16_t w0, w1;
            gk_neon_lut_nibbles(table, x[b].qs + 16 * ib, &w0, &w1);
            isum = vmlaq_n_s32(isum, gk_neon_dot32(w0, w1, y[b].qs + 32 * ib), ls - 32);
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)vaddvq_s32(isum);
    }
    *s = sum;
}
#endif
