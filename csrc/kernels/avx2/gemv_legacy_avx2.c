/* m = 1 products of Q4_0, Q5_0, Q4_1, Q5_1 for the gemm entries of gemm_packed_avx2.c: the activation
 * row is prepared once per call (float scales, and dy * sum(q) to absorb the weights' -8 / -16
 * offset), then each weight row takes unsigned codes (no sign tricks) into maddubs, eight block
 * scales per vector. */
#include <stdlib.h>
#include "x86_dot.h"

typedef struct { float *dy, *cy; } gemv_act2;

/* Q8_0 (s_field = 0) or Q8_1 (s_field = 1: cy = s) activation row */
static int prepare(const void *a, int64_t nb, int q81, gemv_act2 *g) {
    g->dy = malloc(sizeof(float) * (size_t)(nb + 8));
    g->cy = malloc(sizeof(float) * (size_t)(nb + 8));
    if (!g->dy || !g->cy) return -1;
    for (int64_t b = 0; b < nb; b++) {
        if (q81) {
            const gk_block_q8_1 *y = (const gk_block_q8_1 *)a + b;
            g->dy[b] = gk_f16(y->d);
            g->cy[b] = gk_f16(y->s);
        } else {
            const gk_block_q8_0 *y = (const gk_block_q8_0 *)a + b;
            const __m256i s = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi8(1), _mm256_loadu_si256((const __m256i *)y->qs)),
                                                _mm256_set1_epi16(1));
            __m128i t = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
            t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0x4E));
            t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0xB1));
            g->dy[b] = gk_f16(y->d);
            g->cy[b] = g->dy[b] * (float)_mm_cvtsi128_si32(t);
        }
    }
    return 0;
}

static inline __attribute__((always_inline)) __m256 f16x8(const void *p, size_t stride) {
    const uint8_t *b = p;
    __m128i v = _mm_cvtsi32_si128(*(const uint16_t *)b);
    for (int i = 1; i < 8; i++) v = _mm_insert_epi16(v, *(const uint16_t *)(b + i * stride), i);
    return _mm256_cvtph_ps(v);
}

/* OFF: the weights' code offset (8, 16 or 0); MINS: add sum_b m_b s_b (Q4_1 / Q5_1) */
#define ROW(BT, YT, OFF, MINS, MEXPR, DECODE, TAILK)                                                        \
    {                                                                                              \
        const BT *x = (const BT *)((const char *)w + j * w_stride);                                \
        const YT *y = a;                                                                           \
        __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps(), acco = _mm256_setzero_ps(); \
        int64_t b0 = 0;                                                                            \
        for (; b0 + 8 <= nb; b0 += 8) {                                                            \
            const __m256 xs = f16x8(&x[b0].d, sizeof(BT));                                         \
            const __m256 sc = _mm256_mul_ps(xs, _mm256_loadu_ps(g.dy + b0));                       \
            if (OFF) acco = _mm256_fmadd_ps(xs, _mm256_loadu_ps(g.cy + b0), acco);                 \
            MEXPR;                                                                                 \
            for (int q = 0; q < 8; q++) {                                                          \
                const int64_t b = b0 + q;                                                          \
                __m256i u;                                                                         \
                DECODE;                                                                            \
                const __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(u, _mm256_loadu_si256((const __m256i *)y[b].qs)), \
                                                    _mm256_set1_epi16(1));                         \
                const __m256 s1 = _mm256_permutevar8x32_ps(sc, _mm256_set1_epi32(q));             \
                if (q & 1) acc1 = _mm256_fmadd_ps(s1, _mm256_cvtepi32_ps(p), acc1);               \
                else acc0 = _mm256_fmadd_ps(s1, _mm256_cvtepi32_ps(p), acc0);                     \
            }                                                                                      \
        }                                                                                          \
        float sum = gk_hsum(_mm256_add_ps(acc0, acc1)) + (MINS ? 1.0f : -(float)(OFF)) * gk_hsum(acco); \
        if (b0 < nb) {                                                                             \
            float t;                                                                               \
            TAILK((nb - b0) * 32, &t, x + b0, y + b0);                                             \
            sum += t;                                                                              \
        }                                                                                          \
        c[j] = sum;                                                                                \
    }

#define GEMV2(NAME, BT, YT, Q81, OFF, MINS, MEXPR, DECODE, KERN, TYPE)                                \
    void gk_gemv_##NAME##_avx2(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, float *c); \
    void gk_gemv_##NAME##_avx2(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, float *c) { \
        const int64_t nb = k / 32;                                                                 \
        gemv_act2 g = {0};                                                                         \
        if (prepare(a, nb, Q81, &g)) {                                                             \
            for (int64_t j = 0; j < n; j++) c[j] = __builtin_nanf("");                             \
        } else {                                                                                   \
            for (int64_t j = 0; j < n; j++) ROW(BT, YT, OFF, MINS, MEXPR, DECODE, KERN)            \
        }                                                                                          \
        free(g.dy); free(g.cy);                                                                    \
    }

#define MINS8 acco = _mm256_fmadd_ps(f16x8(&x[b0].m, sizeof(*x)), _mm256_loadu_ps(g.cy + b0), acco)


GEMV2(q4_0_q8_0, gk_block_q4_0, gk_block_q8_0, 0, 8, 0, (void)0, { u = gk_nibbles32(x[b].qs); }, gk_k_q4_0, GK_TYPE_Q4_0)
GEMV2(q5_0_q8_0, gk_block_q5_0, gk_block_q8_0, 0, 16, 0, (void)0,
      { u = _mm256_or_si256(gk_nibbles32(x[b].qs), _mm256_and_si256(gk_bits32(x[b].qh), _mm256_set1_epi8(0x10))); },
      gk_k_q5_0, GK_TYPE_Q5_0)
GEMV2(q4_1_q8_1, gk_block_q4_1, gk_block_q8_1, 1, 0, 1, MINS8, { u = gk_nibbles32(x[b].qs); }, gk_k_q4_1, GK_TYPE_Q4_1)
GEMV2(q5_1_q8_1, gk_block_q5_1, gk_block_q8_1, 1, 0, 1, MINS8,
      { u = _mm256_or_si256(gk_nibbles32(x[b].qs), _mm256_and_si256(gk_bits32(x[b].qh), _mm256_set1_epi8(0x10))); },
      gk_k_q5_1, GK_TYPE_Q5_1)
