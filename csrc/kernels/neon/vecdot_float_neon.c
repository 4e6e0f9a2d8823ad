/* Float vec_dot on NEON, neon tier (the neon_dotprod tier inherits these: no integer dots here).
 * F16 x F16 and BF16 x BF16: every product is exact in float (11 + 11 and 8 + 8 significant bits), so
 * an FMA adds it with one rounding; four float accumulators take 16 products per chunk of 256
 * elements, then are added into double lanes, which keeps the result close to the reference's double
 * sum on long rows. F32 x F32: widened to double, products exact there, FMA in double. */
#include <arm_neon.h>
#include "fp16.h"

/* 256 halves per chunk: 16 products per float lane before moving to double */
#define GK_NEON_FLOAT_CHUNK 256

static inline float32x4_t gk_neon_ld_f16_lo(uint16x8_t h) { return vcvt_f32_f16(vreinterpret_f16_u16(vget_low_u16(h))); }
static inline float32x4_t gk_neon_ld_f16_hi(uint16x8_t h) { return vcvt_high_f32_f16(vreinterpretq_f16_u16(h)); }
static inline float32x4_t gk_neon_ld_bf16_lo(uint16x8_t h) { return vreinterpretq_f32_u32(vshll_n_u16(vget_low_u16(h), 16)); }
static inline float32x4_t gk_neon_ld_bf16_hi(uint16x8_t h) { return vreinterpretq_f32_u32(vshll_high_n_u16(h, 16)); }

static inline float64x2_t gk_neon_add_f32_to_f64(float64x2_t d, float32x4_t f) {
    return vaddq_f64(vaddq_f64(d, vcvt_f64_f32(vget_low_f32(f))), vcvt_high_f64_f32(f));
}

#define GK_NEON_VECDOT_HALF(NAME, LO, HI, SCALAR)                                                    \
    void NAME(int64_t n, float *s, const void *vx, const void *vy) {                                \
        const uint16_t *x = vx, *y = vy;                                                            \
        float64x2_t dsum = vdupq_n_f64(0);                                                          \
        const int64_t n16 = n - n % 16;                                                             \
        int64_t i = 0;                                                                              \
        while (i < n16) {                                                                           \
            const int64_t end = n16 - i < GK_NEON_FLOAT_CHUNK ? n16 : i + GK_NEON_FLOAT_CHUNK;      \
            float32x4_t a0 = vdupq_n_f32(0), a1 = vdupq_n_f32(0), a2 = vdupq_n_f32(0), a3 = vdupq_n_f32(0); \
            for (; i < end; i += 16) {                                                              \
                const uint16x8_t x0 = vld1q_u16(x + i), x1 = vld1q_u16(x + i + 8);                  \
                const uint16x8_t y0 = vld1q_u16(y + i), y1 = vld1q_u16(y + i + 8);                  \
                a0 = vfmaq_f32(a0, LO(x0), LO(y0));                                                 \
                a1 = vfmaq_f32(a1, HI(x0), HI(y0));                                                 \
                a2 = vfmaq_f32(a2, LO(x1), LO(y1));                                                 \
                a3 = vfmaq_f32(a3, HI(x1), HI(y1));                                                 \
            }                                                                                       \
            dsum = gk_neon_add_f32_to_f64(gk_neon_add_f32_to_f64(dsum, a0), a1);                    \
            dsum = gk_neon_add_f32_to_f64(gk_neon_add_f32_to_f64(dsum, a2), a3);                    \
        }                                                                                           \
        double sum = vaddvq_f64(dsum);                                                              \
        for (; i < n; i++) sum += (double)SCALAR(x[i]) * (double)SCALAR(y[i]);                     \
        *s = (float)sum;                                                                            \
    }

GK_NEON_VECDOT_HALF(gk_vecdot_f16_f16_neon, gk_neon_ld_f16_lo, gk_neon_ld_f16_hi, gk_fp16_to_fp32)
GK_NEON_VECDOT_HALF(gk_vecdot_bf16_bf16_neon, gk_neon_ld_bf16_lo, gk_neon_ld_bf16_hi, gk_bf16_to_fp32)

void gk_vecdot_f32_f32_neon(int64_t n, float *s, const void *vx, const void *vy) {
    const float *x = vx, *y = vy;
    float64x2_t a0 = vdupq_n_f64(0), a1 = vdupq_n_f64(0), a2 = vdupq_n_f64(0), a3 = vdupq_n_f64(0);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const float32x4_t x0 = vld1q_f32(x + i), x1 = vld1q_f32(x + i + 4);
        const float32x4_t y0 = vld1q_f32(y + i), y1 = vld1q_f32(y + i + 4);
        a0 = vfmaq_f64(a0, vcvt_f64_f32(vget_low_f32(x0)), vcvt_f64_f32(vget_low_f32(y0)));
        a1 = vfmaq_f64(a1, vcvt_high_f64_f32(x0), vcvt_high_f64_f32(y0));
        a2 = vfmaq_f64(a2, vcvt_f64_f32(vget_low_f32(x1)), vcvt_f64_f32(vget_low_f32(y1)));
        a3 = vfmaq_f64(a3, vcvt_high_f64_f32(x1), vcvt_high_f64_f32(y1));
    }
    double sum = vaddvq_f64(vaddq_f64(vaddq_f64(a0, a1), vaddq_f64(a2, a3)));
    for (; i < n; i++) sum += (double)x[i] * (double)y[i];
    *s = (float)sum;
}
