/* BF16 x BF16 gemm (m > 1) with AVX512-BF16's vdpbf16ps, which multiplies 32 pairs of bfloat16 and adds
 * each pair's two exact products into one float lane: twice the multiply-adds of converting to float and
 * using FMA (the avx512 tier's gemm_float).
 *
 * BF16 is not part of this tier's baseline (Ice Lake has VNNI and VBMI without it), so the kernel is
 * compiled for it by attribute and chosen at run time; without it the avx512 tier's kernel runs. m = 1
 * takes vdpbf16ps straight from both rows (gemv_dpbf16). Tiling as there
 * (float_tile_avx512.h), with a pair of k values as the k step. Products are exact in float, only the
 * summation order differs from the float kernel; vdpbf16ps treats bfloat16 subnormals as zero, a
 * relative change below 2^-126. */
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>
#include "ggufkit/gk_cpu.h"
#include "../avx512/float_tile_avx512.h"

void gk_gemm_bf16_bf16_avx512(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride,
                              int64_t m, float *c, int64_t c_stride);

#define BF_TARGET __attribute__((target("avx512bf16")))

/* wt[p * 32 + j] = the bf16 pair (2p, 2p + 1) of weight row j, for the tile's `rows` rows (the rest,
 * and a missing last element of odd k, zero) */
BF_TARGET static void pack_pairs(const void *w, size_t w_stride, int rows, int64_t k, void *wt) {
    for (int h = 0; h < 2; h++) {
        const int hr = rows - 16 * h < 0 ? 0 : (rows - 16 * h > 16 ? 16 : rows - 16 * h);
        for (int64_t kk = 0; kk < k; kk += 32) {
            const int64_t left = k - kk < 32 ? k - kk : 32;
            const __mmask32 mask = left == 32 ? 0xFFFFFFFFu : (__mmask32)((1u << left) - 1);
            __m512 r[16];
            for (int j = 0; j < 16; j++) {
                const uint16_t *row = (const uint16_t *)((const char *)w + (16 * h + j) * w_stride);
                r[j] = j < hr ? _mm512_castsi512_ps(_mm512_maskz_loadu_epi16(mask, row + kk)) : _mm512_setzero_ps();
            }
            gk_transpose16x16_ps(r);
            for (int p = 0; p < (left + 1) / 2; p++) _mm512_store_ps((float *)wt + (kk / 2 + p) * GK_FT + 16 * h, r[p]);
        }
    }
}

BF_TARGET static inline __attribute__((always_inline)) void
bf16_micro(const uint32_t *wt, int64_t np, const void *const *xv, const int R, __m512 *out) {
    const uint32_t *const *x = (const uint32_t *const *)xv;
    __m512 lo[GK_FXR], hi[GK_FXR];
    for (int r = 0; r < R; r++) lo[r] = hi[r] = _mm512_setzero_ps();
    for (int64_t p = 0; p < np; p++) {
        const __m512bh w0 = (__m512bh)_mm512_load_si512(wt + p * GK_FT);
        const __m512bh w1 = (__m512bh)_mm512_load_si512(wt + p * GK_FT + 16);
        for (int r = 0; r < R; r++) {
            const __m512bh xb = (__m512bh)_mm512_set1_epi32((int)x[r][p]);
            lo[r] = _mm512_dpbf16_ps(lo[r], xb, w0);
            hi[r] = _mm512_dpbf16_ps(hi[r], xb, w1);
        }
    }
    for (int r = 0; r < R; r++) out[2 * r] = lo[r], out[2 * r + 1] = hi[r];
}

BF_TARGET static void bf16_pass(const void *wt, int64_t np, const void *const *x, int R, __m512 *out) {
    GK_TILE_PASS_SWITCH(bf16_micro, (const uint32_t *)wt, np, x, R, out)
}

BF_TARGET static void gemm_dpbf16(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a,
                                  size_t a_stride, int64_t m, float *c, int64_t c_stride) {
    const int64_t np = (k + 1) / 2; /* pairs per row */
    /* activation rows padded to whole pairs (a zero, not the next row's first value, for odd k) */
    uint32_t *xp = calloc((size_t)(np * m), sizeof(uint32_t));
    uint32_t *wt = aligned_alloc(64, sizeof(uint32_t) * (size_t)(np * GK_FT));
    if (!xp || !wt) {
        for (int64_t i = 0; i < m; i++) for (int64_t j = 0; j < n; j++) c[i * c_stride + j] = __builtin_nanf("");
        free(xp); free(wt); return;
    }
    for (int64_t i = 0; i < m; i++) memcpy(xp + i * np, (const char *)a + i * a_stride, sizeof(uint16_t) * (size_t)k);
    gk_tile_gemm_avx512(pack_pairs, bf16_pass, k, np, w, w_stride, n, xp, sizeof(uint32_t) * (size_t)np, m, c,
                        c_stride, wt);
    free(xp); free(wt);
}

/* m = 1: each weight row against the activation row, 32 pairs per vdpbf16ps straight from both rows (no
 * conversion: 33 -> 40.5-41.5 GB/s on a 32 MiB weight, one thread, the rate ggml's own vdpbf16ps loop
 * reaches in the same run; converting to float kept the loop below it). Software prefetch (8 KB ahead, as
 * the F16 kernel does) cost 5% here: 38.1-38.8 GB/s. A missing last element of odd k is a masked-off
 * zero in both rows. */
BF_TARGET static void gemv_dpbf16(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, float *c) {
    const uint16_t *y = a;
    for (int64_t j = 0; j < n; j++) {
        const uint16_t *x = (const uint16_t *)((const char *)w + j * w_stride);
        __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
        int64_t i = 0;
        for (; i + 128 <= k; i += 128) {
            a0 = _mm512_dpbf16_ps(a0, (__m512bh)_mm512_loadu_si512(x + i), (__m512bh)_mm512_loadu_si512(y + i));
            a1 = _mm512_dpbf16_ps(a1, (__m512bh)_mm512_loadu_si512(x + i + 32), (__m512bh)_mm512_loadu_si512(y + i + 32));
            a2 = _mm512_dpbf16_ps(a2, (__m512bh)_mm512_loadu_si512(x + i + 64), (__m512bh)_mm512_loadu_si512(y + i + 64));
            a3 = _mm512_dpbf16_ps(a3, (__m512bh)_mm512_loadu_si512(x + i + 96), (__m512bh)_mm512_loadu_si512(y + i + 96));
        }
        for (; i < k; i += 32) {
            const __mmask32 msk = k - i >= 32 ? 0xFFFFFFFFu : (__mmask32)((1u << (k - i)) - 1);
            a0 = _mm512_dpbf16_ps(a0, (__m512bh)_mm512_maskz_loadu_epi16(msk, x + i),
                                  (__m512bh)_mm512_maskz_loadu_epi16(msk, y + i));
        }
        c[j] = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
    }
}

void gk_gemm_bf16_bf16_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a,
                                   size_t a_stride, int64_t m, float *c, int64_t c_stride) {
    if (!(gk_cpu_features() & GK_CPU_AVX512BF16)) {
        gk_gemm_bf16_bf16_avx512(k, w, w_stride, n, a, a_stride, m, c, c_stride);
        return;
    }
    if (m == 1) {
        gemv_dpbf16(k, w, w_stride, n, a, c);
        return;
    }
    gemm_dpbf16(k, w, w_stride, n, a, a_stride, m, c, c_stride);
}
