/* m = 1 products through the gemm entry (included by gemm_packed_avx512_vnni.c): the activation row is
 * prepared once per call (bytes rearranged to the weight decoder's order, float scales, and the
 * per-block sums that absorb a weight offset), then every weight row of the chunk runs a loop of one
 * load + one vpdpbusd per 64 weights. Static functions only. */
#ifndef GK_GEMV_AVX512_VNNI_H
#define GK_GEMV_AVX512_VNNI_H
#include <stdlib.h>
#include "../avx2/x86_dot.h"


typedef struct {
    uint8_t *yq;  /* nb * 32 bytes, pairs of blocks in the decoder's order */
    float *dy;    /* nb: activation scale */
    float *cy;    /* nb: dy * sum(q) (the offset term), or for Q8_1 the s field */
} gemv_act;

/* pair layout "nib": [b 0..15, b+1 0..15, b 16..31, b+1 16..31] (what nibble decoding yields);
 * "flat": [b 0..31, b+1 0..31]. The last block of an odd count is stored flat. */
static int gemv_prepare(const void *a, int64_t nb, int act_q8_1, int nib, gemv_act *g) {
    g->yq = gk_amalloc((size_t)(nb * 32 + 64));
    g->dy = malloc(sizeof(float) * (size_t)(nb + 8));
    g->cy = malloc(sizeof(float) * (size_t)(nb + 8));
    if (!g->yq || !g->dy || !g->cy) return -1;
    const size_t bsz = act_q8_1 ? sizeof(gk_block_q8_1) : sizeof(gk_block_q8_0);
    const size_t qoff = act_q8_1 ? 4 : 2;
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *blk = (const uint8_t *)a + b * bsz;
        const int8_t *q = (const int8_t *)(blk + qoff);
        uint8_t *dst = g->yq + (b & ~(int64_t)1) * 32;
        if (nib && (b | 1) < nb) {
            const int h = (int)(b & 1);
            memcpy(dst + 16 * h, q, 16);
            memcpy(dst + 32 + 16 * h, q + 16, 16);
        } else {
            memcpy(g->yq + b * 32, q, 32);
        }
        uint16_t d16, s16;
        memcpy(&d16, blk, 2);
        g->dy[b] = gk_f16(d16);
        if (act_q8_1) {
            memcpy(&s16, blk + 2, 2);
            g->cy[b] = gk_f16(s16);
        } else {
            int sum = 0;
            for (int j = 0; j < 32; j++) sum += q[j];
            g->cy[b] = g->dy[b] * (float)sum;
        }
    }
    return 0;
}

static void gemv_free(gemv_act *g) { free(g->yq); free(g->dy); free(g->cy); }

/* 8 fp16 values `stride` bytes apart -> 8 floats */
static inline __attribute__((always_inline)) __m256 gemv_f16x8(const void *p, size_t stride) {
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

/* [b lo, b+1 lo, b hi, b+1 hi] nibbles of two blocks whose qs are `stride` bytes apart */
static inline __attribute__((always_inline)) __m512i gemv_nib(const uint8_t *q, size_t stride) {
    const __m256i t = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)q)),
                                              _mm_loadu_si128((const __m128i *)(q + stride)), 1);
    return _mm512_and_si512(_mm512_inserti64x4(_mm512_castsi256_si512(t), _mm256_srli_epi16(t, 4), 1),
                            _mm512_set1_epi8(0x0F));
}

/* One weight row: sum_b sx_b dy_b (dot(u_b, y_b)) - OFF sum_b sx_b cy_b (+ EXTRA terms).
 * XS8(b): 8 weight scales; DECODE(b): u for blocks b, b+1 in the activation's pair layout;
 * TAIL(b): float contribution of a last odd block. */
#define GEMV_ROW(OFF, NIBIDX, XS8, DECODE, EXTRA8, TAIL)                                              \
    {                                                                                              \
        __m512 acc = _mm512_setzero_ps(), acc2 = _mm512_setzero_ps();                              \
        __m256 acco = _mm256_setzero_ps(), accx = _mm256_setzero_ps();                             \
        int64_t b0 = 0;                                                                            \
        for (; b0 + 8 <= nb; b0 += 8) {                                                            \
            const __m256 xs = XS8(b0);                                                             \
            const __m512 sc = _mm512_castps256_ps512(_mm256_mul_ps(xs, _mm256_loadu_ps(g.dy + b0))); \
            acco = _mm256_fmadd_ps(xs, _mm256_loadu_ps(g.cy + b0), acco);                          \
            EXTRA8;                                                                                \
            for (int pr = 0; pr < 4; pr++) {                                                       \
                const int64_t b = b0 + 2 * pr;                                                     \
                __m512i u;                                                                         \
                DECODE;                                                                            \
                const __m512i p = _mm512_dpbusd_epi32(_mm512_setzero_si512(), u,                   \
                                                      _mm512_load_si512((const __m512i *)(g.yq + b * 32))); \
                const __m512 s2 = _mm512_permutexvar_ps(NIBIDX(pr), sc);                           \
                if (pr & 1) acc2 = _mm512_fmadd_ps(s2, _mm512_cvtepi32_ps(p), acc2);               \
                else acc = _mm512_fmadd_ps(s2, _mm512_cvtepi32_ps(p), acc);                        \
            }                                                                                      \
        }                                                                                          \
        float sum = _mm512_reduce_add_ps(_mm512_add_ps(acc, acc2)) - (float)(OFF) * gk_hsum(acco) + gk_hsum(accx); \
        for (int64_t b = b0; b < nb; b++) sum += (TAIL);                                          \
        out = sum;                                                                                 \
    }

/* permutexvar indices of the two blocks of pair pr: nib layout [b, b+1, b, b+1] x 4 lanes; flat [b x8, b+1 x8] */
#define GEMV_IDX_NIB(pr) _mm512_setr_epi32(2 * (pr), 2 * (pr), 2 * (pr), 2 * (pr), 2 * (pr) + 1, 2 * (pr) + 1, 2 * (pr) + 1, 2 * (pr) + 1, \
                                           2 * (pr), 2 * (pr), 2 * (pr), 2 * (pr), 2 * (pr) + 1, 2 * (pr) + 1, 2 * (pr) + 1, 2 * (pr) + 1)
#define GEMV_IDX_FLAT(pr) _mm512_setr_epi32(2 * (pr), 2 * (pr), 2 * (pr), 2 * (pr), 2 * (pr), 2 * (pr), 2 * (pr), 2 * (pr), \
                                            2 * (pr) + 1, 2 * (pr) + 1, 2 * (pr) + 1, 2 * (pr) + 1, 2 * (pr) + 1, 2 * (pr) + 1, 2 * (pr) + 1, 2 * (pr) + 1)

#endif
