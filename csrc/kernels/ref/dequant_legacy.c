/* Scalar reference dequantizers of the legacy 32-weight block types (Q4_0 .. Q8_1).
 * Operation order is ggml's: int * float, then + min, never fused. */
#include <string.h>
#include "ggufkit/gk_kernels.h"
#include "blocks.h"
#include "fp16.h"

void gk_dequant_q4_0_ref(const void *vx, float *y, int64_t n) {
    const gk_block_q4_0 *x = (const gk_block_q4_0 *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float d = gk_fp16_to_fp32(x[i].d);
        for (int j = 0; j < 16; j++) {
            y[j] = ((x[i].qs[j] & 0x0F) - 8) * d;
            y[j + 16] = ((x[i].qs[j] >> 4) - 8) * d;
        }
    }
}

void gk_dequant_q4_1_ref(const void *vx, float *y, int64_t n) {
    const gk_block_q4_1 *x = (const gk_block_q4_1 *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float d = gk_fp16_to_fp32(x[i].d);
        const float m = gk_fp16_to_fp32(x[i].m);
        for (int j = 0; j < 16; j++) {
            y[j] = (x[i].qs[j] & 0x0F) * d + m;
            y[j + 16] = (x[i].qs[j] >> 4) * d + m;
        }
    }
}

void gk_dequant_q5_0_ref(const void *vx, float *y, int64_t n) {
    const gk_block_q5_0 *x = (const gk_block_q5_0 *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float d = gk_fp16_to_fp32(x[i].d);
        uint32_t qh;
        memcpy(&qh, x[i].qh, 4);
        for (int j = 0; j < 16; j++) {
            const int h0 = (qh >> j) & 1, h1 = (qh >> (j + 16)) & 1;
            y[j] = (((x[i].qs[j] & 0x0F) | (h0 << 4)) - 16) * d;
            y[j + 16] = (((x[i].qs[j] >> 4) | (h1 << 4)) - 16) * d;
        }
    }
}

void gk_dequant_q5_1_ref(const void *vx, float *y, int64_t n) {
    const gk_block_q5_1 *x = (const gk_block_q5_1 *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float d = gk_fp16_to_fp32(x[i].d);
        const float m = gk_fp16_to_fp32(x[i].m);
        uint32_t qh;
        memcpy(&qh, x[i].qh, 4);
        for (int j = 0; j < 16; j++) {
            const int h0 = (qh >> j) & 1, h1 = (qh >> (j + 16)) & 1;
            y[j] = ((x[i].qs[j] & 0x0F) | (h0 << 4)) * d + m;
            y[j + 16] = ((x[i].qs[j] >> 4) | (h1 << 4)) * d + m;
        }
    }
}

void gk_dequant_q8_0_ref(const void *vx, float *y, int64_t n) {
    const gk_block_q8_0 *x = (const gk_block_q8_0 *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float d = gk_fp16_to_fp32(x[i].d);
        for (int j = 0; j < 32; j++) y[j] = x[i].qs[j] * d;
    }
}

/* ggml has no to_float for Q8_1 (an activation format); by its definition a weight is d * q (s is a sum). */
void gk_dequant_q8_1_ref(const void *vx, float *y, int64_t n) {
    const gk_block_q8_1 *x = (const gk_block_q8_1 *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float d = gk_fp16_to_fp32(x[i].d);
        for (int j = 0; j < 32; j++) y[j] = x[i].qs[j] * d;
    }
}
