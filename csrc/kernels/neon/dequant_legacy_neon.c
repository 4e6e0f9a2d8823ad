/* NEON dequantizers of the legacy 32-weight block types: 16 codes per int8x16 in output order, widened
 * to floats, q * d (+ m) with separate multiply and add: bit-exact with the reference. */
#include <arm_neon.h>
#include <string.h>
#include "ggufkit/gk_kernels.h"
#include "blocks.h"
#include "fp16.h"
#include "dequant_neon.h"

void gk_dequant_q4_0_neon(const void *vx, float *y, int64_t n) {
    const gk_block_q4_0 *x = (const gk_block_q4_0 *)vx;
    const uint8x16_t m4 = vdupq_n_u8(0x0F);
    const int8x16_t eight = vdupq_n_s8(8);
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float32x4_t d = vdupq_n_f32(gk_fp16_to_fp32(x[i].d));
        const uint8x16_t q = vld1q_u8(x[i].qs);
        gk_store16_mul(y, vsubq_s8(vreinterpretq_s8_u8(vandq_u8(q, m4)), eight), d);
        gk_store16_mul(y + 16, vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(q, 4)), eight), d);
    }
}

void gk_dequant_q4_1_neon(const void *vx, float *y, int64_t n) {
    const gk_block_q4_1 *x = (const gk_block_q4_1 *)vx;
    const uint8x16_t m4 = vdupq_n_u8(0x0F);
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float32x4_t d = vdupq_n_f32(gk_fp16_to_fp32(x[i].d)), m = vdupq_n_f32(gk_fp16_to_fp32(x[i].m));
        const uint8x16_t q = vld1q_u8(x[i].qs);
        gk_store16_mul_add(y, vreinterpretq_s8_u8(vandq_u8(q, m4)), d, m);
        gk_store16_mul_add(y + 16, vreinterpretq_s8_u8(vshrq_n_u8(q, 4)), d, m);
    }
}

void gk_dequant_q5_0_neon(const void *vx, float *y, int64_t n) {
    const gk_block_q5_0 *x = (const gk_block_q5_0 *)vx;
    const uint8x16_t m4 = vdupq_n_u8(0x0F), b4 = vdupq_n_u8(0x10);
    const int8x16_t sixteen = vdupq_n_s8(16);
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float32x4_t d = vdupq_n_f32(gk_fp16_to_fp32(x[i].d));
        uint32_t qh;
        memcpy(&qh, x[i].qh, 4);
        const uint8x16_t q = vld1q_u8(x[i].qs);
        const uint8x16_t lo = vorrq_u8(vandq_u8(q, m4), vandq_u8(gk_bits16_to_bytes(qh), b4));
        const uint8x16_t hi = vorrq_u8(vshrq_n_u8(q, 4), vandq_u8(gk_bits16_to_bytes(qh >> 16), b4));
        gk_store16_mul(y, vsubq_s8(vreinterpretq_s8_u8(lo), sixteen), d);
        gk_store16_mul(y + 16, vsubq_s8(vreinterpretq_s8_u8(hi), sixteen), d);
    }
}

void gk_dequant_q5_1_neon(const void *vx, float *y, int64_t n) {
    const gk_block_q5_1 *x = (const gk_block_q5_1 *)vx;
    const uint8x16_t m4 = vdupq_n_u8(0x0F), b4 = vdupq_n_u8(0x10);
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float32x4_t d = vdupq_n_f32(gk_fp16_to_fp32(x[i].d)), m = vdupq_n_f32(gk_fp16_to_fp32(x[i].m));
        uint32_t qh;
        memcpy(&qh, x[i].qh, 4);
        const uint8x16_t q = vld1q_u8(x[i].qs);
        const uint8x16_t lo = vorrq_u8(vandq_u8(q, m4), vandq_u8(gk_bits16_to_bytes(qh), b4));
        const uint8x16_t hi = vorrq_u8(vshrq_n_u8(q, 4), vandq_u8(gk_bits16_to_bytes(qh >> 16), b4));
        gk_store16_mul_add(y, vreinterpretq_s8_u8(lo), d, m);
        gk_store16_mul_add(y + 16, vreinterpretq_s8_u8(hi), d, m);
    }
}

void gk_dequant_q8_0_neon(const void *vx, float *y, int64_t n) {
    const gk_block_q8_0 *x = (const gk_block_q8_0 *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float32x4_t d = vdupq_n_f32(gk_fp16_to_fp32(x[i].d));
        gk_store16_mul(y, vld1q_s8(x[i].qs), d);
        gk_store16_mul(y + 16, vld1q_s8(x[i].qs + 16), d);
    }
}

void gk_dequant_q8_1_neon(const void *vx, float *y, int64_t n) {
    const gk_block_q8_1 *x = (const gk_block_q8_1 *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float32x4_t d = vdupq_n_f32(gk_fp16_to_fp32(x[i].d));
        gk_store16_mul(y, vld1q_s8(x[i].qs), d);
        gk_store16_mul(y + 16, vld1q_s8(x[i].qs + 16), d);
    }
}
