/* Reference quantizers of Q1_0 (sign bits, scale = mean |x| per 128) and Q2_0 (round(x / max|x|)
 * in [-1, 2] per 64), bit-exact with ggml's quantize_row_q{1,2}_0_ref (no imatrix path). */
#include <math.h>
#include "ggufkit/gk_kernels.h"
#include "quant_ref.h"

static void block_q1_0(const float *x, gk_block_q1_0 *y) {
    float sum_abs = 0.0f;
    for (int j = 0; j < 128; j++) sum_abs += fabsf(x[j]);
    y->d = gk_fp32_to_fp16(sum_abs / 128);
    memset(y->qs, 0, sizeof y->qs);
    for (int j = 0; j < 128; ++j)
        if (x[j] >= 0.0f) y->qs[j / 8] |= (uint8_t)(1 << (j % 8));
}

static void block_q2_0(const float *x, gk_block_q2_0 *y) {
    float amax = 0.0f;
    for (int j = 0; j < 64; j++) {
        const float a = fabsf(x[j]);
        if (a > amax) amax = a;
    }
    const float d = amax;
    const float id = d > 0.0f ? 1.0f / d : 0.0f;
    y->d = gk_fp32_to_fp16(d);
    memset(y->qs, 0, sizeof y->qs);
    for (int j = 0; j < 64; ++j) {
        int q = (int)roundf(x[j] * id) + 1;
        if (q < 0) q = 0;
        if (q > 3) q = 3;
        y->qs[j / 4] |= (uint8_t)(q << ((j % 4) * 2));
    }
}

size_t gk_quant_q1_0_ref(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_q1_0 *y = vy;
    const int64_t nb = nrows * (n_per_row / 128);
    for (int64_t i = 0; i < nb; ++i) block_q1_0(x + i * 128, y + i);
    return (size_t)nb * sizeof *y;
}

size_t gk_quant_q2_0_ref(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_q2_0 *y = vy;
    const int64_t nb = nrows * (n_per_row / 64);
    for (int64_t i = 0; i < nb; ++i) block_q2_0(x + i * 64, y + i);
    return (size_t)nb * sizeof *y;
}
