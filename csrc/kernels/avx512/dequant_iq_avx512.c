/* AVX-512 dequantizers of the IQ types (IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ4_NL, IQ4_XS).
 *
 * The grid types fetch each 8-byte (or 4-byte) grid row with a scalar load straight into a vector register (two or
 * four rows per 16 weights); gathers would do it in one instruction but are slower on the AMD cores this was tuned
 * on. Where the row indices, sign bits and scales take more than a byte load to decode (IQ2_XS, IQ2_S, IQ3_XXS,
 * IQ3_S, IQ1_M), vector code first unpacks a whole block into small arrays on the stack (the scales with the
 * reference's exact float expression, lane by lane); IQ1_S and IQ2_XXS measured faster with scalar arithmetic.
 * Then 16 weights at a time are widened to int32, negated under a 16-bit k-mask, converted and multiplied by
 * their scale; IQ1 (values -1, 0, 1 plus a delta) and IQ4 (16 values) instead look each output up (vpermps) in a
 * table of the few products scale * value, computed once per scale. */
#include "dequant_simd_avx512.h"

/* The sign bytes (ksigns_iq2xs of the 7-bit fields at bits 0, 7, 14, 21) of the 32-bit words at dword lanes
 * `lanes` of w: 4 bytes per word, in order. */
static inline __m128i gk_iq_sign_fields16(__m512i w, __m512i lanes) {
    const __m512i shift = _mm512_setr_epi32(0, 7, 14, 21, 0, 7, 14, 21, 0, 7, 14, 21, 0, 7, 14, 21);
    const __m512i f = _mm512_and_si512(_mm512_srlv_epi32(_mm512_permutexvar_epi32(lanes, w), shift),
                                       _mm512_set1_epi32(127));
    return _mm512_cvtepi32_epi8(f);
}

/* 256 sign bits of 8 sign words (dword lanes 0..7 of w): the ksigns of each word's four 7-bit fields. */
static inline void gk_iq_sign_words(uint8_t *bits, __m512i w) {
    const __m512i l0 = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
    const __m512i l1 = _mm512_setr_epi32(4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7);
    const __m256i f = _mm256_inserti128_si256(_mm256_castsi128_si256(gk_iq_sign_fields16(w, l0)),
                                              gk_iq_sign_fields16(w, l1), 1);
    _mm256_storeu_si256((__m256i *)bits, gk_avx512_ksigns32(f));
}

void gk_dequant_iq2_xxs_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq2_xxs *x = (const gk_block_iq2_xxs *)vx;
    const int64_t nb = n / GK_QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx512_half(x[i].d);
        const uint8_t *q = (const uint8_t *)x[i].qs;
        /* per 32 weights: 4 grid index bytes, then a 32-bit word of 4 x 7 sign bits and a 4-bit scale (scalar
         * code measured faster here than the vector unpacking of the other grid types) */
        for (int ib32 = 0; ib32 < GK_QK_K / 32; ++ib32, q += 8, y += 32) {
            const uint32_t sgn = gk_avx512_load_u32(q + 4);
            const float db = d * (0.5f + (float)(sgn >> 28)) * 0.25f;
            for (int h = 0; h < 2; ++h) {
                const unsigned k = gk_ksigns_iq2xs[(sgn >> 14 * h) & 127] |
                                   (unsigned)gk_ksigns_iq2xs[(sgn >> (14 * h + 7)) & 127] << 8;
                gk_avx512_store16_i8_signed_scaled(y + 16 * h, gk_avx512_rows8x2(gk_iq2xxs_grid, q[2 * h], q[2 * h + 1]),
                                                   _cvtu32_mask16(k), db);
            }
        }
    }
}

void gk_dequant_iq2_xs_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq2_xs *x = (const gk_block_iq2_xs *)vx;
    const int64_t nb = n / GK_QK_K;
    uint16_t idx[32];
    uint8_t sbits[32];
    float db[16];
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx512_half(x[i].d);
        /* per 8 weights: a 16-bit word of a 9-bit grid index and a 7-bit sign index; a scale per 16 */
        const __m512i w = _mm512_loadu_si512(x[i].qs);
        _mm512_storeu_si512(idx, _mm512_and_si512(w, _mm512_set1_epi16(511)));
        _mm256_storeu_si256((__m256i *)sbits, gk_avx512_ksigns32(_mm512_cvtepi16_epi8(_mm512_srli_epi16(w, 9))));
        gk_avx512_iq2_scales16(db, x[i].scales, d);
        GK_AVX512_SPILL();
        for (int g = 0; g < 16; ++g, y += 16) {
            gk_avx512_store16_i8_signed_scaled(y, gk_avx512_rows8x2(gk_iq2xs_grid, idx[2 * g], idx[2 * g + 1]),
                                               gk_avx512_sign16(sbits, g), db[g]);
        }
    }
}

void gk_dequant_iq2_s_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq2_s *x = (const gk_block_iq2_s *)vx;
    const int64_t nb = n / GK_QK_K;
    /* grid index e = qs[e] | bits 2e, 2e+1 of the 64-bit qh as bits 8, 9: each 16-bit lane e of a 128-bit
     * lane L gets qh byte e / 4, shifted right by 2 (e % 4) */
    const __m512i qh_bytes = _mm512_setr_epi64(
        0x8000800080008000ll, 0x8001800180018001ll, 0x8002800280028002ll, 0x8003800380038003ll,
        0x8004800480048004ll, 0x8005800580058005ll, 0x8006800680068006ll, 0x8007800780078007ll);
    const __m512i qh_shift = _mm512_set_epi16(6, 4, 2, 0, 6, 4, 2, 0, 6, 4, 2, 0, 6, 4, 2, 0,
                                              6, 4, 2, 0, 6, 4, 2, 0, 6, 4, 2, 0, 6, 4, 2, 0);
    uint16_t idx[32];
    float db[16];
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx512_half(x[i].d);
        const __m512i lo = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)x[i].qs));
        const __m512i qh = _mm512_broadcast_i32x4(_mm_loadl_epi64((const __m128i *)x[i].qh));
        const __m512i hi = _mm512_and_si512(_mm512_srlv_epi16(_mm512_shuffle_epi8(qh, qh_bytes), qh_shift),
                                            _mm512_set1_epi16(3));
        _mm512_storeu_si512(idx, _mm512_or_si512(lo, _mm512_slli_epi16(hi, 8)));
        gk_avx512_iq2_scales16(db, x[i].scales, d);
        const uint8_t *signs = x[i].qs + GK_QK_K / 8; /* one bit per weight */
        GK_AVX512_SPILL();
        for (int g = 0; g < 16; ++g, y += 16) {
            gk_avx512_store16_i8_signed_scaled(y, gk_avx512_rows8x2(gk_iq2s_grid, idx[2 * g], idx[2 * g + 1]),
                                               gk_avx512_sign16(signs, g), db[g]);
        }
    }
}

void gk_dequant_iq3_xxs_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq3_xxs *x = (const gk_block_iq3_xxs *)vx;
    const int64_t nb = n / GK_QK_K;
    uint8_t sbits[32];
    float db[8];
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx512_half(x[i].d);
        const uint8_t *qs = x[i].qs;
        /* 8 words of 4 x 7 sign bits and a 4-bit scale after the 64 grid index bytes */
        const __m256i w = _mm256_loadu_si256((const __m256i *)(qs + GK_QK_K / 4));
        gk_iq_sign_words(sbits, _mm512_castsi256_si512(w));
        const __m256 s = _mm256_add_ps(_mm256_set1_ps(0.5f), _mm256_cvtepi32_ps(_mm256_srli_epi32(w, 28)));
        _mm256_storeu_ps(db, _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(d), s), _mm256_set1_ps(0.5f)));
        GK_AVX512_SPILL();
        for (int ib32 = 0; ib32 < GK_QK_K / 32; ++ib32, qs += 8, y += 32) {
            gk_avx512_store16_i8_signed_scaled(y, gk_avx512_rows4x4(gk_iq3xxs_grid, qs[0], qs[1], qs[2], qs[3]),
                                               gk_avx512_sign16(sbits, 2 * ib32), db[ib32]);
            gk_avx512_store16_i8_signed_scaled(y + 16, gk_avx512_rows4x4(gk_iq3xxs_grid, qs[4], qs[5], qs[6], qs[7]),
                                               gk_avx512_sign16(sbits, 2 * ib32 + 1), db[ib32]);
        }
    }
}

void gk_dequant_iq3_s_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq3_s *x = (const gk_block_iq3_s *)vx;
    const int64_t nb = n / GK_QK_K;
    uint16_t idx[64];
    float db[8];
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx512_half(x[i].d);
        /* grid index e = qs[e] | bit e of the 64-bit qh as bit 8 */
        for (int h = 0; h < 2; ++h) {
            const __m512i lo = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(x[i].qs + 32 * h)));
            const __mmask32 high = _cvtu32_mask32(gk_avx512_load_u32(x[i].qh + 4 * h));
            _mm512_storeu_si512(idx + 32 * h, _mm512_mask_add_epi16(lo, high, lo, _mm512_set1_epi16(256)));
        }
        /* scale of 32 weights: d * (1 + 2 * nibble), low nibble first */
        const __m128i sb = _mm_shuffle_epi8(_mm_cvtsi32_si128((int)gk_avx512_load_u32(x[i].scales)),
                                            _mm_setr_epi8(0, 0, 1, 1, 2, 2, 3, 3, -1, -1, -1, -1, -1, -1, -1, -1));
        const __m256i nib = _mm256_and_si256(_mm256_srlv_epi32(_mm256_cvtepu8_epi32(sb), _mm256_setr_epi32(0, 4, 0, 4, 0, 4, 0, 4)),
                                             _mm256_set1_epi32(15));
        const __m256i odd = _mm256_add_epi32(_mm256_add_epi32(nib, nib), _mm256_set1_epi32(1));
        _mm256_storeu_ps(db, _mm256_mul_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(odd)));
        const uint8_t *signs = x[i].signs; /* one bit per weight */
        GK_AVX512_SPILL();
        for (int g = 0; g < 16; ++g, y += 16) {
            const uint16_t *e = idx + 4 * g;
            gk_avx512_store16_i8_signed_scaled(y, gk_avx512_rows4x4(gk_iq3s_grid, e[0], e[1], e[2], e[3]),
                                               gk_avx512_sign16(signs, g), db[g / 2]);
        }
    }
}

/* IQ1 grid values -1, 0, 1. */
#define gk_iq1_grid_values _mm512_setr_ps(-1.0f, 0.0f, 1.0f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

/* y[0..16) = table[g + offset] for the 16 int8 grid values g in -1..1 (offset: 1, or 4 for a second table half). */
static inline void gk_iq1_store16_lut(float *y, __m128i g, __m128i offset, __m512 table) {
    _mm512_storeu_ps(y, _mm512_permutexvar_ps(_mm512_cvtepu8_epi32(_mm_add_epi8(g, offset)), table));
}

void gk_dequant_iq1_s_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq1_s *x = (const gk_block_iq1_s *)vx;
    const int64_t nb = n / GK_QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx512_half(x[i].d);
        const uint8_t *qs = x[i].qs;
        /* (scalar index arithmetic measured faster here than the vector unpacking of the other grid types) */
        for (int ib = 0; ib < GK_QK_K / 32; ++ib, qs += 4, y += 32) {
            const unsigned qh = x[i].qh[ib];
            const float dl = d * (float)(2 * ((qh >> 12) & 7) + 1);
            const float delta = qh & 0x8000 ? -GK_IQ1S_DELTA : GK_IQ1S_DELTA;
            /* the 3 possible outputs dl * (g + delta), g = -1, 0, 1, looked up by g + 1 */
            const __m512 table = _mm512_mul_ps(_mm512_set1_ps(dl), _mm512_add_ps(gk_iq1_grid_values, _mm512_set1_ps(delta)));
            /* grid index of group l: qs byte | bits 3l..3l+2 of qh as bits 8..10 */
            gk_iq1_store16_lut(y, gk_avx512_rows8x2(gk_iq1s_grid, qs[0] | ((qh << 8) & 0x700), qs[1] | ((qh << 5) & 0x700)),
                               _mm_set1_epi8(1), table);
            gk_iq1_store16_lut(y + 16, gk_avx512_rows8x2(gk_iq1s_grid, qs[2] | ((qh << 2) & 0x700), qs[3] | ((qh >> 1) & 0x700)),
                               _mm_set1_epi8(1), table);
        }
    }
}

/* IQ1_M: g + delta for g = -1, 0, 1 with delta +1/8 (table lanes 0..2) and -1/8 (lanes 3..5); all exact. */
#define gk_iq1m_values _mm512_setr_ps(-1.0f + GK_IQ1M_DELTA, GK_IQ1M_DELTA, 1.0f + GK_IQ1M_DELTA, \
                                      -1.0f - GK_IQ1M_DELTA, -GK_IQ1M_DELTA, 1.0f - GK_IQ1M_DELTA, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

/* Byte offsets that turn g into a table lane for the 16 weights of two grid entries: 1 + 3 * (sign bit of the
 * entry's delta), indexed by the two delta bits. */
static const uint8_t gk_iq1m_offsets[4][16] __attribute__((aligned(16))) = {
    {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {4, 4, 4, 4, 4, 4, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1},
    {1, 1, 1, 1, 1, 1, 1, 1, 4, 4, 4, 4, 4, 4, 4, 4}, {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4},
};

void gk_dequant_iq1_m_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq1_m *x = (const gk_block_iq1_m *)vx;
    const int64_t nb = n / GK_QK_K;
    const __m512i rep2 = _mm512_set_epi16(15, 15, 14, 14, 13, 13, 12, 12, 11, 11, 10, 10, 9, 9, 8, 8,
                                          7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0, 0);
    const __m512i shift4 = _mm512_set_epi16(4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0,
                                            4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0);
    uint16_t idx[32];
    float dl[16];
    for (int64_t i = 0; i < nb; ++i) {
        uint16_t sc[4];
        memcpy(sc, x[i].scales, sizeof(sc));
        /* the super-block scale is an fp16 spread over the top nibbles of the four 16-bit scale words */
        const uint16_t dh = (uint16_t)((sc[0] >> 12) | ((sc[1] >> 8) & 0x00f0) | ((sc[2] >> 4) & 0x0f00) |
                                       (sc[3] & 0xf000));
        const float d = gk_avx512_half(dh);
        /* entry e: grid index qs[e] | (nibble e of qh & 7) << 8; bit 3 of the nibble: delta -1/8 */
        const __m512i lo = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)x[i].qs));
        const __m512i qh16 = _mm512_castsi256_si512(_mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)x[i].qh)));
        const __m512i nib = _mm512_srlv_epi16(_mm512_permutexvar_epi16(rep2, qh16), shift4);
        _mm512_storeu_si512(idx, _mm512_or_si512(lo, _mm512_slli_epi16(_mm512_and_si512(nib, _mm512_set1_epi16(7)), 8)));
        const uint32_t neg = _cvtmask32_u32(_mm512_test_epi16_mask(nib, _mm512_set1_epi16(8)));
        /* scale of 16 weights g: d * (2 * (3-bit field g % 4 of scale word g / 4) + 1) */
        const __m512i w = _mm512_permutexvar_epi32(_mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3),
                                                   _mm512_castsi128_si512(_mm_cvtepu16_epi32(_mm_loadl_epi64((const __m128i *)sc))));
        const __m512i f = _mm512_and_si512(_mm512_srlv_epi32(w, _mm512_setr_epi32(0, 3, 6, 9, 0, 3, 6, 9, 0, 3, 6, 9, 0, 3, 6, 9)),
                                           _mm512_set1_epi32(7));
        const __m512i odd = _mm512_add_epi32(_mm512_add_epi32(f, f), _mm512_set1_epi32(1));
        _mm512_storeu_ps(dl, _mm512_mul_ps(_mm512_set1_ps(d), _mm512_cvtepi32_ps(odd)));
        GK_AVX512_SPILL();
        for (int g = 0; g < 16; ++g, y += 16) {
            /* the 6 possible outputs dl * (g + delta), looked up by g + 1 (+3 where the entry's delta is -1/8) */
            const __m512 table = _mm512_mul_ps(_mm512_set1_ps(dl[g]), gk_iq1m_values);
            const __m128i offset = _mm_load_si128((const __m128i *)gk_iq1m_offsets[(neg >> 2 * g) & 3]);
            gk_iq1_store16_lut(y, gk_avx512_rows8x2(gk_iq1s_grid, idx[2 * g], idx[2 * g + 1]), offset, table);
        }
    }
}

/* IQ4: each block (IQ4_NL) or 32-weight sub-block (IQ4_XS) turns the 16 non-linear values into the 16 products
 * scale * value (the reference's one multiply), then every weight is a vpermps lookup of its 4-bit code. */
void gk_dequant_iq4_nl_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq4_nl *x = (const gk_block_iq4_nl *)vx;
    const int64_t nb = n / 32;
    const __m512 kv = gk_avx512_i8x16_ps(gk_kvalues_iq4nl);
    for (int64_t i = 0; i < nb; ++i, y += 32) {
        const __m512 table = _mm512_mul_ps(_mm512_set1_ps(gk_avx512_half(x[i].d)), kv);
        gk_avx512_store32_nibbles_lut(y, _mm_loadu_si128((const __m128i *)x[i].qs), table);
    }
}

void gk_dequant_iq4_xs_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_iq4_xs *x = (const gk_block_iq4_xs *)vx;
    const int64_t nb = n / GK_QK_K;
    const __m512 kv = gk_avx512_i8x16_ps(gk_kvalues_iq4nl);
    for (int64_t i = 0; i < nb; ++i) {
        const float d = gk_avx512_half(x[i].d);
        const unsigned sh = x[i].scales_h;
        const uint8_t *qs = x[i].qs;
        for (int ib = 0; ib < GK_QK_K / 32; ++ib, qs += 16, y += 32) {
            const int ls = ((x[i].scales_l[ib / 2] >> 4 * (ib % 2)) & 0xf) | (((sh >> 2 * ib) & 3) << 4);
            const __m512 table = _mm512_mul_ps(_mm512_set1_ps(d * (float)(ls - 32)), kv);
            gk_avx512_store32_nibbles_lut(y, _mm_loadu_si128((const __m128i *)qs), table);
        }
    }
}
