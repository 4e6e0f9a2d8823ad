/* F16 x F16 and BF16 x BF16 products with AVX-512 (F, BW): 16 halves converted per instruction, four
 * accumulators. gemm (m > 1) converts each activation row to float once per call and each weight row
 * once, then dots 4 activation rows against it; m = 1 runs vec_dot per row. */
#include <immintrin.h>
#include <stdlib.h>
#include "fp16.h"

#define AI static inline __attribute__((always_inline))

AI __m512 ld_f16(const uint16_t *p) { return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p)); }
AI __m512 ld_bf16(const uint16_t *p) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)p)), 16));
}
AI __m512 ldm_f16(const uint16_t *p, __mmask16 m) { return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, p)); }
AI __m512 ldm_bf16(const uint16_t *p, __mmask16 m) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, p)), 16));
}

/* halves -> floats */
#define TO_F32(NAME, LD, LDM)                                                                        \
    static void NAME(const uint16_t *h, float *f, int64_t k) {                                     \
        int64_t i = 0;                                                                             \
        for (; i + 16 <= k; i += 16) _mm512_storeu_ps(f + i, LD(h + i));                            \
        if (i < k) {                                                                               \
            const __mmask16 m = (__mmask16)((1u << (k - i)) - 1);                                  \
            _mm512_mask_storeu_ps(f + i, m, LDM(h + i, m));                                        \
        }                                                                                          \
    }
TO_F32(f16_row, ld_f16, ldm_f16)
TO_F32(bf16_row, ld_bf16, ldm_bf16)

/* sum over k of w[i] * y[i], both float; R rows of y at once */
AI void dot_f32_rows(int64_t k, const float *w, const float *const *y, float *s, const int R) {
    __m512 a0[4], a1[4];
    for (int r = 0; r < R; r++) { a0[r] = _mm512_setzero_ps(); a1[r] = _mm512_setzero_ps(); }
    int64_t i = 0;
    for (; i + 32 <= k; i += 32) {
        const __m512 w0 = _mm512_loadu_ps(w + i), w1 = _mm512_loadu_ps(w + i + 16);
        for (int r = 0; r < R; r++) {
            a0[r] = _mm512_fmadd_ps(w0, _mm512_loadu_ps(y[r] + i), a0[r]);
            a1[r] = _mm512_fmadd_ps(w1, _mm512_loadu_ps(y[r] + i + 16), a1[r]);
        }
    }
    for (; i < k; i += 16) {
        const __mmask16 m = k - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (k - i)) - 1);
        const __m512 w0 = _mm512_maskz_loadu_ps(m, w + i);
        for (int r = 0; r < R; r++) a0[r] = _mm512_fmadd_ps(w0, _mm512_maskz_loadu_ps(m, y[r] + i), a0[r]);
    }
    for (int r = 0; r < R; r++) s[r] = _mm512_reduce_add_ps(_mm512_add_ps(a0[r], a1[r]));
}

/* vec_dot: halves straight from both rows */
#define VECDOT(NAME, LD, LDM)                                                                        \
    void gk_vecdot_##NAME##_avx512(int64_t n, float *s, const void *vx, const void *vy) {          \
        const uint16_t *x = vx, *y = vy;                                                           \
        __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps(); \
        int64_t i = 0;                                                                             \
        for (; i + 64 <= n; i += 64) {                                                             \
            a0 = _mm512_fmadd_ps(LD(x + i), LD(y + i), a0);                                        \
            a1 = _mm512_fmadd_ps(LD(x + i + 16), LD(y + i + 16), a1);                              \
            a2 = _mm512_fmadd_ps(LD(x + i + 32), LD(y + i + 32), a2);                              \
            a3 = _mm512_fmadd_ps(LD(x + i + 48), LD(y + i + 48), a3);                              \
        }                                                                                          \
        for (; i < n; i += 16) {                                                                   \
            const __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1); \
            a0 = _mm512_fmadd_ps(LDM(x + i, m), LDM(y + i, m), a0);                                \
        }                                                                                          \
        *s = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));   \
    }
VECDOT(f16_f16, ld_f16, ldm_f16)
VECDOT(bf16_bf16, ld_bf16, ldm_bf16)

#define GEMM(NAME, ROW)                                                                        \
    void gk_gemm_##NAME##_avx512(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, \
                                 size_t a_stride, int64_t m, float *c, int64_t c_stride) {         \
        if (m == 1) { /* halves straight from both rows beat a float copy of the activation */  \
            for (int64_t j = 0; j < n; j++) gk_vecdot_##NAME##_avx512(k, c + j, (const char *)w + j * w_stride, a); \
            return;                                                                                \
        }                                                                                          \
        float *af = malloc(sizeof(float) * (size_t)(k * m)), *wf = malloc(sizeof(float) * (size_t)k); \
        if (!af || !wf) {                                                                          \
            for (int64_t i = 0; i < m; i++) for (int64_t j = 0; j < n; j++) c[i * c_stride + j] = __builtin_nanf(""); \
            free(af); free(wf); return;                                                            \
        }                                                                                          \
        for (int64_t i = 0; i < m; i++) ROW((const uint16_t *)((const char *)a + i * a_stride), af + i * k, k); \
        for (int64_t j = 0; j < n; j++) {                                                          \
            ROW((const uint16_t *)((const char *)w + j * w_stride), wf, k);                        \
            for (int64_t i = 0; i < m; i += 4) {                                                   \
                const int R = m - i >= 4 ? 4 : (int)(m - i);                                       \
                const float *rows[4];                                                              \
                float sv[4] = {0};                                                                 \
                for (int r = 0; r < 4; r++) rows[r] = af + (i + (r < R ? r : 0)) * k;              \
                switch (R) {                                                                       \
                case 4: dot_f32_rows(k, wf, rows, sv, 4); break;                                   \
                case 3: dot_f32_rows(k, wf, rows, sv, 3); break;                                   \
                case 2: dot_f32_rows(k, wf, rows, sv, 2); break;                                   \
                default: dot_f32_rows(k, wf, rows, sv, 1); break;                                  \
                }                                                                                  \
                for (int r = 0; r < R; r++) c[(i + r) * c_stride + j] = sv[r];                     \
            }                                                                                      \
        }                                                                                          \
        free(af); free(wf);                                                                        \
    }
GEMM(f16_f16, f16_row)
GEMM(bf16_bf16, bf16_row)
