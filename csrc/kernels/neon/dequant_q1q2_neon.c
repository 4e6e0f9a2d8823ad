/* NEON dequantizers of Q1_0 (128 weights of +d / -d, one bit each) and Q2_0 (64 weights
 * (code - 1) * d, two bits each; codes decoded as in vec_dot by gk_neon_q2_0_decode32). Bit-exact
 * with the reference: Q1_0 selects d or -d per lane (no arithmetic), Q2_0 multiplies once. */
#include "vecdot_q1q2_neon.h"
#include "dequant_neon.h"

void gk_dequant_q1_0_neon(const void *vx, float *y, int64_t n) {
    static const uint32_t bit_lo[4] = {1, 2, 4, 8}, bit_hi[4] = {16, 32, 64, 128};
    const gk_block_q1_0 *x = (const gk_block_q1_0 *)vx;
    const uint32x4_t blo = vld1q_u32(bit_lo), bhi = vld1q_u32(bit_hi);
    for (int64_t i = 0; i < n / 128; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        const float32x4_t pos = vdupq_n_f32(d), neg = vdupq_n_f32(-d);
        for (int j = 0; j < 16; j++, y += 8) { /* bit k of byte j: element 8 j + k */
            const uint32x4_t b = vdupq_n_u32(x[i].qs[j]);
            vst1q_f32(y, vbslq_f32(vtstq_u32(b, blo), pos, neg));
            vst1q_f32(y + 4, vbslq_f32(vtstq_u32(b, bhi), pos, neg));
        }
    }
}

void gk_dequant_q2_0_neon(const void *vx, float *y, int64_t n) {
    const gk_block_q2_0 *x = (const gk_block_q2_0 *)vx;
    for (int64_t i = 0; i < n / 64; i++, y += 64) {
        const float32x4_t d = vdupq_n_f32(gk_fp16_to_fp32(x[i].d));
        const uint8x16_t q = vld1q_u8(x[i].qs);
        for (int k = 0; k < 2; k++) {
            int8x16_t w0, w1;
            gk_neon_q2_0_decode32(q, k, &w0, &w1);
            gk_store16_mul(y + 32 * k, w0, d);
            gk_store16_mul(y + 32 * k + 16, w1, d);
        }
    }
}
