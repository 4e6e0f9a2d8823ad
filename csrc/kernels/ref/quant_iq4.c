/* Reference quantizers of IQ4_NL and IQ4_XS (4-bit non-linear values, kvalues_iq4nl): a per-32
 * scale search over 15 candidates, plus 6-bit sub-block scales for IQ4_XS. Bit-exact with ggml's
 * quantize_iq4_nl / quantize_iq4_xs (which search with ntry = 7 with or without an imatrix). */
#include <math.h>
#include "ggufkit/gk_kernels.h"
#include "tables.h"
#include "quant_ref.h"

/* Index of the value of the sorted table val[0..n) nearest to x (ties to the upper one). */
static inline int best_index_int8(int n, const int8_t *val, float x) {
    if (x <= val[0]) return 0;
    if (x >= val[n - 1]) return n - 1;
    int ml = 0, mu = n - 1;
    while (mu - ml > 1) {
        int mav = (ml + mu) / 2;
        if (x < val[mav]) mu = mav;
        else ml = mav;
    }
    return x - val[mu - 1] < val[mu] - x ? mu - 1 : mu;
}

/* One super-block of super_block_size values in blocks of 32 (ggml's quantize_row_iq4_nl_impl with
 * block_size 32 and ntry 7). dh, q4 and (when there are several blocks) scales_h / scales_l are the
 * outputs. */
static void iq4_superblock(const int super_block_size, const float *x, gk_half *dh, uint8_t *q4,
                           uint16_t *scales_h, uint8_t *scales_l, const float *quant_weights) {
    enum { block_size = 32, ntry = 7 };
    const int8_t *values = gk_kvalues_iq4nl;
    float scales[GK_QK_K / 32], weight[32];
    uint8_t L[GK_QK_K];

    float sigma2 = 0;
    for (int j = 0; j < super_block_size; ++j) sigma2 += x[j] * x[j];
    sigma2 *= 2.f / super_block_size;

    memset(q4, 0, super_block_size / 2);
    dh[0] = gk_fp32_to_fp16(0.f);

    float max_scale = 0, amax_scale = 0;
    for (int ib = 0; ib < super_block_size / block_size; ++ib) {
        const float *xb = x + ib * block_size;
        uint8_t *Lb = L + ib * block_size;
        if (quant_weights) {
            const float *qw = quant_weights + ib * block_size;
            for (int j = 0; j < block_size; ++j) weight[j] = qw[j] * sqrtf(sigma2 + xb[j] * xb[j]);
        } else {
            for (int j = 0; j < block_size; ++j) weight[j] = xb[j] * xb[j];
        }
        float amax = 0, max = 0;
        for (int j = 0; j < block_size; ++j) {
            float ax = fabsf(xb[j]);
            if (ax > amax) { amax = ax; max = xb[j]; }
        }
        if (amax < GK_GROUP_MAX_EPS) {
            scales[ib] = 0;
            continue;
        }
        float d = -max / values[0];
        float id = 1 / d;
        float sumqx = 0, sumq2 = 0;
        for (int j = 0; j < block_size; ++j) {
            float al = id * xb[j];
            int l = best_index_int8(16, values, al);
            Lb[j] = l;
            float q = values[l];
            float w = weight[j];
            sumqx += w * q * xb[j];
            sumq2 += w * q * q;
        }
        d = sumq2 > 0 ? sumqx / sumq2 : 0.f;
        float best = d * sumqx;
        for (int itry = -ntry; itry <= ntry; ++itry) {
            id = (itry + values[0]) / max;
            sumqx = sumq2 = 0;
            for (int j = 0; j < block_size; ++j) {
                float al = id * xb[j];
                int l = best_index_int8(16, values, al);
                float q = values[l];
                float w = weight[j];
                sumqx += w * q * xb[j];
                sumq2 += w * q * q;
            }
            if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                d = sumqx / sumq2;
                best = d * sumqx;
            }
        }
        scales[ib] = d;
        float abs_d = fabsf(d);
        if (abs_d > amax_scale) { amax_scale = abs_d; max_scale = d; }
    }

    if (super_block_size / block_size > 1) {
        int nb = super_block_size / block_size;
        memset(scales_h, 0, ((nb + 7) / 8) * sizeof(uint16_t));
        float d = -max_scale / 32;
        dh[0] = gk_fp32_to_fp16(d);
        float id = d ? 1 / d : 0.f;
        for (int ib = 0; ib < nb; ++ib) {
            int l = gk_nearest_int(id * scales[ib]);
            l = GK_MAX(-32, GK_MIN(31, l));
            float dl = d * l;
            float idl = dl ? 1 / dl : 0.f;
            uint8_t *Lb = L + ib * block_size;
            const float *xb = x + ib * block_size;
            for (int j = 0; j < block_size; ++j) Lb[j] = best_index_int8(16, values, idl * xb[j]);
            l += 32;
            uint8_t l_l = l & 0xf;
            uint8_t l_h = l >> 4;
            if (ib % 2 == 0) scales_l[ib / 2] = l_l;
            else scales_l[ib / 2] |= (l_l << 4);
            scales_h[ib / 8] |= (l_h << 2 * (ib % 8));
        }
    } else {
        dh[0] = gk_fp32_to_fp16(scales[0]);
        float id = scales[0] ? 1 / scales[0] : 0;
        for (int j = 0; j < super_block_size; ++j) L[j] = best_index_int8(16, values, id * x[j]);
    }

    for (int i = 0; i < super_block_size / 32; ++i)
        for (int j = 0; j < 16; ++j) q4[16 * i + j] = L[32 * i + j] | (L[32 * i + 16 + j] << 4);
}

size_t gk_quant_iq4_nl_ref(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    gk_block_iq4_nl *y = vy;
    const int64_t nb = n_per_row / 32;
    uint16_t unused_h;
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t i = 0; i < nb; ++i)
            iq4_superblock(32, x + r * n_per_row + 32 * i, &y[r * nb + i].d, y[r * nb + i].qs, &unused_h, NULL,
                           imatrix ? imatrix + 32 * i : NULL);
    return (size_t)(nrows * nb) * sizeof *y;
}

size_t gk_quant_iq4_xs_ref(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    gk_block_iq4_xs *y = vy;
    const int64_t nb = n_per_row / GK_QK_K;
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t i = 0; i < nb; ++i) {
            gk_block_iq4_xs *b = &y[r * nb + i];
            uint16_t scales_h; /* the struct member may be unaligned for a uint16_t pointer */
            memcpy(&scales_h, &b->scales_h, 2);
            iq4_superblock(GK_QK_K, x + r * n_per_row + GK_QK_K * i, &b->d, b->qs, &scales_h, b->scales_l,
                           imatrix ? imatrix + GK_QK_K * i : NULL);
            memcpy(&b->scales_h, &scales_h, 2);
        }
    return (size_t)(nrows * nb) * sizeof *y;
}
