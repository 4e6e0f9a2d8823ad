/* vec_dot of the K types with 32-weight sub-blocks (Q4_K, Q5_K) and Q6_K on the avx512_vnni tier.
 *
 * Per 32 weights: one vpdpbusd (unsigned codes x Q8_K bytes) into zero gives 8 int32 sums of 4
 * products (each fits in int16: at most 4 * 63 * 128). Two such results are packed to int16
 * (vpackssdw) and the per-sub-block scales applied with one vpmaddwd, so a pair of 32-weight chunks
 * costs dpbusd x2 + pack + madd + add instead of maddubs x2 + madd x2 + add x2 + scale shuffles.
 * Mins (Q4_K, Q5_K) and the -32 offset (Q6_K) go through the Q8_K bsums once per super-block. */
#include <immintrin.h>
#include <stdint.h>
#include <string.h>
#include "blocks.h"
#include "../avx2/x86_dot.h"

#define AI static inline __attribute__((always_inline))

AI __m256i dp0(__m256i u, __m256i s) { return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s); }

/* int16 scale pattern for packs(p_a, p_b) where p_a's 8 lanes carry scale index A and p_b's index B
 * (32-weight sub-blocks): per 128-bit lane [A x4, B x4]. scb holds 8 int16 scales in each lane. */
AI __m256i pick2(__m256i scb, int A, int B) {
    const char a0 = (char)(2 * A), a1 = (char)(2 * A + 1), b0 = (char)(2 * B), b1 = (char)(2 * B + 1);
    const __m256i sh = _mm256_setr_epi8(a0, a1, a0, a1, a0, a1, a0, a1, b0, b1, b0, b1, b0, b1, b0, b1,
                                        a0, a1, a0, a1, a0, a1, a0, a1, b0, b1, b0, b1, b0, b1, b0, b1);
    return _mm256_shuffle_epi8(scb, sh);
}

/* Q4_K / Q5_K 6-bit scales and mins -> 8 int16 scales broadcast to both lanes, mins duplicated per 16 */
AI void k4_scales(const uint8_t *q, __m256i *scb, __m256i *mins16) {
    uint32_t u[3], sc[2], mn[2];
    memcpy(u, q, 12);
    sc[0] = u[0] & 0x3f3f3f3f;
    mn[0] = u[1] & 0x3f3f3f3f;
    sc[1] = (u[2] & 0x0f0f0f0f) | ((u[0] >> 6) & 0x03030303) << 4;
    mn[1] = ((u[2] >> 4) & 0x0f0f0f0f) | ((u[1] >> 6) & 0x03030303) << 4;
    *scb = _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i *)sc)));
    const __m128i m8 = _mm_loadl_epi64((const __m128i *)mn);
    *mins16 = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(m8, m8));
}

void gk_vecdot_q4_K_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q4_K *x = vx;
    const gk_block_q8_K *y = vy;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    __m256 acc = _mm256_setzero_ps(), accm = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        __m256i scb, mins16;
        k4_scales(x[b].scales, &scb, &mins16);
        __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
        for (int j = 0; j < 4; j++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)(x[b].qs + 32 * j));
            const __m256i lo = _mm256_and_si256(bits, m4);
            const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4);
            const __m256i p0 = dp0(lo, _mm256_loadu_si256((const __m256i *)(y[b].qs + 64 * j)));
            const __m256i p1 = dp0(hi, _mm256_loadu_si256((const __m256i *)(y[b].qs + 64 * j + 32)));
            const __m256i t = _mm256_madd_epi16(_mm256_packs_epi32(p0, p1), pick2(scb, 2 * j, 2 * j + 1));
            if (j & 1) s1 = _mm256_add_epi32(s1, t); else s0 = _mm256_add_epi32(s0, t);
        }
        const float dy = y[b].d;
        const __m256i pm = _mm256_madd_epi16(mins16, _mm256_loadu_si256((const __m256i *)y[b].bsums));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(gk_f16(x[b].d) * dy), _mm256_cvtepi32_ps(_mm256_add_epi32(s0, s1)), acc);
        accm = _mm256_fmadd_ps(_mm256_set1_ps(gk_f16(x[b].dmin) * dy), _mm256_cvtepi32_ps(pm), accm);
    }
    *s = gk_hsum(_mm256_sub_ps(acc, accm));
}
