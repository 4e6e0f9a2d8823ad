/* vec_dot of TQ1_0 (ternary weights, 5 trits per byte in qs, 4 in qh) with Q8_K activations,
 * AVX-512 + VNNI.
 *
 * Trit l of a byte q is ((q * 3^l mod 256) * 3) >> 8. The products q * 3^l are formed per byte with adds
 * (x * 3 = x + 2x, x * 9 = 8x + x), 64 of them per vector in the order of the activations; two unsigned
 * compares give the trit masks. Q8_K activations are within [-127, 127], so negating them never overflows. */
#include "vecdot_simd_avx512_vnni.h"
#include "blocks.h"

static inline __m512i times3(__m512i x) { return _mm512_add_epi8(x, _mm512_add_epi8(x, x)); }
static inline __m512i times9(__m512i x) {
    return _mm512_add_epi8(_mm512_and_si512(_mm512_slli_epi16(x, 3), _mm512_set1_epi8((char)0xf8)), x);
}

/* acc + sum over 64 weights of (trit - 1) * q8, trits from the bytes v = q * 3^l mod 256: the activation
 * is kept (trit 2: v >= 171), zeroed (trit 1) or negated (trit 0: v < 86), then summed by vpdpbusd */
static inline __m512i tq1_dot(__m512i acc, __m512i v, __m512i q8, __m512i ones) {
    const __mmask64 ge1 = _mm512_cmpge_epu8_mask(v, _mm512_set1_epi8((char)86));
    const __mmask64 ge2 = _mm512_cmpge_epu8_mask(v, _mm512_set1_epi8((char)171));
    const __m512i s = _mm512_mask_sub_epi8(_mm512_maskz_mov_epi8(ge2, q8), ~ge1, _mm512_setzero_si512(), q8);
    return _mm512_dpbusd_epi32(acc, ones, s);
}

void gk_vecdot_tq1_0_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_tq1_0 *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    const __m512i ones = _mm512_set1_epi8(1);
    const __mmask64 hi32 = 0xFFFFFFFF00000000ULL, b16_31 = 0x00000000FFFF0000ULL;
    const __mmask64 b32_47 = 0x0000FFFF00000000ULL, b48_63 = 0xFFFF000000000000ULL;
    /* qh part (activations 240..255): byte 4l + j = qh[j] * 3^l; bytes 52..55 of the vector times 3
     * at least once, 56..59 twice, 60..63 three times */
    const __mmask64 h1 = 0xFFF0000000000000ULL, h2 = 0xFF00000000000000ULL, h3 = 0xF000000000000000ULL;
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const int8_t *q8 = y[i].qs;
        /* activations 0..159: trits l = 0..4 of qs[0..31], 32 per plane */
        const __m512i xb = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)x[i].qs));
        const __m512i v0 = _mm512_mask_add_epi8(xb, hi32, xb, _mm512_add_epi8(xb, xb)); /* x, 3x */
        const __m512i v1 = times9(v0);                                                   /* 9x, 27x */
        /* activations 160..239: trits of qs[32..47], 16 per plane */
        const __m512i yb = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(x[i].qs + 32)));
        const __m512i y9 = times9(yb);
        __m512i v2 = _mm512_mask_mov_epi8(times9(v1), b32_47, yb);                       /* 81x, y */
        v2 = _mm512_mask_mov_epi8(v2, b48_63, times3(yb));                               /* 3y */
        __m512i v3 = _mm512_mask_mov_epi8(y9, b16_31, times3(y9));                       /* 9y, 27y */
        v3 = _mm512_mask_mov_epi8(v3, b32_47, times9(y9));                               /* 81y */
        uint32_t qh;
        memcpy(&qh, x[i].qh, 4);
        __m512i h = _mm512_set1_epi32((int)qh);
        h = _mm512_mask_add_epi8(h, h1, h, _mm512_add_epi8(h, h));
        h = _mm512_mask_add_epi8(h, h2, h, _mm512_add_epi8(h, h));
        h = _mm512_mask_add_epi8(h, h3, h, _mm512_add_epi8(h, h));
        v3 = _mm512_mask_mov_epi8(v3, b48_63, h);                                        /* qh * 3^l */
        __m512i sumi = tq1_dot(_mm512_setzero_si512(), v0, _mm512_loadu_si512(q8), ones);
        sumi = tq1_dot(sumi, v1, _mm512_loadu_si512(q8 + 64), ones);
        sumi = tq1_dot(sumi, v2, _mm512_loadu_si512(q8 + 128), ones);
        sumi = tq1_dot(sumi, v3, _mm512_loadu_si512(q8 + 192), ones);
        const float d = gk_vd_half(x[i].d) * y[i].d;
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(d), acc);
    }
    *s = _mm512_reduce_add_ps(acc);
}
