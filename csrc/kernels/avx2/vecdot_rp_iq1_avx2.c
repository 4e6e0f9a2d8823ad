/* vec_dot of repacked IQ1 weights (gk_block_iq1_rp, made from IQ1_S and IQ1_M by ggufkit.repack) with
 * Q8_K activations, AVX2.
 *
 * Per weight, with u = g + 1 (a plain 2-bit code) and b = 1 where the delta bit is clear (delta = +1/8):
 *     8 * (g + delta) = 8u - 8 + (2b - 1) = 2v - 9,   v = 4u + b in 0..9 (an unsigned byte for maddubs),
 * so the block's dot times 8 is sum_h 2 ls_h * sum(v * q8) - 9 * sum_h ls_h * bsum_h over the 16-weight
 * groups h. Per 32 weights: a shift + and puts u at bits 2..3, an or adds b from a 16-entry table of
 * vectors (one delta nibble = 4 qwords of 8 weights), maddubs (pairs: |sum| <= 2 * 9 * 128) and madd with
 * the two groups' 2 ls (lane 0: group h0, lane 1: h0 + 1). The scales are decoded once per block with
 * word shuffles and multiplies (no pdep: it is microcoded on AMD before Zen 3). Integer sums are exact;
 * the block's total is scaled once in float. */
#include "vecdot_simd_avx2.h"
#include "blocks.h"

/* b per byte for the 4 qwords (32 weights) of a nibble m of the inverted delta bits: 1 where bit l of m is set */
#define RP_B(m, l) (((m) >> (l) & 1) ? 0x0101010101010101ULL : 0)
#define RP_BROW(m) {RP_B(m, 0), RP_B(m, 1), RP_B(m, 2), RP_B(m, 3)}
static const uint64_t rp_b[16][4] __attribute__((aligned(32))) = {
    RP_BROW(0), RP_BROW(1), RP_BROW(2),  RP_BROW(3),  RP_BROW(4),  RP_BROW(5),  RP_BROW(6),  RP_BROW(7),
    RP_BROW(8), RP_BROW(9), RP_BROW(10), RP_BROW(11), RP_BROW(12), RP_BROW(13), RP_BROW(14), RP_BROW(15)};

/* u << 2 per byte, u = bits 2c..2c+1 (16-bit shifts: the bits crossing a byte boundary are masked off) */
#define RP_U4(q2, c) _mm256_and_si256((c) == 0 ? _mm256_slli_epi16(q2, 2) : (c) == 1 ? (q2) : _mm256_srli_epi16(q2, 2 * (c) - 2), _mm256_set1_epi8(0x0c))

/* word k of each lane, in both lanes (pshufb control) */
#define RP_WORD(k) _mm256_set1_epi16((short)(0x0100 + 0x0202 * (k)))

void gk_vecdot_rp_iq1_q8_K_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq1_rp *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    /* The scale l of group h sits at bit 16 (h / 4) + 3 (h % 4) of the 64-bit scales field. Per lane, word k
     * is first given the 16-bit scales word holding the wanted group, then multiplied by 2^(13 - pos) so the
     * field lands at bits 13..15 (pos = its bit within the word).
     * "pair" order (the madd coefficients): lane 0 word k = group 2k, lane 1 word k = group 2k + 1, so
     * word k of both lanes serves the 32 weights 32k..32k+31.
     * "natural" order (the bsums): lane 0 word k = group k, lane 1 word k = group 8 + k. */
    const __m256i pick_pair = _mm256_setr_epi8(0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7,
                                               0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7);
    const __m256i mul_pair = _mm256_setr_epi16(1 << 13, 1 << 7, 1 << 13, 1 << 7, 1 << 13, 1 << 7, 1 << 13, 1 << 7,
                                               1 << 10, 1 << 4, 1 << 10, 1 << 4, 1 << 10, 1 << 4, 1 << 10, 1 << 4);
    const __m256i pick_nat = _mm256_setr_epi8(0, 1, 0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3, 2, 3,
                                              4, 5, 4, 5, 4, 5, 4, 5, 6, 7, 6, 7, 6, 7, 6, 7);
    const __m256i mul_nat = _mm256_setr_epi16(1 << 13, 1 << 10, 1 << 7, 1 << 4, 1 << 13, 1 << 10, 1 << 7, 1 << 4,
                                              1 << 13, 1 << 10, 1 << 7, 1 << 4, 1 << 13, 1 << 10, 1 << 7, 1 << 4);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const int8_t *q8 = y[i].qs;
        uint64_t sc64;
        memcpy(&sc64, x[i].scales, 8);
        const __m256i scv = _mm256_set1_epi64x((long long)sc64);
        /* 2 ls = 4 l + 2 in pair order: the field at bits 13..15 moved to 2..4 */
        const __m256i ls2 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(_mm256_mullo_epi16(_mm256_shuffle_epi8(scv, pick_pair), mul_pair), 11),
                                                              _mm256_set1_epi16(0x1c)), _mm256_set1_epi16(2));
        /* ls = 2 l + 1 in natural order, times -9 (the bsum coefficient) */
        const __m256i lsn = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(_mm256_mullo_epi16(_mm256_shuffle_epi8(scv, pick_nat), mul_nat), 12),
                                                             _mm256_set1_epi16(0x0e)), _mm256_set1_epi16(1));
        __m256i sumi = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y[i].bsums), _mm256_mullo_epi16(lsn, _mm256_set1_epi16(-9)));
        uint32_t dbits;
        memcpy(&dbits, x[i].delta, 4);
        const uint32_t b = ~dbits; /* b = 1 for the 8-weight groups whose delta is +1/8 */
        const __m256i q2lo = _mm256_loadu_si256((const __m256i *)x[i].q2), q2hi = _mm256_loadu_si256((const __m256i *)(x[i].q2 + 32));
        /* weights 64c + 32hh + (0..31): q2 half hh, field c; delta nibble 2c + hh; groups 4c + 2hh (+1) */
#define RP_HALF(q2h, c, hh)                                                                                   \
        {                                                                                                    \
            const __m256i v = _mm256_or_si256(RP_U4(q2h, c), _mm256_load_si256((const __m256i *)rp_b[(b >> (8 * (c) + 4 * (hh))) & 15])); \
            const __m256i dot = _mm256_maddubs_epi16(v, _mm256_loadu_si256((const __m256i *)(q8 + 64 * (c) + 32 * (hh)))); \
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(dot, _mm256_shuffle_epi8(ls2, RP_WORD(2 * (c) + (hh))))); \
        }
        RP_HALF(q2lo, 0, 0) RP_HALF(q2hi, 0, 1) RP_HALF(q2lo, 1, 0) RP_HALF(q2hi, 1, 1)
        RP_HALF(q2lo, 2, 0) RP_HALF(q2hi, 2, 1) RP_HALF(q2lo, 3, 0) RP_HALF(q2hi, 3, 1)
#undef RP_HALF
        /* d: the top nibbles of the four scales words */
        const uint16_t dh = (uint16_t)(((sc64 >> 12) & 0xF) | ((sc64 >> 24) & 0xF0) | ((sc64 >> 36) & 0xF00) | ((sc64 >> 48) & 0xF000));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(gk_vd_half(dh) * y[i].d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = 0.125f * gk_vd_hsum_ps(acc);
}
