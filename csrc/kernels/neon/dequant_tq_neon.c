/* NEON dequantizers of the ternary types TQ1_0 and TQ2_0: the trits are decoded to int8 -1..1 with the
 * vec_dot decoders (gk_neon_tq1_digits) and multiplied by d in float, as the reference (bit-exact). */
#include "vecdot_tq_neon.h"
#include "dequant_neon.h"

/* TQ1_0 output order: 5 x 32 digits of qs[0..32), 5 x 16 of qs[32..48), 4 x 4 of qh[0..4) */
void gk_dequant_tq1_0_neon(const void *vx, float *y, int64_t n) {
    static const uint8_t pow3_qh[16] = {1, 1, 1, 1, 3, 3, 3, 3, 9, 9, 9, 9, 27, 27, 27, 27};
    const gk_block_tq1_0 *x = (const gk_block_tq1_0 *)vx;
    const uint8x16_t p3qh = vld1q_u8(pow3_qh);
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float32x4_t d = vdupq_n_f32(gk_fp16_to_fp32(x[i].d));
        const uint8x16_t a0 = vld1q_u8(x[i].qs), a1 = vld1q_u8(x[i].qs + 16), c = vld1q_u8(x[i].qs + 32);
        uint8_t pow3 = 1;
        for (int l = 0; l < 5; l++, pow3 = (uint8_t)(pow3 * 3)) {
            const uint8x16_t m = vdupq_n_u8(pow3);
            gk_store16_mul(y + 32 * l, gk_neon_tq1_digits(vmulq_u8(a0, m)), d);
            gk_store16_mul(y + 32 * l + 16, gk_neon_tq1_digits(vmulq_u8(a1, m)), d);
            gk_store16_mul(y + 160 + 16 * l, gk_neon_tq1_digits(vmulq_u8(c, m)), d);
        }
        uint32_t qh;
        memcpy(&qh, x[i].qh, 4);
        const uint8x16_t h = vreinterpretq_u8_u32(vdupq_n_u32(qh)); /* byte 4 l + j = qh[j] */
        gk_store16_mul(y + 240, gk_neon_tq1_digits(vmulq_u8(h, p3qh)), d);
        y += GK_QK_K;
    }
}

/* TQ2_0: byte m of the 32-byte group g holds weights 128 g + 32 l + m at bits 2l, minus 1 */
void gk_dequant_tq2_0_neon(const void *vx, float *y, int64_t n) {
    const gk_block_tq2_0 *x = (const gk_block_tq2_0 *)vx;
    const uint8x16_t m3 = vdupq_n_u8(3);
    const int8x16_t one = vdupq_n_s8(1);
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float32x4_t d = vdupq_n_f32(gk_fp16_to_fp32(x[i].d));
        for (int g = 0; g < 2; g++) {
            uint8x16_t q0 = vld1q_u8(x[i].qs + 32 * g), q1 = vld1q_u8(x[i].qs + 32 * g + 16);
            for (int l = 0; l < 4; l++, y += 32) {
                gk_store16_mul(y, vsubq_s8(vreinterpretq_s8_u8(vandq_u8(q0, m3)), one), d);
                gk_store16_mul(y + 16, vsubq_s8(vreinterpretq_s8_u8(vandq_u8(q1, m3)), one), d);
                q0 = vshrq_n_u8(q0, 2);
                q1 = vshrq_n_u8(q1, 2);
            }
        }
    }
}
