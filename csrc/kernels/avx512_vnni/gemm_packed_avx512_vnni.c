/* gemm (m > 1) for the 32-weight-block types with AVX-512 VNNI: weights are decoded once per tile of
 * 16 rows into int8 blocks packed for vpdpbusd (4 bytes of each of the 16 rows per 64-byte vector), so
 * one zmm vpdpbusd does 16 rows x 4 weights against 4 bytes of one activation row, and a decoded tile
 * is reused for every row of x.
 *
 * Per (row of w, 32-weight block b): w = int8 values, float scale s_b and min m_b (0 for the
 * symmetric types). Activations (Q8_0 or Q8_K) are re-expressed once per call as u8 = q + 128, a float
 * scale per 32 and, for the types with mins, the float sum d * sum(q) per 32. Then
 *   dot = sum_b s_b dx_b (sum_t (q_t + 128) w_t - 128 sum_t w_t) - sum_b m_b sx_b,
 * exact in integers per block; only the float summation order differs from vec_dot. */
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>
#include "blocks.h"
#include "tables.h"
#include "../ref/vecdot_helpers.h"

#define TILE 16   /* weight rows per packed tile (zmm lanes) */
#define XR 4      /* activation rows per micro-kernel call */

typedef struct {
    uint8_t *wp;     /* nb * 8 * TILE * 4 packed int8 */
    float *scale;    /* nb * TILE */
    float *minv;     /* nb * TILE (NULL: no mins) */
    int32_t *wsum;   /* nb * TILE: 128 * sum of the block's int8 weights */
} packed_tile;

/* Decoders: one 32-weight block of one row -> 32 int8, scale, min. `blk` is the block index in the row. */
typedef void (*decode_fn)(const uint8_t *row, int64_t blk, int8_t *w, float *scale, float *minv);

static inline float f16(uint16_t h) { return _cvtsh_ss(h); }

static inline void nibbles(const uint8_t *q, int8_t *w, int8_t off) {
    for (int j = 0; j < 16; j++) { w[j] = (int8_t)((q[j] & 0xF) + off); w[j + 16] = (int8_t)((q[j] >> 4) + off); }
}

static void dec_q8_0(const uint8_t *row, int64_t b, int8_t *w, float *s, float *m) {
    const gk_block_q8_0 *x = (const gk_block_q8_0 *)row + b;
    memcpy(w, x->qs, 32); *s = f16(x->d); *m = 0;
}
static void dec_q4_0(const uint8_t *row, int64_t b, int8_t *w, float *s, float *m) {
    const gk_block_q4_0 *x = (const gk_block_q4_0 *)row + b;
    nibbles(x->qs, w, -8); *s = f16(x->d); *m = 0;
}
static void dec_q5_0(const uint8_t *row, int64_t b, int8_t *w, float *s, float *m) {
    const gk_block_q5_0 *x = (const gk_block_q5_0 *)row + b;
    uint32_t qh; memcpy(&qh, x->qh, 4);
    for (int j = 0; j < 16; j++) {
        w[j] = (int8_t)(((x->qs[j] & 0xF) | (((qh >> j) & 1) << 4)) - 16);
        w[j + 16] = (int8_t)(((x->qs[j] >> 4) | (((qh >> (j + 16)) & 1) << 4)) - 16);
    }
    *s = f16(x->d); *m = 0;
}
static void dec_iq4_nl(const uint8_t *row, int64_t b, int8_t *w, float *s, float *m) {
    const gk_block_iq4_nl *x = (const gk_block_iq4_nl *)row + b;
    for (int j = 0; j < 16; j++) { w[j] = gk_kvalues_iq4nl[x->qs[j] & 0xF]; w[j + 16] = gk_kvalues_iq4nl[x->qs[j] >> 4]; }
    *s = f16(x->d); *m = 0;
}
static void dec_mxfp4(const uint8_t *row, int64_t b, int8_t *w, float *s, float *m) {
    const gk_block_mxfp4 *x = (const gk_block_mxfp4 *)row + b;
    for (int j = 0; j < 16; j++) { w[j] = gk_kvalues_fp4[x->qs[j] & 0xF]; w[j + 16] = gk_kvalues_fp4[x->qs[j] >> 4]; }
    *s = gk_e8m0_half(x->e); *m = 0;
}
/* Q4_K / Q5_K: sub-block j of super-block b / 8; value d sc_j q - dmin m_j */
static void dec_q4_K(const uint8_t *row, int64_t b, int8_t *w, float *s, float *m) {
    const gk_block_q4_K *x = (const gk_block_q4_K *)row + b / 8;
    const int j = (int)(b & 7);
    uint8_t sc[8], mn[8];
    gk_unpack_k4_scales(x->scales, sc, mn);
    const uint8_t *q = x->qs + 32 * (j / 2);
    const int sh = 4 * (j & 1);
    for (int l = 0; l < 32; l++) w[l] = (int8_t)((q[l] >> sh) & 0xF);
    *s = f16(x->d) * (float)sc[j];
    *m = f16(x->dmin) * (float)mn[j];
}
static void dec_q5_K(const uint8_t *row, int64_t b, int8_t *w, float *s, float *m) {
    const gk_block_q5_K *x = (const gk_block_q5_K *)row + b / 8;
    const int j = (int)(b & 7);
    uint8_t sc[8], mn[8];
    gk_unpack_k4_scales(x->scales, sc, mn);
    const uint8_t *q = x->qs + 32 * (j / 2);
    const int sh = 4 * (j & 1);
    for (int l = 0; l < 32; l++) w[l] = (int8_t)(((q[l] >> sh) & 0xF) | (((x->qh[l] >> j) & 1) << 4));
    *s = f16(x->d) * (float)sc[j];
    *m = f16(x->dmin) * (float)mn[j];
}

/* Pack rows [0, rows) (rows <= TILE; missing rows are zero) of nb blocks. */
static void pack_tile(decode_fn dec, const uint8_t *w, size_t w_stride, int rows, int64_t nb, int has_min,
                      packed_tile *t) {
    for (int64_t b = 0; b < nb; b++) {
        uint32_t tmp[TILE][8];
        for (int r = 0; r < TILE; r++) {
            int8_t q[32];
            float s = 0, m = 0;
            if (r < rows) dec(w + (size_t)r * w_stride, b, q, &s, &m);
            else memset(q, 0, 32);
            memcpy(tmp[r], q, 32);
            int sum = 0;
            for (int l = 0; l < 32; l++) sum += q[l];
            t->scale[b * TILE + r] = s;
            t->wsum[b * TILE + r] = 128 * sum;
            if (has_min) t->minv[b * TILE + r] = m;
        }
        uint32_t *dst = (uint32_t *)(t->wp + (size_t)b * 8 * TILE * 4);
        for (int g = 0; g < 8; g++)
            for (int r = 0; r < TILE; r++) dst[g * TILE + r] = tmp[r][g];
    }
}

/* Activations in the form the micro-kernel wants. */
typedef struct {
    uint8_t *xu;   /* m * k: q + 128 */
    float *dx;     /* m * nb */
    float *sx;     /* m * nb: dx * sum(q) (for mins), or NULL */
} act_form;

static void act_from_q8_0(const void *a, size_t a_stride, int64_t m, int64_t nb, act_form *f) {
    for (int64_t i = 0; i < m; i++) {
        const gk_block_q8_0 *y = (const gk_block_q8_0 *)((const char *)a + i * a_stride);
        for (int64_t b = 0; b < nb; b++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)y[b].qs);
            _mm256_storeu_si256((__m256i *)(f->xu + (i * nb + b) * 32), _mm256_xor_si256(q, _mm256_set1_epi8((char)0x80)));
            f->dx[i * nb + b] = f16(y[b].d);
        }
    }
}

static void act_from_q8_K(const void *a, size_t a_stride, int64_t m, int64_t nb, act_form *f) {
    for (int64_t i = 0; i < m; i++) {
        const gk_block_q8_K *y = (const gk_block_q8_K *)((const char *)a + i * a_stride);
        for (int64_t b = 0; b < nb; b++) {
            const gk_block_q8_K *yb = &y[b / 8];
            const int j = (int)(b & 7);
            const __m256i q = _mm256_loadu_si256((const __m256i *)(yb->qs + 32 * j));
            _mm256_storeu_si256((__m256i *)(f->xu + (i * nb + b) * 32), _mm256_xor_si256(q, _mm256_set1_epi8((char)0x80)));
            f->dx[i * nb + b] = yb->d;
            if (f->sx) f->sx[i * nb + b] = yb->d * (float)(yb->bsums[2 * j] + yb->bsums[2 * j + 1]);
        }
    }
}

/* R activation rows x TILE weight rows over nb blocks. */
static inline __attribute__((always_inline)) void micro(const packed_tile *t, int64_t nb, const act_form *f,
                                                         int64_t i0, int R, int has_min, __m512 *out) {
    __m512 acc[XR];
    for (int r = 0; r < R; r++) acc[r] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        const __m512i *wp = (const __m512i *)(t->wp + (size_t)b * 8 * TILE * 4);
        __m512i s[XR];
        const __m512i ws = _mm512_loadu_si512(t->wsum + b * TILE);
        for (int r = 0; r < R; r++) s[r] = _mm512_sub_epi32(_mm512_setzero_si512(), ws);
        for (int g = 0; g < 8; g++) {
            const __m512i wv = _mm512_loadu_si512(wp + g);
            for (int r = 0; r < R; r++) {
                int32_t xv;
                memcpy(&xv, f->xu + ((i0 + r) * nb + b) * 32 + 4 * g, 4);
                s[r] = _mm512_dpbusd_epi32(s[r], _mm512_set1_epi32(xv), wv);
            }
        }
        const __m512 sc = _mm512_loadu_ps(t->scale + b * TILE);
        for (int r = 0; r < R; r++) {
            const __m512 d = _mm512_mul_ps(sc, _mm512_set1_ps(f->dx[(i0 + r) * nb + b]));
            acc[r] = _mm512_fmadd_ps(d, _mm512_cvtepi32_ps(s[r]), acc[r]);
            if (has_min)
                acc[r] = _mm512_fnmadd_ps(_mm512_loadu_ps(t->minv + b * TILE), _mm512_set1_ps(f->sx[(i0 + r) * nb + b]), acc[r]);
        }
    }
    for (int r = 0; r < R; r++) out[r] = acc[r];
}

static void gemm_packed(decode_fn dec, int act_k, int has_min, int64_t k, const void *w, size_t w_stride, int64_t n,
                        const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride) {
    const int64_t nb = k / 32;
    act_form f = {0};
    packed_tile t = {0};
    f.xu = malloc((size_t)(m * k));
    f.dx = malloc(sizeof(float) * (size_t)(m * nb));
    if (has_min) f.sx = malloc(sizeof(float) * (size_t)(m * nb));
    t.wp = aligned_alloc(64, (size_t)(nb * 8 * TILE * 4));
    t.scale = aligned_alloc(64, sizeof(float) * (size_t)(nb * TILE));
    t.wsum = aligned_alloc(64, sizeof(int32_t) * (size_t)(nb * TILE));
    if (has_min) t.minv = aligned_alloc(64, sizeof(float) * (size_t)(nb * TILE));
    if (!f.xu || !f.dx || (has_min && !f.sx) || !t.wp || !t.scale || !t.wsum || (has_min && !t.minv)) {
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) c[i * c_stride + j] = __builtin_nanf("");
        goto done;
    }
    if (act_k) act_from_q8_K(a, a_stride, m, nb, &f);
    else act_from_q8_0(a, a_stride, m, nb, &f);
    for (int64_t jt = 0; jt < n; jt += TILE) {
        const int rows = n - jt < TILE ? (int)(n - jt) : TILE;
        pack_tile(dec, (const uint8_t *)w + jt * w_stride, w_stride, rows, nb, has_min, &t);
        const __mmask16 mask = (__mmask16)((1u << rows) - 1);
        for (int64_t i = 0; i < m; i += XR) {
            const int R = m - i >= XR ? XR : (int)(m - i);
            __m512 o[XR];
            switch (R) {
            case 4: micro(&t, nb, &f, i, 4, has_min, o); break;
            case 3: micro(&t, nb, &f, i, 3, has_min, o); break;
            case 2: micro(&t, nb, &f, i, 2, has_min, o); break;
            default: micro(&t, nb, &f, i, 1, has_min, o); break;
            }
            for (int r = 0; r < R; r++) _mm512_mask_storeu_ps(c + (i + r) * c_stride + jt, mask, o[r]);
        }
    }
done:
    free(f.xu); free(f.dx); free(f.sx);
    free(t.wp); free(t.scale); free(t.wsum); free(t.minv);
}

#define GEMM(name, dec, act_k, has_min)                                                              \
    void gk_gemm_##name##_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n,         \
                                      const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride) { \
        gemm_packed(dec, act_k, has_min, k, w, w_stride, n, a, a_stride, m, c, c_stride);          \
    }

GEMM(q8_0_q8_0, dec_q8_0, 0, 0)
GEMM(q4_0_q8_0, dec_q4_0, 0, 0)
GEMM(q5_0_q8_0, dec_q5_0, 0, 0)
GEMM(iq4_nl_q8_0, dec_iq4_nl, 0, 0)
GEMM(mxfp4_q8_0, dec_mxfp4, 0, 0)
GEMM(q4_K_q8_K, dec_q4_K, 1, 1)
GEMM(q5_K_q8_K, dec_q5_K, 1, 1)
