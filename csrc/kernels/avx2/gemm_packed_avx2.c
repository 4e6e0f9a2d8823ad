/* gemm (m >= 4) with AVX2: tiles of 8 weight rows decoded once and packed 4 bytes per row per 32-byte
 * vector, so one maddubs + madd does 8 rows x 4 weights against 4 activation bytes, and a tile is reused
 * for every row of x. Same arithmetic as the AVX-512 VNNI version (exact integer sums per scale block).
 * - Types whose int8 codes stay within +-64 take the activations as q + 128 (unsigned; the weight sums
 *   put the offset back): a 255 * 64 * 2 pair sum cannot saturate int16.
 * - "Wide" types (Q8_0, IQ4_NL, IQ4_XS: codes up to +-128) take |w| as the unsigned side and move the
 *   weight's sign onto the activation (psignb): 128 * 127 * 2 fits int16, as Q8 activations are within
 *   +-127. One abs per weight vector and one sign per activation row more than the narrow path. */
#include <stdlib.h>
#include <string.h>
#include "gemm_decode_x86.h"

/* 64-byte aligned allocation (size rounded up to a multiple of 64, as aligned_alloc requires) */
static inline void *gk_amalloc(size_t size) { return aligned_alloc(64, (size + 63) & ~(size_t)63); }


#define TILE 8
#define XR 4
#define IB 64
#define TGROUP 64
#define SMALL_M 4 /* small_m of the legacy types (GEMM8V), see GEMM8 */

typedef struct {
    uint8_t *wp;     /* k * TILE packed int8 */
    float *scale;    /* nb * TILE */
    float *minv;     /* nb * TILE or NULL */
    int32_t *wsum;   /* nb * TILE: 128 * sum of the block's weights */
} tile8;

typedef struct { uint8_t *xu; float *dx, *sx; uint8_t offset; } act_form; /* xu = q + offset (0x80 or 0) */
enum { ACT_Q8_0, ACT_Q8_1, ACT_Q8_K };

static inline __attribute__((always_inline)) void pack8(decode_fn dec, int nsub, int bl, const uint8_t *w,
                                                        size_t w_stride, int rows, int64_t nb, int has_min, int wide,
                                                        tile8 *t) {
    __m256i q[TILE][8];
    float sc[TILE][16], mn[TILE][16];
    const int nch = nsub * bl / 32;
    const __m256i ones = _mm256_set1_epi16(1), u128 = _mm256_set1_epi8((char)0x80);
    for (int64_t sb = 0; sb < nb / nsub; sb++) {
        for (int r = 0; r < TILE; r++) {
            if (r < rows) dec(w + (size_t)r * w_stride, sb, q[r], sc[r], mn[r]);
            else {
                for (int j = 0; j < nch; j++) q[r][j] = _mm256_setzero_si256();
                for (int j = 0; j < nsub; j++) { sc[r][j] = 0; mn[r][j] = 0; }
            }
        }
        for (int ch = 0; ch < nch; ch++) {
            const int64_t c = sb * nch + ch;
            __m256i v[8];
            for (int r = 0; r < 8; r++) v[r] = q[r][ch];
            transpose8(v);
            __m256i *dst = (__m256i *)(t->wp + (size_t)c * 32 * TILE);
            __m256i ws[2] = {_mm256_setzero_si256(), _mm256_setzero_si256()};
            for (int g = 0; g < 8; g++) {
                _mm256_store_si256(dst + g, v[g]);
                const int h = bl == 16 ? g / 4 : 0;
                if (!wide) /* the wide path has no offset to put back */
                    ws[h] = _mm256_add_epi32(ws[h], _mm256_madd_epi16(_mm256_maddubs_epi16(u128, v[g]), ones));
            }
            const int per = 32 / bl;
            for (int h = 0; h < per; h++) {
                const int64_t b = c * per + h;
                const int j = ch * per + h;
                _mm256_store_si256((__m256i *)(t->wsum + b * TILE), ws[h]);
                for (int r = 0; r < TILE; r++) {
                    t->scale[b * TILE + r] = sc[r][j];
                    if (has_min) t->minv[b * TILE + r] = mn[r][j];
                }
            }
        }
    }
}

static void act_from_q8_0(const void *a, size_t a_stride, int64_t m, int64_t k, int bl, act_form *f) {
    const int64_t nb = k / bl, per = 32 / bl;
    for (int64_t i = 0; i < m; i++) {
        const gk_block_q8_0 *y = (const gk_block_q8_0 *)((const char *)a + i * a_stride);
        for (int64_t c = 0; c < k / 32; c++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)y[c].qs);
            _mm256_storeu_si256((__m256i *)(f->xu + i * k + c * 32), _mm256_xor_si256(q, _mm256_set1_epi8((char)f->offset)));
        }
        for (int64_t b = 0; b < nb; b++) f->dx[i * nb + b] = f16(y[b / per].d);
    }
}

/* Q8_1: the min term of Q4_1/Q5_1 uses s = d * sum(q) */
static void act_from_q8_1(const void *a, size_t a_stride, int64_t m, int64_t k, act_form *f) {
    const int64_t nb = k / 32;
    for (int64_t i = 0; i < m; i++) {
        const gk_block_q8_1 *y = (const gk_block_q8_1 *)((const char *)a + i * a_stride);
        for (int64_t b = 0; b < nb; b++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)y[b].qs);
            _mm256_storeu_si256((__m256i *)(f->xu + i * k + b * 32), _mm256_xor_si256(q, _mm256_set1_epi8((char)f->offset)));
            f->dx[i * nb + b] = f16(y[b].d);
            f->sx[i * nb + b] = f16(y[b].s);
        }
    }
}

static void act_from_q8_K(const void *a, size_t a_stride, int64_t m, int64_t k, int bl, act_form *f) {
    const int64_t nb = k / bl, per = GK_QK_K / bl;
    for (int64_t i = 0; i < m; i++) {
        const gk_block_q8_K *y = (const gk_block_q8_K *)((const char *)a + i * a_stride);
        for (int64_t c = 0; c < k / 32; c++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)(y[c / 8].qs + 32 * (c & 7)));
            _mm256_storeu_si256((__m256i *)(f->xu + i * k + c * 32), _mm256_xor_si256(q, _mm256_set1_epi8((char)f->offset)));
        }
        for (int64_t b = 0; b < nb; b++) {
            const gk_block_q8_K *yb = &y[b / per];
            const int j = (int)(b % per);
            f->dx[i * nb + b] = yb->d;
            if (f->sx) {
                const int bs = bl == 16 ? yb->bsums[j] : yb->bsums[2 * j] + yb->bsums[2 * j + 1];
                f->sx[i * nb + b] = yb->d * (float)bs;
            }
        }
    }
}

static inline __attribute__((always_inline)) void micro8(const tile8 *t, int64_t nb, int64_t k, const act_form *f,
                                                          int64_t i0, const int R, const int BL, const int WIDE,
                                                          int has_min, __m256 *out) {
    __m256 acc[XR];
    const __m256i ones = _mm256_set1_epi16(1);
    for (int r = 0; r < R; r++) acc[r] = _mm256_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        const __m256i *wp = (const __m256i *)(t->wp + (size_t)b * BL * TILE);
        __m256i s[XR];
        const __m256i ws = WIDE ? _mm256_setzero_si256() : _mm256_load_si256((const __m256i *)(t->wsum + b * TILE));
        for (int r = 0; r < R; r++) s[r] = _mm256_sub_epi32(_mm256_setzero_si256(), ws);
        for (int g = 0; g < BL / 4; g++) {
            const __m256i wv = _mm256_load_si256(wp + g);
            const __m256i wabs = WIDE ? _mm256_abs_epi8(wv) : wv;
            for (int r = 0; r < R; r++) {
                int32_t xv;
                memcpy(&xv, f->xu + (i0 + r) * k + b * BL + 4 * g, 4);
                const __m256i p = WIDE ? _mm256_maddubs_epi16(wabs, _mm256_sign_epi8(_mm256_set1_epi32(xv), wv))
                                       : _mm256_maddubs_epi16(_mm256_set1_epi32(xv), wv);
                s[r] = _mm256_add_epi32(s[r], _mm256_madd_epi16(p, ones));
            }
        }
        const __m256 sc = _mm256_load_ps(t->scale + b * TILE);
        for (int r = 0; r < R; r++) {
            const __m256 d = _mm256_mul_ps(sc, _mm256_set1_ps(f->dx[(i0 + r) * nb + b]));
            acc[r] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(s[r]), acc[r]);
            if (has_min)
                acc[r] = _mm256_fnmadd_ps(_mm256_load_ps(t->minv + b * TILE), _mm256_set1_ps(f->sx[(i0 + r) * nb + b]), acc[r]);
        }
    }
    for (int r = 0; r < R; r++) out[r] = acc[r];
}

#define MICRO8_R(BL, WIDE)                                                            \
    switch (R) {                                                                      \
    case 4: micro8(tp, nb, k, &f, i, 4, BL, WIDE, has_min, o); break;                 \
    case 3: micro8(tp, nb, k, &f, i, 3, BL, WIDE, has_min, o); break;                 \
    case 2: micro8(tp, nb, k, &f, i, 2, BL, WIDE, has_min, o); break;                 \
    default: micro8(tp, nb, k, &f, i, 1, BL, WIDE, has_min, o); break;                \
    }

/* pack8 for one type: its decoder inlined (built by the GEMM8 macros below) */
typedef void (*pack8_fn)(const uint8_t *w, size_t w_stride, int rows, int64_t nb, tile8 *t);

static void gemm_packed8(pack8_fn pack, int bl, int act, int has_min, int wide, int64_t k, const void *w,
                         size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride) {
    const int64_t nb = k / bl, ntiles = (n + TILE - 1) / TILE;
    const int64_t kept = m <= IB ? 1 : (ntiles < TGROUP ? ntiles : TGROUP);
    act_form f = {.offset = wide ? 0 : 0x80};
    tile8 *tiles = calloc((size_t)kept, sizeof(tile8));
    int ok = tiles != NULL;
    f.xu = malloc((size_t)(m * k));
    f.dx = malloc(sizeof(float) * (size_t)(m * nb));
    if (has_min) f.sx = malloc(sizeof(float) * (size_t)(m * nb));
    ok = ok && f.xu && f.dx && (!has_min || f.sx);
    for (int64_t ti = 0; ok && ti < kept; ti++) {
        tile8 *t = &tiles[ti];
        t->wp = gk_amalloc((size_t)(k * TILE));
        t->scale = gk_amalloc(sizeof(float) * (size_t)(nb * TILE));
        t->wsum = gk_amalloc(sizeof(int32_t) * (size_t)(nb * TILE));
        if (has_min) t->minv = gk_amalloc(sizeof(float) * (size_t)(nb * TILE));
        ok = t->wp && t->scale && t->wsum && (!has_min || t->minv);
    }
    if (!ok) {
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) c[i * c_stride + j] = __builtin_nanf("");
        goto done;
    }
    if (act == ACT_Q8_K) act_from_q8_K(a, a_stride, m, k, bl, &f);
    else if (act == ACT_Q8_1) act_from_q8_1(a, a_stride, m, k, &f);
    else act_from_q8_0(a, a_stride, m, k, bl, &f);
    for (int64_t g0 = 0; g0 < ntiles; g0 += kept) {
        const int64_t g1 = g0 + kept < ntiles ? g0 + kept : ntiles;
        if (kept > 1)
            for (int64_t ti = g0; ti < g1; ti++) {
                const int64_t jt = ti * TILE;
                const int rows = n - jt < TILE ? (int)(n - jt) : TILE;
                pack((const uint8_t *)w + jt * w_stride, w_stride, rows, nb, &tiles[ti - g0]);
            }
        for (int64_t i0 = 0; i0 < m; i0 += IB) {
            const int64_t ie = i0 + IB < m ? i0 + IB : m;
            for (int64_t ti = g0; ti < g1; ti++) {
                const int64_t jt = ti * TILE;
                const int rows = n - jt < TILE ? (int)(n - jt) : TILE;
                tile8 *tp = &tiles[kept > 1 ? ti - g0 : 0];
                if (kept == 1) pack((const uint8_t *)w + jt * w_stride, w_stride, rows, nb, tp);
                const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
                const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(rows), lane);
                for (int64_t i = i0; i < ie; i += XR) {
                    const int R = ie - i >= XR ? XR : (int)(ie - i);
                    __m256 o[XR] = {0};
                    if (wide) { MICRO8_R(32, 1) } else if (bl == 16) { MICRO8_R(16, 0) } else { MICRO8_R(32, 0) }
                    for (int r = 0; r < R; r++) _mm256_maskstore_ps(c + (i + r) * c_stride + jt, mask, o[r]);
                }
            }
        }
    }
done:
    free(f.xu); free(f.dx); free(f.sx);
    if (tiles)
        for (int64_t ti = 0; ti < kept; ti++) {
            free(tiles[ti].wp); free(tiles[ti].scale); free(tiles[ti].wsum); free(tiles[ti].minv);
        }
    free(tiles);
}

/* m < small_m: the tier's resolved vec_dot (or its m = 1 gemm path) row by row. small_m is the first m
 * at which the packed path beat m single-row passes (2048 x 4096 weight, one thread, GGUFKIT_ISA=avx2 on
 * Zen 4): 4 for most types, 5 for Q4_K, 12 for Q2_K and TQ2_0, whose m = 1 kernels are fast. */
#define PACK8(name, dec, nsub, bl, has_min, wide)                                                    \
    static void pack8_##name(const uint8_t *w, size_t w_stride, int rows, int64_t nb, tile8 *t) {  \
        pack8(dec, nsub, bl, w, w_stride, rows, nb, has_min, wide, t);                             \
    }
#define GEMM8(name, TYPE, dec, nsub, bl, act, has_min, wide, small_m)                                       \
    PACK8(name, dec, nsub, bl, has_min, wide)                                                       \
    void gk_gemm_##name##_avx2(int64_t k, const void *w, size_t w_stride, int64_t n,                \
                               const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride); \
    void gk_gemm_##name##_avx2(int64_t k, const void *w, size_t w_stride, int64_t n,                \
                               const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride) { \
        if (m < small_m) {                                                                          \
            for (int64_t i = 0; i < m; i++)                                                         \
                gk_gemv_by_vecdot(GK_ISA_AVX2, TYPE, k, w, w_stride, n, (const char *)a + i * a_stride, c + i * c_stride); \
            return;                                                                                 \
        }                                                                                           \
        gemm_packed8(pack8_##name, bl, act, has_min, wide, k, w, w_stride, n, a, a_stride, m, c, c_stride); \
    }

GEMM8(q2_K_q8_K, GK_TYPE_Q2_K, dec_q2_K, 16, 16, ACT_Q8_K, 1, 0, 12)
GEMM8(q3_K_q8_K, GK_TYPE_Q3_K, dec_q3_K, 16, 16, ACT_Q8_K, 0, 0, 4)
GEMM8(q4_K_q8_K, GK_TYPE_Q4_K, dec_q4_K, 8, 32, ACT_Q8_K, 1, 0, 5)
GEMM8(q5_K_q8_K, GK_TYPE_Q5_K, dec_q5_K, 8, 32, ACT_Q8_K, 1, 0, 4)
GEMM8(q6_K_q8_K, GK_TYPE_Q6_K, dec_q6_K, 16, 16, ACT_Q8_K, 0, 0, 4)
GEMM8(tq2_0_q8_K, GK_TYPE_TQ2_0, dec_tq2_0, 8, 32, ACT_Q8_K, 0, 0, 12)
GEMM8(tq1_0_q8_K, GK_TYPE_TQ1_0, dec_tq1_0, 8, 32, ACT_Q8_K, 0, 0, 4)
GEMM8(iq2_xxs_q8_K, GK_TYPE_IQ2_XXS, dec_iq2_xxs, 8, 32, ACT_Q8_K, 0, 0, 4)
GEMM8(iq2_xs_q8_K, GK_TYPE_IQ2_XS, dec_iq2_xs, 16, 16, ACT_Q8_K, 0, 0, 4)
GEMM8(iq2_s_q8_K, GK_TYPE_IQ2_S, dec_iq2_s, 16, 16, ACT_Q8_K, 0, 0, 4)
GEMM8(iq3_xxs_q8_K, GK_TYPE_IQ3_XXS, dec_iq3_xxs, 8, 32, ACT_Q8_K, 0, 0, 4)
GEMM8(iq3_s_q8_K, GK_TYPE_IQ3_S, dec_iq3_s, 8, 32, ACT_Q8_K, 0, 0, 4)
GEMM8(iq1_s_q8_K, GK_TYPE_IQ1_S, dec_iq1_s, 8, 32, ACT_Q8_K, 0, 0, 4)
GEMM8(iq1_m_q8_K, GK_TYPE_IQ1_M, dec_iq1_m, 16, 16, ACT_Q8_K, 0, 0, 4)
GEMM8(mxfp4_q8_0, GK_TYPE_MXFP4, dec_mxfp4, 1, 32, ACT_Q8_0, 0, 0, 4)
GEMM8(nvfp4_q8_0, GK_TYPE_NVFP4, dec_nvfp4, 4, 16, ACT_Q8_0, 0, 0, 4)
GEMM8(q1_0_q8_0, GK_TYPE_Q1_0, dec_q1_0, 4, 32, ACT_Q8_0, 0, 0, 4)
GEMM8(q2_0_q8_0, GK_TYPE_Q2_0, dec_q2_0, 2, 32, ACT_Q8_0, 0, 0, 4)
GEMM8(q8_0_q8_0, GK_TYPE_Q8_0, dec_q8_0, 1, 32, ACT_Q8_0, 0, 1, 4)
GEMM8(iq4_nl_q8_0, GK_TYPE_IQ4_NL, dec_iq4_nl, 1, 32, ACT_Q8_0, 0, 1, 4)
GEMM8(iq4_xs_q8_K, GK_TYPE_IQ4_XS, dec_iq4_xs, 8, 32, ACT_Q8_K, 0, 1, 4)

/* Q4_0, Q5_0, Q4_1, Q5_1: m = 1 (and 2, 3 row by row) through gemv_legacy_avx2.c */
#define GEMM8V(name, dec, nsub, bl, act, has_min)                                                    \
    PACK8(name, dec, nsub, bl, has_min, 0)                                                          \
    void gk_gemv_##name##_avx2(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, float *c); \
    void gk_gemm_##name##_avx2(int64_t k, const void *w, size_t w_stride, int64_t n,                \
                               const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride); \
    void gk_gemm_##name##_avx2(int64_t k, const void *w, size_t w_stride, int64_t n,                \
                               const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride) { \
        if (m < SMALL_M) {                                                                          \
            for (int64_t i = 0; i < m; i++)                                                         \
                gk_gemv_##name##_avx2(k, w, w_stride, n, (const char *)a + i * a_stride, c + i * c_stride); \
            return;                                                                                 \
        }                                                                                           \
        gemm_packed8(pack8_##name, bl, act, has_min, 0, k, w, w_stride, n, a, a_stride, m, c, c_stride); \
    }
GEMM8V(q4_0_q8_0, dec_q4_0, 1, 32, ACT_Q8_0, 0)
GEMM8V(q5_0_q8_0, dec_q5_0, 1, 32, ACT_Q8_0, 0)
GEMM8V(q4_1_q8_1, dec_q4_1, 1, 32, ACT_Q8_1, 1)
GEMM8V(q5_1_q8_1, dec_q5_1, 1, 32, ACT_Q8_1, 1)
