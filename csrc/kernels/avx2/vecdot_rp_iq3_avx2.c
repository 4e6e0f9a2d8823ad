/* vec_dot of the repacked IQ3 layout (gk_block_iq3_rp, made from IQ3_XXS and IQ3_S) with Q8_K
 * activations, AVX2.
 *
 * A nibble of q4 is magnitude code | sign << 3: one vpshufb per 32 weights (the 32 low nibbles of q4
 * bytes 32 i .. 32 i + 31 are 32-weight group i, the high nibbles group 4 + i) gives the unsigned
 * u = 32 + w of the signed weight w (IQ3_XXS: halved, its magnitudes are all even: |w| <= 31; IQ3_S:
 * |w| <= 15). maddubs multiplies (a pair sums to at most 2 * 63 * 128 = 16128, no saturation), madd
 * applies the group's scale 2 s + 1 (one word broadcast by vpshufb), and the bias leaves once per block:
 * 32 * sum_h (2 s + 1) * bsum_h over the 16 Q8_K bsums, one madd. The block sum is then exactly
 * sum_g (2 s_g + 1) * sum w q (half of ggml's for IQ3_XXS, whose final 1/4 becomes 1/2). No sign
 * vectors, unlike the IQ2 repacked kernel. The avx512 tier inherits this kernel: the same on zmm (vpshufb,
 * maddubs, madd with one scale vpshufb per 64 weights) was 14% slower on Zen 4 (7.2 vs 6.3 ns per block). */
#include "vecdot_simd_avx2.h"
#include "blocks.h"

#define AI static inline __attribute__((always_inline))

/* entry i = 32 + the signed weight of nibble i */
#define RP_IQ3_U(m0, m1, m2, m3, m4, m5, m6, m7)                                                              \
    32 + m0, 32 + m1, 32 + m2, 32 + m3, 32 + m4, 32 + m5, 32 + m6, 32 + m7, 32 - m0, 32 - m1, 32 - m2, 32 - m3, \
        32 - m4, 32 - m5, 32 - m6, 32 - m7
static const uint8_t rp_iq3xxs_u[32] = {RP_IQ3_U(2, 6, 10, 14, 18, 22, 26, 31), RP_IQ3_U(2, 6, 10, 14, 18, 22, 26, 31)};
static const uint8_t rp_iq3s_u[32] = {RP_IQ3_U(1, 3, 5, 7, 9, 11, 13, 15), RP_IQ3_U(1, 3, 5, 7, 9, 11, 13, 15)};

/* the 8 scales 2 s + 1 as bytes 0..7 of both lanes */
AI __m256i rp_iq3_scale_bytes(const uint8_t *scales) {
    const __m256i v = _mm256_set1_epi32((int)gk_vd_load32(scales));
    const __m256i nib = _mm256_and_si256(_mm256_unpacklo_epi8(v, _mm256_srli_epi16(v, 4)), _mm256_set1_epi8(0x0F));
    return _mm256_or_si256(_mm256_add_epi8(nib, nib), _mm256_set1_epi8(1));
}

/* 32 weights (nibbles nib, already masked) of group g times their activations, scaled */
AI __m256i rp_iq3_dot32(__m256i acc, __m256i tbl, __m256i nib, const int8_t *q8, __m256i ls, int g) {
    const __m256i p = _mm256_maddubs_epi16(_mm256_shuffle_epi8(tbl, nib), _mm256_loadu_si256((const __m256i *)q8));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(p, _mm256_shuffle_epi8(ls, _mm256_set1_epi16((short)(0x8000 | g)))));
}

AI void rp_iq3_dot(int64_t n, float *s, const void *vx, const void *vy, const uint8_t *table, float final) {
    const gk_block_iq3_rp *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    const __m256i tbl = _mm256_loadu_si256((const __m256i *)table), m0f = _mm256_set1_epi8(0x0f);
    /* word h of the bias scales: byte h / 2 of the low lane's scale bytes (h < 8), 4 + (h - 8) / 2 above */
    const __m256i bias_shuf = _mm256_setr_epi8(0, -128, 0, -128, 1, -128, 1, -128, 2, -128, 2, -128, 3, -128, 3, -128,
                                               4, -128, 4, -128, 5, -128, 5, -128, 6, -128, 6, -128, 7, -128, 7, -128);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const int8_t *q8 = y[i].qs;
        const __m256i ls = rp_iq3_scale_bytes(x[i].scales);
        __m256i sum0 = _mm256_setzero_si256(), sum1 = _mm256_setzero_si256();
        for (int t = 0; t < 4; ++t) {
            const __m256i q4 = _mm256_loadu_si256((const __m256i *)(x[i].q4 + 32 * t));
            sum0 = rp_iq3_dot32(sum0, tbl, _mm256_and_si256(q4, m0f), q8 + 32 * t, ls, t);
            sum1 = rp_iq3_dot32(sum1, tbl, _mm256_and_si256(_mm256_srli_epi16(q4, 4), m0f), q8 + 128 + 32 * t, ls, 4 + t);
        }
        const __m256i bias = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y[i].bsums), _mm256_shuffle_epi8(ls, bias_shuf));
        const __m256i sumi = _mm256_sub_epi32(_mm256_add_epi32(sum0, sum1), _mm256_slli_epi32(bias, 5));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(gk_vd_half(x[i].d) * y[i].d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = final * gk_vd_hsum_ps(acc);
}

/* IQ3_XXS: the weights are halved in the table, so ggml's 1/4 becomes 1/2 (exact: a power of two). */
void gk_vecdot_rp_iq3_xxs_q8_K_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    rp_iq3_dot(n, s, vx, vy, rp_iq3xxs_u, 0.5f);
}

void gk_vecdot_rp_iq3_s_q8_K_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    rp_iq3_dot(n, s, vx, vy, rp_iq3s_u, 1.0f);
}
