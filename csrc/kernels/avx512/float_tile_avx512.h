/* The tiling shared by the float gemm kernels (F32/F16/BF16 in the avx512 tier, BF16 pairs in the
 * avx512_vnni tier): weight rows are packed 32 at a time, transposed, so that one zmm holds one k step
 * (a value, or a BF16 pair) of 16 rows; a pass broadcasts that step of up to 6 activation rows against
 * the two zmm of the tile: 12 multiply-adds per 2 weight loads and 6 broadcasts. */
#ifndef GK_FLOAT_TILE_AVX512_H
#define GK_FLOAT_TILE_AVX512_H
#include <immintrin.h>
#include <stdint.h>
#include <stddef.h>

#define GK_FT 32  /* weight rows per tile (4-byte values: k steps x 32) */
#define GK_FXR 6  /* activation rows per pass */

/* columns of a 16 x 16 block of floats: r[j] holds row j on entry and column j on return */
static inline __attribute__((always_inline)) void gk_transpose16x16_ps(__m512 r[16]) {
    __m512 t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
        r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
        r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
        r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
    }
    /* r[4q + e], lane L: rows 4q..4q+3, element 4L + e. Gather the four lanes L of r[e], r[4+e], r[8+e], r[12+e] */
    for (int i = 0; i < 4; i++) {
        t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
        t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xDD);
        t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
        t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xDD);
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xDD);
        r[i + 4] = _mm512_shuffle_f32x4(t[i + 4], t[i + 12], 0x88);
        r[i + 12] = _mm512_shuffle_f32x4(t[i + 4], t[i + 12], 0xDD);
    }
}


/* pack(w, w_stride, rows, k, wt): the tile's `rows` weight rows (the rest zero) into wt, kn x 32 */
typedef void (*gk_tile_pack_fn)(const void *w, size_t w_stride, int rows, int64_t k, void *wt);
/* pass(wt, kn, x, R, out): out[2r], out[2r + 1] = the 32 outputs of activation row x[r], r < R <= 6 */
typedef void (*gk_tile_pass_fn)(const void *wt, int64_t kn, const void *const *x, int R, __m512 *out);

/* c = x * w^T over tiles of 32 weight rows: x holds m rows of kn 4-byte k steps, x_stride bytes apart;
 * wt is 64-byte aligned scratch of kn x 32 values. Each output comes from one pass over the whole of k,
 * so it does not depend on the tile it falls in (nor on the thread count). */
static inline void gk_tile_gemm_avx512(gk_tile_pack_fn pack, gk_tile_pass_fn pass, int64_t k, int64_t kn,
                                       const void *w, size_t w_stride, int64_t n, const void *x, size_t x_stride,
                                       int64_t m, float *c, int64_t c_stride, void *wt) {
    for (int64_t jt = 0; jt < n; jt += GK_FT) {
        const int rows = n - jt < GK_FT ? (int)(n - jt) : GK_FT;
        pack((const char *)w + jt * w_stride, w_stride, rows, k, wt);
        const __mmask16 mlo = (__mmask16)((1u << (rows < 16 ? rows : 16)) - 1);
        const __mmask16 mhi = (__mmask16)((1u << (rows > 16 ? rows - 16 : 0)) - 1);
        for (int64_t i = 0; i < m; i += GK_FXR) {
            const int R = m - i >= GK_FXR ? GK_FXR : (int)(m - i);
            const void *xr[GK_FXR];
            for (int r = 0; r < GK_FXR; r++) xr[r] = (const char *)x + (i + (r < R ? r : 0)) * x_stride;
            __m512 o[2 * GK_FXR];
            pass(wt, kn, xr, R, o);
            for (int r = 0; r < R; r++) {
                _mm512_mask_storeu_ps(c + (i + r) * c_stride + jt, mlo, o[2 * r]);
                _mm512_mask_storeu_ps(c + (i + r) * c_stride + jt + 16, mhi, o[2 * r + 1]);
            }
        }
    }
}

/* The body of a pass function: MICRO(wt, kn, x, R, out) with R a constant, so the accumulators stay in
 * registers */
#define GK_TILE_PASS_SWITCH(MICRO, wt, kn, x, R, out)                                                 \
    switch (R) {                                                                                       \
    case 6: MICRO(wt, kn, x, 6, out); break;                                                           \
    case 5: MICRO(wt, kn, x, 5, out); break;                                                           \
    case 4: MICRO(wt, kn, x, 4, out); break;                                                           \
    case 3: MICRO(wt, kn, x, 3, out); break;                                                           \
    case 2: MICRO(wt, kn, x, 2, out); break;                                                           \
    default: MICRO(wt, kn, x, 1, out); break;                                                          \
    }
#endif
