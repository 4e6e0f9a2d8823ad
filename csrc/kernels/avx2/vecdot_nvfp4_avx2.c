/* vec_dot of NVFP4 (64 weights per block: E2M1 4-bit values, a UE4M3 scale per 16) with Q8_0
 * activations, AVX2: each 32-weight half of a block (one Q8_0 block) as one vector; vpshufb maps the
 * nibbles to (doubled) E2M1 values, maddubs multiplies |value| with the activation carrying the value's
 * sign, and the 4-weight lanes of each 16-weight sub-block are scaled in float (scales converted in vector
 * registers). */
#include "vecdot_simd_avx2.h"
#include "blocks.h"


void gk_vecdot_nvfp4_q8_0_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_nvfp4 *x = vx;
    const gk_block_q8_0 *y = vy;
    const int64_t nb = n / 64;
    const __m256i values = _mm256_setr_epi8(0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12,
                                            0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12);
    const __m256i m4 = _mm256_set1_epi8(0x0f), ones = _mm256_set1_epi16(1);
    const __m256i lo_idx = _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1), hi_idx = _mm256_setr_epi32(2, 2, 2, 2, 3, 3, 3, 3);
    __m256 acc = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps(); /* one per half: no FMA chain */
    for (int64_t i = 0; i < nb; ++i) {
        const gk_block_q8_0 *yb = y + 2 * i;
        /* 128-bit lane b holds the bytes of Q8_0 block b: sub-block 2b in bytes 0..7, 2b + 1 in 8..15 */
        const __m256i v = _mm256_loadu_si256((const __m256i *)x[i].qs);
        const __m256i lo = _mm256_and_si256(v, m4), hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), m4);
        const __m256i u0 = _mm256_unpacklo_epi64(lo, hi), u1 = _mm256_unpackhi_epi64(lo, hi); /* per lane: 16 weights */
        const __m256i w0 = _mm256_shuffle_epi8(values, _mm256_permute2x128_si256(u0, u1, 0x20));
        const __m256i w1 = _mm256_shuffle_epi8(values, _mm256_permute2x128_si256(u0, u1, 0x31));
        const __m256i q0 = _mm256_loadu_si256((const __m256i *)yb[0].qs), q1 = _mm256_loadu_si256((const __m256i *)yb[1].qs);
        const __m256i p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(w0, w0), _mm256_sign_epi8(q0, w0)), ones);
        const __m256i p1 = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(w1, w1), _mm256_sign_epi8(q1, w1)), ones);
        /* UE4M3 scale bytes u as fp16 bits (u & 0x7f) << 7: u's value / 2^7 (the 1/2 of ggml's conversion
         * included), exact for normals and subnormals; bit 7 is ignored, exactly 0x7f is zero
         * (gk_ue4m3_half_table's rules). The 2^7 is applied to the total. */
        uint32_t u4;
        memcpy(&u4, x[i].d, 4);
        const __m128i u16 = _mm_cvtepu8_epi16(_mm_cvtsi32_si128((int)u4));
        const __m128i h = _mm_andnot_si128(_mm_cmpeq_epi16(u16, _mm_set1_epi16(0x7f)),
                                           _mm_slli_epi16(_mm_and_si128(u16, _mm_set1_epi16(0x7f)), 7));
        const __m128 dy = _mm_cvtph_ps(_mm_cvtsi32_si128((int)((uint32_t)yb[0].d | (uint32_t)yb[1].d << 16)));
        const __m128 d4 = _mm_mul_ps(_mm_cvtph_ps(h), _mm_unpacklo_ps(dy, dy));
        const __m256 d8 = _mm256_castps128_ps256(d4);
        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p0), _mm256_permutevar8x32_ps(d8, lo_idx), acc);
        acc1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p1), _mm256_permutevar8x32_ps(d8, hi_idx), acc1);
    }
    *s = 128.0f * gk_vd_hsum_ps(_mm256_add_ps(acc, acc1));
}
