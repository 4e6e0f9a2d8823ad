/* AVX2 dequantizers of the IQ types (IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ4_NL, IQ4_XS).
 *
 * The grid types decode 8 weights at a time in a 64-bit register (grid bytes, signs applied as integers),
 * then widen, convert and multiply by the sub-block scale in one vector step. The scales are computed in
 * scalar code with the reference's exact expression and operation order. */
#include "dequant_simd_avx2.h"

void gk_dequant_iq2_xxs_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_iq2_xxs *x = (const gk_block_iq2_xxs *)vx;
    const int64_t nb = n / GK_QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx2_half(x[i].d);
        const uint8_t *q = (const uint8_t *)x[i].qs;
        for (int ib32 = 0; ib32 < GK_QK_K / 32; ++ib32, q += 8, y += 32) {
            const uint32_t idx = gk_avx2_load_u32(q), sgn = gk_avx2_load_u32(q + 4);
            const __m256 db = _mm256_set1_ps(d * (0.5f + (float)(sgn >> 28)) * 0.25f);
#pragma GCC unroll 4
            for (int l = 0; l < 4; ++l) {
                const uint64_t g = gk_iq2xxs_grid[(idx >> 8 * l) & 0xff];
                gk_avx2_store8_scaled(y + 8 * l, gk_avx2_sign_bytes(g, gk_ksigns64[(sgn >> 7 * l) & 127]), db);
            }
        }
    }
}

void gk_dequant_iq2_xs_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_iq2_xs *x = (const gk_block_iq2_xs *)vx;
    const int64_t nb = n / GK_QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx2_half(x[i].d);
        for (int ib32 = 0; ib32 < GK_QK_K / 32; ++ib32, y += 32) {
            const uint8_t sc = x[i].scales[ib32];
            const __m256 db0 = _mm256_set1_ps(d * (0.5f + (float)(sc & 0xf)) * 0.25f);
            const __m256 db1 = _mm256_set1_ps(d * (0.5f + (float)(sc >> 4)) * 0.25f);
            const uint64_t qq = gk_avx2_load_u64(&x[i].qs[4 * ib32]);
#pragma GCC unroll 4
            for (int l = 0; l < 4; ++l) {
                const unsigned q = (unsigned)(qq >> 16 * l) & 0xffff;
                const uint64_t v = gk_avx2_sign_bytes(gk_iq2xs_grid[q & 511], gk_ksigns64[q >> 9]);
                gk_avx2_store8_scaled(y + 8 * l, v, l < 2 ? db0 : db1);
            }
        }
    }
}

void gk_dequant_iq2_s_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_iq2_s *x = (const gk_block_iq2_s *)vx;
    const int64_t nb = n / GK_QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx2_half(x[i].d);
        const uint8_t *qs = x[i].qs;
        const uint8_t *signs = qs + GK_QK_K / 8;
        for (int ib32 = 0; ib32 < GK_QK_K / 32; ++ib32, qs += 4, signs += 4, y += 32) {
            const uint8_t sc = x[i].scales[ib32];
            const __m256 db0 = _mm256_set1_ps(d * (0.5f + (float)(sc & 0xf)) * 0.25f);
            const __m256 db1 = _mm256_set1_ps(d * (0.5f + (float)(sc >> 4)) * 0.25f);
            const unsigned qh = x[i].qh[ib32];
#pragma GCC unroll 4
            for (int l = 0; l < 4; ++l) {
                const uint64_t g = gk_iq2s_grid[qs[l] | ((qh << (8 - 2 * l)) & 0x300)];
                gk_avx2_store8_scaled(y + 8 * l, gk_avx2_sign_bits(g, signs[l]), l < 2 ? db0 : db1);
            }
        }
    }
}

void gk_dequant_iq3_xxs_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_iq3_xxs *x = (const gk_block_iq3_xxs *)vx;
    const int64_t nb = n / GK_QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx2_half(x[i].d);
        const uint8_t *qs = x[i].qs;
        const uint8_t *scales_and_signs = qs + GK_QK_K / 4;
        for (int ib32 = 0; ib32 < GK_QK_K / 32; ++ib32, qs += 8, y += 32) {
            const uint32_t aux = gk_avx2_load_u32(scales_and_signs + 4 * ib32);
            const __m256 db = _mm256_set1_ps(d * (0.5f + (float)(aux >> 28)) * 0.5f);
#pragma GCC unroll 4
            for (int l = 0; l < 4; ++l) {
                const uint64_t g = gk_iq3xxs_grid[qs[2 * l]] | (uint64_t)gk_iq3xxs_grid[qs[2 * l + 1]] << 32;
                gk_avx2_store8_scaled(y + 8 * l, gk_avx2_sign_bytes(g, gk_ksigns64[(aux >> 7 * l) & 127]), db);
            }
        }
    }
}

void gk_dequant_iq3_s_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_iq3_s *x = (const gk_block_iq3_s *)vx;
    const int64_t nb = n / GK_QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx2_half(x[i].d);
        const uint8_t *qs = x[i].qs;
        const uint8_t *signs = x[i].signs;
        for (int ib32 = 0; ib32 < GK_QK_K / 32; ++ib32, qs += 8, signs += 4, y += 32) {
            const uint8_t sc = x[i].scales[ib32 / 2];
            const int ls = (ib32 & 1) ? (sc >> 4) : (sc & 0xf);
            const __m256 db = _mm256_set1_ps(d * (float)(1 + 2 * ls));
            const unsigned qh = x[i].qh[ib32];
#pragma GCC unroll 4
            for (int l = 0; l < 4; ++l) {
                const uint32_t g0 = gk_iq3s_grid[qs[2 * l + 0] | ((qh << (8 - 2 * l)) & 256)];
                const uint32_t g1 = gk_iq3s_grid[qs[2 * l + 1] | ((qh << (7 - 2 * l)) & 256)];
                const uint64_t g = g0 | (uint64_t)g1 << 32;
                gk_avx2_store8_scaled(y + 8 * l, gk_avx2_sign_bits(g, signs[l]), db);
            }
        }
    }
}

void gk_dequant_iq1_s_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_iq1_s *x = (const gk_block_iq1_s *)vx;
    const int64_t nb = n / GK_QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx2_half(x[i].d);
        const uint8_t *qs = x[i].qs;
        for (int ib = 0; ib < GK_QK_K / 32; ++ib, qs += 4, y += 32) {
            const unsigned qh = x[i].qh[ib];
            const __m256 dl = _mm256_set1_ps(d * (float)(2 * ((qh >> 12) & 7) + 1));
            const __m256 delta = _mm256_set1_ps(qh & 0x8000 ? -GK_IQ1S_DELTA : GK_IQ1S_DELTA);
#pragma GCC unroll 4
            for (int l = 0; l < 4; ++l) {
                const uint64_t g = gk_iq1s_grid[qs[l] | (((qh >> 3 * l) & 7) << 8)];
                gk_avx2_store8_shifted_scaled(y + 8 * l, g, delta, dl);
            }
        }
    }
}

void gk_dequant_iq1_m_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_iq1_m *x = (const gk_block_iq1_m *)vx;
    const int64_t nb = n / GK_QK_K;
    const __m256 pos = _mm256_set1_ps(GK_IQ1M_DELTA), neg = _mm256_set1_ps(-GK_IQ1M_DELTA);
    for (int64_t i = 0; i < nb; ++i) {
        uint16_t sc[4];
        memcpy(sc, x[i].scales, sizeof(sc));
        /* the super-block scale is an fp16 spread over the top nibbles of the four 16-bit scale words */
        const uint16_t dh = (uint16_t)((sc[0] >> 12) | ((sc[1] >> 8) & 0x00f0) | ((sc[2] >> 4) & 0x0f00) |
                                       (sc[3] & 0xf000));
        const float d = gk_avx2_half(dh);
        const uint8_t *qs = x[i].qs;
        const uint8_t *qh = x[i].qh;
        for (int ib = 0; ib < GK_QK_K / 32; ++ib, qs += 4, qh += 2, y += 32) {
            const unsigned s = sc[ib / 2] >> (6 * (ib % 2));
            const __m256 dl1 = _mm256_set1_ps(d * (float)(2 * (s & 7) + 1));
            const __m256 dl2 = _mm256_set1_ps(d * (float)(2 * ((s >> 3) & 7) + 1));
            const unsigned h0 = qh[0], h1 = qh[1];
            gk_avx2_store8_shifted_scaled(y + 0, gk_iq1s_grid[qs[0] | ((h0 << 8) & 0x700)], h0 & 0x08 ? neg : pos, dl1);
            gk_avx2_store8_shifted_scaled(y + 8, gk_iq1s_grid[qs[1] | ((h0 << 4) & 0x700)], h0 & 0x80 ? neg : pos, dl1);
            gk_avx2_store8_shifted_scaled(y + 16, gk_iq1s_grid[qs[2] | ((h1 << 8) & 0x700)], h1 & 0x08 ? neg : pos, dl2);
            gk_avx2_store8_shifted_scaled(y + 24, gk_iq1s_grid[qs[3] | ((h1 << 4) & 0x700)], h1 & 0x80 ? neg : pos, dl2);
        }
    }
}

void gk_dequant_iq4_nl_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_iq4_nl *x = (const gk_block_iq4_nl *)vx;
    const int64_t nb = n / 32;
    const __m128i lut = _mm_loadu_si128((const __m128i *)gk_kvalues_iq4nl);
    for (int64_t i = 0; i < nb; ++i, y += 32) {
        const __m256 d = _mm256_set1_ps(gk_avx2_half(x[i].d));
        __m128i lo, hi;
        gk_avx2_lut16_nibbles(_mm_loadu_si128((const __m128i *)x[i].qs), lut, &lo, &hi);
        gk_avx2_store16_i8_scaled(y + 0, lo, d);
        gk_avx2_store16_i8_scaled(y + 16, hi, d);
    }
}

void gk_dequant_iq4_xs_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_iq4_xs *x = (const gk_block_iq4_xs *)vx;
    const int64_t nb = n / GK_QK_K;
    const __m128i lut = _mm_loadu_si128((const __m128i *)gk_kvalues_iq4nl);
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx2_half(x[i].d);
        const unsigned sh = x[i].scales_h;
        const uint8_t *qs = x[i].qs;
        for (int ib = 0; ib < GK_QK_K / 32; ++ib, qs += 16, y += 32) {
            const int ls = ((x[i].scales_l[ib / 2] >> 4 * (ib % 2)) & 0xf) | (((sh >> 2 * ib) & 3) << 4);
            const __m256 dl = _mm256_set1_ps(d * (float)(ls - 32));
            __m128i lo, hi;
            gk_avx2_lut16_nibbles(_mm_loadu_si128((const __m128i *)qs), lut, &lo, &hi);
            gk_avx2_store16_i8_scaled(y + 0, lo, dl);
            gk_avx2_store16_i8_scaled(y + 16, hi, dl);
        }
    }
}
