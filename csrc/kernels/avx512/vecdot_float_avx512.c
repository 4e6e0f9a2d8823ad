/* F16 x F16 and BF16 x BF16 products with AVX-512 (F, BW): 16 halves converted per instruction, four
 * accumulators. gemm (m > 1) converts each activation row to float once per call and each weight row
 * once, then dots 4 activation rows against it; m = 1 runs vec_dot per row. */
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>
#include "fp16.h"

/* 64-byte aligned allocation (size rounded up to a multiple of 64, as aligned_alloc requires) */
static inline void *gk_amalloc(size_t size) { return aligned_alloc(64, (size + 63) & ~(size_t)63); }


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

/* m > 1: tiles of 16 weight rows converted to float and transposed (k x 16), so one zmm FMA does
 * 16 weight rows x one activation value; 8 activation rows share each loaded weight vector. */
#define FT 16
#define FXR 8
static inline __attribute__((always_inline)) void fmicro(const float *wt, int64_t k, const float *const *x, const int R,
                                                         __m512 *out) {
    __m512 acc[FXR];
    for (int r = 0; r < R; r++) acc[r] = _mm512_setzero_ps();
    for (int64_t kk = 0; kk < k; kk++) {
        const __m512 wv = _mm512_load_ps(wt + kk * FT);
        for (int r = 0; r < R; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(x[r][kk]), wv, acc[r]);
    }
    for (int r = 0; r < R; r++) out[r] = acc[r];
}

typedef void (*row_to_f32)(const void *row, float *f, int64_t k);
static void f32_row(const void *row, float *f, int64_t k) { memcpy(f, row, sizeof(float) * (size_t)k); }
static void f16_row_v(const void *row, float *f, int64_t k) { f16_row(row, f, k); }
static void bf16_row_v(const void *row, float *f, int64_t k) { bf16_row(row, f, k); }

static void gemm_float(row_to_f32 conv, int64_t k, const void *w, size_t w_stride, int64_t n, const void *a,
                       size_t a_stride, size_t a_elem, int64_t m, float *c, int64_t c_stride) {
    /* float activations are used in place; halves are converted once per call */
    const int direct = conv == f32_row;
    float *af = direct ? NULL : malloc(sizeof(float) * (size_t)(k * m));
    float *tmp = malloc(sizeof(float) * (size_t)k);
    float *wt = gk_amalloc(sizeof(float) * (size_t)(k * FT));
    if ((!direct && !af) || !tmp || !wt) {
        for (int64_t i = 0; i < m; i++) for (int64_t j = 0; j < n; j++) c[i * c_stride + j] = __builtin_nanf("");
        free(af); free(tmp); free(wt); return;
    }
    (void)a_elem;
    const float *xbase = direct ? (const float *)a : af;
    const int64_t ldx = direct ? (int64_t)(a_stride / sizeof(float)) : k;
    if (!direct)
        for (int64_t i = 0; i < m; i++) conv((const char *)a + i * a_stride, af + i * k, k);
    for (int64_t jt = 0; jt < n; jt += FT) {
        const int rows = n - jt < FT ? (int)(n - jt) : FT;
        for (int r = 0; r < FT; r++) {
            if (r < rows) conv((const char *)w + (jt + r) * w_stride, tmp, k);
            else memset(tmp, 0, sizeof(float) * (size_t)k);
            for (int64_t kk = 0; kk < k; kk++) wt[kk * FT + r] = tmp[kk];
        }
        const __mmask16 mask = (__mmask16)((1u << rows) - 1);
        for (int64_t i = 0; i < m; i += FXR) {
            const int R = m - i >= FXR ? FXR : (int)(m - i);
            const float *xr[FXR];
            for (int r = 0; r < FXR; r++) xr[r] = xbase + (i + (r < R ? r : 0)) * ldx;
            __m512 o[FXR] = {0};
            switch (R) {
            case 8: fmicro(wt, k, xr, 8, o); break;
            case 7: fmicro(wt, k, xr, 7, o); break;
            case 6: fmicro(wt, k, xr, 6, o); break;
            case 5: fmicro(wt, k, xr, 5, o); break;
            case 4: fmicro(wt, k, xr, 4, o); break;
            case 3: fmicro(wt, k, xr, 3, o); break;
            case 2: fmicro(wt, k, xr, 2, o); break;
            default: fmicro(wt, k, xr, 1, o); break;
            }
            for (int r = 0; r < R; r++) _mm512_mask_storeu_ps(c + (i + r) * c_stride + jt, mask, o[r]);
        }
    }
    free(af); free(tmp); free(wt);
}

#define GEMM(NAME, CONV)                                                                             \
    void gk_vecdot_##NAME##_avx512(int64_t n, float *s, const void *x, const void *y);              \
    void gk_gemm_##NAME##_avx512(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, \
                                 size_t a_stride, int64_t m, float *c, int64_t c_stride) {         \
        if (m == 1) { /* halves straight from both rows beat a float copy of the activation */     \
            for (int64_t j = 0; j < n; j++) gk_vecdot_##NAME##_avx512(k, c + j, (const char *)w + j * w_stride, a); \
            return;                                                                                \
        }                                                                                          \
        gemm_float(CONV, k, w, w_stride, n, a, a_stride, 0, m, c, c_stride);                       \
    }
GEMM(f16_f16, f16_row_v)
GEMM(bf16_bf16, bf16_row_v)

/* F32: vec_dot in float with four accumulators */
void gk_vecdot_f32_f32_avx512(int64_t n, float *s, const void *vx, const void *vy) {
    const float *x = vx, *y = vy;
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
    int64_t i = 0;
    for (; i + 64 <= n; i += 64) {
        a0 = _mm512_fmadd_ps(_mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i), a0);
        a1 = _mm512_fmadd_ps(_mm512_loadu_ps(x + i + 16), _mm512_loadu_ps(y + i + 16), a1);
        a2 = _mm512_fmadd_ps(_mm512_loadu_ps(x + i + 32), _mm512_loadu_ps(y + i + 32), a2);
        a3 = _mm512_fmadd_ps(_mm512_loadu_ps(x + i + 48), _mm512_loadu_ps(y + i + 48), a3);
    }
    for (; i < n; i += 16) {
        const __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, x + i), _mm512_maskz_loadu_ps(m, y + i), a0);
    }
    *s = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
}
GEMM(f32_f32, f32_row)
