/* AVX2 dequantizers of the FP4 types MXFP4 (E8M0 scale per 32) and NVFP4 (UE4M3 scale per 16).
 * Values are E2M1 codes looked up (pshufb) in ggml's doubled table gk_kvalues_fp4; the scales carry the 1/2. */
#include "dequant_simd_avx2.h"

/* E8M0 exponent -> 2^(e - 128) as float bits (ggml's ggml_e8m0_to_fp32_half: subnormal for e < 2). */
static inline float gk_e8m0_half_avx2(uint8_t e) {
    const uint32_t bits = e < 2 ? 0x00200000u << e : (uint32_t)(e - 1) << 23;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

void gk_dequant_mxfp4_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_mxfp4 *x = (const gk_block_mxfp4 *)vx;
    const int64_t nb = n / 32;
    const __m128i lut = _mm_loadu_si128((const __m128i *)gk_kvalues_fp4);
    for (int64_t i = 0; i < nb; ++i, y += 32) {
        const __m256 d = _mm256_set1_ps(gk_e8m0_half_avx2(x[i].e));
        __m128i lo, hi;
        gk_avx2_lut16_nibbles(_mm_loadu_si128((const __m128i *)x[i].qs), lut, &lo, &hi);
        gk_avx2_store16_i8_scaled(y + 0, lo, d);
        gk_avx2_store16_i8_scaled(y + 16, hi, d);
    }
}


void gk_dequant_nvfp4_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_nvfp4 *x = (const gk_block_nvfp4 *)vx;
    const int64_t nb = n / 64;
    const __m256i lut = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_fp4));
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    for (int64_t i = 0; i < nb; ++i, y += 64) {
        const __m256i q = _mm256_loadu_si256((const __m256i *)x[i].qs);
        const __m256i lo = _mm256_shuffle_epi8(lut, _mm256_and_si256(q, m4));
        const __m256i hi = _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(q, 4), m4));
        /* sub-block s = 8 low nibbles then 8 high nibbles of qs[8s..8s+8) */
        const __m256i s02 = _mm256_unpacklo_epi64(lo, hi), s13 = _mm256_unpackhi_epi64(lo, hi);
        gk_avx2_store16_i8_scaled(y + 0, _mm256_castsi256_si128(s02), _mm256_set1_ps(gk_ue4m3_half_table[x[i].d[0]]));
        gk_avx2_store16_i8_scaled(y + 16, _mm256_castsi256_si128(s13), _mm256_set1_ps(gk_ue4m3_half_table[x[i].d[1]]));
        gk_avx2_store16_i8_scaled(y + 32, _mm256_extracti128_si256(s02, 1), _mm256_set1_ps(gk_ue4m3_half_table[x[i].d[2]]));
        gk_avx2_store16_i8_scaled(y + 48, _mm256_extracti128_si256(s13, 1), _mm256_set1_ps(gk_ue4m3_half_table[x[i].d[3]]));
    }
}
