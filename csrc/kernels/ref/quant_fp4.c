/* Reference quantizers of the 4-bit float types MXFP4 (E2M1 values, an E8M0 exponent per 32) and
 * NVFP4 (E2M1 values, a UE4M3 scale per 16), bit-exact with ggml's quantize_row_{mx,nv}fp4_ref
 * (they ignore an importance matrix). The value table holds twice the E2M1 values. */
#include <math.h>
#include "ggufkit/gk_kernels.h"
#include "tables.h"
#include "quant_ref.h"

/* Index of the table value nearest to x / e (first one on ties). */
static inline int best_index_fp4(float x, float e) {
    int best_index = 0;
    float best_err = fabsf(gk_kvalues_fp4[0] * e - x);
    for (int i = 1; i < 16; i++) {
        float err = fabsf(gk_kvalues_fp4[i] * e - x);
        if (err < best_err) { best_index = i; best_err = err; }
    }
    return best_index;
}




static void block_mxfp4(const float *x, gk_block_mxfp4 *y) {
    float amax = 0.0f;
    for (int j = 0; j < 32; j++)
        if (amax < fabsf(x[j])) amax = fabsf(x[j]);
    const uint8_t e = amax > 0.0f ? (uint8_t)(floorf(log2f(amax)) - 2 + 127) : 0;
    const float d = gk_e8m0_half(e);
    y->e = e;
    for (int j = 0; j < 16; ++j) {
        const uint8_t x0 = best_index_fp4(x[j], d);
        const uint8_t x1 = best_index_fp4(x[16 + j], d);
        y->qs[j] = x0 | (uint8_t)(x1 << 4);
    }
}

static void block_nvfp4(const float *x, gk_block_nvfp4 *y) {
    for (int s = 0; s < 4; s++) {
        const float *xb = x + s * 16;
        float amax = 0.0f;
        for (int j = 0; j < 16; j++)
            if (amax < fabsf(xb[j])) amax = fabsf(xb[j]);
        const uint8_t ue = gk_fp32_to_ue4m3(amax / 6.0f);
        y->d[s] = ue;
        const float d = gk_ue4m3_half(ue);
        for (int j = 0; j < 8; ++j) {
            const uint8_t x0 = best_index_fp4(xb[j], d);
            const uint8_t x1 = best_index_fp4(xb[8 + j], d);
            y->qs[s * 8 + j] = x0 | (uint8_t)(x1 << 4);
        }
    }
}

size_t gk_quant_mxfp4_ref(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_mxfp4 *y = vy;
    const int64_t nb = nrows * (n_per_row / 32);
    for (int64_t i = 0; i < nb; ++i) block_mxfp4(x + i * 32, y + i);
    return (size_t)nb * sizeof *y;
}

size_t gk_quant_nvfp4_ref(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_nvfp4 *y = vy;
    const int64_t nb = nrows * (n_per_row / 64);
    for (int64_t i = 0; i < nb; ++i) block_nvfp4(x + i * 64, y + i);
    return (size_t)nb * sizeof *y;
}
