/* Scalar reference dequantizers of the IQ types (grid / non-linear codebooks).
 * Float expressions keep ggml's association, e.g. (d * (0.5 + s)) * 0.25 and db * grid * sign. */
#include <string.h>
#include "ggufkit/gk_kernels.h"
#include "blocks.h"
#include "fp16.h"
#include "tables.h"

void gk_dequant_iq2_xxs_ref(const void *vx, float *y, int64_t n) {
    const gk_block_iq2_xxs *x = (const gk_block_iq2_xxs *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        for (int ib = 0; ib < 8; ib++) {
            uint32_t aux[2];
            memcpy(aux, x[i].qs + 4 * ib, 8);
            const uint8_t *idx = (const uint8_t *)aux;
            const float db = d * (0.5f + (aux[1] >> 28)) * 0.25f;
            for (int l = 0; l < 4; l++, y += 8) {
                const uint8_t *grid = (const uint8_t *)(gk_iq2xxs_grid + idx[l]);
                const uint8_t signs = gk_ksigns_iq2xs[(aux[1] >> (7 * l)) & 127];
                for (int j = 0; j < 8; j++) y[j] = db * grid[j] * (signs & gk_kmask_iq2xs[j] ? -1.f : 1.f);
            }
        }
    }
}

void gk_dequant_iq2_xs_ref(const void *vx, float *y, int64_t n) {
    const gk_block_iq2_xs *x = (const gk_block_iq2_xs *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        for (int ib = 0; ib < 8; ib++) {
            float db[2];
            db[0] = d * (0.5f + (x[i].scales[ib] & 0xf)) * 0.25f;
            db[1] = d * (0.5f + (x[i].scales[ib] >> 4)) * 0.25f;
            for (int l = 0; l < 4; l++, y += 8) {
                const uint16_t q = x[i].qs[4 * ib + l];
                const uint8_t *grid = (const uint8_t *)(gk_iq2xs_grid + (q & 511));
                const uint8_t signs = gk_ksigns_iq2xs[q >> 9];
                for (int j = 0; j < 8; j++) y[j] = db[l / 2] * grid[j] * (signs & gk_kmask_iq2xs[j] ? -1.f : 1.f);
            }
        }
    }
}

void gk_dequant_iq2_s_ref(const void *vx, float *y, int64_t n) {
    const gk_block_iq2_s *x = (const gk_block_iq2_s *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        const uint8_t *qs = x[i].qs, *qh = x[i].qh;
        const uint8_t *signs = qs + GK_QK_K / 8;
        for (int ib = 0; ib < 8; ib++, qs += 4, signs += 4) {
            float db[2];
            db[0] = d * (0.5f + (x[i].scales[ib] & 0xf)) * 0.25f;
            db[1] = d * (0.5f + (x[i].scales[ib] >> 4)) * 0.25f;
            for (int l = 0; l < 4; l++, y += 8) {
                const float dl = db[l / 2];
                const uint8_t *grid = (const uint8_t *)(gk_iq2s_grid + (qs[l] | ((qh[ib] << (8 - 2 * l)) & 0x300)));
                for (int j = 0; j < 8; j++) y[j] = dl * grid[j] * (signs[l] & gk_kmask_iq2xs[j] ? -1.f : 1.f);
            }
        }
    }
}

void gk_dequant_iq3_xxs_ref(const void *vx, float *y, int64_t n) {
    const gk_block_iq3_xxs *x = (const gk_block_iq3_xxs *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        const uint8_t *qs = x[i].qs;
        const uint8_t *scales_and_signs = qs + GK_QK_K / 4;
        for (int ib = 0; ib < 8; ib++, qs += 8) {
            uint32_t aux;
            memcpy(&aux, scales_and_signs + 4 * ib, 4);
            const float db = d * (0.5f + (aux >> 28)) * 0.5f;
            for (int l = 0; l < 4; l++, y += 8) {
                const uint8_t signs = gk_ksigns_iq2xs[(aux >> (7 * l)) & 127];
                const uint8_t *g1 = (const uint8_t *)(gk_iq3xxs_grid + qs[2 * l + 0]);
                const uint8_t *g2 = (const uint8_t *)(gk_iq3xxs_grid + qs[2 * l + 1]);
                for (int j = 0; j < 4; j++) {
                    y[j + 0] = db * g1[j] * (signs & gk_kmask_iq2xs[j + 0] ? -1.f : 1.f);
                    y[j + 4] = db * g2[j] * (signs & gk_kmask_iq2xs[j + 4] ? -1.f : 1.f);
                }
            }
        }
    }
}

void gk_dequant_iq3_s_ref(const void *vx, float *y, int64_t n) {
    const gk_block_iq3_s *x = (const gk_block_iq3_s *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        const uint8_t *qs = x[i].qs, *qh = x[i].qh, *signs = x[i].signs;
        for (int ib = 0; ib < 8; ib++, qs += 8, signs += 4) {
            /* sub-blocks pair up on one scale byte: low nibble for even ib, high for odd */
            const int s = (x[i].scales[ib / 2] >> (4 * (ib & 1))) & 0xf;
            const float db = d * (1 + 2 * s);
            for (int l = 0; l < 4; l++, y += 8) {
                const uint8_t *g1 = (const uint8_t *)(gk_iq3s_grid + (qs[2 * l + 0] | ((qh[ib] << (8 - 2 * l)) & 256)));
                const uint8_t *g2 = (const uint8_t *)(gk_iq3s_grid + (qs[2 * l + 1] | ((qh[ib] << (7 - 2 * l)) & 256)));
                for (int j = 0; j < 4; j++) {
                    y[j + 0] = db * g1[j] * (signs[l] & gk_kmask_iq2xs[j + 0] ? -1.f : 1.f);
                    y[j + 4] = db * g2[j] * (signs[l] & gk_kmask_iq2xs[j + 4] ? -1.f : 1.f);
                }
            }
        }
    }
}

void gk_dequant_iq1_s_ref(const void *vx, float *y, int64_t n) {
    const gk_block_iq1_s *x = (const gk_block_iq1_s *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        const uint8_t *qs = x[i].qs;
        for (int ib = 0; ib < 8; ib++, qs += 4) {
            const uint16_t qh = x[i].qh[ib];
            const float dl = d * (2 * ((qh >> 12) & 7) + 1);
            const float delta = qh & 0x8000 ? -GK_IQ1S_DELTA : GK_IQ1S_DELTA;
            for (int l = 0; l < 4; l++, y += 8) {
                const int8_t *grid = (const int8_t *)(gk_iq1s_grid + (qs[l] | (((qh >> (3 * l)) & 7) << 8)));
                for (int j = 0; j < 8; j++) y[j] = dl * (grid[j] + delta);
            }
        }
    }
}

void gk_dequant_iq1_m_ref(const void *vx, float *y, int64_t n) {
    const gk_block_iq1_m *x = (const gk_block_iq1_m *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        uint16_t sc[4];
        memcpy(sc, x[i].scales, 8);
        /* the fp16 super-block scale is spread over the top nibbles of the four scale words */
        const uint16_t dbits = (sc[0] >> 12) | ((sc[1] >> 8) & 0x00f0) | ((sc[2] >> 4) & 0x0f00) | (sc[3] & 0xf000);
        const float d = gk_fp16_to_fp32(dbits);
        const uint8_t *qs = x[i].qs, *qh = x[i].qh;
        for (int ib = 0; ib < 8; ib++, qs += 4, qh += 2) {
            const float dl1 = d * (2 * ((sc[ib / 2] >> (6 * (ib % 2) + 0)) & 0x7) + 1);
            const float dl2 = d * (2 * ((sc[ib / 2] >> (6 * (ib % 2) + 3)) & 0x7) + 1);
            uint16_t idx[4];
            float delta[4];
            idx[0] = qs[0] | ((qh[0] << 8) & 0x700);
            idx[1] = qs[1] | ((qh[0] << 4) & 0x700);
            idx[2] = qs[2] | ((qh[1] << 8) & 0x700);
            idx[3] = qs[3] | ((qh[1] << 4) & 0x700);
            delta[0] = qh[0] & 0x08 ? -GK_IQ1M_DELTA : GK_IQ1M_DELTA;
            delta[1] = qh[0] & 0x80 ? -GK_IQ1M_DELTA : GK_IQ1M_DELTA;
            delta[2] = qh[1] & 0x08 ? -GK_IQ1M_DELTA : GK_IQ1M_DELTA;
            delta[3] = qh[1] & 0x80 ? -GK_IQ1M_DELTA : GK_IQ1M_DELTA;
            for (int l = 0; l < 4; l++, y += 8) {
                const float dl = l < 2 ? dl1 : dl2;
                const int8_t *grid = (const int8_t *)(gk_iq1s_grid + idx[l]);
                for (int j = 0; j < 8; j++) y[j] = dl * (grid[j] + delta[l]);
            }
        }
    }
}

void gk_dequant_iq4_nl_ref(const void *vx, float *y, int64_t n) {
    const gk_block_iq4_nl *x = (const gk_block_iq4_nl *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float d = gk_fp16_to_fp32(x[i].d);
        for (int j = 0; j < 16; j++) {
            y[j] = d * gk_kvalues_iq4nl[x[i].qs[j] & 0xf];
            y[j + 16] = d * gk_kvalues_iq4nl[x[i].qs[j] >> 4];
        }
    }
}

void gk_dequant_iq4_xs_ref(const void *vx, float *y, int64_t n) {
    const gk_block_iq4_xs *x = (const gk_block_iq4_xs *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        const uint8_t *qs = x[i].qs;
        for (int ib = 0; ib < 8; ib++, y += 32, qs += 16) {
            const int ls = ((x[i].scales_l[ib / 2] >> (4 * (ib % 2))) & 0xf) | (((x[i].scales_h >> (2 * ib)) & 3) << 4);
            const float dl = d * (ls - 32);
            for (int j = 0; j < 16; j++) {
                y[j] = dl * gk_kvalues_iq4nl[qs[j] & 0xf];
                y[j + 16] = dl * gk_kvalues_iq4nl[qs[j] >> 4];
            }
        }
    }
}
