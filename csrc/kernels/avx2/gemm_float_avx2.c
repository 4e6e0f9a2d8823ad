/* F32 / F16 / BF16 gemm (m > 1) with AVX2 + FMA: the layout of the avx512 tier's float gemm
 * (avx512/float_tile_avx512.h) at half the width. Weight rows are converted to float 16 at a time and
 * transposed (k x 16, two ymm per k step); a pass broadcasts one value of each of 6 activation rows
 * against the two ymm: 12 FMAs per 2 weight loads and 6 broadcasts, 15 of the 16 ymm registers.
 * Each output is one fmadd chain over k in order (as in the avx512 tier), whatever its tile or thread. */
#include <stdlib.h>
#include <string.h>
#include "gemm_decode_x86.h"

#define FT 16
#define FXR 6
#define AI static inline __attribute__((always_inline))

/* 8 consecutive values of a weight row as floats, from element kk on; `left` < 8 zero-fills the rest */
#define LOAD8(NAME, T, VEC, SCALAR)                                                                  \
    AI __m256 NAME(const void *row, int64_t kk, int64_t left) {                                    \
        const T *p = (const T *)row + kk;                                                          \
        if (left >= 8) return VEC(p);                                                              \
        float tmp[8] = {0};                                                                        \
        for (int64_t i = 0; i < left; i++) tmp[i] = SCALAR(p[i]);                                  \
        return _mm256_loadu_ps(tmp);                                                               \
    }
AI float f32_value(float v) { return v; }
LOAD8(load8_f32, float, _mm256_loadu_ps, f32_value)
LOAD8(load8_f16, uint16_t, gk_load_f16x8, gk_fp16_to_fp32)
LOAD8(load8_bf16, uint16_t, gk_load_bf16x8, gk_bf16_to_fp32)

/* wt[kk * 16 + j] = weight row j, element kk, for the tile's `rows` rows (the rest zero) */
#define PACK(NAME, LOAD)                                                                             \
    static void NAME(const void *w, size_t w_stride, int rows, int64_t k, float *wt) {              \
        for (int h = 0; h < 2; h++) {                                                              \
            for (int64_t kk = 0; kk < k; kk += 8) {                                                \
                const int64_t left = k - kk < 8 ? k - kk : 8;                                      \
                __m256i r[8];                                                                      \
                for (int j = 0; j < 8; j++)                                                        \
                    r[j] = 8 * h + j < rows                                                        \
                               ? _mm256_castps_si256(LOAD((const char *)w + (8 * h + j) * w_stride, kk, left)) \
                               : _mm256_setzero_si256();                                           \
                transpose8(r);                                                                     \
                for (int c = 0; c < left; c++) _mm256_store_si256((__m256i *)(wt + (kk + c) * FT + 8 * h), r[c]); \
            }                                                                                      \
        }                                                                                          \
    }
PACK(pack_f32, load8_f32)
PACK(pack_f16, load8_f16)
PACK(pack_bf16, load8_bf16)

AI void fmicro(const float *wt, int64_t k, const float *const *x, const int R, __m256 *out) {
    __m256 lo[FXR], hi[FXR];
    for (int r = 0; r < R; r++) lo[r] = hi[r] = _mm256_setzero_ps();
    for (int64_t kk = 0; kk < k; kk++) {
        const __m256 w0 = _mm256_load_ps(wt + kk * FT), w1 = _mm256_load_ps(wt + kk * FT + 8);
        for (int r = 0; r < R; r++) {
            const __m256 xb = _mm256_broadcast_ss(x[r] + kk);
            lo[r] = _mm256_fmadd_ps(xb, w0, lo[r]);
            hi[r] = _mm256_fmadd_ps(xb, w1, hi[r]);
        }
    }
    for (int r = 0; r < R; r++) out[2 * r] = lo[r], out[2 * r + 1] = hi[r];
}

typedef void (*pack_fn)(const void *w, size_t w_stride, int rows, int64_t k, float *wt);
typedef void (*row_fn)(const void *row, float *f, int64_t k);

static void f16_row(const void *row, float *f, int64_t k) {
    for (int64_t i = 0; i < k; i += 8) _mm256_storeu_ps(f + i, load8_f16(row, i, k - i));
}
static void bf16_row(const void *row, float *f, int64_t k) {
    for (int64_t i = 0; i < k; i += 8) _mm256_storeu_ps(f + i, load8_bf16(row, i, k - i));
}

/* conv == NULL: float activations, used in place */
static void gemm_float(row_fn conv, pack_fn pack, int64_t k, const void *w, size_t w_stride, int64_t n,
                       const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride) {
    /* room for whole 8-float stores at the end of the last converted row */
    float *af = conv ? malloc(sizeof(float) * (size_t)(k * m + 8)) : NULL;
    float *wt = aligned_alloc(64, sizeof(float) * (size_t)(((k + 3) / 4) * 4 * FT));
    if ((conv && !af) || !wt) {
        for (int64_t i = 0; i < m; i++) for (int64_t j = 0; j < n; j++) c[i * c_stride + j] = __builtin_nanf("");
        free(af); free(wt); return;
    }
    const float *xbase = conv ? af : (const float *)a;
    const int64_t ldx = conv ? k : (int64_t)(a_stride / sizeof(float));
    if (conv)
        for (int64_t i = 0; i < m; i++) conv((const char *)a + i * a_stride, af + i * k, k);
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (int64_t jt = 0; jt < n; jt += FT) {
        const int rows = n - jt < FT ? (int)(n - jt) : FT;
        pack((const char *)w + jt * w_stride, w_stride, rows, k, wt);
        const __m256i mlo = _mm256_cmpgt_epi32(_mm256_set1_epi32(rows), lane);
        const __m256i mhi = _mm256_cmpgt_epi32(_mm256_set1_epi32(rows - 8), lane);
        for (int64_t i = 0; i < m; i += FXR) {
            const int R = m - i >= FXR ? FXR : (int)(m - i);
            const float *xr[FXR];
            for (int r = 0; r < FXR; r++) xr[r] = xbase + (i + (r < R ? r : 0)) * ldx;
            __m256 o[2 * FXR];
            switch (R) { /* constant trip counts keep the accumulators in registers */
            case 6: fmicro(wt, k, xr, 6, o); break;
            case 5: fmicro(wt, k, xr, 5, o); break;
            case 4: fmicro(wt, k, xr, 4, o); break;
            case 3: fmicro(wt, k, xr, 3, o); break;
            case 2: fmicro(wt, k, xr, 2, o); break;
            default: fmicro(wt, k, xr, 1, o); break;
            }
            for (int r = 0; r < R; r++) {
                _mm256_maskstore_ps(c + (i + r) * c_stride + jt, mlo, o[2 * r]);
                _mm256_maskstore_ps(c + (i + r) * c_stride + jt + 8, mhi, o[2 * r + 1]);
            }
        }
    }
    free(af); free(wt);
}

/* m = 1 with BF16 weights: the activation row converted to float once, so each weight row costs one
 * conversion per 8 values instead of two. (F16 m = 1 reads faster through the 8-accumulator vec_dot of
 * x86_dot.h, row by row: 36.7-39.0 against 33.8-35.4 GB/s this way.) */
#define GEMV_HALF(NAME, LOAD8)                                                                       \
    static void NAME(int64_t k, const void *w, size_t w_stride, int64_t n, const float *x, float *c) { \
        for (int64_t j = 0; j < n; j++) {                                                          \
            const uint16_t *row = (const uint16_t *)((const char *)w + j * w_stride);              \
            __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();                             \
            __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();                             \
            int64_t i = 0;                                                                         \
            for (; i + 32 <= k; i += 32) {                                                         \
                a0 = _mm256_fmadd_ps(LOAD8(row, i, 8), _mm256_loadu_ps(x + i), a0);                \
                a1 = _mm256_fmadd_ps(LOAD8(row, i + 8, 8), _mm256_loadu_ps(x + i + 8), a1);        \
                a2 = _mm256_fmadd_ps(LOAD8(row, i + 16, 8), _mm256_loadu_ps(x + i + 16), a2);      \
                a3 = _mm256_fmadd_ps(LOAD8(row, i + 24, 8), _mm256_loadu_ps(x + i + 24), a3);      \
            }                                                                                      \
            for (; i < k; i += 8) /* zero-filled tails on both sides */                            \
                a0 = _mm256_fmadd_ps(LOAD8(row, i, k - i), _mm256_loadu_ps(x + i), a0);            \
            c[j] = gk_hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));           \
        }                                                                                          \
    }
GEMV_HALF(gemv_bf16, load8_bf16)

typedef void (*gemv_fn)(int64_t k, const void *w, size_t w_stride, int64_t n, const float *x, float *c);

static void gemv_half(row_fn conv, gemv_fn gemv, int64_t k, const void *w, size_t w_stride, int64_t n,
                      const void *a, float *c) {
    float *xf = calloc((size_t)k + 8, sizeof(float)); /* + 8: the tail loads 8 floats */
    if (!xf) {
        for (int64_t j = 0; j < n; j++) c[j] = __builtin_nanf("");
        return;
    }
    conv(a, xf, k);
    gemv(k, w, w_stride, n, xf, c);
    free(xf);
}

/* m = 1: F32 and F16 (no gemv) through the tier's vec_dot row by row; BF16 through gemv_half */
static void gemv_m1(int type, row_fn conv, gemv_fn gemv, int64_t k, const void *w, size_t w_stride, int64_t n,
                    const void *a, float *c) {
    if (gemv) gemv_half(conv, gemv, k, w, w_stride, n, a, c);
    else gk_gemv_by_vecdot(GK_ISA_AVX2, type, k, w, w_stride, n, a, c);
}


#define GEMM(NAME, TYPE, CONV, PACK, GEMV)                                                           \
    void gk_gemm_##NAME##_avx2(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a,  \
                               size_t a_stride, int64_t m, float *c, int64_t c_stride);             \
    void gk_gemm_##NAME##_avx2(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a,  \
                               size_t a_stride, int64_t m, float *c, int64_t c_stride) {            \
        if (m == 1) {                                                                              \
            gemv_m1(TYPE, CONV, GEMV, k, w, w_stride, n, a, c);                                    \
            return;                                                                                \
        }                                                                                          \
        gemm_float(CONV, PACK, k, w, w_stride, n, a, a_stride, m, c, c_stride);                     \
    }
GEMM(f32_f32, GK_TYPE_F32, NULL, pack_f32, NULL)
GEMM(f16_f16, GK_TYPE_F16, f16_row, pack_f16, NULL) /* m = 1: the vec_dot per row (x86_dot.h) is faster */
GEMM(bf16_bf16, GK_TYPE_BF16, bf16_row, pack_bf16, gemv_bf16)
