/* AVX-512 dequantizers of the FP4 types MXFP4 (E8M0 scale per 32) and NVFP4 (UE4M3 scale per 16).
 * Values are E2M1 codes looked up (pshufb) in ggml's doubled table gk_kvalues_fp4; the scales carry the 1/2. */
#include "dequant_simd_avx512.h"

/* E8M0 exponent -> 2^(e - 128) as float bits (ggml's ggml_e8m0_to_fp32_half: subnormal for e < 2). */
static inline float gk_e8m0_half_avx512(uint8_t e) {
    const uint32_t bits = e < 2 ? 0x00200000u << e : (uint32_t)(e - 1) << 23;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

void gk_dequant_mxfp4_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_mxfp4 *x = (const gk_block_mxfp4 *)vx;
    const int64_t nb = n / 32;
    const __m128i lut = _mm_loadu_si128((const __m128i *)gk_kvalues_fp4);
    const __m128i m4 = _mm_set1_epi8(0x0f);
    for (int64_t i = 0; i < nb; ++i, y += 32) {
        const __m512 d = _mm512_set1_ps(gk_e8m0_half_avx512(x[i].e));
        const __m128i q = _mm_loadu_si128((const __m128i *)x[i].qs);
        gk_avx512_store16_i8_scaled(y + 0, _mm_shuffle_epi8(lut, _mm_and_si128(q, m4)), d);
        gk_avx512_store16_i8_scaled(y + 16, _mm_shuffle_epi8(lut, _mm_and_si128(_mm_srli_epi16(q, 4), m4)), d);
    }
}

/* Four UE4M3 scales (ggml's ggml_ue4m3_to_fp32, which includes the 1/2). Bit 7 is ignored except that exactly
 * 0x7f means zero. Normal: (1 + m/8) * 2^(e-8), i.e. float exponent e + 119 and mantissa m << 20;
 * subnormal (e = 0): m * 2^-10. */
static inline __m128 gk_ue4m3_x4_sse(uint32_t four) {
    const __m128i x = _mm_cvtepu8_epi32(_mm_cvtsi32_si128((int)four));
    const __m128i low7 = _mm_and_si128(x, _mm_set1_epi32(0x7f));
    const __m128 normal = _mm_castsi128_ps(_mm_add_epi32(_mm_slli_epi32(low7, 20), _mm_set1_epi32(119 << 23)));
    const __m128 sub = _mm_mul_ps(_mm_cvtepi32_ps(_mm_and_si128(x, _mm_set1_epi32(7))), _mm_set1_ps(1.0f / 1024.0f));
    const __mmask8 is_sub = _mm_testn_epi32_mask(x, _mm_set1_epi32(0x78));
    const __mmask8 is_zero = _mm_cmpeq_epi32_mask(x, _mm_set1_epi32(0x7f));
    return _mm_maskz_mov_ps((__mmask8)~is_zero, _mm_mask_blend_ps(is_sub, normal, sub));
}

void gk_dequant_nvfp4_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_nvfp4 *x = (const gk_block_nvfp4 *)vx;
    const int64_t nb = n / 64;
    const __m256i lut = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_fp4));
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    for (int64_t i = 0; i < nb; ++i, y += 64) {
        const __m512 d4 = _mm512_castps128_ps512(gk_ue4m3_x4_sse(gk_avx512_load_u32(x[i].d)));
        const __m256i q = _mm256_loadu_si256((const __m256i *)x[i].qs);
        const __m256i lo = _mm256_shuffle_epi8(lut, _mm256_and_si256(q, m4));
        const __m256i hi = _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(q, 4), m4));
        /* sub-block s = 8 low nibbles then 8 high nibbles of qs[8s..8s+8) */
        const __m256i s02 = _mm256_unpacklo_epi64(lo, hi), s13 = _mm256_unpackhi_epi64(lo, hi);
        gk_avx512_store16_i8_scaled(y + 0, _mm256_castsi256_si128(s02), _mm512_permutexvar_ps(_mm512_set1_epi32(0), d4));
        gk_avx512_store16_i8_scaled(y + 16, _mm256_castsi256_si128(s13), _mm512_permutexvar_ps(_mm512_set1_epi32(1), d4));
        gk_avx512_store16_i8_scaled(y + 32, _mm256_extracti128_si256(s02, 1), _mm512_permutexvar_ps(_mm512_set1_epi32(2), d4));
        gk_avx512_store16_i8_scaled(y + 48, _mm256_extracti128_si256(s13, 1), _mm512_permutexvar_ps(_mm512_set1_epi32(3), d4));
    }
}
