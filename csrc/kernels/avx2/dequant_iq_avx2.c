/* AVX2 dequantizers of the IQ types (IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ4_NL, IQ4_XS).
 *
 * The grid types decode 8 weights at a time in a 64-bit register (grid bytes, signs applied as integers),
 * then widen, convert and multiply by the sub-block scale in one vector step. The scales are computed with the
 * reference's exact expression and operation order. Where the grid indices take several bit operations to
 * assemble (IQ1_M, IQ2_S, IQ3_S), vector code first unpacks a whole block's indices into a stack array. */
#include "dequant_simd_avx2.h"

/* Byte masks of the 8 sign bits of a byte: byte j is 0xff when bit j is set (for the plain sign bytes of IQ2_S
 * and IQ3_S). */
#define GK_SB(b) ((((b) & 1) ? 0xffull : 0) | (((b) & 2) ? 0xff00ull : 0) | (((b) & 4) ? 0xff0000ull : 0) | \
                  (((b) & 8) ? 0xff000000ull : 0) | (((b) & 16) ? 0xff00000000ull : 0) | \
                  (((b) & 32) ? 0xff0000000000ull : 0) | (((b) & 64) ? 0xff000000000000ull : 0) | \
                  (((b) & 128) ? 0xff00000000000000ull : 0))
#define GK_SB4(b) GK_SB(b), GK_SB((b) + 1), GK_SB((b) + 2), GK_SB((b) + 3)
#define GK_SB16(b) GK_SB4(b), GK_SB4((b) + 4), GK_SB4((b) + 8), GK_SB4((b) + 12)
#define GK_SB64(b) GK_SB16(b), GK_SB16((b) + 16), GK_SB16((b) + 32), GK_SB16((b) + 48)
static const uint64_t gk_sign_bytes256[256] = {GK_SB64(0), GK_SB64(64), GK_SB64(128), GK_SB64(192)};
#undef GK_SB64
#undef GK_SB16
#undef GK_SB4
#undef GK_SB


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
    const __m256i shift = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
    uint32_t idx[32];
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx2_half(x[i].d);
        /* grid index e = qs[e] | bits 2e, 2e+1 of the 64-bit qh as bits 8, 9 (8 indices per step) */
        for (int h = 0; h < 4; ++h) {
            const __m256i lo = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(x[i].qs + 8 * h)));
            const __m256i qh = _mm256_set1_epi32(gk_avx2_load_u16(x[i].qh + 2 * h));
            const __m256i hi = _mm256_and_si256(_mm256_srlv_epi32(qh, shift), _mm256_set1_epi32(3));
            _mm256_storeu_si256((__m256i *)(idx + 8 * h), _mm256_or_si256(lo, _mm256_slli_epi32(hi, 8)));
        }
        GK_AVX2_SPILL();
        const uint8_t *signs = x[i].qs + GK_QK_K / 8;
        for (int ib32 = 0; ib32 < GK_QK_K / 32; ++ib32, signs += 4, y += 32) {
            const uint8_t sc = x[i].scales[ib32];
            const __m256 db0 = _mm256_set1_ps(d * (0.5f + (float)(sc & 0xf)) * 0.25f);
            const __m256 db1 = _mm256_set1_ps(d * (0.5f + (float)(sc >> 4)) * 0.25f);
#pragma GCC unroll 4
            for (int l = 0; l < 4; ++l) {
                const uint64_t g = gk_iq2s_grid[idx[4 * ib32 + l]];
                gk_avx2_store8_scaled(y + 8 * l, gk_avx2_sign_bytes(g, gk_sign_bytes256[signs[l]]), l < 2 ? db0 : db1);
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
    const __m256i bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    uint32_t idx[64];
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx2_half(x[i].d);
        /* grid index e = qs[e] | bit e of the 64-bit qh as bit 8 (8 indices per qh byte) */
        for (int h = 0; h < 8; ++h) {
            const __m256i lo = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(x[i].qs + 8 * h)));
            const __m256i set = _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32(x[i].qh[h]), bit), bit);
            _mm256_storeu_si256((__m256i *)(idx + 8 * h), _mm256_or_si256(lo, _mm256_and_si256(set, _mm256_set1_epi32(256))));
        }
        GK_AVX2_SPILL();
        const uint8_t *signs = x[i].signs;
        for (int ib32 = 0; ib32 < GK_QK_K / 32; ++ib32, signs += 4, y += 32) {
            const uint8_t sc = x[i].scales[ib32 / 2];
            const int ls = (ib32 & 1) ? (sc >> 4) : (sc & 0xf);
            const __m256 db = _mm256_set1_ps(d * (float)(1 + 2 * ls));
            const uint32_t *e = idx + 8 * ib32;
#pragma GCC unroll 4
            for (int l = 0; l < 4; ++l) {
                const uint64_t g = gk_iq3s_grid[e[2 * l]] | (uint64_t)gk_iq3s_grid[e[2 * l + 1]] << 32;
                gk_avx2_store8_scaled(y + 8 * l, gk_avx2_sign_bytes(g, gk_sign_bytes256[signs[l]]), db);
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
    const __m256i nib_shift = _mm256_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28);
    uint32_t idx[32];
    float delta[32], dl[16];
    for (int64_t i = 0; i < nb; ++i) {
        uint16_t sc[4];
        memcpy(sc, x[i].scales, sizeof(sc));
        /* the super-block scale is an fp16 spread over the top nibbles of the four 16-bit scale words */
        const uint16_t dh = (uint16_t)((sc[0] >> 12) | ((sc[1] >> 8) & 0x00f0) | ((sc[2] >> 4) & 0x0f00) |
                                       (sc[3] & 0xf000));
        const float d = gk_avx2_half(dh);
        /* entry e: grid index qs[e] | (nibble e of qh & 7) << 8; bit 3 of the nibble: delta -1/8 */
        for (int h = 0; h < 4; ++h) {
            const __m256i lo = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(x[i].qs + 8 * h)));
            const __m256i nib = _mm256_srlv_epi32(_mm256_set1_epi32((int)gk_avx2_load_u32(x[i].qh + 4 * h)), nib_shift);
            _mm256_storeu_si256((__m256i *)(idx + 8 * h),
                                _mm256_or_si256(lo, _mm256_slli_epi32(_mm256_and_si256(nib, _mm256_set1_epi32(7)), 8)));
            _mm256_storeu_ps(delta + 8 * h, _mm256_blendv_ps(_mm256_set1_ps(GK_IQ1M_DELTA), _mm256_set1_ps(-GK_IQ1M_DELTA),
                                                             _mm256_castsi256_ps(_mm256_slli_epi32(nib, 28))));
        }
        /* scale of 16 weights g: d * (2 * (3-bit field g % 4 of scale word g / 4) + 1) */
        const __m256i w = _mm256_castsi128_si256(_mm_cvtepu16_epi32(_mm_loadl_epi64((const __m128i *)sc)));
        const __m256i fshift = _mm256_setr_epi32(0, 3, 6, 9, 0, 3, 6, 9);
        for (int h = 0; h < 2; ++h) {
            const __m256i wh = _mm256_permutevar8x32_epi32(w, _mm256_setr_epi32(2 * h, 2 * h, 2 * h, 2 * h,
                                                                                2 * h + 1, 2 * h + 1, 2 * h + 1, 2 * h + 1));
            const __m256i f = _mm256_and_si256(_mm256_srlv_epi32(wh, fshift), _mm256_set1_epi32(7));
            const __m256i odd = _mm256_add_epi32(_mm256_add_epi32(f, f), _mm256_set1_epi32(1));
            _mm256_storeu_ps(dl + 8 * h, _mm256_mul_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(odd)));
        }
        GK_AVX2_SPILL();
#pragma GCC unroll 4
        for (int e = 0; e < 32; ++e, y += 8)
            gk_avx2_store8_shifted_scaled(y, gk_iq1s_grid[idx[e]], _mm256_set1_ps(delta[e]), _mm256_set1_ps(dl[e / 2]));
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
