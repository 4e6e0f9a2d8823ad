/* NEON dequantizers of the 4-bit lookup-table types IQ4_NL, IQ4_XS, MXFP4 and NVFP4: the nibbles
 * index the 16-entry int8 table with one vqtbl1q_s8 (gk_neon_lut_nibbles, shared with vec_dot), then
 * table value * scale with one float multiply, as the reference (bit-exact). */
#include "vecdot_iq4_neon.h"
#include "dequant_neon.h"

void gk_dequant_iq4_nl_neon(const void *vx, float *y, int64_t n) {
    const gk_block_iq4_nl *x = (const gk_block_iq4_nl *)vx;
    const int8x16_t table = vld1q_s8(gk_kvalues_iq4nl);
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float32x4_t d = vdupq_n_f32(gk_fp16_to_fp32(x[i].d));
        int8x16_t w0, w1;
        gk_neon_lut_nibbles(table, x[i].qs, &w0, &w1);
        gk_store16_mul(y, w0, d);
        gk_store16_mul(y + 16, w1, d);
    }
}

void gk_dequant_iq4_xs_neon(const void *vx, float *y, int64_t n) {
    const gk_block_iq4_xs *x = (const gk_block_iq4_xs *)vx;
    const int8x16_t table = vld1q_s8(gk_kvalues_iq4nl);
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        for (int ib = 0; ib < 8; ib++, y += 32) {
            const int ls = ((x[i].scales_l[ib / 2] >> (4 * (ib % 2))) & 0xf) | (((x[i].scales_h >> (2 * ib)) & 3) << 4);
            const float32x4_t dl = vdupq_n_f32(d * (float)(ls - 32));
            int8x16_t w0, w1;
            gk_neon_lut_nibbles(table, x[i].qs + 16 * ib, &w0, &w1);
            gk_store16_mul(y, w0, dl);
            gk_store16_mul(y + 16, w1, dl);
        }
    }
}

void gk_dequant_mxfp4_neon(const void *vx, float *y, int64_t n) {
    const gk_block_mxfp4 *x = (const gk_block_mxfp4 *)vx;
    const int8x16_t table = vld1q_s8(gk_kvalues_fp4);
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float32x4_t d = vdupq_n_f32(gk_e8m0_half(x[i].e));
        int8x16_t w0, w1;
        gk_neon_lut_nibbles(table, x[i].qs, &w0, &w1);
        gk_store16_mul(y, w0, d);
        gk_store16_mul(y + 16, w1, d);
    }
}

/* NVFP4: sub-block s (16 weights, one UE4M3 scale) is bytes 8 s .. 8 s + 7, low nibbles first */
void gk_dequant_nvfp4_neon(const void *vx, float *y, int64_t n) {
    const gk_block_nvfp4 *x = (const gk_block_nvfp4 *)vx;
    const int8x16_t table = vld1q_s8(gk_kvalues_fp4);
    for (int64_t i = 0; i < n / 64; i++) {
        for (int h = 0; h < 2; h++, y += 32) { /* sub-blocks 2h, 2h + 1 */
            int8x16_t lo, hi;
            gk_neon_lut_nibbles(table, x[i].qs + 16 * h, &lo, &hi);
            gk_store16_mul(y, vcombine_s8(vget_low_s8(lo), vget_low_s8(hi)), vdupq_n_f32(gk_ue4m3_half(x[i].d[2 * h])));
            gk_store16_mul(y + 16, vcombine_s8(vget_high_s8(lo), vget_high_s8(hi)),
                           vdupq_n_f32(gk_ue4m3_half(x[i].d[2 * h + 1])));
        }
    }
}
