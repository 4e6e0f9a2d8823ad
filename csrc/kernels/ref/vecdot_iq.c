/* Dot products of the IQ (lattice / codebook) types with Q8_K activations (scalar reference).
 * Each group of 8 (IQ2/IQ1) or 4 (IQ3) weights is a grid entry of unsigned magnitudes plus sign bits;
 * integer sums per 32-weight sub-block times its odd scale 2*s+1, then d_w * d_y and the type's
 * constant factor (1/8 for IQ2, 1/4 for IQ3_XXS). */
#include "blocks.h"
#include "tables.h"
#include "vecdot_helpers.h"

typedef gk_block_q8_K q8K;

/* sum_j grid[j] * q8[j] * (sign bit j ? -1 : 1) over 8 values */
static inline int signed_dot8(const uint8_t *grid, uint8_t signs, const int8_t *q8) {
    int acc = 0;
    for (int j = 0; j < 8; j++) acc += (signs >> j & 1) ? -grid[j] * q8[j] : grid[j] * q8[j];
    return acc;
}

void gk_vecdot_iq2_xxs_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq2_xxs *x = vx;
    const q8K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const int8_t *q8 = y[b].qs;
        int bsum = 0;
        for (int ib = 0; ib < 8; ib++) {
            uint32_t aux[2];
            memcpy(aux, x[b].qs + 4 * ib, 8);
            const uint8_t *idx = (const uint8_t *)aux;
            int acc = 0;
            for (int l = 0; l < 4; l++, q8 += 8)
                acc += signed_dot8((const uint8_t *)(gk_iq2xxs_grid + idx[l]),
                                   gk_ksigns_iq2xs[(aux[1] >> (7 * l)) & 127], q8);
            bsum += acc * (int)(2 * (aux[1] >> 28) + 1);
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)bsum;
    }
    *s = 0.125f * sum;
}

void gk_vecdot_iq2_xs_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq2_xs *x = vx;
    const q8K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const int8_t *q8 = y[b].qs;
        const uint16_t *q2 = x[b].qs;
        int bsum = 0;
        for (int ib = 0; ib < 8; ib++, q2 += 4) {
            for (int h = 0; h < 2; h++) {
                int acc = 0;
                for (int l = 2 * h; l < 2 * h + 2; l++, q8 += 8)
                    acc += signed_dot8((const uint8_t *)(gk_iq2xs_grid + (q2[l] & 511)),
                                       gk_ksigns_iq2xs[q2[l] >> 9], q8);
                bsum += acc * (2 * ((x[b].scales[ib] >> (4 * h)) & 0xF) + 1);
            }
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)bsum;
    }
    *s = 0.125f * sum;
}

void gk_vecdot_iq2_s_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq2_s *x = vx;
    const q8K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const int8_t *q8 = y[b].qs;
        const uint8_t *qs = x[b].qs, *signs = x[b].qs + GK_QK_K / 8;
        int bsum = 0;
        for (int ib = 0; ib < 8; ib++, qs += 4, signs += 4) {
            for (int h = 0; h < 2; h++) {
                int acc = 0;
                for (int l = 2 * h; l < 2 * h + 2; l++, q8 += 8) {
                    const int idx = qs[l] | ((x[b].qh[ib] << (8 - 2 * l)) & 0x300);
                    acc += signed_dot8((const uint8_t *)(gk_iq2s_grid + idx), signs[l], q8);
                }
                bsum += acc * (2 * ((x[b].scales[ib] >> (4 * h)) & 0xF) + 1);
            }
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)bsum;
    }
    *s = 0.125f * sum;
}

void gk_vecdot_iq3_xxs_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq3_xxs *x = vx;
    const q8K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const int8_t *q8 = y[b].qs;
        const uint8_t *q3 = x[b].qs, *gas = x[b].qs + GK_QK_K / 4;
        int bsum = 0;
        for (int ib = 0; ib < 8; ib++, q3 += 8) {
            uint32_t aux;
            memcpy(&aux, gas + 4 * ib, 4);
            int acc = 0;
            for (int l = 0; l < 4; l++, q8 += 8) {
                uint8_t grid[8];
                memcpy(grid, gk_iq3xxs_grid + q3[2 * l], 4);
                memcpy(grid + 4, gk_iq3xxs_grid + q3[2 * l + 1], 4);
                acc += signed_dot8(grid, gk_ksigns_iq2xs[(aux >> (7 * l)) & 127], q8);
            }
            bsum += acc * (int)(2 * (aux >> 28) + 1);
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)bsum;
    }
    *s = 0.25f * sum;
}

void gk_vecdot_iq3_s_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq3_s *x = vx;
    const q8K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const int8_t *q8 = y[b].qs;
        const uint8_t *qs = x[b].qs, *signs = x[b].signs;
        int bsum = 0;
        for (int ib = 0; ib < 8; ib++, qs += 8, signs += 4) {
            const int qh = x[b].qh[ib];
            int acc = 0;
            for (int l = 0; l < 4; l++, q8 += 8) {
                uint8_t grid[8];
                memcpy(grid, gk_iq3s_grid + (qs[2 * l] | ((qh << (8 - 2 * l)) & 256)), 4);
                memcpy(grid + 4, gk_iq3s_grid + (qs[2 * l + 1] | ((qh << (7 - 2 * l)) & 256)), 4);
                acc += signed_dot8(grid, signs[l], q8);
            }
            bsum += acc * (2 * ((x[b].scales[ib / 2] >> (4 * (ib & 1))) & 0xF) + 1);
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)bsum;
    }
    *s = sum;
}

/* IQ1_S: grid values in {-1, 0, 1}, plus a per-sub-block shift of +-1/8 (times the bsums). */
void gk_vecdot_iq1_s_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq1_s *x = vx;
    const q8K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const int8_t *q8 = y[b].qs;
        int isum = 0, dsum = 0;
        for (int ib = 0; ib < 8; ib++) {
            const int qh = x[b].qh[ib];
            const int ls = 2 * ((qh >> 12) & 7) + 1;
            int acc = 0;
            for (int l = 0; l < 4; l++, q8 += 8) {
                const int8_t *grid = (const int8_t *)(gk_iq1s_grid + (x[b].qs[4 * ib + l] | (((qh >> (3 * l)) & 7) << 8)));
                for (int j = 0; j < 8; j++) acc += grid[j] * q8[j];
            }
            isum += ls * acc;
            dsum += ls * ((qh & 0x8000) ? -1 : 1) * (y[b].bsums[2 * ib] + y[b].bsums[2 * ib + 1]);
        }
        sum += GK_F16(x[b].d) * y[b].d * ((float)isum + GK_IQ1S_DELTA * (float)dsum);
    }
    *s = sum;
}

/* IQ1_M: the fp16 block scale is spread over the top nibbles of the four 16-bit scale words. */
void gk_vecdot_iq1_m_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq1_m *x = vx;
    const q8K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const int8_t *q8 = y[b].qs;
        const uint8_t *qs = x[b].qs, *qh = x[b].qh;
        uint16_t sc[4];
        memcpy(sc, x[b].scales, 8);
        const uint16_t d16 = (uint16_t)((sc[0] >> 12) | ((sc[1] >> 8) & 0x00f0) | ((sc[2] >> 4) & 0x0f00) | (sc[3] & 0xf000));
        int isum = 0, dsum = 0;
        for (int ib = 0; ib < 8; ib++, qs += 4, qh += 2) {
            int s1[2] = {0, 0}, s2[2] = {0, 0};
            for (int l = 0; l < 4; l++, q8 += 8) {
                const int idx = qs[l] | (((int)qh[l / 2] << (8 - 4 * (l & 1))) & 0x700);
                const int8_t *grid = (const int8_t *)(gk_iq1s_grid + idx);
                const int delta = (qh[l / 2] >> (4 * (l & 1))) & 0x08 ? -1 : 1;
                int a1 = 0, a2 = 0;
                for (int j = 0; j < 8; j++) { a1 += grid[j] * q8[j]; a2 += q8[j]; }
                s1[l / 2] += a1;
                s2[l / 2] += a2 * delta;
            }
            const int ls1 = 2 * ((sc[ib / 2] >> (6 * (ib & 1))) & 7) + 1;
            const int ls2 = 2 * ((sc[ib / 2] >> (6 * (ib & 1) + 3)) & 7) + 1;
            isum += s1[0] * ls1 + s1[1] * ls2;
            dsum += s2[0] * ls1 + s2[1] * ls2;
        }
        sum += gk_fp16_to_fp32(d16) * y[b].d * ((float)isum + GK_IQ1M_DELTA * (float)dsum);
    }
    *s = sum;
}

void gk_vecdot_iq4_xs_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq4_xs *x = vx;
    const q8K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const float d = GK_F16(x[b].d) * y[b].d;
        const uint8_t *qs = x[b].qs;
        const int8_t *q8 = y[b].qs;
        for (int ib = 0; ib < 8; ib++, qs += 16, q8 += 32) {
            const int ls = ((x[b].scales_l[ib / 2] >> (4 * (ib & 1))) & 0xF) | (((x[b].scales_h >> (2 * ib)) & 3) << 4);
            int acc = 0;
            for (int j = 0; j < 16; j++)
                acc += gk_kvalues_iq4nl[qs[j] & 0xF] * q8[j] + gk_kvalues_iq4nl[qs[j] >> 4] * q8[j + 16];
            sum += d * (float)(ls - 32) * (float)acc;
        }
    }
    *s = sum;
}
