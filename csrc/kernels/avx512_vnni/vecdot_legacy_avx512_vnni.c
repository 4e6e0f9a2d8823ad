/* m = 1 dot products of the 32-weight-block types with 512-bit vpdpbusd: two blocks per step.
 * Weights are made unsigned u = w + off (nibbles as they are; signed codes through an offset table),
 * so each step is  dpbusd(u, y) - dpbusd(off, y) = sum (w) y  per 4-lane group, exact in integers;
 * the float scales of the two blocks multiply their halves of the vector. */
#include "../avx2/x86_dot.h"

#define GK_VNNI_AI static inline __attribute__((always_inline))

/* 2 x 16 packed nibble bytes -> 64 bytes: block 0's 32 values (low nibbles then high), then block 1's */
GK_VNNI_AI __m512i nib64(const uint8_t *q0, const uint8_t *q1) {
    const __m256i t = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)q0)),
                                              _mm_loadu_si128((const __m128i *)q1), 1);
    __m512i z = _mm512_inserti64x4(_mm512_castsi256_si512(t), _mm256_srli_epi16(t, 4), 1);
    z = _mm512_and_si512(z, _mm512_set1_epi8(0x0F));
    return _mm512_shuffle_i64x2(z, z, _MM_SHUFFLE(3, 1, 2, 0));
}

GK_VNNI_AI __m512i load2x32(const int8_t *a, const int8_t *b) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)a)),
                              _mm256_loadu_si256((const __m256i *)b), 1);
}

/* 8 fp16 values `stride` bytes apart -> 8 floats */
GK_VNNI_AI __m256 f16x8(const void *p, size_t stride) {
    const uint8_t *b = p;
    __m128i v = _mm_cvtsi32_si128(*(const uint16_t *)b);
    v = _mm_insert_epi16(v, *(const uint16_t *)(b + stride), 1);
    v = _mm_insert_epi16(v, *(const uint16_t *)(b + 2 * stride), 2);
    v = _mm_insert_epi16(v, *(const uint16_t *)(b + 3 * stride), 3);
    v = _mm_insert_epi16(v, *(const uint16_t *)(b + 4 * stride), 4);
    v = _mm_insert_epi16(v, *(const uint16_t *)(b + 5 * stride), 5);
    v = _mm_insert_epi16(v, *(const uint16_t *)(b + 6 * stride), 6);
    v = _mm_insert_epi16(v, *(const uint16_t *)(b + 7 * stride), 7);
    return _mm256_cvtph_ps(v);
}

/* sum_b scale_b * (dot(u_b, y_b) - dot(off, y_b)). Eight blocks per outer step: their 8 scales are
 * computed as one vector (XSCALE8(b) gives the weight scales of blocks b..b+7 as a __m256), then each
 * pair of blocks takes its two from it. DECODE(b) sets u for blocks b, b+1. */
#define LOOP2(YT, TAIL_KERN, OFF, XSCALE8, DECODE, EXTRA8)                                           \
    const YT *y = vy;                                                                              \
    const int64_t nb = n / 32;                                                                     \
    __m512 acc = _mm512_setzero_ps(), acc2 = _mm512_setzero_ps();                                  \
    __m256 accx = _mm256_setzero_ps();                                                             \
    const __m512i off = _mm512_set1_epi8((char)(OFF));                                             \
    int64_t b0 = 0;                                                                                \
    for (; b0 + 8 <= nb; b0 += 8) {                                                                \
        const __m512 sc = _mm512_castps256_ps512(_mm256_mul_ps(XSCALE8(b0), f16x8(&y[b0].d, sizeof(YT)))); \
        for (int pr = 0; pr < 4; pr++) {                                                           \
            const int64_t b = b0 + 2 * pr;                                                         \
            __m512i u;                                                                             \
            DECODE;                                                                                \
            const __m512i yv = load2x32(y[b].qs, y[b + 1].qs);                                     \
            __m512i p = _mm512_dpbusd_epi32(_mm512_setzero_si512(), u, yv);                        \
            if (OFF) p = _mm512_sub_epi32(p, _mm512_dpbusd_epi32(_mm512_setzero_si512(), off, yv)); \
            const __m512i idx = _mm512_setr_epi32(2 * pr, 2 * pr, 2 * pr, 2 * pr, 2 * pr, 2 * pr, 2 * pr, 2 * pr, \
                                                  2 * pr + 1, 2 * pr + 1, 2 * pr + 1, 2 * pr + 1,   \
                                                  2 * pr + 1, 2 * pr + 1, 2 * pr + 1, 2 * pr + 1);  \
            const __m512 s2 = _mm512_permutexvar_ps(idx, sc);                                      \
            if (pr & 1) acc2 = _mm512_fmadd_ps(s2, _mm512_cvtepi32_ps(p), acc2);                   \
            else acc = _mm512_fmadd_ps(s2, _mm512_cvtepi32_ps(p), acc);                            \
        }                                                                                          \
        EXTRA8;                                                                                    \
    }                                                                                              \
    float sum = _mm512_reduce_add_ps(_mm512_add_ps(acc, acc2)) + gk_hsum(accx);                    \
    if (b0 < nb) {                                                                                 \
        float t;                                                                                   \
        TAIL_KERN((nb - b0) * 32, &t, x + b0, y + b0);                                             \
        sum += t;                                                                                  \
    }                                                                                              \
    *s = sum;

#define XD8(b) f16x8(&x[b].d, sizeof(*x))

void gk_vecdot_q4_0_q8_0_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q4_0 *x = vx;
    LOOP2(gk_block_q8_0, gk_k_q4_0, 8, XD8, { u = nib64(x[b].qs, x[b + 1].qs); }, (void)0)
}

void gk_vecdot_q4_1_q8_1_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q4_1 *x = vx;
    LOOP2(gk_block_q8_1, gk_k_q4_1, 0, XD8, { u = nib64(x[b].qs, x[b + 1].qs); },
          accx = _mm256_fmadd_ps(f16x8(&x[b0].m, sizeof(*x)), f16x8(&y[b0].s, sizeof(*y)), accx))
}

/* 5th bits of two Q5 blocks -> 0x10 bytes */
GK_VNNI_AI __m512i q5_high(const uint8_t *h0, const uint8_t *h1) {
    uint32_t a, c;
    memcpy(&a, h0, 4);
    memcpy(&c, h1, 4);
    const __mmask64 m = (__mmask64)a | ((__mmask64)c << 32);
    return _mm512_maskz_mov_epi8(m, _mm512_set1_epi8(0x10));
}

void gk_vecdot_q5_0_q8_0_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q5_0 *x = vx;
    LOOP2(gk_block_q8_0, gk_k_q5_0, 16, XD8,
          { u = _mm512_or_si512(nib64(x[b].qs, x[b + 1].qs), q5_high(x[b].qh, x[b + 1].qh)); }, (void)0)
}

void gk_vecdot_q5_1_q8_1_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q5_1 *x = vx;
    LOOP2(gk_block_q8_1, gk_k_q5_1, 0, XD8,
          { u = _mm512_or_si512(nib64(x[b].qs, x[b + 1].qs), q5_high(x[b].qh, x[b + 1].qh)); },
          accx = _mm256_fmadd_ps(f16x8(&x[b0].m, sizeof(*x)), f16x8(&y[b0].s, sizeof(*y)), accx))
}

void gk_vecdot_q8_0_q8_0_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q8_0 *x = vx;
    /* w + 128 as unsigned (xor 0x80), minus 128 * sum(y) */
    LOOP2(gk_block_q8_0, gk_k_q8_0, 0x80, XD8,
          { u = _mm512_xor_si512(load2x32(x[b].qs, x[b + 1].qs), _mm512_set1_epi8((char)0x80)); }, (void)0)
}

/* tables shifted by +128 (all entries within [-128, 127]) */
void gk_vecdot_iq4_nl_q8_0_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq4_nl *x = vx;
    const __m512i tbl = _mm512_xor_si512(_mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)gk_kvalues_iq4nl)),
                                         _mm512_set1_epi8((char)0x80));
    LOOP2(gk_block_q8_0, gk_k_iq4_nl, 0x80, XD8, { u = _mm512_shuffle_epi8(tbl, nib64(x[b].qs, x[b + 1].qs)); }, (void)0)
}

/* 8 E8M0 bytes (17 bytes apart) -> 8 floats 2^(e - 128) (denormal for e < 2, as gk_e8m0_half) */
GK_VNNI_AI __m256 e8m0_half_x8(const gk_block_mxfp4 *x) {
    const __m256i e = _mm256_setr_epi32(x[0].e, x[1].e, x[2].e, x[3].e, x[4].e, x[5].e, x[6].e, x[7].e);
    const __m256i normal = _mm256_slli_epi32(_mm256_sub_epi32(e, _mm256_set1_epi32(1)), 23);
    const __m256i denorm = _mm256_sllv_epi32(_mm256_set1_epi32(0x00200000), e);
    return _mm256_castsi256_ps(_mm256_blendv_epi8(normal, denorm, _mm256_cmpgt_epi32(_mm256_set1_epi32(2), e)));
}
#define E8M0X8(b) e8m0_half_x8(x + (b))

void gk_vecdot_mxfp4_q8_0_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_mxfp4 *x = vx;
    const __m512i tbl = _mm512_xor_si512(_mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)gk_kvalues_fp4)),
                                         _mm512_set1_epi8((char)0x80));
    LOOP2(gk_block_q8_0, gk_k_mxfp4, 0x80, E8M0X8, { u = _mm512_shuffle_epi8(tbl, nib64(x[b].qs, x[b + 1].qs)); }, (void)0)
}
