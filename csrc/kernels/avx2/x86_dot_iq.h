/* x86 helpers of the codebook types (grid rows, signs) and of UE4M3 scales, used by the packed gemm
 * (gemm_decode_x86.h), and the avx2 Q2_0 kernel (same shape as x86_dot.h, included first: one weight
 * row against one activation row). The other low-bit vec_dot kernels are vecdot_{iq,iq1,tq1,q1q2,nvfp4}_<isa>.c. */
#ifndef GK_X86_DOT_IQ_H
#define GK_X86_DOT_IQ_H
#include "x86_dot.h"

/* s8 multipliers (+1 / -1) from a 0x00 / 0xFF mask */
GK_AI __m256i gk_pm1(__m256i negmask) { return _mm256_or_si256(negmask, _mm256_set1_epi8(1)); }

GK_AI __m256i gk_grid64x4(const uint64_t *g, int i0, int i1, int i2, int i3) {
    return _mm256_set_epi64x((long long)g[i3], (long long)g[i2], (long long)g[i1], (long long)g[i0]);
}

/* Q2_0: q in 0..3 (value q - 1), four per byte in order; expand 8 bytes to 32 then maddubs. */
GK_AI __m256i gk_q2_0_expand(const uint8_t *p) {
    int64_t v;
    memcpy(&v, p, 8);
    /* byte j of the result = source byte j / 4 */
    const __m256i rep = _mm256_shuffle_epi8(_mm256_set1_epi64x(v),
        _mm256_set_epi64x(0x0707070706060606LL, 0x0505050504040404LL, 0x0303030302020202LL, 0x0101010100000000LL));
    const __m256i m3 = _mm256_set1_epi8(3);
    const __m256i s0 = _mm256_and_si256(rep, m3);
    const __m256i s1 = _mm256_and_si256(_mm256_srli_epi16(rep, 2), m3);
    const __m256i s2 = _mm256_and_si256(_mm256_srli_epi16(rep, 4), m3);
    const __m256i s3 = _mm256_and_si256(_mm256_srli_epi16(rep, 6), m3);
    const __m256i p0 = _mm256_set1_epi32(0x000000FF), p1 = _mm256_set1_epi32(0x0000FF00);
    const __m256i p2 = _mm256_set1_epi32(0x00FF0000), p3 = _mm256_set1_epi32((int)0xFF000000u);
    return _mm256_or_si256(_mm256_or_si256(_mm256_and_si256(s0, p0), _mm256_and_si256(s1, p1)),
                           _mm256_or_si256(_mm256_and_si256(s2, p2), _mm256_and_si256(s3, p3)));
}

GK_AI void gk_k_q2_0(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q2_0 *x = vx;
    const gk_block_q8_0 *y = vy;
    __m256 acc = _mm256_setzero_ps();
    const __m256i ones = _mm256_set1_epi8(1);
    for (int64_t b = 0; b < n / 64; b++) {
        __m256 bacc = _mm256_setzero_ps();
        for (int k = 0; k < 2; k++) {
            const __m256i q = gk_q2_0_expand(x[b].qs + 8 * k);
            const gk_block_q8_0 *yb = &y[2 * b + k];
            const __m256i yq = _mm256_loadu_si256((const __m256i *)yb->qs);
            /* sum (q - 1) y = sum q y - sum y */
            __m256i p = gk_dp(_mm256_setzero_si256(), q, yq);
            p = _mm256_sub_epi32(p, gk_dp(_mm256_setzero_si256(), ones, yq));
            bacc = _mm256_fmadd_ps(_mm256_set1_ps(gk_f16(yb->d)), _mm256_cvtepi32_ps(p), bacc);
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(gk_f16(x[b].d)), bacc, acc);
    }
    *s = gk_hsum(acc);
}

/* Four UE4M3 bytes -> 4 floats (value / 2, as gk_ue4m3_half): e > 0: 2^(e-8) (1 + m/8); e = 0:
 * m 2^-10; 0x7F (NaN) -> 0; bit 7 ignored. */
GK_AI __m128 gk_ue4m3_half_x4(const uint8_t *p) {
    uint32_t u;
    memcpy(&u, p, 4);
    const __m128i x = _mm_cvtepu8_epi32(_mm_cvtsi32_si128((int)u));
    const __m128i e = _mm_and_si128(_mm_srli_epi32(x, 3), _mm_set1_epi32(0xF));
    const __m128i m = _mm_and_si128(x, _mm_set1_epi32(7));
    const __m128 normal = _mm_castsi128_ps(_mm_or_si128(_mm_slli_epi32(_mm_add_epi32(e, _mm_set1_epi32(119)), 23),
                                                        _mm_slli_epi32(m, 20)));
    const __m128 sub = _mm_mul_ps(_mm_cvtepi32_ps(m), _mm_set1_ps(1.0f / 1024.0f));
    const __m128 isnormal = _mm_castsi128_ps(_mm_cmpgt_epi32(e, _mm_setzero_si128()));
    const __m128 v = _mm_blendv_ps(sub, normal, isnormal);
    const __m128 isnan = _mm_castsi128_ps(_mm_cmpeq_epi32(x, _mm_set1_epi32(0x7F)));
    return _mm_andnot_ps(isnan, v);
}

#endif
