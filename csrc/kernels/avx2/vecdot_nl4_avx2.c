/* vec_dot of the 4-bit table types of 32 weights per block with Q8_0 activations, AVX2: IQ4_NL and MXFP4
 * (m = 1 and the small-m rows of the avx2 gemm; the packed gemm keeps gk_k_iq4_nl / gk_k_mxfp4).
 *
 * Two blocks per step: the nibbles index the 16-entry value table (pshufb), the signed products go
 * through maddubs(|w|, sign(y, w)) (|w| <= 127 and |y| <= 127: a pair is at most 32258, no saturation),
 * and the two blocks' float scales are converted together (one F16C conversion of x.d / y.d for both
 * blocks instead of four scalar ones) into two independent FMA chains. */
#include "x86_dot.h"

/* sum of w . y per int32 lane (8 lanes) of one block: w from the table, indices from 16 qs bytes */
static inline __m256i nl4_block(__m256i tbl, const uint8_t *qs, const int8_t *q8) {
    const __m256i w = _mm256_shuffle_epi8(tbl, gk_nibbles32(qs));
    const __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)q8), w));
    return _mm256_madd_epi16(p, _mm256_set1_epi16(1));
}

/* two blocks' float scales (lanes 0, 1 of sc) into the two FMA chains */
#define NL4_ACC2(sc, p0, p1)                                                                                 \
    do {                                                                                                     \
        const __m256 s8 = _mm256_castps128_ps256(sc);                                                        \
        acc0 = _mm256_fmadd_ps(_mm256_permutevar8x32_ps(s8, _mm256_setzero_si256()), _mm256_cvtepi32_ps(p0), acc0); \
        acc1 = _mm256_fmadd_ps(_mm256_permutevar8x32_ps(s8, _mm256_set1_epi32(1)), _mm256_cvtepi32_ps(p1), acc1); \
    } while (0)

void gk_vecdot_iq4_nl_q8_0_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq4_nl *x = vx;
    const gk_block_q8_0 *y = vy;
    const int64_t nb = n / 32;
    const __m256i tbl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_iq4nl));
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t b = 0;
    for (; b + 1 < nb; b += 2) {
        const __m256i p0 = nl4_block(tbl, x[b].qs, y[b].qs), p1 = nl4_block(tbl, x[b + 1].qs, y[b + 1].qs);
        /* (dx0, dx1, dy0, dy1) -> (dx0 dy0, dx1 dy1) */
        const __m128 d = _mm_cvtph_ps(_mm_setr_epi16((short)x[b].d, (short)x[b + 1].d, (short)y[b].d, (short)y[b + 1].d, 0, 0, 0, 0));
        NL4_ACC2(_mm_mul_ps(d, _mm_movehl_ps(d, d)), p0, p1);
    }
    for (; b < nb; b++)
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(gk_f16(x[b].d) * gk_f16(y[b].d)), _mm256_cvtepi32_ps(nl4_block(tbl, x[b].qs, y[b].qs)), acc0);
    *s = gk_hsum(_mm256_add_ps(acc0, acc1));
}

/* E8M0 bytes (as int32 lanes) -> 2^(e-128) as gk_e8m0_half: (e - 1) << 23, or 0x00200000 << e for e < 2 */
static inline __m128 e8m0_half_x4(__m128i e) {
    const __m128i normal = _mm_slli_epi32(_mm_sub_epi32(e, _mm_set1_epi32(1)), 23);
    const __m128i sub = _mm_sllv_epi32(_mm_set1_epi32(0x00200000), e);
    return _mm_castsi128_ps(_mm_blendv_epi8(normal, sub, _mm_cmpgt_epi32(_mm_set1_epi32(2), e)));
}

void gk_vecdot_mxfp4_q8_0_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_mxfp4 *x = vx;
    const gk_block_q8_0 *y = vy;
    const int64_t nb = n / 32;
    const __m256i tbl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_fp4));
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t b = 0;
    for (; b + 1 < nb; b += 2) {
        const __m256i p0 = nl4_block(tbl, x[b].qs, y[b].qs), p1 = nl4_block(tbl, x[b + 1].qs, y[b + 1].qs);
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(gk_e8m0_half(x[b].e) * gk_f16(y[b].d)), _mm256_cvtepi32_ps(p0), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_set1_ps(gk_e8m0_half(x[b+1].e) * gk_f16(y[b+1].d)), _mm256_cvtepi32_ps(p1), acc1);
    }
    for (; b < nb; b++)
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(gk_e8m0_half(x[b].e) * gk_f16(y[b].d)), _mm256_cvtepi32_ps(nl4_block(tbl, x[b].qs, y[b].qs)), acc0);
    *s = gk_hsum(_mm256_add_ps(acc0, acc1));
}
