/* AVX-512 dequantizers of Q1_0 (1 bit: bit ? d : -d) and Q2_0 (2 bits: (q - 1) * d), elements in bit order. */
#include "dequant_simd_avx512.h"

void gk_dequant_q1_0_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q1_0 *x = (const gk_block_q1_0 *)vx;
    const int64_t nb = n / 128;
    for (int64_t i = 0; i < nb; ++i, y += 128) {
        const __m512 d = _mm512_set1_ps(gk_avx512_half(x[i].d));
        const __m512 neg_d = _mm512_xor_ps(d, _mm512_set1_ps(-0.0f)); /* C's -d: flip the sign bit */
        /* the 16 bytes of bits are directly the blend masks of 8 x 16 outputs */
        for (int j = 0; j < 8; ++j) {
            const __mmask16 k = _cvtu32_mask16(gk_avx512_load_u16(x[i].qs + 2 * j));
            _mm512_storeu_ps(y + 16 * j, _mm512_mask_blend_ps(k, neg_d, d));
        }
    }
}

void gk_dequant_q2_0_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q2_0 *x = (const gk_block_q2_0 *)vx;
    const int64_t nb = n / 64;
    const __m512i shift = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i m3 = _mm512_set1_epi32(3);
    const __m512 qm1 = _mm512_setr_ps(-1.0f, 0.0f, 1.0f, 2.0f, -1.0f, 0.0f, 1.0f, 2.0f,
                                      -1.0f, 0.0f, 1.0f, 2.0f, -1.0f, 0.0f, 1.0f, 2.0f);
    for (int64_t i = 0; i < nb; ++i, y += 64) {
        /* the four possible outputs, each (float)(q - 1) * d as the reference computes it */
        const __m512 table = _mm512_mul_ps(qm1, _mm512_set1_ps(gk_avx512_half(x[i].d)));
        for (int j = 0; j < 4; ++j) {
            const __m512i q = _mm512_set1_epi32((int)gk_avx512_load_u32(x[i].qs + 4 * j));
            const __m512i idx = _mm512_and_si512(_mm512_srlv_epi32(q, shift), m3);
            _mm512_storeu_ps(y + 16 * j, _mm512_permutexvar_ps(idx, table));
        }
    }
}
