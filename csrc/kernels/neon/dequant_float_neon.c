/* NEON dequantizers of F16 (exact fcvtl) and BF16 (a 16-bit shift). */
#include <arm_neon.h>
#include "ggufkit/gk_kernels.h"
#include "fp16.h"

void gk_dequant_f16_neon(const void *vx, float *y, int64_t n) {
    const uint16_t *x = (const uint16_t *)vx;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const float16x8_t a = vreinterpretq_f16_u16(vld1q_u16(x + i));
        const float16x8_t b = vreinterpretq_f16_u16(vld1q_u16(x + i + 8));
        vst1q_f32(y + i + 0, vcvt_f32_f16(vget_low_f16(a)));
        vst1q_f32(y + i + 4, vcvt_high_f32_f16(a));
        vst1q_f32(y + i + 8, vcvt_f32_f16(vget_low_f16(b)));
        vst1q_f32(y + i + 12, vcvt_high_f32_f16(b));
    }
    for (; i < n; i++) y[i] = gk_fp16_to_fp32(x[i]);
}

void gk_dequant_bf16_neon(const void *vx, float *y, int64_t n) {
    const uint16_t *x = (const uint16_t *)vx;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const uint16x8_t a = vld1q_u16(x + i);
        vst1q_f32(y + i, vreinterpretq_f32_u32(vshll_n_u16(vget_low_u16(a), 16)));
        vst1q_f32(y + i + 4, vreinterpretq_f32_u32(vshll_high_n_u16(a, 16)));
    }
    for (; i < n; i++) y[i] = gk_bf16_to_fp32(x[i]);
}
