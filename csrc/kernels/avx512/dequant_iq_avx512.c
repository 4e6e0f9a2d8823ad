/* AVX-512 dequantizers of the IQ types (IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ4_NL, IQ4_XS).
 *
 * The grid types decode 16 weights per step: two 8-byte grid rows (or four 4-byte ones) are fetched with scalar
 * loads into one register, widened to 16 int32, negated under a 16-bit k-mask of sign bits, converted and
 * multiplied by the sub-block scale. Scales are computed in scalar code with the reference's exact expression
 * and operation order. */
#include "dequant_simd_avx512.h"

void gk_dequant_iq2_xxs_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq2_xxs *x = (const gk_block_iq2_xxs *)vx;
    const int64_t nb = n / GK_QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx512_half(x[i].d);
        const uint8_t *q = (const uint8_t *)x[i].qs;
        /* per 32 weights: 4 grid index bytes, then a 32-bit word of 4 x 7 sign bits and a 4-bit scale */
        for (int ib32 = 0; ib32 < GK_QK_K / 32; ++ib32, q += 8, y += 32) {
            const uint32_t sgn = gk_avx512_load_u32(q + 4);
            const __m512 db = _mm512_set1_ps(d * (0.5f + (float)(sgn >> 28)) * 0.25f);
            gk_avx512_store16_i8_signed_scaled(y, gk_avx512_pair_u64(gk_iq2xxs_grid[q[0]], gk_iq2xxs_grid[q[1]]),
                                               gk_avx512_ksigns16(sgn, sgn >> 7), db);
            gk_avx512_store16_i8_signed_scaled(y + 16, gk_avx512_pair_u64(gk_iq2xxs_grid[q[2]], gk_iq2xxs_grid[q[3]]),
                                               gk_avx512_ksigns16(sgn >> 14, sgn >> 21), db);
        }
    }
}

void gk_dequant_iq2_xs_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq2_xs *x = (const gk_block_iq2_xs *)vx;
    const int64_t nb = n / GK_QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx512_half(x[i].d);
        const uint16_t *qs = x[i].qs;
        /* per 8 weights: a 16-bit word of a 9-bit grid index and a 7-bit sign index; a scale per 16 */
        for (int ib16 = 0; ib16 < GK_QK_K / 16; ++ib16, qs += 2, y += 16) {
            const uint8_t sc = x[i].scales[ib16 / 2];
            const __m512 db = _mm512_set1_ps(d * (0.5f + (float)((ib16 & 1) ? sc >> 4 : sc & 0xf)) * 0.25f);
            const unsigned w0 = qs[0], w1 = qs[1];
            gk_avx512_store16_i8_signed_scaled(y, gk_avx512_pair_u64(gk_iq2xs_grid[w0 & 511], gk_iq2xs_grid[w1 & 511]),
                                               gk_avx512_ksigns16(w0 >> 9, w1 >> 9), db);
        }
    }
}

void gk_dequant_iq2_s_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq2_s *x = (const gk_block_iq2_s *)vx;
    const int64_t nb = n / GK_QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx512_half(x[i].d);
        const uint8_t *qs = x[i].qs;
        const uint8_t *signs = qs + GK_QK_K / 8; /* one bit per weight */
        for (int ib32 = 0; ib32 < GK_QK_K / 32; ++ib32, qs += 4, signs += 4, y += 32) {
            const uint8_t sc = x[i].scales[ib32];
            const __m512 db0 = _mm512_set1_ps(d * (0.5f + (float)(sc & 0xf)) * 0.25f);
            const __m512 db1 = _mm512_set1_ps(d * (0.5f + (float)(sc >> 4)) * 0.25f);
            /* grid index of group l: qs byte | bits 2l, 2l+1 of qh as bits 8, 9 */
            const unsigned qh = x[i].qh[ib32];
            const __m128i g01 = gk_avx512_pair_u64(gk_iq2s_grid[qs[0] | ((qh << 8) & 0x300)],
                                                   gk_iq2s_grid[qs[1] | ((qh << 6) & 0x300)]);
            const __m128i g23 = gk_avx512_pair_u64(gk_iq2s_grid[qs[2] | ((qh << 4) & 0x300)],
                                                   gk_iq2s_grid[qs[3] | ((qh << 2) & 0x300)]);
            gk_avx512_store16_i8_signed_scaled(y, g01, gk_avx512_load_u16(signs), db0);
            gk_avx512_store16_i8_signed_scaled(y + 16, g23, gk_avx512_load_u16(signs + 2), db1);
        }
    }
}

/* Four 4-byte IQ3 grid rows in one register. */
static inline __m128i gk_iq3_rows(const uint32_t *grid, unsigned a, unsigned b, unsigned c, unsigned e) {
    return gk_avx512_pair_u64(grid[a] | (uint64_t)grid[b] << 32, grid[c] | (uint64_t)grid[e] << 32);
}

void gk_dequant_iq3_xxs_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq3_xxs *x = (const gk_block_iq3_xxs *)vx;
    const int64_t nb = n / GK_QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx512_half(x[i].d);
        const uint8_t *qs = x[i].qs;
        const uint8_t *scales_and_signs = qs + GK_QK_K / 4;
        for (int ib32 = 0; ib32 < GK_QK_K / 32; ++ib32, qs += 8, y += 32) {
            const uint32_t aux = gk_avx512_load_u32(scales_and_signs + 4 * ib32);
            const __m512 db = _mm512_set1_ps(d * (0.5f + (float)(aux >> 28)) * 0.5f);
            gk_avx512_store16_i8_signed_scaled(y, gk_iq3_rows(gk_iq3xxs_grid, qs[0], qs[1], qs[2], qs[3]),
                                               gk_avx512_ksigns16(aux, aux >> 7), db);
            gk_avx512_store16_i8_signed_scaled(y + 16, gk_iq3_rows(gk_iq3xxs_grid, qs[4], qs[5], qs[6], qs[7]),
                                               gk_avx512_ksigns16(aux >> 14, aux >> 21), db);
        }
    }
}

void gk_dequant_iq3_s_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq3_s *x = (const gk_block_iq3_s *)vx;
    const int64_t nb = n / GK_QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx512_half(x[i].d);
        const uint8_t *qs = x[i].qs;
        const uint8_t *signs = x[i].signs; /* one bit per weight */
        for (int ib32 = 0; ib32 < GK_QK_K / 32; ++ib32, qs += 8, signs += 4, y += 32) {
            const uint8_t sc = x[i].scales[ib32 / 2];
            const __m512 db = _mm512_set1_ps(d * (float)(1 + 2 * ((ib32 & 1) ? sc >> 4 : sc & 0xf)));
            /* grid index j of the 32 weights takes its 9th bit from bit j of qh */
            const unsigned h = (unsigned)x[i].qh[ib32] << 8;
            const __m128i g0 = gk_iq3_rows(gk_iq3s_grid, qs[0] | (h & 256), qs[1] | ((h >> 1) & 256),
                                           qs[2] | ((h >> 2) & 256), qs[3] | ((h >> 3) & 256));
            const __m128i g1 = gk_iq3_rows(gk_iq3s_grid, qs[4] | ((h >> 4) & 256), qs[5] | ((h >> 5) & 256),
                                           qs[6] | ((h >> 6) & 256), qs[7] | ((h >> 7) & 256));
            gk_avx512_store16_i8_signed_scaled(y, g0, gk_avx512_load_u16(signs), db);
            gk_avx512_store16_i8_signed_scaled(y + 16, g1, gk_avx512_load_u16(signs + 2), db);
        }
    }
}

void gk_dequant_iq1_s_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq1_s *x = (const gk_block_iq1_s *)vx;
    const int64_t nb = n / GK_QK_K;
    const __m512 pos = _mm512_set1_ps(GK_IQ1S_DELTA), neg = _mm512_set1_ps(-GK_IQ1S_DELTA);
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx512_half(x[i].d);
        const uint8_t *qs = x[i].qs;
        for (int ib = 0; ib < GK_QK_K / 32; ++ib, qs += 4, y += 32) {
            const unsigned qh = x[i].qh[ib];
            const __m512 dl = _mm512_set1_ps(d * (float)(2 * ((qh >> 12) & 7) + 1));
            const __m512 delta = qh & 0x8000 ? neg : pos;
            /* grid index of group l: qs byte | bits 3l..3l+2 of qh as bits 8..10 */
            const __m128i g01 = gk_avx512_pair_u64(gk_iq1s_grid[qs[0] | ((qh << 8) & 0x700)],
                                                   gk_iq1s_grid[qs[1] | ((qh << 5) & 0x700)]);
            const __m128i g23 = gk_avx512_pair_u64(gk_iq1s_grid[qs[2] | ((qh << 2) & 0x700)],
                                                   gk_iq1s_grid[qs[3] | ((qh >> 1) & 0x700)]);
            gk_avx512_store16_i8_shifted_scaled(y, g01, delta, dl);
            gk_avx512_store16_i8_shifted_scaled(y + 16, g23, delta, dl);
        }
    }
}

/* IQ1_M delta of the 16 weights of grid entries 2k and 2k+1 of a 32: bit 3 of each qh nibble picks -1/8. */
static inline __m512 gk_iq1m_delta16(unsigned qh, __m512 pos, __m512 neg) {
    return _mm512_mask_blend_ps(_cvtu32_mask16(((qh & 0x08) ? 0x00ffu : 0u) | ((qh & 0x80) ? 0xff00u : 0u)), pos, neg);
}

void gk_dequant_iq1_m_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq1_m *x = (const gk_block_iq1_m *)vx;
    const int64_t nb = n / GK_QK_K;
    const __m512 pos = _mm512_set1_ps(GK_IQ1M_DELTA), neg = _mm512_set1_ps(-GK_IQ1M_DELTA);
    for (int64_t i = 0; i < nb; ++i) {
        uint16_t sc[4];
        memcpy(sc, x[i].scales, sizeof(sc));
        /* the super-block scale is an fp16 spread over the top nibbles of the four 16-bit scale words */
        const uint16_t dh = (uint16_t)((sc[0] >> 12) | ((sc[1] >> 8) & 0x00f0) | ((sc[2] >> 4) & 0x0f00) |
                                       (sc[3] & 0xf000));
        const float d = gk_avx512_half(dh);
        const uint8_t *qs = x[i].qs;
        const uint8_t *qh = x[i].qh;
        for (int ib = 0; ib < GK_QK_K / 32; ++ib, qs += 4, qh += 2, y += 32) {
            const unsigned s = sc[ib / 2] >> (6 * (ib % 2));
            const __m512 dl1 = _mm512_set1_ps(d * (float)(2 * (s & 7) + 1));
            const __m512 dl2 = _mm512_set1_ps(d * (float)(2 * ((s >> 3) & 7) + 1));
            const unsigned h0 = qh[0], h1 = qh[1];
            /* grid index: qs byte | the low 3 bits of a qh nibble as bits 8..10 */
            const __m128i g01 = gk_avx512_pair_u64(gk_iq1s_grid[qs[0] | ((h0 << 8) & 0x700)],
                                                   gk_iq1s_grid[qs[1] | ((h0 << 4) & 0x700)]);
            const __m128i g23 = gk_avx512_pair_u64(gk_iq1s_grid[qs[2] | ((h1 << 8) & 0x700)],
                                                   gk_iq1s_grid[qs[3] | ((h1 << 4) & 0x700)]);
            gk_avx512_store16_i8_shifted_scaled(y, g01, gk_iq1m_delta16(h0, pos, neg), dl1);
            gk_avx512_store16_i8_shifted_scaled(y + 16, g23, gk_iq1m_delta16(h1, pos, neg), dl2);
        }
    }
}

/* 16 bytes of 4-bit codes -> the 16 table values of the low nibbles (lo) and of the high nibbles (hi). */
static inline void gk_avx512_lut16_nibbles(__m128i q, __m128i lut, __m128i *lo, __m128i *hi) {
    const __m128i m4 = _mm_set1_epi8(0x0f);
    *lo = _mm_shuffle_epi8(lut, _mm_and_si128(q, m4));
    *hi = _mm_shuffle_epi8(lut, _mm_and_si128(_mm_srli_epi16(q, 4), m4));
}

void gk_dequant_iq4_nl_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq4_nl *x = (const gk_block_iq4_nl *)vx;
    const int64_t nb = n / 32;
    const __m128i lut = _mm_loadu_si128((const __m128i *)gk_kvalues_iq4nl);
    for (int64_t i = 0; i < nb; ++i, y += 32) {
        const __m512 d = _mm512_set1_ps(gk_avx512_half(x[i].d));
        __m128i lo, hi;
        gk_avx512_lut16_nibbles(_mm_loadu_si128((const __m128i *)x[i].qs), lut, &lo, &hi);
        gk_avx512_store16_i8_scaled(y + 0, lo, d);
        gk_avx512_store16_i8_scaled(y + 16, hi, d);
    }
}

void gk_dequant_iq4_xs_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq4_xs *x = (const gk_block_iq4_xs *)vx;
    const int64_t nb = n / GK_QK_K;
    const __m128i lut = _mm_loadu_si128((const __m128i *)gk_kvalues_iq4nl);
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx512_half(x[i].d);
        const unsigned sh = x[i].scales_h;
        const uint8_t *qs = x[i].qs;
        for (int ib = 0; ib < GK_QK_K / 32; ++ib, qs += 16, y += 32) {
            const int ls = ((x[i].scales_l[ib / 2] >> 4 * (ib % 2)) & 0xf) | (((sh >> 2 * ib) & 3) << 4);
            const __m512 dl = _mm512_set1_ps(d * (float)(ls - 32));
            __m128i lo, hi;
            gk_avx512_lut16_nibbles(_mm_loadu_si128((const __m128i *)qs), lut, &lo, &hi);
            gk_avx512_store16_i8_scaled(y + 0, lo, dl);
            gk_avx512_store16_i8_scaled(y + 16, hi, dl);
        }
    }
}
