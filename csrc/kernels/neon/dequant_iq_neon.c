/* NEON dequantizers of the IQ grid types (IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ1_M).
 * Grid entries and sign masks are assembled into 16-byte vectors with the vec_dot helpers
 * (gk_neon_grid2 / grid4, gk_ksigns64 masks, gk_neon_bitmask16 for plain sign bytes, applied to the
 * int8 magnitudes), then one float multiply by the sub-block scale. Bit-exact with the reference:
 * the scales use its expressions, db * g * (+-1) equals db * (+-g) exactly, and IQ1's
 * dl * (grid + delta) adds before it multiplies. */
#include "vecdot_iq_neon.h"
#include "dequant_neon.h"

void gk_dequant_iq2_xxs_neon(const void *vx, float *y, int64_t n) {
    const gk_block_iq2_xxs *x = (const gk_block_iq2_xxs *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        for (int ib = 0; ib < 8; ib++, y += 32) {
            uint32_t aux[2]; /* 4 grid indices; 4 x 7 sign bits + the 4-bit scale */
            memcpy(aux, x[i].qs + 4 * ib, 8);
            const uint8_t *idx = (const uint8_t *)aux;
            const float32x4_t db = vdupq_n_f32(d * (0.5f + (aux[1] >> 28)) * 0.25f);
            uint8x16_t m0, m1;
            gk_neon_ksigns4(aux[1], &m0, &m1);
            gk_store16_mul(y, gk_neon_apply_sign(gk_neon_grid2(gk_iq2xxs_grid[idx[0]], gk_iq2xxs_grid[idx[1]]), m0), db);
            gk_store16_mul(y + 16, gk_neon_apply_sign(gk_neon_grid2(gk_iq2xxs_grid[idx[2]], gk_iq2xxs_grid[idx[3]]), m1), db);
        }
    }
}

void gk_dequant_iq2_xs_neon(const void *vx, float *y, int64_t n) {
    const gk_block_iq2_xs *x = (const gk_block_iq2_xs *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        for (int ib = 0; ib < 8; ib++, y += 32) {
            const uint16_t *q2 = x[i].qs + 4 * ib; /* 9-bit grid index, 7-bit sign index */
            const float32x4_t db0 = vdupq_n_f32(d * (0.5f + (x[i].scales[ib] & 0xf)) * 0.25f);
            const float32x4_t db1 = vdupq_n_f32(d * (0.5f + (x[i].scales[ib] >> 4)) * 0.25f);
            gk_store16_mul(y, gk_neon_apply_sign(gk_neon_grid2(gk_iq2xs_grid[q2[0] & 511], gk_iq2xs_grid[q2[1] & 511]),
                                                 gk_neon_grid2(gk_ksigns64[q2[0] >> 9], gk_ksigns64[q2[1] >> 9])), db0);
            gk_store16_mul(y + 16, gk_neon_apply_sign(gk_neon_grid2(gk_iq2xs_grid[q2[2] & 511], gk_iq2xs_grid[q2[3] & 511]),
                                                      gk_neon_grid2(gk_ksigns64[q2[2] >> 9], gk_ksigns64[q2[3] >> 9])), db1);
        }
    }
}

void gk_dequant_iq2_s_neon(const void *vx, float *y, int64_t n) {
    const gk_block_iq2_s *x = (const gk_block_iq2_s *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        for (int ib = 0; ib < 8; ib++, y += 32) {
            const uint8_t *qs = x[i].qs + 4 * ib, *sg = x[i].qs + GK_QK_K / 8 + 4 * ib;
            const int qh = x[i].qh[ib]; /* bits 2l, 2l + 1: bits 8, 9 of grid index l */
            uint64_t g[4];
            for (int l = 0; l < 4; l++) g[l] = gk_iq2s_grid[qs[l] | ((qh << (8 - 2 * l)) & 0x300)];
            const float32x4_t db0 = vdupq_n_f32(d * (0.5f + (x[i].scales[ib] & 0xf)) * 0.25f);
            const float32x4_t db1 = vdupq_n_f32(d * (0.5f + (x[i].scales[ib] >> 4)) * 0.25f);
            gk_store16_mul(y, gk_neon_apply_sign(gk_neon_grid2(g[0], g[1]), gk_neon_bitmask16(sg[0] | (uint32_t)sg[1] << 8)), db0);
            gk_store16_mul(y + 16, gk_neon_apply_sign(gk_neon_grid2(g[2], g[3]), gk_neon_bitmask16(sg[2] | (uint32_t)sg[3] << 8)), db1);
        }
    }
}

void gk_dequant_iq3_xxs_neon(const void *vx, float *y, int64_t n) {
    const gk_block_iq3_xxs *x = (const gk_block_iq3_xxs *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        const uint8_t *q3 = x[i].qs, *gas = x[i].qs + GK_QK_K / 4;
        for (int ib = 0; ib < 8; ib++, q3 += 8, y += 32) {
            uint32_t aux; /* 4 x 7 sign bits + the 4-bit scale */
            memcpy(&aux, gas + 4 * ib, 4);
            const float32x4_t db = vdupq_n_f32(d * (0.5f + (aux >> 28)) * 0.5f);
            uint8x16_t m0, m1;
            gk_neon_ksigns4(aux, &m0, &m1);
            gk_store16_mul(y, gk_neon_apply_sign(gk_neon_grid4(gk_iq3xxs_grid[q3[0]], gk_iq3xxs_grid[q3[1]],
                                                               gk_iq3xxs_grid[q3[2]], gk_iq3xxs_grid[q3[3]]), m0), db);
            gk_store16_mul(y + 16, gk_neon_apply_sign(gk_neon_grid4(gk_iq3xxs_grid[q3[4]], gk_iq3xxs_grid[q3[5]],
                                                                    gk_iq3xxs_grid[q3[6]], gk_iq3xxs_grid[q3[7]]), m1), db);
        }
    }
}

void gk_dequant_iq3_s_neon(const void *vx, float *y, int64_t n) {
    const gk_block_iq3_s *x = (const gk_block_iq3_s *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        for (int ib = 0; ib < 8; ib++, y += 32) {
            const uint8_t *qs = x[i].qs + 8 * ib, *sg = x[i].signs + 4 * ib;
            const int qh = x[i].qh[ib]; /* bit k: bit 8 of grid index k */
            uint32_t g[8];
            for (int k = 0; k < 8; k++) g[k] = gk_iq3s_grid[qs[k] | ((qh << (8 - k)) & 256)];
            /* sub-blocks pair up on one scale byte: low nibble for even ib, high for odd */
            const int s = (x[i].scales[ib / 2] >> (4 * (ib & 1))) & 0xf;
            const float32x4_t db = vdupq_n_f32(d * (1 + 2 * s));
            gk_store16_mul(y, gk_neon_apply_sign(gk_neon_grid4(g[0], g[1], g[2], g[3]), gk_neon_bitmask16(sg[0] | (uint32_t)sg[1] << 8)), db);
            gk_store16_mul(y + 16, gk_neon_apply_sign(gk_neon_grid4(g[4], g[5], g[6], g[7]), gk_neon_bitmask16(sg[2] | (uint32_t)sg[3] << 8)), db);
        }
    }
}

/* IQ1_S: grid bytes -1/0/1; per 32 weights a 3-bit odd scale and the sign of a 1/8 shift */
void gk_dequant_iq1_s_neon(const void *vx, float *y, int64_t n) {
    const gk_block_iq1_s *x = (const gk_block_iq1_s *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        for (int ib = 0; ib < 8; ib++) {
            const uint16_t qh = x[i].qh[ib];
            const uint8_t *qs = x[i].qs + 4 * ib;
            const float32x4_t dl = vdupq_n_f32(d * (2 * ((qh >> 12) & 7) + 1));
            const float32x4_t delta = vdupq_n_f32(qh & 0x8000 ? -GK_IQ1S_DELTA : GK_IQ1S_DELTA);
            for (int l = 0; l < 4; l++, y += 8)
                gk_store8_add_mul(y, vcreate_s8(gk_iq1s_grid[qs[l] | (((qh >> (3 * l)) & 7) << 8)]), delta, dl);
        }
    }
}

/* IQ1_M: a 3-bit scale per 16 weights, a shift sign per 8 (qh bit 3 / 7); the fp16 block scale is
 * spread over the top nibbles of the four 16-bit scale words */
void gk_dequant_iq1_m_neon(const void *vx, float *y, int64_t n) {
    const gk_block_iq1_m *x = (const gk_block_iq1_m *)vx;
    const float32x4_t plus = vdupq_n_f32(GK_IQ1M_DELTA), minus = vdupq_n_f32(-GK_IQ1M_DELTA);
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        uint16_t sc[4];
        memcpy(sc, x[i].scales, 8);
        const uint16_t dbits = (uint16_t)((sc[0] >> 12) | ((sc[1] >> 8) & 0x00f0) | ((sc[2] >> 4) & 0x0f00) | (sc[3] & 0xf000));
        const float d = gk_fp16_to_fp32(dbits);
        for (int ib = 0; ib < 8; ib++) {
            const uint8_t *qs = x[i].qs + 4 * ib, *qh = x[i].qh + 2 * ib;
            const float32x4_t dl1 = vdupq_n_f32(d * (2 * ((sc[ib / 2] >> (6 * (ib % 2) + 0)) & 0x7) + 1));
            const float32x4_t dl2 = vdupq_n_f32(d * (2 * ((sc[ib / 2] >> (6 * (ib % 2) + 3)) & 0x7) + 1));
            for (int l = 0; l < 4; l++, y += 8) {
                const int h = qh[l / 2] >> (4 * (l & 1)); /* bits 0-2: index bits 8-10; bit 3: shift sign */
                gk_store8_add_mul(y, vcreate_s8(gk_iq1s_grid[qs[l] | ((h & 7) << 8)]), (h & 8) ? minus : plus,
                                  l < 2 ? dl1 : dl2);
            }
        }
    }
}
