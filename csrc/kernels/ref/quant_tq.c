/* Reference quantizers of the ternary types TQ1_0 (base-3 packing, 1.6875 bpw) and TQ2_0 (2 bits),
 * bit-exact with ggml's quantize_row_tq{1,2}_0_ref (they ignore an importance matrix). */
#include <math.h>
#include "ggufkit/gk_kernels.h"
#include "quant_ref.h"

static float absmax_256(const float *x) {
    float amax = 0.0f;
    for (int j = 0; j < GK_QK_K; j++) amax = GK_MAX(amax, fabsf(x[j]));
    return amax;
}

/* n trits (values -1, 0, 1 of x * id, rounded half away from zero) stride apart, most significant
 * first, as a fixed-point fraction of 3^5: q * 256 / 243 rounded up (so q = byte * 3 >> 8 decodes). */
static uint8_t pack_trits(const float *x, int n, int stride, float id, int pad) {
    uint8_t q = 0;
    for (int k = 0; k < n; ++k) {
        int xi = lroundf(x[k * stride] * id) + 1;
        q *= 3;
        q += xi;
    }
    if (pad) q *= 3;
    return (uint8_t)(((uint16_t)q * 256 + (243 - 1)) / 243);
}

static void block_tq1_0(const float *x, gk_block_tq1_0 *y) {
    const float d = absmax_256(x);
    const float id = d ? 1.0f / d : 0.0f;
    y->d = gk_fp32_to_fp16(d);
    /* qs[0..32): 5 values each along 32, qs[32..48): 5 along 16, qh: 4 along 4 (+ a zero trit). */
    for (int m = 0; m < 32; ++m) y->qs[m] = pack_trits(x + m, 5, 32, id, 0);
    x += 160;
    for (int m = 0; m < 16; ++m) y->qs[32 + m] = pack_trits(x + m, 5, 16, id, 0);
    x += 80;
    for (int j = 0; j < 4; ++j) y->qh[j] = pack_trits(x + j, 4, 4, id, 1);
}

static void block_tq2_0(const float *x, gk_block_tq2_0 *y) {
    const float d = absmax_256(x);
    const float id = d ? 1.0f / d : 0.0f;
    y->d = gk_fp32_to_fp16(d);
    for (int j = 0; j < 64; j += 32) {
        for (int m = 0; m < 32; ++m) {
            uint8_t q = 0;
            for (int n = 0; n < 4; ++n) {
                int xi = lroundf(x[m + n * 32] * id) + 1;
                q += (xi & 3) << (2 * n);
            }
            y->qs[j + m] = q;
        }
        x += 128;
    }
}

size_t gk_quant_tq1_0_ref(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_tq1_0 *y = vy;
    const int64_t nb = nrows * (n_per_row / GK_QK_K);
    for (int64_t i = 0; i < nb; ++i) block_tq1_0(x + i * GK_QK_K, y + i);
    return (size_t)nb * sizeof *y;
}

size_t gk_quant_tq2_0_ref(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_tq2_0 *y = vy;
    const int64_t nb = nrows * (n_per_row / GK_QK_K);
    for (int64_t i = 0; i < nb; ++i) block_tq2_0(x + i * GK_QK_K, y + i);
    return (size_t)nb * sizeof *y;
}
