/* Activation quantizers Q8_0, Q8_1, Q8_K (scalar reference), bit-exact with ggml's
 * quantize_row_q8_{0,1,K}_ref: same scale formula, same operation order, same rounding
 * (roundf = half away from zero for Q8_0/Q8_1; the 1.5*2^23 trick = half to even for Q8_K). */
#include <math.h>
#include <string.h>
#include "blocks.h"
#include "fp16.h"
#include "q8_round.h"

static void q8_0_row(const float *x, gk_block_q8_0 *y, int64_t n) {
    for (int64_t i = 0; i < n / 32; i++, x += 32) {
        float amax = 0.0f;
        for (int j = 0; j < 32; j++) amax = fmaxf(amax, fabsf(x[j]));
        const float d = amax / 127.0f;
        const float id = d ? 1.0f / d : 0.0f;
        y[i].d = gk_fp32_to_fp16(d);
        for (int j = 0; j < 32; j++) y[i].qs[j] = (int8_t)roundf(x[j] * id);
    }
}

static void q8_1_row(const float *x, gk_block_q8_1 *y, int64_t n) {
    for (int64_t i = 0; i < n / 32; i++, x += 32) {
        float amax = 0.0f;
        for (int j = 0; j < 32; j++) amax = fmaxf(amax, fabsf(x[j]));
        const float d = amax / 127.0f;
        const float id = d ? 1.0f / d : 0.0f;
        y[i].d = gk_fp32_to_fp16(d);
        int sum = 0;
        for (int j = 0; j < 32; j++) {
            y[i].qs[j] = (int8_t)roundf(x[j] * id);
            sum += y[i].qs[j];
        }
        /* s = d * sum(qs), rounded to half from the float product, as ggml does */
        y[i].s = gk_fp32_to_fp16((float)sum * d);
    }
}

static void q8_K_row(const float *x, gk_block_q8_K *y, int64_t n) {
    for (int64_t i = 0; i < n / GK_QK_K; i++, x += GK_QK_K) {
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < GK_QK_K; j++) {
            const float ax = fabsf(x[j]);
            if (ax > amax) { amax = ax; max = x[j]; }
        }
        if (!amax) {
            memset(&y[i], 0, sizeof(y[i]));
            continue;
        }
        /* -127/max (not 128): keeps every q in [-127, 127] */
        const float iscale = -127.0f / max;
        for (int j = 0; j < GK_QK_K; j++) {
            const int v = gk_round_half_even(iscale * x[j]);
            y[i].qs[j] = (int8_t)(v < 127 ? v : 127);
        }
        for (int j = 0; j < GK_QK_K / 16; j++) {
            int sum = 0;
            for (int l = 0; l < 16; l++) sum += y[i].qs[16 * j + l];
            y[i].bsums[j] = (int16_t)sum;
        }
        y[i].d = 1 / iscale;
    }
}

#define ROWS(fn, block_t, bs)                                                          \
    size_t gk_quant_##fn##_ref(const float *x, void *y, int64_t nrows, int64_t n_per_row, \
                               const float *imatrix) {                                 \
        (void)imatrix;                                                                 \
        const size_t row_bytes = (size_t)(n_per_row / bs) * sizeof(block_t);          \
        for (int64_t r = 0; r < nrows; r++)                                            \
            fn##_row(x + r * n_per_row, (block_t *)((char *)y + r * row_bytes), n_per_row); \
        return (size_t)nrows * row_bytes;                                              \
    }

ROWS(q8_0, gk_block_q8_0, 32)
ROWS(q8_1, gk_block_q8_1, 32)
ROWS(q8_K, gk_block_q8_K, GK_QK_K)
