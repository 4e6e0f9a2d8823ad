/* F16 x F16 and BF16 x BF16 products with AVX-512 (F, BW): 16 halves converted per instruction, four
 * accumulators. gemm (m > 1) converts each activation row to float once per call and each weight row
 * once, then dots 4 activation rows against it; m = 1 runs vec_dot per row. */
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>
#include "fp16.h"
#include "float_tile_avx512.h"

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

/* A 4096 x 4096 half-precision weight (32 MiB) no longer fits in L3 beside the rest, so m = 1 streams it
 * from DRAM: prefetching 8 KB (one row) ahead gave 1-3% in alternating runs (33.5-33.9 vs 33.0 GB/s). */
#define PF_DIST 8192
/* vec_dot: halves straight from both rows */
#define VECDOT(NAME, LD, LDM)                                                                        \
    void gk_vecdot_##NAME##_avx512(int64_t n, float *s, const void *vx, const void *vy) {          \
        const uint16_t *x = vx, *y = vy;                                                           \
        __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps(); \
        int64_t i = 0;                                                                             \
        for (; i + 64 <= n; i += 64) {                                                             \
            _mm_prefetch((const char *)(x + i) + PF_DIST, _MM_HINT_T0);                            \
            _mm_prefetch((const char *)(x + i) + PF_DIST + 64, _MM_HINT_T0);                       \
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
/* F16 has no vec_dot here: the avx2 tier's (x86_dot.h, 8 accumulators of 8 halves converted by
 * vcvtph2ps ymm) serves this tier too. On Zen 4 a 512-bit vcvtph2ps costs two 256-bit ones, and the
 * 512-bit loop of the VECDOT frame read 32-34 GB/s on a 32 MiB weight where the ymm loop reads 37.5-40.5
 * (ggml's AVX-512 build: 33, its AVX2 build: 37-38, same run). CPUs with full-width 512-bit units
 * (Intel) were not measured. */
VECDOT(bf16_bf16, ld_bf16, ldm_bf16)

/* m > 1: weights converted to float in tiles of 32 rows (float_tile_avx512.h), one fmadd chain over k
 * per output. */
AI __m512 ldm_f32(const float *p, __mmask16 m) { return _mm512_maskz_loadu_ps(m, p); }

/* wt[kk * 32 + j] = weight row j, element kk, for the tile's `rows` rows (the rest zero) */
#define PACK(NAME, T, LDM)                                                                           \
    static void NAME(const void *w, size_t w_stride, int rows, int64_t k, void *wt) {               \
        for (int h = 0; h < 2; h++) {                                                              \
            const int hr = rows - 16 * h < 0 ? 0 : (rows - 16 * h > 16 ? 16 : rows - 16 * h);      \
            for (int64_t kk = 0; kk < k; kk += 16) {                                               \
                const int64_t left = k - kk < 16 ? k - kk : 16;                                    \
                const __mmask16 m = (__mmask16)((1u << left) - 1);                                 \
                __m512 r[16];                                                                      \
                for (int j = 0; j < 16; j++) {                                                     \
                    const T *row = (const T *)((const char *)w + (16 * h + j) * w_stride);         \
                    r[j] = j < hr ? LDM(row + kk, m) : _mm512_setzero_ps();                        \
                }                                                                                  \
                gk_transpose16x16_ps(r);                                                           \
                for (int c = 0; c < left; c++) _mm512_store_ps((float *)wt + (kk + c) * GK_FT + 16 * h, r[c]); \
            }                                                                                      \
        }                                                                                          \
    }
PACK(pack_f16, uint16_t, ldm_f16)
PACK(pack_bf16, uint16_t, ldm_bf16)
PACK(pack_f32, float, ldm_f32)

AI void fmicro(const float *wt, int64_t k, const void *const *xv, const int R, __m512 *out) {
    const float *const *x = (const float *const *)xv;
    __m512 lo[GK_FXR], hi[GK_FXR];
    for (int r = 0; r < R; r++) lo[r] = hi[r] = _mm512_setzero_ps();
    for (int64_t kk = 0; kk < k; kk++) {
        const __m512 w0 = _mm512_load_ps(wt + kk * GK_FT), w1 = _mm512_load_ps(wt + kk * GK_FT + 16);
        for (int r = 0; r < R; r++) {
            const __m512 xb = _mm512_set1_ps(x[r][kk]);
            lo[r] = _mm512_fmadd_ps(xb, w0, lo[r]);
            hi[r] = _mm512_fmadd_ps(xb, w1, hi[r]);
        }
    }
    for (int r = 0; r < R; r++) out[2 * r] = lo[r], out[2 * r + 1] = hi[r];
}

static void fpass(const void *wt, int64_t k, const void *const *x, int R, __m512 *out) {
    GK_TILE_PASS_SWITCH(fmicro, (const float *)wt, k, x, R, out)
}

typedef void (*row_to_f32)(const void *row, float *f, int64_t k);
static void f16_row_v(const void *row, float *f, int64_t k) { f16_row(row, f, k); }
static void bf16_row_v(const void *row, float *f, int64_t k) { bf16_row(row, f, k); }

/* conv == NULL: float activations, used in place */
static void gemm_float(row_to_f32 conv, gk_tile_pack_fn pack, int64_t k, const void *w, size_t w_stride, int64_t n,
                       const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride) {
    float *af = conv ? malloc(sizeof(float) * (size_t)(k * m)) : NULL;
    float *wt = gk_amalloc(sizeof(float) * (size_t)(k * GK_FT));
    if ((conv && !af) || !wt) {
        for (int64_t i = 0; i < m; i++) for (int64_t j = 0; j < n; j++) c[i * c_stride + j] = __builtin_nanf("");
        free(af); free(wt); return;
    }
    if (conv)
        for (int64_t i = 0; i < m; i++) conv((const char *)a + i * a_stride, af + i * k, k);
    gk_tile_gemm_avx512(pack, fpass, k, k, w, w_stride, n, conv ? af : a, conv ? sizeof(float) * (size_t)k : a_stride,
                        m, c, c_stride, wt);
    free(af); free(wt);
}

/* m = 1 runs the type's vec_dot row by row (VDOT: this tier's, or the avx2 tier's for F16) */
#define GEMM(NAME, CONV, PACK, VDOT)                                                                       \
    void VDOT(int64_t n, float *s, const void *x, const void *y);                                  \
    void gk_gemm_##NAME##_avx512(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, \
                                 size_t a_stride, int64_t m, float *c, int64_t c_stride) {         \
        if (m == 1) { /* halves straight from both rows beat a float copy of the activation */     \
            for (int64_t j = 0; j < n; j++) VDOT(k, c + j, (const char *)w + j * w_stride, a);     \
            return;                                                                                \
        }                                                                                          \
        gemm_float(CONV, PACK, k, w, w_stride, n, a, a_stride, m, c, c_stride);                  \
    }
GEMM(f16_f16, f16_row_v, pack_f16, gk_vecdot_f16_f16_avx2)
GEMM(bf16_bf16, bf16_row_v, pack_bf16, gk_vecdot_bf16_bf16_avx512)

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
GEMM(f32_f32, NULL, pack_f32, gk_vecdot_f32_f32_avx512)
