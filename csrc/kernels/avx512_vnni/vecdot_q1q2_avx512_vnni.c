/* vec_dot of Q1_0 (128 weights of +-d per block) and Q2_0 (64 weights of d * {-1, 0, 1, 2}) with Q8_0
 * activations, AVX-512 + VNNI + VBMI: two Q8_0 blocks (64 activations) per 512-bit vector.
 * Q1_0's bits are a mask register as they are (bit j <-> weight j): the activations are negated where
 * the bit is set and summed with vpdpbusd (-dot, negated at the end). Q2_0's 2-bit fields are spread
 * over bytes by vpmultishiftqb.
 * Q8_0 activations are within [-127, 127], so negating them never overflows. */
#include "vecdot_simd_avx512_vnni.h"
#include "blocks.h"

/* The 64 activations of Q8_0 blocks b and b + 1. */
static inline __m512i load_q8_0_pair(const gk_block_q8_0 *b) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)b[0].qs)),
                              _mm256_loadu_si256((const __m256i *)b[1].qs), 1);
}

void gk_vecdot_q1_0_q8_0_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q1_0 *x = vx;
    const gk_block_q8_0 *y = vy;
    const int64_t nb = n / 128;
    const __m512i ones = _mm512_set1_epi8(1), zero = _mm512_setzero_si512();
    const __m512i lo = _mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m512i hi = _mm512_set_epi32(3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2);
    /* one accumulator per half: a single one chains two FMAs (8 cycles) per block */
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const gk_block_q8_0 *yb = y + 4 * i;
        /* d(x) * d(y) of the 4 Q8_0 blocks, converted as vectors (the four fp16 scales gathered in a scalar
         * register; vpinsrw per scale and a scalar d(x) were measured slower) */
        const uint64_t h4 = (uint64_t)yb[0].d | (uint64_t)yb[1].d << 16 | (uint64_t)yb[2].d << 32 | (uint64_t)yb[3].d << 48;
        const __m512 d4 = _mm512_castps128_ps512(_mm_mul_ps(_mm_cvtph_ps(_mm_cvtsi64_si128((long long)h4)),
                                                            _mm_cvtph_ps(_mm_set1_epi16((short)x[i].d))));
        /* the activations are negated where the bit is set (the mask as it is in memory, no knot): -dot */
        __mmask64 m0, m1;
        memcpy(&m0, x[i].qs, 8);
        memcpy(&m1, x[i].qs + 8, 8);
        const __m512i q0 = load_q8_0_pair(yb), q1 = load_q8_0_pair(yb + 2);
        const __m512i p0 = _mm512_dpbusd_epi32(zero, ones, _mm512_mask_sub_epi8(q0, m0, zero, q0));
        const __m512i p1 = _mm512_dpbusd_epi32(zero, ones, _mm512_mask_sub_epi8(q1, m1, zero, q1));
        acc0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p0), _mm512_permutexvar_ps(lo, d4), acc0);
        acc1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p1), _mm512_permutexvar_ps(hi, d4), acc1);
    }
    *s = -_mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

void gk_vecdot_q2_0_q8_0_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q2_0 *x = vx;
    const gk_block_q8_0 *y = vy;
    const int64_t nb = n / 64;
    const __m512i ones = _mm512_set1_epi8(1), zero = _mm512_setzero_si512(), three = _mm512_set1_epi8(3);
    const __m512i spread = _mm512_set_epi64(1, 1, 1, 1, 0, 0, 0, 0);
    const __m512i lo = _mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    /* byte j of output qword m: the 2 bits of weight 8m + j, at bit 16 * (m % 4) + 2j of data qword m / 4 */
    uint8_t ctrl[64];
    for (int m = 0; m < 8; ++m)
        for (int j = 0; j < 8; ++j) ctrl[8 * m + j] = (uint8_t)(16 * (m % 4) + 2 * j);
    const __m512i shift_ctrl = _mm512_loadu_si512(ctrl);
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const gk_block_q8_0 *yb = y + 2 * i;
        const __m512i qs = _mm512_permutexvar_epi64(spread, _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)x[i].qs)));
        const __m512i codes = _mm512_and_si512(_mm512_multishift_epi64_epi8(shift_ctrl, qs), three); /* value + 1 */
        const __m512i q8 = load_q8_0_pair(yb);
        const __m512i p = _mm512_sub_epi32(_mm512_dpbusd_epi32(zero, codes, q8), _mm512_dpbusd_epi32(zero, ones, q8));
        const __m128i dh = _mm_setr_epi16((short)yb[0].d, (short)yb[1].d, 0, 0, 0, 0, 0, 0);
        const __m512 d2 = _mm512_castps128_ps512(_mm_mul_ps(_mm_cvtph_ps(dh), _mm_set1_ps(gk_vd_half(x[i].d))));
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p), _mm512_permutexvar_ps(lo, d2), acc);
    }
    *s = _mm512_reduce_add_ps(acc);
}
