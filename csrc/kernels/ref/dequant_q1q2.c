/* Scalar reference dequantizers of Q1_0 (sign bits times d, 128 per block) and Q2_0 (2-bit codes
 * {-1, 0, 1, 2} times d, 64 per block). */
#include "ggufkit/gk_kernels.h"
#include "blocks.h"
#include "fp16.h"

void gk_dequant_q1_0_ref(const void *vx, float *y, int64_t n) {
    const gk_block_q1_0 *x = (const gk_block_q1_0 *)vx;
    for (int64_t i = 0; i < n / 128; i++, y += 128) {
        const float d = gk_fp16_to_fp32(x[i].d), neg_d = -d;
        for (int j = 0; j < 128; j++) y[j] = (x[i].qs[j / 8] >> (j % 8)) & 1 ? d : neg_d;
    }
}

void gk_dequant_q2_0_ref(const void *vx, float *y, int64_t n) {
    const gk_block_q2_0 *x = (const gk_block_q2_0 *)vx;
    for (int64_t i = 0; i < n / 64; i++, y += 64) {
        const float d = gk_fp16_to_fp32(x[i].d);
        for (int j = 0; j < 64; j++) y[j] = (((x[i].qs[j / 4] >> (2 * (j % 4))) & 3) - 1) * d;
    }
}
