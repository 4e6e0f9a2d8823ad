/* AVX-512 dequantizers of the K types. Q2_K, Q3_K, Q6_K and Q8_K are the avx2 tier's kernels
 * (dequant_k_x86.h) with 16-lane stores; Q4_K and Q5_K widen their nibbles to int32 lanes here. */
#define GK_DEQUANT_K_ZMM
#include "../avx2/dequant_k_x86.h"

void gk_dequant_q2_K_avx512(const void *vx, float *y, int64_t n) { dequant_q2_K_x86(vx, y, n); }
void gk_dequant_q3_K_avx512(const void *vx, float *y, int64_t n) { dequant_q3_K_x86(vx, y, n); }

/* 16 bytes -> 16 int32 lanes (zero-extended) */
static inline __m512i widen_u8(const uint8_t *p) { return _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)p)); }

/* y[0..16) = d * q - m for 16 int32 lanes */
static inline void store16_dm(float *y, __m512i q, __m512 d, __m512 m) {
    _mm512_storeu_ps(y, _mm512_sub_ps(_mm512_mul_ps(d, _mm512_cvtepi32_ps(q)), m));
}

/* Q4_K / Q5_K: the 32 packed bytes of a sub-block pair are widened once to int32 lanes; the low nibbles
 * are sub-block j, the high nibbles sub-block j + 1 (and Q5_K's fifth bits come from qh widened once
 * per super-block, tested under mask registers). */
void gk_dequant_q4_K_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q4_K *x = (const gk_block_q4_K *)vx;
    const __m512i m4 = _mm512_set1_epi32(0x0F);
    float dsc[8], dm[8];
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        k4_scales(x[i].scales, half_to_float(x[i].d), half_to_float(x[i].dmin), dsc, dm);
        for (int j = 0; j < 8; j += 2, y += 64) {
            const __m512 d1 = _mm512_set1_ps(dsc[j]), m1 = _mm512_set1_ps(dm[j]);
            const __m512 d2 = _mm512_set1_ps(dsc[j + 1]), m2 = _mm512_set1_ps(dm[j + 1]);
            for (int k = 0; k < 32; k += 16) {
                const __m512i v = widen_u8(x[i].qs + 16 * j + k);
                store16_dm(y + k, _mm512_and_si512(v, m4), d1, m1);
                store16_dm(y + 32 + k, _mm512_srli_epi32(v, 4), d2, m2);
            }
        }
    }
}

void gk_dequant_q5_K_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q5_K *x = (const gk_block_q5_K *)vx;
    const __m512i m4 = _mm512_set1_epi32(0x0F), sixteen = _mm512_set1_epi32(16);
    float dsc[8], dm[8];
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        k4_scales(x[i].scales, half_to_float(x[i].d), half_to_float(x[i].dmin), dsc, dm);
        const __m512i qh[2] = {widen_u8(x[i].qh), widen_u8(x[i].qh + 16)};
        for (int j = 0; j < 8; j += 2, y += 64) {
            const __m512 d1 = _mm512_set1_ps(dsc[j]), m1 = _mm512_set1_ps(dm[j]);
            const __m512 d2 = _mm512_set1_ps(dsc[j + 1]), m2 = _mm512_set1_ps(dm[j + 1]);
            const __m512i u1 = _mm512_set1_epi32(1 << j), u2 = _mm512_set1_epi32(2 << j);
            for (int k = 0; k < 2; k++) {
                const __m512i v = widen_u8(x[i].qs + 16 * j + 16 * k);
                const __m512i lo = _mm512_and_si512(v, m4), hi = _mm512_srli_epi32(v, 4);
                store16_dm(y + 16 * k, _mm512_mask_or_epi32(lo, _mm512_test_epi32_mask(qh[k], u1), lo, sixteen), d1, m1);
                store16_dm(y + 32 + 16 * k, _mm512_mask_or_epi32(hi, _mm512_test_epi32_mask(qh[k], u2), hi, sixteen), d2, m2);
            }
        }
    }
}

void gk_dequant_q6_K_avx512(const void *vx, float *y, int64_t n) { dequant_q6_K_x86(vx, y, n); }
void gk_dequant_q8_K_avx512(const void *vx, float *y, int64_t n) { dequant_q8_K_x86(vx, y, n); }
