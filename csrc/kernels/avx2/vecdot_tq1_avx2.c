/* vec_dot of TQ1_0 (ternary weights, 5 trits per byte in qs, 4 in qh) with Q8_K activations, AVX2.
 *
 * Trit l of a byte q is ((q * 3^l mod 256) * 3) >> 8. The products q * 3^l are formed per byte with adds
 * (x * 3 = x + 2x, x * 9 = 8x + x), 32 per vector in the order of the activations. The trit of a byte v
 * is (3v) >> 8 = [v >= 86] + [v >= 171]: two signed compares on v ^ 0x80, which the products carry along
 * for free (the bytes are flipped once at load: 3 x 128 and 9 x 128 are 128 mod 256), so no shift-port
 * op per trit. maddubs multiplies the trits (0, 1, 2) with the activations, 16-bit sums are exact (at
 * most 8 x 2 x 2 x 127 per lane), and the block's activation sum (bsums) removes the -1 of every weight. */
#include "vecdot_simd_avx2.h"
#include "blocks.h"

static inline __m256i times3(__m256i x) { return _mm256_add_epi8(x, _mm256_add_epi8(x, x)); }
static inline __m256i times9(__m256i x) {
    return _mm256_add_epi8(_mm256_and_si256(_mm256_slli_epi16(x, 3), _mm256_set1_epi8((char)0xf8)), x);
}

/* 3 x per byte mod 256 of the four bytes of x, in a general register (SWAR: x + 2x without carries
 * between bytes); the 4 qh bytes are multiplied there, off the vector ports. */
static inline uint32_t swar_times3(uint32_t x) {
    const uint32_t d = (x << 1) & 0xFEFEFEFEu;
    return ((x & 0x7F7F7F7Fu) + (d & 0x7F7F7F7Fu)) ^ ((x ^ d) & 0x80808080u);
}

/* trits (0, 1, 2) of the bytes v (given as v ^ 0x80) times the activations at q8, in 16-bit pairs:
 * -(mask v >= 86) - (mask v >= 171) */
static inline __m256i trit_dot(__m256i vx, const int8_t *q8) {
    const __m256i ge1 = _mm256_cmpgt_epi8(vx, _mm256_set1_epi8(85 - 128));
    const __m256i ge2 = _mm256_cmpgt_epi8(vx, _mm256_set1_epi8(170 - 128));
    const __m256i t = _mm256_abs_epi8(_mm256_add_epi8(ge1, ge2));
    return _mm256_maddubs_epi16(t, _mm256_loadu_si256((const __m256i *)q8));
}

void gk_vecdot_tq1_0_q8_K_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_tq1_0 *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    const __m256i flip = _mm256_set1_epi8((char)0x80);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const int8_t *q8 = y[i].qs;
        /* activations 0..159: trits l = 0..4 of qs[0..31] */
        const __m256i x0 = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)x[i].qs), flip);
        const __m256i x1 = times3(x0), x2 = times9(x0), x3 = times9(x1), x4 = times9(x2);
        __m256i sum = _mm256_add_epi16(trit_dot(x0, q8), trit_dot(x1, q8 + 32));
        sum = _mm256_add_epi16(sum, _mm256_add_epi16(trit_dot(x2, q8 + 64), trit_dot(x3, q8 + 96)));
        sum = _mm256_add_epi16(sum, trit_dot(x4, q8 + 128));
        /* activations 160..239: trits l = 0..4 of qs[32..47]; 240..255: qh[j] * 3^l at 240 + 4l + j */
        const __m128i y0 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(x[i].qs + 32)), _mm256_castsi256_si128(flip));
        const __m256i y01 = _mm256_inserti128_si256(_mm256_castsi128_si256(y0), _mm_add_epi8(y0, _mm_add_epi8(y0, y0)), 1);
        const __m256i y23 = times9(y01);
        uint32_t qh;
        memcpy(&qh, x[i].qh, 4);
        const uint32_t h1 = qh ^ 0x80808080u, h3 = swar_times3(h1), h9 = swar_times3(h3), h27 = swar_times3(h9);
        const __m128i h = _mm_set_epi64x((long long)(h9 | (uint64_t)h27 << 32), (long long)(h1 | (uint64_t)h3 << 32));
        const __m256i y4h = _mm256_inserti128_si256(times9(y23), h, 1);    /* 81y (low lane of 9 * 9y), qh part */
        sum = _mm256_add_epi16(sum, _mm256_add_epi16(trit_dot(y01, q8 + 160), trit_dot(y23, q8 + 192)));
        sum = _mm256_add_epi16(sum, trit_dot(y4h, q8 + 224));
        sum = _mm256_sub_epi16(sum, _mm256_loadu_si256((const __m256i *)y[i].bsums));
        const __m256i sumi = _mm256_madd_epi16(sum, _mm256_set1_epi16(1));
        const float d = gk_vd_half(x[i].d) * y[i].d;
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = gk_vd_hsum_ps(acc);
}
