/* Body of the NEON vec_dot of repacked IQ1 weights (gk_block_iq1_rp, made from IQ1_S and IQ1_M by
 * ggufkit.repack) with Q8_K activations (static inline; compiled once per aarch64 tier by
 * vecdot_rp_iq1_neon.c and ../neon_dotprod/vecdot_rp_iq1_neon_dotprod.c).
 *
 * Per weight, with u = g + 1 (a plain 2-bit code) and delta = +-1/8: 8 * (g + delta) = 8u - 9 + 2b, b = 1
 * where the delta bit is clear, a signed byte in -9..9, so the dot of a 16-weight group is one signed int8
 * dot (no activation sums needed). The offsets -9 + 2b of a group's two 8-weight halves come from a
 * 4-entry table of vectors (two delta bits); the group's scale multiplies its int32 lanes. */
#ifndef GK_VECDOT_RP_IQ1_NEON_H
#define GK_VECDOT_RP_IQ1_NEON_H
#include <string.h>
#include "blocks.h"
#include "../ref/vecdot_helpers.h"
#include "vecdot_neon.h"

/* -9 + 2b for bytes 0-7 (bit 0 of the index: delta bit of the first half) and 8-15 (bit 1) */
static const int8_t gk_rp_iq1_offsets[4][16] = {
    {-7, -7, -7, -7, -7, -7, -7, -7, -7, -7, -7, -7, -7, -7, -7, -7},
    {-9, -9, -9, -9, -9, -9, -9, -9, -7, -7, -7, -7, -7, -7, -7, -7},
    {-7, -7, -7, -7, -7, -7, -7, -7, -9, -9, -9, -9, -9, -9, -9, -9},
    {-9, -9, -9, -9, -9, -9, -9, -9, -9, -9, -9, -9, -9, -9, -9, -9},
};

static inline void gk_neon_vecdot_rp_iq1_q8_K(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq1_rp *x = vx;
    const gk_block_q8_K *y = vy;
    const uint8x16_t m18 = vdupq_n_u8(0x18);
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const int8_t *q8 = y[b].qs;
        uint32_t dbits;
        memcpy(&dbits, x[b].delta, 4);
        uint64_t sc64;
        memcpy(&sc64, x[b].scales, 8);
        int32x4_t acc = vdupq_n_s32(0);
        /* q2 bytes 16j..16j+15, field c: the 16 weights 64c + 16j.. of group h = 4c + j */
        for (int j = 0; j < 4; j++) {
            const uint8x16_t q2 = vld1q_u8(x[b].q2 + 16 * j);
            const uint8x16_t u8x[4] = {vandq_u8(vshlq_n_u8(q2, 3), m18), vandq_u8(vshlq_n_u8(q2, 1), m18),
                                       vandq_u8(vshrq_n_u8(q2, 1), m18), vshlq_n_u8(vshrq_n_u8(q2, 6), 3)};
            for (int c = 0; c < 4; c++) {
                const int h = 4 * c + j;
                const int8x16_t w = vaddq_s8(vreinterpretq_s8_u8(u8x[c]), vld1q_s8(gk_rp_iq1_offsets[(dbits >> (2 * h)) & 3]));
                const int32_t ls = 2 * (int32_t)((sc64 >> (16 * (h / 4) + 3 * (h % 4))) & 7) + 1;
                acc = vmlaq_n_s32(acc, gk_neon_dot(vdupq_n_s32(0), w, vld1q_s8(q8 + 16 * h)), ls);
            }
        }
        const uint16_t dh = (uint16_t)(((sc64 >> 12) & 0xF) | ((sc64 >> 24) & 0xF0) | ((sc64 >> 36) & 0xF00) | ((sc64 >> 48) & 0xF000));
        sum += (float)vaddvq_s32(acc) * (GK_F16(dh) * y[b].d);
    }
    *s = 0.125f * sum;
}
#endif
