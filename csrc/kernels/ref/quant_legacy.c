/* Reference quantizers of the legacy types Q4_0, Q4_1, Q5_0, Q5_1, bit-exact with ggml's
 * quantize_<type>: without an importance matrix the block-wise quantize_row_<type>_ref, with one the
 * per-row weighted search (quantize_row_<type>_impl). */
#include <float.h>
#include <math.h>
#include "ggufkit/gk_kernels.h"
#include "quant_ref.h"

#define QK 32

/* ---- rows without an importance matrix (ggml's *_ref), one block at a time ----------------- */

void gk_quant_block_q4_0_ref(const float *x, gk_block_q4_0 *y) {
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < QK; j++) {
        const float v = x[j];
        if (amax < fabsf(v)) { amax = fabsf(v); max = v; }
    }
    const float d = max / -8;
    const float id = d ? 1.0f / d : 0.0f;
    y->d = gk_fp32_to_fp16(d);
    for (int j = 0; j < QK / 2; ++j) {
        const float x0 = x[j] * id;
        const float x1 = x[QK / 2 + j] * id;
        const uint8_t xi0 = GK_MIN(15, (int8_t)(x0 + 8.5f));
        const uint8_t xi1 = GK_MIN(15, (int8_t)(x1 + 8.5f));
        y->qs[j] = xi0 | (uint8_t)(xi1 << 4);
    }
}

void gk_quant_block_q4_1_ref(const float *x, gk_block_q4_1 *y) {
    float min = FLT_MAX, max = -FLT_MAX;
    for (int j = 0; j < QK; j++) {
        const float v = x[j];
        if (v < min) min = v;
        if (v > max) max = v;
    }
    const float d = (max - min) / ((1 << 4) - 1);
    const float id = d ? 1.0f / d : 0.0f;
    y->d = gk_fp32_to_fp16(d);
    y->m = gk_fp32_to_fp16(min);
    for (int j = 0; j < QK / 2; ++j) {
        const float x0 = (x[j] - min) * id;
        const float x1 = (x[QK / 2 + j] - min) * id;
        const uint8_t xi0 = GK_MIN(15, (int8_t)(x0 + 0.5f));
        const uint8_t xi1 = GK_MIN(15, (int8_t)(x1 + 0.5f));
        y->qs[j] = xi0 | (uint8_t)(xi1 << 4);
    }
}

void gk_quant_block_q5_0_ref(const float *x, gk_block_q5_0 *y) {
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < QK; j++) {
        const float v = x[j];
        if (amax < fabsf(v)) { amax = fabsf(v); max = v; }
    }
    const float d = max / -16;
    const float id = d ? 1.0f / d : 0.0f;
    y->d = gk_fp32_to_fp16(d);
    uint32_t qh = 0;
    for (int j = 0; j < QK / 2; ++j) {
        const float x0 = x[j] * id;
        const float x1 = x[QK / 2 + j] * id;
        const uint8_t xi0 = GK_MIN(31, (int8_t)(x0 + 16.5f));
        const uint8_t xi1 = GK_MIN(31, (int8_t)(x1 + 16.5f));
        y->qs[j] = (xi0 & 0x0F) | ((xi1 & 0x0F) << 4);
        qh |= ((xi0 & 0x10u) >> 4) << (j + 0);
        qh |= ((xi1 & 0x10u) >> 4) << (j + QK / 2);
    }
    memcpy(y->qh, &qh, sizeof qh);
}

void gk_quant_block_q5_1_ref(const float *x, gk_block_q5_1 *y) {
    float min = FLT_MAX, max = -FLT_MAX;
    for (int j = 0; j < QK; j++) {
        const float v = x[j];
        if (v < min) min = v;
        if (v > max) max = v;
    }
    const float d = (max - min) / ((1 << 5) - 1);
    const float id = d ? 1.0f / d : 0.0f;
    y->d = gk_fp32_to_fp16(d);
    y->m = gk_fp32_to_fp16(min);
    uint32_t qh = 0;
    for (int j = 0; j < QK / 2; ++j) {
        const float x0 = (x[j] - min) * id;
        const float x1 = (x[QK / 2 + j] - min) * id;
        const uint8_t xi0 = (uint8_t)(x0 + 0.5f);
        const uint8_t xi1 = (uint8_t)(x1 + 0.5f);
        y->qs[j] = (xi0 & 0x0F) | ((xi1 & 0x0F) << 4);
        qh |= ((xi0 & 0x10u) >> 4) << (j + 0);
        qh |= ((xi1 & 0x10u) >> 4) << (j + QK / 2);
    }
    memcpy(y->qh, &qh, sizeof qh);
}

/* ---- rows with an importance matrix (ggml's quantize_row_<type>_impl) ----------------------- */

/* weight[j] = imatrix[j] * sqrt(sigma2 + x[j]^2), sigma2 = mean of x^2 over the whole row. */
static float row_sigma2(const float *x, int64_t n) {
    float sum_x2 = 0;
    for (int64_t j = 0; j < n; ++j) sum_x2 += x[j] * x[j];
    return sum_x2 / n;
}

static void block_weights(const float *xb, const float *qw, float sigma2, float *weight) {
    for (int j = 0; j < QK; ++j) weight[j] = qw[j] * sqrtf(sigma2 + xb[j] * xb[j]);
}

static void row_q4_0_imatrix(const float *x, gk_block_q4_0 *y, int64_t n, const float *imatrix) {
    float weight[QK];
    int8_t L[QK];
    const float sigma2 = row_sigma2(x, n);
    for (int64_t ib = 0; ib < n / QK; ++ib) {
        block_weights(x + QK * ib, imatrix + QK * ib, sigma2, weight);
        float d = gk_make_qx_quants_ref(QK, 8, x + QK * ib, L, 1, weight);
        y[ib].d = gk_fp32_to_fp16(d);
        for (int j = 0; j < 16; ++j) y[ib].qs[j] = L[j] | (L[j + 16] << 4);
    }
}

static void row_q4_1_imatrix(const float *x, gk_block_q4_1 *y, int64_t n, const float *imatrix) {
    float weight[QK];
    uint8_t L[QK], Laux[QK];
    const float sigma2 = row_sigma2(x, n);
    for (int64_t ib = 0; ib < n / QK; ++ib) {
        block_weights(x + QK * ib, imatrix + QK * ib, sigma2, weight);
        float min;
        float d = gk_make_qkx3_quants_ref(QK, 15, x + QK * ib, weight, L, &min, Laux, -0.9f, 0.05f, 36, 0);
        y[ib].d = gk_fp32_to_fp16(d);
        y[ib].m = gk_fp32_to_fp16(-min);
        for (int j = 0; j < 16; ++j) y[ib].qs[j] = L[j] | (L[j + 16] << 4);
    }
}

static void pack_q5(const uint8_t *L, uint8_t *qs, uint8_t *qh_out) {
    uint32_t qh = 0;
    for (int j = 0; j < 16; ++j) {
        const uint8_t xi0 = L[j], xi1 = L[j + 16];
        qs[j] = (xi0 & 0x0F) | ((xi1 & 0x0F) << 4);
        qh |= ((xi0 & 0x10u) >> 4) << (j + 0);
        qh |= ((xi1 & 0x10u) >> 4) << (j + QK / 2);
    }
    memcpy(qh_out, &qh, sizeof qh);
}

static void row_q5_0_imatrix(const float *x, gk_block_q5_0 *y, int64_t n, const float *imatrix) {
    float weight[QK];
    int8_t L[QK];
    const float sigma2 = row_sigma2(x, n);
    for (int64_t ib = 0; ib < n / QK; ++ib) {
        block_weights(x + QK * ib, imatrix + QK * ib, sigma2, weight);
        float d = gk_make_qx_quants_ref(QK, 16, x + QK * ib, L, 1, weight);
        y[ib].d = gk_fp32_to_fp16(d);
        pack_q5((const uint8_t *)L, y[ib].qs, y[ib].qh);
    }
}

static void row_q5_1_imatrix(const float *x, gk_block_q5_1 *y, int64_t n, const float *imatrix) {
    float weight[QK];
    uint8_t L[QK], Laux[QK];
    const float sigma2 = row_sigma2(x, n);
    for (int64_t ib = 0; ib < n / QK; ++ib) {
        block_weights(x + QK * ib, imatrix + QK * ib, sigma2, weight);
        float min;
        float d = gk_make_qkx3_quants_ref(QK, 31, x + QK * ib, weight, L, &min, Laux, -0.9f, 0.05f, 36, 0);
        y[ib].d = gk_fp32_to_fp16(d);
        y[ib].m = gk_fp32_to_fp16(-min);
        pack_q5(L, y[ib].qs, y[ib].qh);
    }
}

/* ---- the kernels ---------------------------------------------------------------------------- */

#define GK_LEGACY_QUANT(type)                                                                        \
    size_t gk_quant_##type##_ref(const float *x, void *vy, int64_t nrows, int64_t n_per_row,         \
                                 const float *imatrix) {                                             \
        gk_block_##type *y = (gk_block_##type *)vy;                                                  \
        const int64_t nb = n_per_row / QK;                                                           \
        if (!imatrix) {                                                                              \
            for (int64_t i = 0; i < nrows * nb; ++i) gk_quant_block_##type##_ref(x + i * QK, y + i); \
        } else {                                                                                     \
            for (int64_t r = 0; r < nrows; ++r)                                                      \
                row_##type##_imatrix(x + r * n_per_row, y + r * nb, n_per_row, imatrix);             \
        }                                                                                            \
        return (size_t)(nrows * nb) * sizeof(gk_block_##type);                                       \
    }

GK_LEGACY_QUANT(q4_0)
GK_LEGACY_QUANT(q4_1)
GK_LEGACY_QUANT(q5_0)
GK_LEGACY_QUANT(q5_1)
