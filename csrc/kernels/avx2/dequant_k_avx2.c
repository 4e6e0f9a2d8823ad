/* AVX2 dequantizers of the K types (the shared kernels and helpers are in dequant_k_x86.h). */
#include "dequant_k_x86.h"

void gk_dequant_q2_K_avx2(const void *vx, float *y, int64_t n) { dequant_q2_K_x86(vx, y, n); }
void gk_dequant_q3_K_avx2(const void *vx, float *y, int64_t n) { dequant_q3_K_x86(vx, y, n); }

/* y[0..32) = q * d - m, q unsigned bytes < 128 */
static inline void store_32(float *y, __m256i q, float d, float m) {
    store_2x16(y, q, d, m, d, m);
}

void gk_dequant_q4_K_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_q4_K *x = (const gk_block_q4_K *)vx;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    float dsc[8], dm[8];
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        k4_scales(x[i].scales, half_to_float(x[i].d), half_to_float(x[i].dmin), dsc, dm);
        for (int j = 0; j < 8; j += 2, y += 64) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)(x[i].qs + 16 * j));
            store_32(y, _mm256_and_si256(q, m4), dsc[j], dm[j]);
            store_32(y + 32, srli_epi8(q, 4, m4), dsc[j + 1], dm[j + 1]);
        }
    }
}

void gk_dequant_q5_K_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_q5_K *x = (const gk_block_q5_K *)vx;
    const __m256i m4 = _mm256_set1_epi8(0x0F), sixteen = _mm256_set1_epi8(16);
    float dsc[8], dm[8];
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        k4_scales(x[i].scales, half_to_float(x[i].d), half_to_float(x[i].dmin), dsc, dm);
        const __m256i qh = _mm256_loadu_si256((const __m256i *)x[i].qh);
        for (int j = 0; j < 8; j += 2, y += 64) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)(x[i].qs + 16 * j));
            const __m256i u1 = _mm256_set1_epi8((char)(1 << j)), u2 = _mm256_set1_epi8((char)(2 << j));
            const __m256i h1 = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(qh, u1), u1), sixteen);
            const __m256i h2 = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(qh, u2), u2), sixteen);
            store_32(y, _mm256_or_si256(_mm256_and_si256(q, m4), h1), dsc[j], dm[j]);
            store_32(y + 32, _mm256_or_si256(srli_epi8(q, 4, m4), h2), dsc[j + 1], dm[j + 1]);
        }
    }
}

void gk_dequant_q6_K_avx2(const void *vx, float *y, int64_t n) { dequant_q6_K_x86(vx, y, n); }
void gk_dequant_q8_K_avx2(const void *vx, float *y, int64_t n) { dequant_q8_K_x86(vx, y, n); }
