/* vec_dot of the repacked IQ2 layout (gk_block_iq2_rp, made from IQ2_XXS, IQ2_XS and IQ2_S) with Q8_K
 * activations, AVX2.
 *
 * No grid: byte j of q2 holds the 2-bit magnitude codes of weights j, 64 + j, 128 + j and 192 + j. Per
 * 32 weights (chunk c, half t: weights 64 c + 32 t + 0..31): the codes masked in place (chunk 1: 4 u;
 * chunks 2, 3 after one shift by 4) go through one vpshufb to the magnitudes {8, 25, 43} (one table
 * serves both in-place positions: entries 0, 1, 2 and 4, 8); the 32 sign bits become 0xff bytes that
 * negate the activations (Q8_K activations are within [-127, 127], so negation never overflows); maddubs
 * multiplies: a pair sums to at most 2 * 43 * 127 = 10922, far from int16 saturation; madd applies the
 * scales 2 s + 1 (the low 128-bit lane is group 4 c + 2 t, the high lane group 4 c + 2 t + 1). */
#include "vecdot_simd_avx2.h"
#include "blocks.h"

#define AI static inline __attribute__((always_inline))

/* the 16 scales 2 s + 1 of a block as bytes: the low lane holds the low nibbles of scale bytes 0..7
 * (groups 0, 2, .., 14), the high lane the high nibbles (groups 1, 3, .., 15) */
AI __m256i rp_iq2_scale_bytes(const uint8_t *scales) {
    long long sc64;
    memcpy(&sc64, scales, 8);
    const __m256i v = _mm256_set1_epi64x(sc64);
    const __m256i nib = _mm256_and_si256(_mm256_blend_epi32(v, _mm256_srli_epi16(v, 4), 0xF0), _mm256_set1_epi8(0x0F));
    return _mm256_or_si256(_mm256_add_epi8(nib, nib), _mm256_set1_epi8(1));
}

/* vpsignb operands of the 32 sign bits of w: byte j is negative where bit j is set, positive (never zero)
 * where it is clear: bit j % 8 of the byte spread to byte j, isolated, plus 127 (1 + 127 = 128 and
 * 128 + 127 = 255 are negative as int8; 0 + 127 is not). One op fewer than compare + xor + sub. */
AI __m256i rp_iq2_sign_bytes(uint32_t w) {
    const __m256i shuf = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                          2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    const __m256i bit = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
    const __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32((int)w), shuf);
    return _mm256_add_epi8(_mm256_and_si256(v, bit), _mm256_set1_epi8(127));
}

/* 32 weights times their activations, scaled: magnitudes, the sign word, activations, the scale byte
 * index 2 c + t in both lanes. */
AI __m256i rp_iq2_dot32(__m256i acc, __m256i w, uint32_t signs, const int8_t *q8, __m256i ls, int idx) {
    const __m256i q = _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)q8), rp_iq2_sign_bytes(signs));
    const __m256i sc = _mm256_shuffle_epi8(ls, _mm256_set1_epi16((short)(0x8000 | idx)));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(w, q), sc));
}

void gk_vecdot_rp_iq2_q8_K_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq2_rp *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    /* magnitude of the code in bits 0-1 (mag_lo) or 2-3 (mag_hi) of a nibble */
    const __m256i mag_lo = _mm256_setr_epi8(8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0,
                                            8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0);
    const __m256i mag_hi = _mm256_setr_epi8(8, 8, 8, 8, 25, 25, 25, 25, 43, 43, 43, 43, 0, 0, 0, 0,
                                            8, 8, 8, 8, 25, 25, 25, 25, 43, 43, 43, 43, 0, 0, 0, 0);
    const __m256i m0f = _mm256_set1_epi8(0x0f);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const int8_t *q8 = y[i].qs;
        const uint8_t *sg = x[i].signs;
        const __m256i ls = rp_iq2_scale_bytes(x[i].scales);
        __m256i sum0 = _mm256_setzero_si256(), sum1 = _mm256_setzero_si256();
        for (int t = 0; t < 2; ++t) {
            /* low nibbles: chunks 0 and 1, high nibbles: chunks 2 and 3 */
            const __m256i q2 = _mm256_loadu_si256((const __m256i *)(x[i].q2 + 32 * t));
            const __m256i lo = _mm256_and_si256(q2, m0f), hi = _mm256_and_si256(_mm256_srli_epi16(q2, 4), m0f);
            sum0 = rp_iq2_dot32(sum0, _mm256_shuffle_epi8(mag_lo, lo), gk_vd_load32(sg + 4 * t), q8 + 32 * t, ls, t);
            sum1 = rp_iq2_dot32(sum1, _mm256_shuffle_epi8(mag_hi, lo), gk_vd_load32(sg + 8 + 4 * t), q8 + 64 + 32 * t, ls, 2 + t);
            sum0 = rp_iq2_dot32(sum0, _mm256_shuffle_epi8(mag_lo, hi), gk_vd_load32(sg + 16 + 4 * t), q8 + 128 + 32 * t, ls, 4 + t);
            sum1 = rp_iq2_dot32(sum1, _mm256_shuffle_epi8(mag_hi, hi), gk_vd_load32(sg + 24 + 4 * t), q8 + 192 + 32 * t, ls, 6 + t);
        }
        const float d = gk_vd_half(x[i].d) * y[i].d;
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(_mm256_add_epi32(sum0, sum1)), acc);
    }
    *s = 0.125f * gk_vd_hsum_ps(acc);
}
