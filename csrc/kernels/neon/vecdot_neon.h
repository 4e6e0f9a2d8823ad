/* static inline helpers shared by the NEON vec_dot kernels of both aarch64 tiers. The kernel bodies
 * (vecdot_<family>_neon.h) are compiled twice: in neon/ (baseline ARMv8) and in neon_dotprod/
 * (ARMv8.2 + dotprod), where __ARM_FEATURE_DOTPROD selects sdot in gk_neon_dot. */
#ifndef GK_VECDOT_NEON_H
#define GK_VECDOT_NEON_H
#include <arm_neon.h>
#include <stdint.h>

/* acc + the products of 16 int8 pairs, as 4 int32 lanes. Only the sum over the 4 lanes is
 * meaningful (which products land in which lane differs between the two variants). */
static inline int32x4_t gk_neon_dot(int32x4_t acc, int8x16_t a, int8x16_t b) {
#if defined(__ARM_FEATURE_DOTPROD)
    return vdotq_s32(acc, a, b);
#else
    /* each int8 x int8 product fits in int16 (|-128 * -128| = 16384); pairs are added straight
     * into int32 lanes so no int16 sum of two products is ever formed */
    acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(a), vget_low_s8(b)));
    return vpadalq_s16(acc, vmull_high_s8(a, b));
#endif
}

/* the 32-element dot a[0..32) . b[0..32) given as two halves each */
static inline int32x4_t gk_neon_dot32(int8x16_t a0, int8x16_t a1, const int8_t *b) {
    return gk_neon_dot(gk_neon_dot(vdupq_n_s32(0), a0, vld1q_s8(b)), a1, vld1q_s8(b + 16));
}

/* 16 bytes, 0xFF where bit j of the 16-bit value is set (byte j from bit j) */
static inline uint8x16_t gk_neon_bitmask16(uint32_t bits) {
    static const uint8_t bit[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    const uint8x16_t v = vcombine_u8(vdup_n_u8((uint8_t)bits), vdup_n_u8((uint8_t)(bits >> 8)));
    return vtstq_u8(v, vld1q_u8(bit));
}

/* sum over the 16 lanes of int16 a[i] * b[i] (8 + 8), widened to int32 before adding */
static inline int32_t gk_neon_dot_s16x16(int16x8_t a0, int16x8_t a1, int16x8_t b0, int16x8_t b1) {
    int32x4_t p = vmull_s16(vget_low_s16(a0), vget_low_s16(b0));
    p = vmlal_high_s16(p, a0, b0);
    p = vmlal_s16(p, vget_low_s16(a1), vget_low_s16(b1));
    p = vmlal_high_s16(p, a1, b1);
    return vaddvq_s32(p);
}
#endif
