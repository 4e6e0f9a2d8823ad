/* AVX-512 dequantizers of the ternary types TQ1_0 and TQ2_0: y = (float)(trit - 1) * d.
 *
 * TQ1_0 packs 5 trits per byte as a base-3 fixed-point fraction: trit n of byte q is
 * ((uint8_t)(q * 3^n) * 3) >> 8. The byte product wraps mod 256 (three byte adds per power of 3) and
 * (t * 3) >> 8 is [t >= 86] + [t >= 171], two unsigned byte compares into k-masks. Outputs are looked up
 * (vpermps) in the table of the products (float)(q - 1) * d. */
#include "dequant_simd_avx512.h"

/* The trit (0, 1, 2) of each byte t. */
static inline __m512i gk_tq1_trit_avx512(__m512i t) {
    const __m512i one = _mm512_set1_epi8(1);
    const __m512i v = _mm512_maskz_mov_epi8(_mm512_cmpge_epu8_mask(t, _mm512_set1_epi8(86)), one);
    return _mm512_mask_add_epi8(v, _mm512_cmpge_epu8_mask(t, _mm512_set1_epi8((char)171)), v, one);
}

/* The outputs (float)(q - 1) * d for q = 0, 1, 2, 3 (the reference's one multiply), looked up by q. */
static inline __m512 gk_tq_table(float d) {
    return _mm512_mul_ps(_mm512_setr_ps(-1.0f, 0.0f, 1.0f, 2.0f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), _mm512_set1_ps(d));
}

/* byte-wise products mod 256 */
static inline __m128i gk_times3_epi8_avx128(__m128i t) { return _mm_add_epi8(_mm_add_epi8(t, t), t); }
static inline __m256i gk_times3_epi8_avx256(__m256i t) { return _mm256_add_epi8(_mm256_add_epi8(t, t), t); }
static inline __m512i gk_times9_epi8_avx512(__m512i t) {
    const __m512i t3 = _mm512_add_epi8(_mm512_add_epi8(t, t), t);
    return _mm512_add_epi8(_mm512_add_epi8(t3, t3), t3);
}

void gk_dequant_tq1_0_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_tq1_0 *x = (const gk_block_tq1_0 *)vx;
    const int64_t nb = n / GK_QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const __m512 table = gk_tq_table(gk_avx512_half(x[i].d));
        /* qs[0..32): 5 rows of 32 trits; a register holds two consecutive rows [t*3^n | t*3^(n+1)] */
        const __m256i q32 = _mm256_loadu_si256((const __m256i *)x[i].qs);
        __m512i r = _mm512_inserti64x4(_mm512_castsi256_si512(q32), gk_times3_epi8_avx256(q32), 1);
        gk_avx512_store64_codes_lut(y, gk_tq1_trit_avx512(r), table);
        r = gk_times9_epi8_avx512(r);
        gk_avx512_store64_codes_lut(y + 64, gk_tq1_trit_avx512(r), table);
        r = gk_times9_epi8_avx512(r);
        const __m512i r4 = gk_tq1_trit_avx512(r);
        _mm512_storeu_ps(y + 128, _mm512_permutexvar_ps(_mm512_cvtepu8_epi32(_mm512_castsi512_si128(r4)), table));
        _mm512_storeu_ps(y + 144, _mm512_permutexvar_ps(_mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(r4, 1)), table));
        y += 160;
        /* qs[32..48): 5 rows of 16: [u | 3u | 9u | 27u], then 81u */
        const __m128i u = _mm_loadu_si128((const __m128i *)(x[i].qs + 32));
        const __m256i u01 = _mm256_inserti128_si256(_mm256_castsi128_si256(u), gk_times3_epi8_avx128(u), 1);
        const __m256i u23 = gk_times3_epi8_avx256(gk_times3_epi8_avx256(u01));
        const __m512i u0123 = _mm512_inserti64x4(_mm512_castsi256_si512(u01), u23, 1);
        gk_avx512_store64_codes_lut(y, gk_tq1_trit_avx512(u0123), table);
        const __m128i u4 = gk_times3_epi8_avx128(_mm256_extracti128_si256(u23, 1));
        _mm512_storeu_ps(y + 64, _mm512_permutexvar_ps(
            _mm512_cvtepu8_epi32(_mm512_castsi512_si128(gk_tq1_trit_avx512(_mm512_castsi128_si512(u4)))), table));
        y += 80;
        /* qh[0..4): 4 rows of 4: the bytes of qh times 1, 3, 9, 27 side by side */
        const __m128i h1 = _mm_set1_epi32((int)gk_avx512_load_u32(x[i].qh));
        const __m128i h3 = gk_times3_epi8_avx128(h1), h9 = gk_times3_epi8_avx128(h3), h27 = gk_times3_epi8_avx128(h9);
        const __m128i h = _mm_blend_epi32(_mm_blend_epi32(h1, h3, 0x2), _mm_blend_epi32(h9, h27, 0x8), 0xc);
        _mm512_storeu_ps(y, _mm512_permutexvar_ps(
            _mm512_cvtepu8_epi32(_mm512_castsi512_si128(gk_tq1_trit_avx512(_mm512_castsi128_si512(h)))), table));
        y += 16;
    }
}

void gk_dequant_tq2_0_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_tq2_0 *x = (const gk_block_tq2_0 *)vx;
    const int64_t nb = n / GK_QK_K;
    const __m512i m3 = _mm512_set1_epi8(3);
    /* a register holds [q >> 2l | q >> 2(l+1)] for the 32 bytes q of one half: 64 consecutive outputs */
    const __m512i shift_lo = _mm512_inserti64x4(_mm512_set1_epi16(0), _mm256_set1_epi16(2), 1);
    const __m512i shift_hi = _mm512_inserti64x4(_mm512_set1_epi16(4), _mm256_set1_epi16(6), 1);
    for (int64_t i = 0; i < nb; ++i) {
        const __m512 table = gk_tq_table(gk_avx512_half(x[i].d));
        for (int j = 0; j < 64; j += 32) {
            const __m512i q = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(x[i].qs + j)));
            gk_avx512_store64_codes_lut(y, _mm512_and_si512(_mm512_srlv_epi16(q, shift_lo), m3), table);
            gk_avx512_store64_codes_lut(y + 64, _mm512_and_si512(_mm512_srlv_epi16(q, shift_hi), m3), table);
            y += 128;
        }
    }
}
