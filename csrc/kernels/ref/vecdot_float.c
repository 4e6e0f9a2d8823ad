/* Float dot products (scalar reference): F32 x F32, F16 x F16, BF16 x BF16, accumulated in double. */
#include "blocks.h"
#include "fp16.h"

void gk_vecdot_f32_f32_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const float *x = vx, *y = vy;
    double sum = 0;
    for (int64_t i = 0; i < n; i++) sum += (double)x[i] * (double)y[i];
    *s = (float)sum;
}

void gk_vecdot_f16_f16_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const uint16_t *x = vx, *y = vy;
    double sum = 0;
    for (int64_t i = 0; i < n; i++) sum += (double)gk_fp16_to_fp32(x[i]) * (double)gk_fp16_to_fp32(y[i]);
    *s = (float)sum;
}

void gk_vecdot_bf16_bf16_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const uint16_t *x = vx, *y = vy;
    double sum = 0;
    for (int64_t i = 0; i < n; i++) sum += (double)gk_bf16_to_fp32(x[i]) * (double)gk_bf16_to_fp32(y[i]);
    *s = (float)sum;
}
