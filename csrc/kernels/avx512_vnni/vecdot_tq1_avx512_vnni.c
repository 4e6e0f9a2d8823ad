/* vec_dot of TQ1_0 (ternary weights, 5 trits per byte in qs, 4 in qh) with Q8_K activations,
 * AVX-512 + VNNI (256-bit vectors: on Zen 4 they run the same bytes per cycle as 512-bit ones, and VEX
 * compares give byte masks without going through k registers).
 *
 * Trit l of a byte q is t_l = (3 v_l) >> 8 with v_l = q * 3^l mod 256. Since v_{l+1} = 3 v_l mod 256,
 * 256 t_l = 3 v_l - v_{l+1} exactly, so sum(t_l * a) = (3 dot(v_l, a) - dot(v_{l+1}, a)) / 256: two
 * vpdpbusd on the bytes v_l and no trit extraction at all. The qs[0..31] part (160 weights) is done so.
 * The qs[32..47] and qh parts use compares instead (trit = [v >= 86] + [v >= 171]), which balances the
 * vpdpbusd pipes against the others (measured faster than either method alone). Weights are t - 1: the
 * block's activation sum (bsums) removes the -1. Integer sums are exact; 1/256 and 1/85 are applied to
 * the float totals. */
#include "vecdot_simd_avx512_vnni.h"
#include "blocks.h"

static inline __m256i times3(__m256i x) { return _mm256_add_epi8(x, _mm256_add_epi8(x, x)); }
static inline __m256i times9(__m256i x) {
    return _mm256_add_epi8(_mm256_and_si256(_mm256_slli_epi16(x, 3), _mm256_set1_epi8((char)0xf8)), x);
}
static inline __m256i load32(const int8_t *p) { return _mm256_loadu_si256((const __m256i *)p); }

/* s = v - 128 as a signed byte (v offset by 128: an odd multiplier keeps the offset, (v + 128) * 3 =
 * 3v + 128 mod 256). Returns 85 * trit as bytes (0, 0x55, 0xaa): m1 = [v >= 86], m2 = [v >= 171], bits
 * set in 0x55 take m1 & ~m2, the others m2. c1, c2 = -43, 42 in registers (see below). */
static inline __m256i trit85(__m256i s, __m256i c1, __m256i c2, __m256i c55) {
    return _mm256_ternarylogic_epi32(_mm256_cmpgt_epi8(s, c1), _mm256_cmpgt_epi8(s, c2), c55, 0x64);
}

void gk_vecdot_tq1_0_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_tq1_0 *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    __m256i c1 = _mm256_set1_epi8(-43), c2 = _mm256_set1_epi8(42);
    __asm__("" : "+x"(c1), "+x"(c2)); /* opaque: gcc would rewrite s > c as min + cmpeq (two ops) */
    const __m256i c55 = _mm256_set1_epi8(0x55);
    const uint64_t lo = 0x00ff00ff00ff00ffULL, off = 0x8080808080808080ULL;
    __m256 acc256 = _mm256_setzero_ps(), acc85 = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const int8_t *q8 = y[i].qs;
        /* activations 0..159: v_l = 3^l qs[0..31] for l = 0..5; A = sum dot(v_l, a_l), B = sum dot(v_{l+1}, a_l)
         * + 256 * sum(a) (B starts with the bsums term) */
        const __m256i x0 = _mm256_loadu_si256((const __m256i *)x[i].qs);
        const __m256i x1 = times3(x0), x2 = times3(x1), x3 = times3(x2), x4 = times3(x3), x5 = times3(x4);
        const __m256i a0 = load32(q8), a1 = load32(q8 + 32), a2 = load32(q8 + 64), a3 = load32(q8 + 96),
                      a4 = load32(q8 + 128);
        __m256i B = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y[i].bsums), _mm256_set1_epi16(256));
        __m256i A = _mm256_dpbusd_epi32(_mm256_setzero_si256(), x0, a0);
        B = _mm256_dpbusd_epi32(B, x1, a0);
        A = _mm256_dpbusd_epi32(A, x1, a1);
        B = _mm256_dpbusd_epi32(B, x2, a1);
        A = _mm256_dpbusd_epi32(A, x2, a2);
        B = _mm256_dpbusd_epi32(B, x3, a2);
        A = _mm256_dpbusd_epi32(A, x3, a3);
        B = _mm256_dpbusd_epi32(B, x4, a3);
        A = _mm256_dpbusd_epi32(A, x4, a4);
        B = _mm256_dpbusd_epi32(B, x5, a4);
        /* activations 160..239: trits l = 0..4 of qs[32..47] as [y, 3y], [9y, 27y], [81y, .] (offset by 128) */
        const __m128i y0 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(x[i].qs + 32)), _mm_set1_epi8((char)0x80));
        const __m256i y01 = _mm256_inserti128_si256(_mm256_castsi128_si256(y0), _mm_add_epi8(y0, _mm_add_epi8(y0, y0)), 1);
        const __m256i y23 = times9(y01), y4 = times9(y23);
        /* activations 240..255: qh[j] * 3^l at byte 4l + j, built in scalar registers: the four bytes in
         * 16-bit fields are multiplied at once (27 * 255 < 2^16), pext takes the low bytes back */
        uint32_t qh;
        memcpy(&qh, x[i].qh, 4);
        const uint64_t q16 = _pdep_u64(qh, lo);
        const uint64_t p1 = _pext_u64(q16 * 3, lo), p2 = _pext_u64(q16 * 9, lo), p3 = _pext_u64(q16 * 27, lo);
        const __m128i h = _mm_set_epi64x((long long)((p2 | p3 << 32) ^ off), (long long)((qh | p1 << 32) ^ off));
        __m256i C = _mm256_dpbusd_epi32(_mm256_setzero_si256(), trit85(y01, c1, c2, c55), load32(q8 + 160));
        C = _mm256_dpbusd_epi32(C, trit85(y23, c1, c2, c55), load32(q8 + 192));
        C = _mm256_dpbusd_epi32(C, trit85(_mm256_inserti128_si256(y4, h, 1), c1, c2, c55), load32(q8 + 224));
        /* 3A - B = 256 * (sum(t * a) over activations 0..159 - sum(a) over all); C = 85 * sum(t * a) over 160..255 */
        const __m256i sum256 = _mm256_sub_epi32(_mm256_add_epi32(A, _mm256_add_epi32(A, A)), B);
        const __m256 d = _mm256_mul_ps(_mm256_cvtph_ps(_mm_set1_epi16((short)x[i].d)), _mm256_broadcast_ss(&y[i].d));
        acc256 = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(sum256), acc256);
        acc85 = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(C), acc85);
    }
    const __m256 acc = _mm256_add_ps(_mm256_mul_ps(acc256, _mm256_set1_ps(1.0f / 256.0f)),
                                     _mm256_div_ps(acc85, _mm256_set1_ps(85.0f)));
    __m128 r = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    r = _mm_add_ps(r, _mm_movehl_ps(r, r));
    *s = _mm_cvtss_f32(_mm_add_ss(r, _mm_movehdup_ps(r)));
}
