/* static inline helpers shared by the NEON dequantizers (no data, no external functions). */
#ifndef GK_DEQUANT_NEON_H
#define GK_DEQUANT_NEON_H
#include <arm_neon.h>

static inline float32x4_t gk_i16x4_to_f32(int16x4_t v) { return vcvtq_f32_s32(vmovl_s16(v)); }

/* y[0..16) = q * d  (separate multiply; bit-exact with the scalar q * d) */
static inline void gk_store16_mul(float *y, int8x16_t q, float32x4_t d) {
    const int16x8_t lo = vmovl_s8(vget_low_s8(q)), hi = vmovl_high_s8(q);
    vst1q_f32(y + 0, vmulq_f32(gk_i16x4_to_f32(vget_low_s16(lo)), d));
    vst1q_f32(y + 4, vmulq_f32(gk_i16x4_to_f32(vget_high_s16(lo)), d));
    vst1q_f32(y + 8, vmulq_f32(gk_i16x4_to_f32(vget_low_s16(hi)), d));
    vst1q_f32(y + 12, vmulq_f32(gk_i16x4_to_f32(vget_high_s16(hi)), d));
}

/* y[0..16) = q * d + m, multiply then add */
static inline void gk_store16_mul_add(float *y, int8x16_t q, float32x4_t d, float32x4_t m) {
    const int16x8_t lo = vmovl_s8(vget_low_s8(q)), hi = vmovl_high_s8(q);
    vst1q_f32(y + 0, vaddq_f32(vmulq_f32(gk_i16x4_to_f32(vget_low_s16(lo)), d), m));
    vst1q_f32(y + 4, vaddq_f32(vmulq_f32(gk_i16x4_to_f32(vget_high_s16(lo)), d), m));
    vst1q_f32(y + 8, vaddq_f32(vmulq_f32(gk_i16x4_to_f32(vget_low_s16(hi)), d), m));
    vst1q_f32(y + 12, vaddq_f32(vmulq_f32(gk_i16x4_to_f32(vget_high_s16(hi)), d), m));
}

/* y[0..16) = d * q - m, multiply then subtract */
static inline void gk_store16_mul_sub(float *y, int8x16_t q, float32x4_t d, float32x4_t m) {
    const int16x8_t lo = vmovl_s8(vget_low_s8(q)), hi = vmovl_high_s8(q);
    vst1q_f32(y + 0, vsubq_f32(vmulq_f32(d, gk_i16x4_to_f32(vget_low_s16(lo))), m));
    vst1q_f32(y + 4, vsubq_f32(vmulq_f32(d, gk_i16x4_to_f32(vget_high_s16(lo))), m));
    vst1q_f32(y + 8, vsubq_f32(vmulq_f32(d, gk_i16x4_to_f32(vget_low_s16(hi))), m));
    vst1q_f32(y + 12, vsubq_f32(vmulq_f32(d, gk_i16x4_to_f32(vget_high_s16(hi))), m));
}

/* y[0..8) = (q + delta) * dl: add (exact for the IQ1 grids), then multiply, as the reference */
static inline void gk_store8_add_mul(float *y, int8x8_t q, float32x4_t delta, float32x4_t dl) {
    const int16x8_t w = vmovl_s8(q);
    vst1q_f32(y + 0, vmulq_f32(dl, vaddq_f32(gk_i16x4_to_f32(vget_low_s16(w)), delta)));
    vst1q_f32(y + 4, vmulq_f32(dl, vaddq_f32(gk_i16x4_to_f32(vget_high_s16(w)), delta)));
}

/* 16 bytes, 0xFF where bit j of the 16-bit value is set (byte j from bit j) */
static inline uint8x16_t gk_bits16_to_bytes(uint32_t bits) {
    static const uint8_t mask[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    const uint8x16_t v = vcombine_u8(vdup_n_u8((uint8_t)bits), vdup_n_u8((uint8_t)(bits >> 8)));
    return vtstq_u8(v, vld1q_u8(mask));
}
#endif
