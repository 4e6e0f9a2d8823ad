/* AVX2 dequantizers of the ternary types TQ1_0 and TQ2_0: y = (float)(trit - 1) * d.
 *
 * TQ1_0 packs 5 trits per byte as a base-3 fixed-point fraction: trit n of byte q is
 * ((uint8_t)(q * 3^n) * 3) >> 8. The byte product wraps mod 256 (three byte adds per power of 3) and
 * (t * 3) >> 8 is [t >= 86] + [t >= 171], two unsigned byte compares. */
#include "dequant_simd_avx2.h"

/* trit - 1 in {-1, 0, 1} for each byte t: -1 + [t >= 86] + [t >= 171] (compares made signed by a 0x80 bias). */
static inline __m256i gk_tq1_trit_m1_avx2(__m256i t) {
    const __m256i b = _mm256_xor_si256(t, _mm256_set1_epi8((char)0x80));
    const __m256i ge86 = _mm256_cmpgt_epi8(b, _mm256_set1_epi8((char)(85 ^ 0x80)));
    const __m256i ge171 = _mm256_cmpgt_epi8(b, _mm256_set1_epi8((char)(170 ^ 0x80)));
    return _mm256_sub_epi8(_mm256_sub_epi8(_mm256_set1_epi8(-1), ge86), ge171);
}

static inline __m256i gk_times3_epi8_avx2(__m256i t) { return _mm256_add_epi8(_mm256_add_epi8(t, t), t); }

void gk_dequant_tq1_0_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_tq1_0 *x = (const gk_block_tq1_0 *)vx;
    const int64_t nb = n / GK_QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const __m256 d = _mm256_set1_ps(gk_avx2_half(x[i].d));
        /* qs[0..32): 5 rows of 32 */
        __m256i t = _mm256_loadu_si256((const __m256i *)x[i].qs);
        for (int p = 0; p < 5; ++p, y += 32) {
            gk_avx2_store32_i8_scaled(y, gk_tq1_trit_m1_avx2(t), d);
            t = gk_times3_epi8_avx2(t);
        }
        /* qs[32..48): 5 rows of 16 (both halves of the register hold the same 16 bytes) */
        t = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(x[i].qs + 32)));
        for (int p = 0; p < 5; ++p, y += 16) {
            gk_avx2_store16_i8_scaled(y, _mm256_castsi256_si128(gk_tq1_trit_m1_avx2(t)), d);
            t = gk_times3_epi8_avx2(t);
        }
        /* qh[0..4): 4 rows of 4: the bytes of qh times 1, 3, 9, 27 side by side */
        const __m256i h1 = _mm256_set1_epi32((int)gk_avx2_load_u32(x[i].qh));
        const __m256i h3 = gk_times3_epi8_avx2(h1), h9 = gk_times3_epi8_avx2(h3), h27 = gk_times3_epi8_avx2(h9);
        const __m256i h = _mm256_blend_epi32(_mm256_blend_epi32(h1, h3, 0x22), _mm256_blend_epi32(h9, h27, 0x88), 0xcc);
        gk_avx2_store16_i8_scaled(y, _mm256_castsi256_si128(gk_tq1_trit_m1_avx2(h)), d);
        y += 16;
    }
}

void gk_dequant_tq2_0_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_tq2_0 *x = (const gk_block_tq2_0 *)vx;
    const int64_t nb = n / GK_QK_K;
    const __m256i m3 = _mm256_set1_epi8(3), one = _mm256_set1_epi8(1);
    for (int64_t i = 0; i < nb; ++i) {
        const __m256 d = _mm256_set1_ps(gk_avx2_half(x[i].d));
        for (int j = 0; j < 64; j += 32) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)(x[i].qs + j));
            for (int l = 0; l < 4; ++l, y += 32) {
                const __m256i v = _mm256_sub_epi8(_mm256_and_si256(_mm256_srli_epi16(q, 2 * l), m3), one);
                gk_avx2_store32_i8_scaled(y, v, d);
            }
        }
    }
}
