/* Bodies of the NEON vec_dot kernels of the IQ grid types (IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S,
 * IQ1_S, IQ1_M) with Q8_K activations (static inline; compiled once per aarch64 tier by
 * vecdot_iq_neon.c and ../neon_dotprod/vecdot_iq_neon_dotprod.c). Grid entries (8 or 4 unsigned
 * magnitudes <= 62, or IQ1's -1/0/1) are loaded with scalar loads and combined into 16-byte vectors;
 * signs are applied to the weights (never to the activations, so any int8 activation is exact), from
 * the 64-bit masks gk_ksigns64 (0xFF where negative) or from plain sign bytes. Each 16- or 32-weight
 * dot is multiplied by its odd integer scale into one int32x4 accumulator per block. */
#ifndef GK_VECDOT_IQ_NEON_H
#define GK_VECDOT_IQ_NEON_H
#include <string.h>
#include "blocks.h"
#include "tables.h"
#include "../ref/vecdot_helpers.h"
#include "vecdot_neon.h"

/* two 8-byte grid entries as one vector (entry a first) */
static inline uint8x16_t gk_neon_grid2(uint64_t a, uint64_t b) { return vcombine_u8(vcreate_u8(a), vcreate_u8(b)); }

/* four 4-byte grid entries as one vector */
static inline uint8x16_t gk_neon_grid4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    const uint32_t g[4] = {a, b, c, d};
    return vreinterpretq_u8_u32(vld1q_u32(g));
}

/* magnitudes with the sign mask applied: m == 0xFF gives -g, m == 0 gives g */
static inline int8x16_t gk_neon_apply_sign(uint8x16_t g, uint8x16_t m) {
    return vreinterpretq_s8_u8(vsubq_u8(veorq_u8(g, m), m));
}

/* the sign masks of four 7-bit gk_ksigns64 indices at bits 0, 7 (first vector), 14, 21 (second) */
static inline void gk_neon_ksigns4(uint32_t a, uint8x16_t *m0, uint8x16_t *m1) {
    *m0 = gk_neon_grid2(gk_ksigns64[a & 127], gk_ksigns64[(a >> 7) & 127]);
    *m1 = gk_neon_grid2(gk_ksigns64[(a >> 14) & 127], gk_ksigns64[(a >> 21) & 127]);
}

static inline void gk_neon_vecdot_iq2_xxs_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq2_xxs *x = vx;
    const gk_block_q8_K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const uint8_t *q2 = (const uint8_t *)x[b].qs;
        int32x4_t isum = vdupq_n_s32(0);
        for (int ib = 0; ib < 8; ib++) {
            uint32_t aux[2]; /* 4 grid indices; 4 x 7 sign bits + the 4-bit scale */
            memcpy(aux, q2 + 8 * ib, 8);
            const uint8_t *idx = (const uint8_t *)aux;
            uint8x16_t m0, m1;
            gk_neon_ksigns4(aux[1], &m0, &m1);
            const int8x16_t w0 = gk_neon_apply_sign(gk_neon_grid2(gk_iq2xxs_grid[idx[0]], gk_iq2xxs_grid[idx[1]]), m0);
            const int8x16_t w1 = gk_neon_apply_sign(gk_neon_grid2(gk_iq2xxs_grid[idx[2]], gk_iq2xxs_grid[idx[3]]), m1);
            isum = vmlaq_n_s32(isum, gk_neon_dot32(w0, w1, y[b].qs + 32 * ib), (int32_t)(2 * (aux[1] >> 28) + 1));
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)vaddvq_s32(isum);
    }
    *s = 0.125f * sum;
}

static inline void gk_neon_vecdot_iq2_xs_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq2_xs *x = vx;
    const gk_block_q8_K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const int8_t *q8 = y[b].qs;
        int32x4_t isum = vdupq_n_s32(0);
        for (int ib = 0; ib < 8; ib++, q8 += 32) {
            const uint16_t *q2 = x[b].qs + 4 * ib; /* 9-bit grid index, 7-bit sign index */
            const int8x16_t w0 = gk_neon_apply_sign(gk_neon_grid2(gk_iq2xs_grid[q2[0] & 511], gk_iq2xs_grid[q2[1] & 511]),
                                                    gk_neon_grid2(gk_ksigns64[q2[0] >> 9], gk_ksigns64[q2[1] >> 9]));
            const int8x16_t w1 = gk_neon_apply_sign(gk_neon_grid2(gk_iq2xs_grid[q2[2] & 511], gk_iq2xs_grid[q2[3] & 511]),
                                                    gk_neon_grid2(gk_ksigns64[q2[2] >> 9], gk_ksigns64[q2[3] >> 9]));
            const int sc = x[b].scales[ib];
            isum = vmlaq_n_s32(isum, gk_neon_dot(vdupq_n_s32(0), w0, vld1q_s8(q8)), 2 * (sc & 0xF) + 1);
            isum = vmlaq_n_s32(isum, gk_neon_dot(vdupq_n_s32(0), w1, vld1q_s8(q8 + 16)), 2 * (sc >> 4) + 1);
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)vaddvq_s32(isum);
    }
    *s = 0.125f * sum;
}

static inline void gk_neon_vecdot_iq2_s_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq2_s *x = vx;
    const gk_block_q8_K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const int8_t *q8 = y[b].qs;
        int32x4_t isum = vdupq_n_s32(0);
        for (int ib = 0; ib < 8; ib++, q8 += 32) {
            const uint8_t *qs = x[b].qs + 4 * ib, *sg = x[b].qs + GK_QK_K / 8 + 4 * ib;
            const int qh = x[b].qh[ib]; /* bits 2l, 2l + 1: bits 8, 9 of grid index l */
            uint64_t g[4];
            for (int l = 0; l < 4; l++) g[l] = gk_iq2s_grid[qs[l] | ((qh << (8 - 2 * l)) & 0x300)];
            const int8x16_t w0 = gk_neon_apply_sign(gk_neon_grid2(g[0], g[1]), gk_neon_bitmask16(sg[0] | (uint32_t)sg[1] << 8));
            const int8x16_t w1 = gk_neon_apply_sign(gk_neon_grid2(g[2], g[3]), gk_neon_bitmask16(sg[2] | (uint32_t)sg[3] << 8));
            const int sc = x[b].scales[ib];
            isum = vmlaq_n_s32(isum, gk_neon_dot(vdupq_n_s32(0), w0, vld1q_s8(q8)), 2 * (sc & 0xF) + 1);
            isum = vmlaq_n_s32(isum, gk_neon_dot(vdupq_n_s32(0), w1, vld1q_s8(q8 + 16)), 2 * (sc >> 4) + 1);
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)vaddvq_s32(isum);
    }
    *s = 0.125f * sum;
}

static inline void gk_neon_vecdot_iq3_xxs_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq3_xxs *x = vx;
    const gk_block_q8_K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const uint8_t *q3 = x[b].qs, *gas = x[b].qs + GK_QK_K / 4;
        int32x4_t isum = vdupq_n_s32(0);
        for (int ib = 0; ib < 8; ib++, q3 += 8) {
            uint32_t aux; /* 4 x 7 sign bits + the 4-bit scale */
            memcpy(&aux, gas + 4 * ib, 4);
            uint8x16_t m0, m1;
            gk_neon_ksigns4(aux, &m0, &m1);
            const int8x16_t w0 = gk_neon_apply_sign(gk_neon_grid4(gk_iq3xxs_grid[q3[0]], gk_iq3xxs_grid[q3[1]],
                                                                  gk_iq3xxs_grid[q3[2]], gk_iq3xxs_grid[q3[3]]), m0);
            const int8x16_t w1 = gk_neon_apply_sign(gk_neon_grid4(gk_iq3xxs_grid[q3[4]], gk_iq3xxs_grid[q3[5]],
                                                                  gk_iq3xxs_grid[q3[6]], gk_iq3xxs_grid[q3[7]]), m1);
            isum = vmlaq_n_s32(isum, gk_neon_dot32(w0, w1, y[b].qs + 32 * ib), (int32_t)(2 * (aux >> 28) + 1));
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)vaddvq_s32(isum);
    }
    *s = 0.25f * sum;
}

static inline void gk_neon_vecdot_iq3_s_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq3_s *x = vx;
    const gk_block_q8_K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        int32x4_t isum = vdupq_n_s32(0);
        for (int ib = 0; ib < 8; ib++) {
            const uint8_t *qs = x[b].qs + 8 * ib, *sg = x[b].signs + 4 * ib;
            const int qh = x[b].qh[ib]; /* bit i: bit 8 of grid index i */
            uint32_t g[8];
            for (int i = 0; i < 8; i++) g[i] = gk_iq3s_grid[qs[i] | ((qh << (8 - i)) & 256)];
            const int8x16_t w0 = gk_neon_apply_sign(gk_neon_grid4(g[0], g[1], g[2], g[3]), gk_neon_bitmask16(sg[0] | (uint32_t)sg[1] << 8));
            const int8x16_t w1 = gk_neon_apply_sign(gk_neon_grid4(g[4], g[5], g[6], g[7]), gk_neon_bitmask16(sg[2] | (uint32_t)sg[3] << 8));
            const int ls = 2 * ((x[b].scales[ib / 2] >> (4 * (ib & 1))) & 0xF) + 1;
            isum = vmlaq_n_s32(isum, gk_neon_dot32(w0, w1, y[b].qs + 32 * ib), ls);
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)vaddvq_s32(isum);
    }
    *s = sum;
}

/* IQ1_S: grid values -1/0/1 (int8 bytes); per 32 weights a 3-bit scale and the sign of a shift of
 * 1/8, which multiplies the activation sums (bsums). */
static inline void gk_neon_vecdot_iq1_s_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq1_s *x = vx;
    const gk_block_q8_K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        int32x4_t isum = vdupq_n_s32(0);
        int32_t dsum = 0;
        for (int ib = 0; ib < 8; ib++) {
            const int qh = x[b].qh[ib];
            const uint8_t *qs = x[b].qs + 4 * ib;
            const int ls = 2 * ((qh >> 12) & 7) + 1;
            uint64_t g[4];
            for (int l = 0; l < 4; l++) g[l] = gk_iq1s_grid[qs[l] | (((qh >> (3 * l)) & 7) << 8)];
            const int8x16_t w0 = vreinterpretq_s8_u8(gk_neon_grid2(g[0], g[1]));
            const int8x16_t w1 = vreinterpretq_s8_u8(gk_neon_grid2(g[2], g[3]));
            isum = vmlaq_n_s32(isum, gk_neon_dot32(w0, w1, y[b].qs + 32 * ib), ls);
            dsum += ls * ((qh & 0x8000) ? -1 : 1) * (y[b].bsums[2 * ib] + y[b].bsums[2 * ib + 1]);
        }
        sum += GK_F16(x[b].d) * y[b].d * ((float)vaddvq_s32(isum) + GK_IQ1S_DELTA * (float)dsum);
    }
    *s = sum;
}

/* IQ1_M: as IQ1_S with a 3-bit scale per 16 weights and a shift sign per 8 (qh bit 3 / 7); the
 * fp16 block scale is spread over the top nibbles of the four 16-bit scale words. */
static inline void gk_neon_vecdot_iq1_m_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq1_m *x = vx;
    const gk_block_q8_K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const int8_t *q8 = y[b].qs;
        uint16_t sc[4];
        memcpy(sc, x[b].scales, 8);
        const uint16_t d16 = (uint16_t)((sc[0] >> 12) | ((sc[1] >> 8) & 0x00f0) | ((sc[2] >> 4) & 0x0f00) | (sc[3] & 0xf000));
        int32x4_t isum = vdupq_n_s32(0), dsum = vdupq_n_s32(0);
        for (int ib = 0; ib < 8; ib++, q8 += 32) {
            const uint8_t *qs = x[b].qs + 4 * ib, *qh = x[b].qh + 2 * ib;
            uint64_t g[4];
            int8_t delta[4];
            for (int l = 0; l < 4; l++) {
                const int h = qh[l / 2] >> (4 * (l & 1)); /* bits 0-2: index bits 8-10; bit 3: shift sign */
                g[l] = gk_iq1s_grid[qs[l] | ((h & 7) << 8)];
                delta[l] = (h & 8) ? -1 : 1;
            }
            const int ls1 = 2 * ((sc[ib / 2] >> (6 * (ib & 1))) & 7) + 1;
            const int ls2 = 2 * ((sc[ib / 2] >> (6 * (ib & 1) + 3)) & 7) + 1;
            const int8x16_t a0 = vld1q_s8(q8), a1 = vld1q_s8(q8 + 16);
            const int8x16_t w0 = vreinterpretq_s8_u8(gk_neon_grid2(g[0], g[1]));
            const int8x16_t w1 = vreinterpretq_s8_u8(gk_neon_grid2(g[2], g[3]));
            const int8x16_t d0 = vcombine_s8(vdup_n_s8(delta[0]), vdup_n_s8(delta[1]));
            const int8x16_t d1 = vcombine_s8(vdup_n_s8(delta[2]), vdup_n_s8(delta[3]));
            isum = vmlaq_n_s32(isum, gk_neon_dot(vdupq_n_s32(0), w0, a0), ls1);
            isum = vmlaq_n_s32(isum, gk_neon_dot(vdupq_n_s32(0), w1, a1), ls2);
            dsum = vmlaq_n_s32(dsum, gk_neon_dot(vdupq_n_s32(0), d0, a0), ls1);
            dsum = vmlaq_n_s32(dsum, gk_neon_dot(vdupq_n_s32(0), d1, a1), ls2);
        }
        sum += GK_F16(d16) * y[b].d * ((float)vaddvq_s32(isum) + GK_IQ1M_DELTA * (float)vaddvq_s32(dsum));
    }
    *s = sum;
}
#endif
