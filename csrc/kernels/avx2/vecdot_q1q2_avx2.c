/* vec_dot of Q1_0 (128 weights of +-d per block) with Q8_0 activations, AVX2.
 *
 * Per Q8_0 block: the 32 weight bits, spread one per byte and isolated (t = bit value or 0), become
 * t + 127 (negative where the bit is set, 127 where clear), so vpsign gives -w y in one op; the products
 * are summed in pairs to 16 bits and pairs of Q8_0 blocks folded together by a 16-bit horizontal add
 * so that one float conversion and one FMA serve 64 weights (the sum is negated once at the end). The
 * five fp16 scales are converted together from one general-register pack. */
#include "vecdot_simd_avx2.h"
#include "blocks.h"

void gk_vecdot_q1_0_q8_0_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q1_0 *x = vx;
    const gk_block_q8_0 *y = vy;
    const int64_t nb = n / 128;
    const __m256i bit = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
    const __m256i ones8 = _mm256_set1_epi8(1), ones16 = _mm256_set1_epi16(1), m127 = _mm256_set1_epi8(127);
    /* shuf[k]: bytes 4k..4k+3 of the 16 weight bytes, each repeated 8 times (one per bit) */
    __m256i shuf[4];
    for (int k = 0; k < 4; ++k) {
        uint8_t b[32];
        for (int j = 0; j < 32; ++j) b[j] = (uint8_t)(4 * k + j / 8);
        shuf[k] = _mm256_loadu_si256((const __m256i *)b);
    }
    __m256 acc = _mm256_setzero_ps(), acc2 = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const gk_block_q8_0 *yb = y + 4 * i;
        const __m256i bits = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)x[i].qs));
        __m256i p[4];
        for (int k = 0; k < 4; ++k) {
            const __m256i t = _mm256_add_epi8(_mm256_and_si256(_mm256_shuffle_epi8(bits, shuf[k]), bit), m127);
            p[k] = _mm256_maddubs_epi16(ones8, _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)yb[k].qs), t));
        }
        /* int16 pair sums of two Q8_0 blocks folded by one hadd (at most 4 x 127 in magnitude), then to
         * 32 bits: lanes are blocks 0, 0, 1, 1 (2, 2, 3, 3) over quarters of their weights. A second
         * hadd level to get all four blocks in one vector costs more than the extra convert + FMA. */
        const __m256i h01 = _mm256_madd_epi16(_mm256_hadd_epi16(p[0], p[1]), ones16);
        const __m256i h23 = _mm256_madd_epi16(_mm256_hadd_epi16(p[2], p[3]), ones16);
        /* (dy0..dy3 | dx x4) times its lane swap: dy_k dx in element k of both lanes */
        const uint64_t dy = yb[0].d | (uint64_t)yb[1].d << 16 | (uint64_t)yb[2].d << 32 | (uint64_t)yb[3].d << 48;
        const __m256 dd = _mm256_cvtph_ps(_mm_set_epi64x((long long)(x[i].d * 0x0001000100010001ULL), (long long)dy));
        const __m256 d = _mm256_mul_ps(dd, _mm256_permute2f128_ps(dd, dd, 0x01));
        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(h01), _mm256_unpacklo_ps(d, d), acc);
        acc2 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(h23), _mm256_unpackhi_ps(d, d), acc2);
    }
    acc = _mm256_add_ps(acc, acc2);
    *s = -gk_vd_hsum_ps(acc);
}
