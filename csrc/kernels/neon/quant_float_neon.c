/* F16 and BF16 conversion of activations with NEON, byte-identical to ref/quant_float.c. F16: fcvtn
 * rounds to nearest even (the default FPCR mode, subnormals kept) like the reference; the reference
 * turns every NaN into 0x7E00 with its sign where fcvtn keeps the payload, so NaN lanes are replaced.
 * BF16: the reference's integer rounding (u + 0x7FFF + lsb) >> 16, NaN -> (u >> 16) | 64. */
#include <arm_neon.h>
#include "fp16.h"

/* 4 floats -> 4 halves */
static inline uint16x4_t f16x4(float32x4_t v) {
    const uint16x4_t h = vreinterpret_u16_f16(vcvt_f16_f32(v));
    const uint32x4_t u = vreinterpretq_u32_f32(v);
    const uint16x4_t nan = vorr_u16(vand_u16(vshrn_n_u32(u, 16), vdup_n_u16(0x8000)), vdup_n_u16(0x7E00));
    const uint16x4_t is_nan = vmovn_u32(vmvnq_u32(vceqq_f32(v, v)));
    return vbsl_u16(is_nan, nan, h);
}

size_t gk_quant_f16_neon(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    uint16_t *y = vy;
    const int64_t n = nrows * n_per_row;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        vst1q_u16(y + i, vcombine_u16(f16x4(vld1q_f32(x + i)), f16x4(vld1q_f32(x + i + 4))));
    for (; i < n; i++) y[i] = gk_fp32_to_fp16(x[i]);
    return (size_t)n * 2;
}

/* 4 floats -> 4 bfloat16 */
static inline uint16x4_t bf16x4(uint32x4_t u) {
    const uint32x4_t bias = vaddq_u32(vdupq_n_u32(0x7fff), vandq_u32(vshrq_n_u32(u, 16), vdupq_n_u32(1)));
    const uint16x4_t rounded = vaddhn_u32(u, bias); /* (u + bias) >> 16, wrapping as the reference */
    const uint16x4_t nan = vorr_u16(vshrn_n_u32(u, 16), vdup_n_u16(64));
    const uint16x4_t is_nan = vmovn_u32(vcgtq_u32(vandq_u32(u, vdupq_n_u32(0x7fffffff)), vdupq_n_u32(0x7f800000)));
    return vbsl_u16(is_nan, nan, rounded);
}

size_t gk_quant_bf16_neon(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    uint16_t *y = vy;
    const int64_t n = nrows * n_per_row;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const uint32x4_t a = vld1q_u32((const uint32_t *)(x + i)), b = vld1q_u32((const uint32_t *)(x + i + 4));
        vst1q_u16(y + i, vcombine_u16(bf16x4(a), bf16x4(b)));
    }
    for (; i < n; i++) y[i] = gk_fp32_to_bf16(x[i]);
    return (size_t)n * 2;
}
