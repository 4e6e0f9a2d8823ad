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
#include "../avx2/x86_dot.h"
#include "gemv_avx512_vnni.h"

#define TILE 16   /* weight rows per packed tile (zmm lanes) */
#define XR 4      /* activation rows per micro-kernel call */

typedef struct {
    uint8_t *wp;     /* nb * 8 * TILE * 4 packed int8 */
    float *scale;    /* nb * TILE */
    float *minv;     /* nb * TILE (NULL: no mins) */
    int32_t *wsum;   /* nb * TILE: 128 * sum of the block's int8 weights */
} packed_tile;

/* Decoders: super-block `sb` of one row -> NSUB 32-weight blocks as int8 vectors, their float scales
 * and mins. NSUB is 1 for the 32-block types, 8 for Q4_K / Q5_K. */
typedef void (*decode_fn)(const uint8_t *row, int64_t sb, __m256i *w, float *scale, float *minv);

static inline float f16(uint16_t h) { return _cvtsh_ss(h); }

static void dec_q8_0(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_q8_0 *x = (const gk_block_q8_0 *)row + b;
    w[0] = _mm256_loadu_si256((const __m256i *)x->qs); s[0] = f16(x->d); m[0] = 0;
}
static void dec_q4_0(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_q4_0 *x = (const gk_block_q4_0 *)row + b;
    w[0] = _mm256_sub_epi8(gk_nibbles32(x->qs), _mm256_set1_epi8(8)); s[0] = f16(x->d); m[0] = 0;
}
static void dec_q5_0(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_q5_0 *x = (const gk_block_q5_0 *)row + b;
    const __m256i hi = _mm256_andnot_si256(gk_bits32(x->qh), _mm256_set1_epi8((char)0xF0));
    w[0] = _mm256_or_si256(gk_nibbles32(x->qs), hi); s[0] = f16(x->d); m[0] = 0;
}
static void dec_iq4_nl(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_iq4_nl *x = (const gk_block_iq4_nl *)row + b;
    const __m256i tbl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_iq4nl));
    w[0] = _mm256_shuffle_epi8(tbl, gk_nibbles32(x->qs)); s[0] = f16(x->d); m[0] = 0;
}
static void dec_mxfp4(const uint8_t *row, int64_t b, __m256i *w, float *s, float *m) {
    const gk_block_mxfp4 *x = (const gk_block_mxfp4 *)row + b;
    const __m256i tbl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_fp4));
    w[0] = _mm256_shuffle_epi8(tbl, gk_nibbles32(x->qs)); s[0] = gk_e8m0_half(x->e); m[0] = 0;
}
/* Q4_K / Q5_K: sub-block j has value d sc_j q - dmin m_j */
static void dec_q4_K(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_q4_K *x = (const gk_block_q4_K *)row + sb;
    uint8_t sc[8], mn[8];
    gk_unpack_k4_scales(x->scales, sc, mn);
    const float d = f16(x->d), dmin = f16(x->dmin);
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    for (int j = 0; j < 4; j++) {
        const __m256i bits = _mm256_loadu_si256((const __m256i *)(x->qs + 32 * j));
        w[2 * j] = _mm256_and_si256(bits, m4);
        w[2 * j + 1] = _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4);
    }
    for (int j = 0; j < 8; j++) { s[j] = d * (float)sc[j]; m[j] = dmin * (float)mn[j]; }
}
static void dec_q5_K(const uint8_t *row, int64_t sb, __m256i *w, float *s, float *m) {
    const gk_block_q5_K *x = (const gk_block_q5_K *)row + sb;
    uint8_t sc[8], mn[8];
    gk_unpack_k4_scales(x->scales, sc, mn);
    const float d = f16(x->d), dmin = f16(x->dmin);
    const __m256i m4 = _mm256_set1_epi8(0x0F), m16 = _mm256_set1_epi8(0x10);
    const __m256i qh = _mm256_loadu_si256((const __m256i *)x->qh);
    for (int j = 0; j < 4; j++) {
        const __m256i bits = _mm256_loadu_si256((const __m256i *)(x->qs + 32 * j));
        const __m256i h0 = _mm256_and_si256(_mm256_slli_epi16(_mm256_srli_epi16(qh, 2 * j), 4), m16);
        const __m256i h1 = _mm256_and_si256(_mm256_slli_epi16(_mm256_srli_epi16(qh, 2 * j + 1), 4), m16);
        w[2 * j] = _mm256_or_si256(_mm256_and_si256(bits, m4), h0);
        w[2 * j + 1] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bits, 4), m4), h1);
    }
    for (int j = 0; j < 8; j++) { s[j] = d * (float)sc[j]; m[j] = dmin * (float)mn[j]; }
}

/* 8 x 8 dword transpose of ymm rows */
static inline void transpose8(__m256i *r) {
    const __m256i t0 = _mm256_unpacklo_epi32(r[0], r[1]), t1 = _mm256_unpackhi_epi32(r[0], r[1]);
    const __m256i t2 = _mm256_unpacklo_epi32(r[2], r[3]), t3 = _mm256_unpackhi_epi32(r[2], r[3]);
    const __m256i t4 = _mm256_unpacklo_epi32(r[4], r[5]), t5 = _mm256_unpackhi_epi32(r[4], r[5]);
    const __m256i t6 = _mm256_unpacklo_epi32(r[6], r[7]), t7 = _mm256_unpackhi_epi32(r[6], r[7]);
    const __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
    const __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
    const __m256i u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
    const __m256i u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
    r[0] = _mm256_permute2x128_si256(u0, u4, 0x20); r[1] = _mm256_permute2x128_si256(u1, u5, 0x20);
    r[2] = _mm256_permute2x128_si256(u2, u6, 0x20); r[3] = _mm256_permute2x128_si256(u3, u7, 0x20);
    r[4] = _mm256_permute2x128_si256(u0, u4, 0x31); r[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
    r[6] = _mm256_permute2x128_si256(u2, u6, 0x31); r[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

/* Pack rows [0, rows) (rows <= TILE; missing rows are zero) of nb 32-blocks (nsub per super-block). */
static void pack_tile(decode_fn dec, int nsub, const uint8_t *w, size_t w_stride, int rows, int64_t nb,
                      int has_min, packed_tile *t) {
    __m256i q[TILE][8];
    float sc[TILE][8], mn[TILE][8];
    for (int64_t sb = 0; sb < nb / nsub; sb++) {
        for (int r = 0; r < TILE; r++) {
            if (r < rows) dec(w + (size_t)r * w_stride, sb, q[r], sc[r], mn[r]);
            else for (int j = 0; j < nsub; j++) { q[r][j] = _mm256_setzero_si256(); sc[r][j] = 0; mn[r][j] = 0; }
        }
        for (int j = 0; j < nsub; j++) {
            const int64_t b = sb * nsub + j;
            __m256i lo[8], hi[8];
            for (int r = 0; r < 8; r++) { lo[r] = q[r][j]; hi[r] = q[r + 8][j]; }
            transpose8(lo);
            transpose8(hi);
            __m512i *dst = (__m512i *)(t->wp + (size_t)b * 8 * TILE * 4);
            __m512i ws = _mm512_setzero_si512();
            for (int g = 0; g < 8; g++) {
                const __m512i v = _mm512_inserti64x4(_mm512_castsi256_si512(lo[g]), hi[g], 1);
                _mm512_store_si512(dst + g, v);
                ws = _mm512_dpbusd_epi32(ws, _mm512_set1_epi8((char)0x80), v);  /* 128 * sum of 4 */
            }
            _mm512_store_si512(t->wsum + b * TILE, ws);
            for (int r = 0; r < TILE; r++) {
                t->scale[b * TILE + r] = sc[r][j];
                if (has_min) t->minv[b * TILE + r] = mn[r][j];
            }
        }
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

static void gemm_packed(decode_fn dec, int nsub, int act_k, int has_min, int64_t k, const void *w, size_t w_stride, int64_t n,
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
        pack_tile(dec, nsub, (const uint8_t *)w + jt * w_stride, w_stride, rows, nb, has_min, &t);
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


/* ---- m = 1 ---- */

/* a tail block through the ymm kernel (same arithmetic as vec_dot) */
#define TAIL_BY(KERN, YT)                                                                            \
    static float tail_##KERN(const void *xb, const void *yb) {                                       \
        float t; const void *a1[1] = {yb}; KERN(32, &t, xb, a1, 1); return t;                        \
    }
TAIL_BY(gk_k_q8_0, gk_block_q8_0) TAIL_BY(gk_k_q4_0, gk_block_q8_0) TAIL_BY(gk_k_q5_0, gk_block_q8_0)
TAIL_BY(gk_k_iq4_nl, gk_block_q8_0) TAIL_BY(gk_k_mxfp4, gk_block_q8_0)

/* 5th bits of blocks b, b+1 in nib layout: [b 0..15, b+1 0..15, b 16..31, b+1 16..31] -> 0x10 */
static inline __m512i gemv_q5_high(const gk_block_q5_0 *x) {
    uint32_t h0, h1;
    memcpy(&h0, x[0].qh, 4);
    memcpy(&h1, x[1].qh, 4);
    const __mmask64 m = (__mmask64)(h0 & 0xFFFF) | ((__mmask64)(h1 & 0xFFFF) << 16) |
                        ((__mmask64)(h0 >> 16) << 32) | ((__mmask64)(h1 >> 16) << 48);
    return _mm512_maskz_mov_epi8(m, _mm512_set1_epi8(0x10));
}

static __m256 e8m0x8(const gk_block_mxfp4 *x) {
    const __m256i e = _mm256_setr_epi32(x[0].e, x[1].e, x[2].e, x[3].e, x[4].e, x[5].e, x[6].e, x[7].e);
    const __m256i normal = _mm256_slli_epi32(_mm256_sub_epi32(e, _mm256_set1_epi32(1)), 23);
    const __m256i denorm = _mm256_sllv_epi32(_mm256_set1_epi32(0x00200000), e);
    return _mm256_castsi256_ps(_mm256_blendv_epi8(normal, denorm, _mm256_cmpgt_epi32(_mm256_set1_epi32(2), e)));
}

#define GEMV_FN(NAME, BT, NIB, BODY)                                                                 \
    static void gemv_##NAME(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, float *c) { \
        const int64_t nb = k / 32;                                                                   \
        gemv_act g;                                                                                  \
        if (gemv_prepare(a, nb, 0, NIB, &g)) {                                                       \
            for (int64_t j = 0; j < n; j++) c[j] = __builtin_nanf("");                                \
            gemv_free(&g);                                                                           \
            return;                                                                                  \
        }                                                                                            \
        for (int64_t j = 0; j < n; j++) {                                                            \
            const BT *x = (const BT *)((const char *)w + j * w_stride);                              \
            const gk_block_q8_0 *yb = a;                                                             \
            float out;                                                                               \
            BODY                                                                                     \
            c[j] = out;                                                                              \
        }                                                                                            \
        gemv_free(&g);                                                                               \
    }

#define XD8(b) gemv_f16x8(&x[b].d, sizeof(*x))

GEMV_FN(q4_0, gk_block_q4_0, 1,
        GEMV_ROW(8, GEMV_IDX_NIB, XD8, { u = gemv_nib(x[b].qs, sizeof(*x)); }, (void)0,
                 tail_gk_k_q4_0(x + b, yb + b)))
GEMV_FN(q5_0, gk_block_q5_0, 1,
        GEMV_ROW(16, GEMV_IDX_NIB, XD8, { u = _mm512_or_si512(gemv_nib(x[b].qs, sizeof(*x)), gemv_q5_high(x + b)); },
                 (void)0, tail_gk_k_q5_0(x + b, yb + b)))
GEMV_FN(q8_0, gk_block_q8_0, 0,
        GEMV_ROW(128, GEMV_IDX_FLAT, XD8,
                 { u = _mm512_xor_si512(_mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)x[b].qs)),
                                                           _mm256_loadu_si256((const __m256i *)x[b + 1].qs), 1),
                                        _mm512_set1_epi8((char)0x80)); },
                 (void)0, tail_gk_k_q8_0(x + b, yb + b)))

static const int8_t *iq4nl_tbl(void) { return gk_kvalues_iq4nl; }
static const int8_t *fp4_tbl(void) { return gk_kvalues_fp4; }
#define TBL128(t) _mm512_xor_si512(_mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(t))), _mm512_set1_epi8((char)0x80))
GEMV_FN(iq4_nl, gk_block_iq4_nl, 1,
        GEMV_ROW(128, GEMV_IDX_NIB, XD8, { u = _mm512_shuffle_epi8(TBL128(iq4nl_tbl()), gemv_nib(x[b].qs, sizeof(*x))); },
                 (void)0, tail_gk_k_iq4_nl(x + b, yb + b)))
#define XE8(b) e8m0x8(x + (b))
GEMV_FN(mxfp4, gk_block_mxfp4, 1,
        GEMV_ROW(128, GEMV_IDX_NIB, XE8, { u = _mm512_shuffle_epi8(TBL128(fp4_tbl()), gemv_nib(x[b].qs, sizeof(*x))); },
                 (void)0, tail_gk_k_mxfp4(x + b, yb + b)))

#define GEMM(name, dec, nsub, act_k, has_min)                                                              \
    void gk_vecdot_##name##_avx512_vnni(int64_t n, float *s, const void *x, const void *y);         \
    void gk_gemm_##name##_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n,         \
                                      const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride) { \
        if (m == 1) {                                                                               \
            for (int64_t j = 0; j < n; j++)                                                         \
                gk_vecdot_##name##_avx512_vnni(k, c + j, (const char *)w + j * w_stride, a);        \
            return;                                                                                 \
        }                                                                                           \
        gemm_packed(dec, nsub, act_k, has_min, k, w, w_stride, n, a, a_stride, m, c, c_stride);          \
    }
/* the same with an m = 1 path */
#define GEMM_V(name, vname, dec, nsub, act_k, has_min)                                                        \
    void gk_gemm_##name##_avx512_vnni(int64_t k, const void *w, size_t w_stride, int64_t n,         \
                                      const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride) { \
        if (m == 1) { gemv_##vname(k, w, w_stride, n, a, c); return; }                              \
        gemm_packed(dec, nsub, act_k, has_min, k, w, w_stride, n, a, a_stride, m, c, c_stride);          \
    }

GEMM_V(q8_0_q8_0, q8_0, dec_q8_0, 1, 0, 0)
GEMM_V(q4_0_q8_0, q4_0, dec_q4_0, 1, 0, 0)
GEMM_V(q5_0_q8_0, q5_0, dec_q5_0, 1, 0, 0)
GEMM_V(iq4_nl_q8_0, iq4_nl, dec_iq4_nl, 1, 0, 0)
GEMM_V(mxfp4_q8_0, mxfp4, dec_mxfp4, 1, 0, 0)
GEMM(q4_K_q8_K, dec_q4_K, 8, 1, 1)
GEMM(q5_K_q8_K, dec_q5_K, 8, 1, 1)
