/* AVX2 dequantizers of Q1_0 (1 bit: bit ? d : -d) and Q2_0 (2 bits: (q - 1) * d), elements in bit order. */
#include "dequant_simd_avx2.h"

void gk_dequant_q1_0_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_q1_0 *x = (const gk_block_q1_0 *)vx;
    const int64_t nb = n / 128;
    const __m256i bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    for (int64_t i = 0; i < nb; ++i) {
        const __m256 d = _mm256_set1_ps(gk_avx2_half(x[i].d));
        const __m256 neg_d = _mm256_xor_ps(d, _mm256_set1_ps(-0.0f)); /* C's -d: flip the sign bit */
        for (int j = 0; j < 16; ++j, y += 8) {
            const __m256i b = _mm256_and_si256(_mm256_set1_epi32(x[i].qs[j]), bit);
            const __m256 set = _mm256_castsi256_ps(_mm256_cmpeq_epi32(b, bit));
            _mm256_storeu_ps(y, _mm256_blendv_ps(neg_d, d, set));
        }
    }
}

void gk_dequant_q2_0_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_q2_0 *x = (const gk_block_q2_0 *)vx;
    const int64_t nb = n / 64;
    const __m256i shift = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
    const __m256i m3 = _mm256_set1_epi32(3);
    const __m256 qm1 = _mm256_setr_ps(-1.0f, 0.0f, 1.0f, 2.0f, -1.0f, 0.0f, 1.0f, 2.0f);
    for (int64_t i = 0; i < nb; ++i) {
        /* the four possible outputs, each (float)(q - 1) * d as the reference computes it */
        const __m256 table = _mm256_mul_ps(qm1, _mm256_set1_ps(gk_avx2_half(x[i].d)));
        for (int j = 0; j < 16; j += 2, y += 8) {
            const __m256i q = _mm256_set1_epi32(gk_avx2_load_u16(x[i].qs + j));
            const __m256i idx = _mm256_and_si256(_mm256_srlv_epi32(q, shift), m3);
            _mm256_storeu_ps(y, _mm256_permutevar8x32_ps(table, idx));
        }
    }
}
