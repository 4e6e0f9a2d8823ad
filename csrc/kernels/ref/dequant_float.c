/* Scalar reference dequantizers of the plain float types: F32 (a copy), F16, BF16. */
#include <string.h>
#include "ggufkit/gk_kernels.h"
#include "blocks.h"
#include "fp16.h"

void gk_dequant_f32_ref(const void *x, float *y, int64_t n) {
    memcpy(y, x, (size_t)n * sizeof(float));
}

void gk_dequant_f16_ref(const void *x, float *y, int64_t n) {
    const uint16_t *h = (const uint16_t *)x;
    for (int64_t i = 0; i < n; i++) y[i] = gk_fp16_to_fp32(h[i]);
}

void gk_dequant_bf16_ref(const void *x, float *y, int64_t n) {
    const uint16_t *h = (const uint16_t *)x;
    for (int64_t i = 0; i < n; i++) y[i] = gk_bf16_to_fp32(h[i]);
}

/* F64 and the integer types: plain conversions to float (round to nearest even, as numpy's astype). */
void gk_dequant_f64_ref(const void *x, float *y, int64_t n) {
    const double *v = (const double *)x;
    for (int64_t i = 0; i < n; i++) y[i] = (float)v[i];
}

void gk_dequant_i8_ref(const void *x, float *y, int64_t n) {
    const int8_t *v = (const int8_t *)x;
    for (int64_t i = 0; i < n; i++) y[i] = (float)v[i];
}

void gk_dequant_i16_ref(const void *x, float *y, int64_t n) {
    const int16_t *v = (const int16_t *)x;
    for (int64_t i = 0; i < n; i++) y[i] = (float)v[i];
}

void gk_dequant_i32_ref(const void *x, float *y, int64_t n) {
    const int32_t *v = (const int32_t *)x;
    for (int64_t i = 0; i < n; i++) y[i] = (float)v[i];
}

void gk_dequant_i64_ref(const void *x, float *y, int64_t n) {
    const int64_t *v = (const int64_t *)x;
    for (int64_t i = 0; i < n; i++) y[i] = (float)v[i];
}
