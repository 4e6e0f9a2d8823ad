/* Bodies of the NEON vec_dot kernels of the 32-element legacy types (static inline; compiled once
 * per aarch64 tier by vecdot_legacy_neon.c and ../neon_dotprod/vecdot_legacy_neon_dotprod.c).
 * Per block: the integer dot as int32 lanes, converted and scaled by d_w * d_y into float lanes
 * (two accumulators for alternating blocks); Q4_1 / Q5_1 add m_w * s_y per block. */
#ifndef GK_VECDOT_LEGACY_NEON_H
#define GK_VECDOT_LEGACY_NEON_H
#include <string.h>
#include "blocks.h"
#include "../ref/vecdot_helpers.h"
#include "vecdot_neon.h"

/* acc[b & 1] += p * (dx * dy) */
#define GK_NEON_ACC_BLOCK(acc, b, p, dxdy) \
    ((acc)[(b) & 1] = vmlaq_n_f32((acc)[(b) & 1], vcvtq_f32_s32(p), (dxdy)))

static inline void gk_neon_vecdot_q8_0_q8_0(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q8_0 *x = vx, *y = vy;
    float32x4_t acc[2] = {vdupq_n_f32(0), vdupq_n_f32(0)};
    for (int64_t b = 0; b < n / 32; b++) {
        const int32x4_t p = gk_neon_dot32(vld1q_s8(x[b].qs), vld1q_s8(x[b].qs + 16), y[b].qs);
        GK_NEON_ACC_BLOCK(acc, b, p, GK_F16(x[b].d) * GK_F16(y[b].d));
    }
    *s = vaddvq_f32(vaddq_f32(acc[0], acc[1]));
}

/* the 32 nibbles of 16 bytes: low nibbles are elements 0..15, high nibbles 16..31 */
static inline void gk_neon_nibbles(const uint8_t *qs, uint8x16_t *lo, uint8x16_t *hi) {
    const uint8x16_t q = vld1q_u8(qs);
    *lo = vandq_u8(q, vdupq_n_u8(0x0F));
    *hi = vshrq_n_u8(q, 4);
}

static inline void gk_neon_vecdot_q4_0_q8_0(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q4_0 *x = vx;
    const gk_block_q8_0 *y = vy;
    const int8x16_t eight = vdupq_n_s8(8);
    float32x4_t acc[2] = {vdupq_n_f32(0), vdupq_n_f32(0)};
    for (int64_t b = 0; b < n / 32; b++) {
        uint8x16_t lo, hi;
        gk_neon_nibbles(x[b].qs, &lo, &hi);
        const int32x4_t p = gk_neon_dot32(vsubq_s8(vreinterpretq_s8_u8(lo), eight),
                                          vsubq_s8(vreinterpretq_s8_u8(hi), eight), y[b].qs);
        GK_NEON_ACC_BLOCK(acc, b, p, GK_F16(x[b].d) * GK_F16(y[b].d));
    }
    *s = vaddvq_f32(vaddq_f32(acc[0], acc[1]));
}

static inline void gk_neon_vecdot_q4_1_q8_1(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q4_1 *x = vx;
    const gk_block_q8_1 *y = vy;
    float32x4_t acc[2] = {vdupq_n_f32(0), vdupq_n_f32(0)};
    float msum = 0;
    for (int64_t b = 0; b < n / 32; b++) {
        uint8x16_t lo, hi;
        gk_neon_nibbles(x[b].qs, &lo, &hi);
        const int32x4_t p = gk_neon_dot32(vreinterpretq_s8_u8(lo), vreinterpretq_s8_u8(hi), y[b].qs);
        GK_NEON_ACC_BLOCK(acc, b, p, GK_F16(x[b].d) * GK_F16(y[b].d));
        msum += GK_F16(x[b].m) * GK_F16(y[b].s);
    }
    *s = vaddvq_f32(vaddq_f32(acc[0], acc[1])) + msum;
}

/* the fifth bits of a Q5 block: 0x10 in byte j of *h0 where bit j of qh is set (elements 0..15),
 * in byte j of *h1 where bit 16 + j is set (elements 16..31) */
static inline void gk_neon_q5_high_bits(const uint8_t qh_bytes[4], uint8x16_t *h0, uint8x16_t *h1) {
    uint32_t qh;
    memcpy(&qh, qh_bytes, 4);
    const uint8x16_t b4 = vdupq_n_u8(0x10);
    *h0 = vandq_u8(gk_neon_bitmask16(qh & 0xFFFF), b4);
    *h1 = vandq_u8(gk_neon_bitmask16(qh >> 16), b4);
}

static inline void gk_neon_vecdot_q5_0_q8_0(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q5_0 *x = vx;
    const gk_block_q8_0 *y = vy;
    const int8x16_t sixteen = vdupq_n_s8(16);
    float32x4_t acc[2] = {vdupq_n_f32(0), vdupq_n_f32(0)};
    for (int64_t b = 0; b < n / 32; b++) {
        uint8x16_t lo, hi, h0, h1;
        gk_neon_nibbles(x[b].qs, &lo, &hi);
        gk_neon_q5_high_bits(x[b].qh, &h0, &h1);
        /* (nibble | bit << 4) - 16, in -16..15 */
        const int8x16_t w0 = vsubq_s8(vreinterpretq_s8_u8(vorrq_u8(lo, h0)), sixteen);
        const int8x16_t w1 = vsubq_s8(vreinterpretq_s8_u8(vorrq_u8(hi, h1)), sixteen);
        GK_NEON_ACC_BLOCK(acc, b, gk_neon_dot32(w0, w1, y[b].qs), GK_F16(x[b].d) * GK_F16(y[b].d));
    }
    *s = vaddvq_f32(vaddq_f32(acc[0], acc[1]));
}

static inline void gk_neon_vecdot_q5_1_q8_1(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q5_1 *x = vx;
    const gk_block_q8_1 *y = vy;
    float32x4_t acc[2] = {vdupq_n_f32(0), vdupq_n_f32(0)};
    float msum = 0;
    for (int64_t b = 0; b < n / 32; b++) {
        uint8x16_t lo, hi, h0, h1;
        gk_neon_nibbles(x[b].qs, &lo, &hi);
        gk_neon_q5_high_bits(x[b].qh, &h0, &h1);
        const int8x16_t w0 = vreinterpretq_s8_u8(vorrq_u8(lo, h0)), w1 = vreinterpretq_s8_u8(vorrq_u8(hi, h1));
        GK_NEON_ACC_BLOCK(acc, b, gk_neon_dot32(w0, w1, y[b].qs), GK_F16(x[b].d) * GK_F16(y[b].d));
        msum += GK_F16(x[b].m) * GK_F16(y[b].s);
    }
    *s = vaddvq_f32(vaddq_f32(acc[0], acc[1])) + msum;
}
#endif
