/* gemm (m > 1) for the 32-weight-block types with AVX-512 VNNI: weights are decoded once per tile of
 * 16 rows into int8 blocks packed for vpdpbusd (4 bytes of each of the 16 rows per 64-byte vector), so
 * one zmm vpdpbusd does 16 rows x 4 weights against 4 bytes of one activation row, and a decoded tile
 * is reused for every row of x.
 *
 * Per (row of w, 32-weight block b): w = int8 values, float scale s_b and min m_b (0 for the
 * symmetric types). Activations (Q8_0 or Q8_K) are re-expressed once per call as u8 = q + 128, a float
 * scale per 32 and, for the types with mins, the float sum d * sum(q) per 32. Then
 *   dot = sum_b s_b dx_b (sum_t (q_t + 128) w_t - 128 sum_t w_t) - sum_b m_b sx_b,
 * exact in integers per block; only the float summation order differs from vec_dot.
 * The driver (tile loop, activation forms, packing loop, gemm entries) is shared: ../avx2/gemm_packed_x86.h. */
#include <immintrin.h>
#include "blocks.h"
#include "tables.h"
#include "../avx2/gemm_packed_x86.h"
#include "gemv_avx512_vnni.h"

#define TILE 16   /* weight rows per packed tile (zmm lanes) */
#define XR 8      /* activation rows per micro-kernel call */
#define TGROUP 32 /* packed tiles kept at once when x has more than GK_GEMM_IB rows (512 weight rows) */
/* Below a type's `small_m` rows of x, packing weight tiles costs more than it saves and each row runs
 * the m = 1 path. The values (the GEMM lines at the end) are the first m at which the packed path beat
 * m single-row passes on a 2048 x 4096 weight (Zen 4, one thread): 2-3 where decoding is cheap or the
 * m = 1 kernel slow, 5-7 for the K types, whose scales make packing dearer. */

/* chunk c of 16 rows: two 8 x 8 dword transposes joined, so each zmm holds 4 weights of every row.
 * No "wide" path: vpdpbusd sums in int32 without saturating, so every type takes q + 128. */
static inline __attribute__((always_inline)) void store_chunk16(__m256i (*q)[8], int ch, int64_t c, int bl, int wide,
                                                                gk_packed_tile *t) {
    (void)wide;
    __m256i lo[8], hi[8];
    for (int r = 0; r < 8; r++) { lo[r] = q[r][ch]; hi[r] = q[r + 8][ch]; }
    transpose8(lo);
    transpose8(hi);
    __m512i *dst = (__m512i *)(t->wp + (size_t)c * 8 * TILE * 4);
    __m512i ws[2] = {_mm512_setzero_si512(), _mm512_setzero_si512()};
    for (int g = 0; g < 8; g++) {
        const __m512i v = _mm512_inserti64x4(_mm512_castsi256_si512(lo[g]), hi[g], 1);
        _mm512_store_si512(dst + g, v);
        /* 128 * sum of 4 weights, per scale block */
        const int h = bl == 16 ? g / 4 : 0;
        ws[h] = _mm512_dpbusd_epi32(ws[h], _mm512_set1_epi8((char)0x80), v);
    }
    for (int h = 0; h < 32 / bl; h++) _mm512_store_si512(t->wsum + (c * (32 / bl) + h) * TILE, ws[h]);
}

static inline __attribute__((always_inline)) void pack_tile(decode_fn dec, int nsub, int bl, const uint8_t *w,
                                                            size_t w_stride, int rows, int64_t nb, int has_min,
                                                            int wide, gk_packed_tile *t) {
    gk_pack_tile(TILE, store_chunk16, dec, nsub, bl, w, w_stride, rows, nb, has_min, wide, t);
}

/* R activation rows x TILE weight rows over nb blocks of BL weights. */
static inline __attribute__((always_inline)) void micro(const gk_packed_tile *t, int64_t nb, int64_t k,
                                                         const gk_act_form *f, int64_t i0, const int R, const int BL,
                                                         int has_min, __m512 *out) {
    __m512 acc[XR];
    for (int r = 0; r < R; r++) acc[r] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        const __m512i *wp = (const __m512i *)(t->wp + (size_t)b * BL * TILE);
        __m512i s[XR];
        const __m512i ws = _mm512_load_si512(t->wsum + b * TILE);
        for (int r = 0; r < R; r++) s[r] = _mm512_sub_epi32(_mm512_setzero_si512(), ws);
        for (int g = 0; g < BL / 4; g++) {
            const __m512i wv = _mm512_load_si512(wp + g);
            for (int r = 0; r < R; r++) {
                int32_t xv;
                memcpy(&xv, f->xu + (i0 + r) * k + b * BL + 4 * g, 4);
                s[r] = _mm512_dpbusd_epi32(s[r], _mm512_set1_epi32(xv), wv);
            }
        }
        const __m512 sc = _mm512_load_ps(t->scale + b * TILE);
        for (int r = 0; r < R; r++) {
            const __m512 d = _mm512_mul_ps(sc, _mm512_set1_ps(f->dx[(i0 + r) * nb + b]));
            acc[r] = _mm512_fmadd_ps(d, _mm512_cvtepi32_ps(s[r]), acc[r]);
            if (has_min)
                acc[r] = _mm512_fnmadd_ps(_mm512_load_ps(t->minv + b * TILE), _mm512_set1_ps(f->sx[(i0 + r) * nb + b]), acc[r]);
        }
    }
    for (int r = 0; r < R; r++) out[r] = acc[r];
}

#define MICRO_R(BL) \
    switch (R) {                                                                  \
    case 8: micro(&t, nb, k, &f, i, 8, BL, has_min, o); break;                    \
    case 7: micro(&t, nb, k, &f, i, 7, BL, has_min, o); break;                    \
    case 6: micro(&t, nb, k, &f, i, 6, BL, has_min, o); break;                    \
    case 5: micro(&t, nb, k, &f, i, 5, BL, has_min, o); break;                    \
    case 4: micro(&t, nb, k, &f, i, 4, BL, has_min, o); break;                    \
    case 3: micro(&t, nb, k, &f, i, 3, BL, has_min, o); break;                    \
    case 2: micro(&t, nb, k, &f, i, 2, BL, has_min, o); break;                    \
    default: micro(&t, nb, k, &f, i, 1, BL, has_min, o); break;                   \
    }

/* rows [i0, ie) of x against one tile, XR at a time */
static inline __attribute__((always_inline)) void tile_rows16(const gk_packed_tile *tp, const gk_act_form *fp,
                                                              int64_t nb, int64_t k, int64_t i0, int64_t ie, int bl,
                                                              int wide, int has_min, int rows, float *c, int64_t c_stride) {
    (void)wide;
    const gk_act_form f = *fp;
    const gk_packed_tile t = *tp;
    const __mmask16 mask = (__mmask16)((1u << rows) - 1);
    for (int64_t i = i0; i < ie; i += XR) {
        const int R = ie - i >= XR ? XR : (int)(ie - i);
        __m512 o[XR] = {0};
        if (bl == 16) { MICRO_R(16) } else { MICRO_R(32) }
        for (int r = 0; r < R; r++) _mm512_mask_storeu_ps(c + (i + r) * c_stride, mask, o[r]);
    }
}

static void gemm_packed(gk_pack_fn pack, int bl, int act, int has_min, int64_t k, const void *w, size_t w_stride,
                        int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride) {
    gk_gemm_packed(TILE, TGROUP, pack, tile_rows16, bl, act, has_min, 0, k, w, w_stride, n, a, a_stride, m, c, c_stride);
}

/* ---- m = 1 ---- */

/* a tail block through the ymm kernel (same arithmetic as vec_dot) */
#define TAIL_BY(KERN, YT)                                                                            \
    static float tail_##KERN(const void *xb, const void *yb) {                                       \
        float t; KERN(32, &t, xb, yb); return t;                                                     \
    }
TAIL_BY(gk_k_q8_0, gk_block_q8_0) TAIL_BY(gk_k_q4_0, gk_block_q8_0) TAIL_BY(gk_k_q5_0, gk_block_q8_0)
TAIL_BY(gk_k_iq4_nl, gk_block_q8_0) TAIL_BY(gk_k_mxfp4, gk_block_q8_0)
TAIL_BY(gk_k_q4_1, gk_block_q8_1) TAIL_BY(gk_k_q5_1, gk_block_q8_1)

/* 5th bits of blocks b, b+1 (their qh) in nib layout: [b 0..15, b+1 0..15, b 16..31, b+1 16..31] -> 0x10 */
static inline __m512i gemv_q5_high(const uint8_t *qh0, const uint8_t *qh1) {
    uint32_t h0, h1;
    memcpy(&h0, qh0, 4);
    memcpy(&h1, qh1, 4);
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

#define GEMV_FN_A(NAME, BT, NIB, Q81, YT, BODY)                                                      \
    static void gemv_##NAME(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, float *c) { \
        const int64_t nb = k / 32;                                                                   \
        gemv_act g;                                                                                  \
        if (gemv_prepare(a, nb, Q81, NIB, &g)) {                                                     \
            for (int64_t j = 0; j < n; j++) c[j] = __builtin_nanf("");                                \
            gemv_free(&g);                                                                           \
            return;                                                                                  \
        }                                                                                            \
        for (int64_t j = 0; j < n; j++) {                                                            \
            const BT *x = (const BT *)((const char *)w + j * w_stride);                              \
            const YT *yb = a;                                                                        \
            float out;                                                                               \
            BODY                                                                                     \
            c[j] = out;                                                                              \
        }                                                                                            \
        gemv_free(&g);                                                                               \
    }

#define XD8(b) gemv_f16x8(&x[b].d, sizeof(*x))

GEMV_FN_A(q4_0, gk_block_q4_0, 1, 0, gk_block_q8_0,
        GEMV_ROW(8, GEMV_IDX_NIB, XD8, { u = gemv_nib(x[b].qs, sizeof(*x)); }, (void)0,
                 tail_gk_k_q4_0(x + b, yb + b)))
GEMV_FN_A(q5_0, gk_block_q5_0, 1, 0, gk_block_q8_0,
        GEMV_ROW(16, GEMV_IDX_NIB, XD8, { u = _mm512_or_si512(gemv_nib(x[b].qs, sizeof(*x)), gemv_q5_high(x[b].qh, x[b + 1].qh)); },
                 (void)0, tail_gk_k_q5_0(x + b, yb + b)))
GEMV_FN_A(q8_0, gk_block_q8_0, 0, 0, gk_block_q8_0,
        GEMV_ROW(128, GEMV_IDX_FLAT, XD8,
                 { u = _mm512_xor_si512(_mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)x[b].qs)),
                                                           _mm256_loadu_si256((const __m256i *)x[b + 1].qs), 1),
                                        _mm512_set1_epi8((char)0x80)); },
                 (void)0, tail_gk_k_q8_0(x + b, yb + b)))


/* Q4_1 / Q5_1 with Q8_1: unsigned codes, no offset; + sum_b m_b s_b */
#define XM8_S8 accx = _mm256_fmadd_ps(gemv_f16x8(&x[b0].m, sizeof(*x)), _mm256_loadu_ps(g.cy + b0), accx)
GEMV_FN_A(q4_1, gk_block_q4_1, 1, 1, gk_block_q8_1,
          GEMV_ROW(0, GEMV_IDX_NIB, XD8, { u = gemv_nib(x[b].qs, sizeof(*x)); }, XM8_S8,
                   tail_gk_k_q4_1(x + b, yb + b)))
GEMV_FN_A(q5_1, gk_block_q5_1, 1, 1, gk_block_q8_1,
          GEMV_ROW(0, GEMV_IDX_NIB, XD8, { u = _mm512_or_si512(gemv_nib(x[b].qs, sizeof(*x)), gemv_q5_high(x[b].qh, x[b + 1].qh)); },
                   XM8_S8, tail_gk_k_q5_1(x + b, yb + b)))

static const int8_t *iq4nl_tbl(void) { return gk_kvalues_iq4nl; }
static const int8_t *fp4_tbl(void) { return gk_kvalues_fp4; }
#define TBL128(t) _mm512_xor_si512(_mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(t))), _mm512_set1_epi8((char)0x80))
GEMV_FN_A(iq4_nl, gk_block_iq4_nl, 1, 0, gk_block_q8_0,
        GEMV_ROW(128, GEMV_IDX_NIB, XD8, { u = _mm512_shuffle_epi8(TBL128(iq4nl_tbl()), gemv_nib(x[b].qs, sizeof(*x))); },
                 (void)0, tail_gk_k_iq4_nl(x + b, yb + b)))
#define XE8(b) e8m0x8(x + (b))
GEMV_FN_A(mxfp4, gk_block_mxfp4, 1, 0, gk_block_q8_0,
        GEMV_ROW(128, GEMV_IDX_NIB, XE8, { u = _mm512_shuffle_epi8(TBL128(fp4_tbl()), gemv_nib(x[b].qs, sizeof(*x))); },
                 (void)0, tail_gk_k_mxfp4(x + b, yb + b)))

#define GEMM(name, TYPE, dec, nsub, bl, act, has_min, small_m)                                        \
    GK_DEFINE_PACK(name, pack_tile, dec, nsub, bl, has_min, 0)                                        \
    GK_DEFINE_GEMM_PACKED(gk_gemm_##name##_avx512_vnni, small_m,                                      \
                          gk_gemv_by_vecdot(GK_ISA_AVX512_VNNI, TYPE, k, w, w_stride, n, xi, ci),     \
                          gemm_packed(pack_##name, bl, act, has_min, k, w, w_stride, n, a, a_stride, m, c, c_stride))
/* the same with this file's m = 1 path, gemv_<vname> */
#define GEMM_V(name, vname, dec, nsub, bl, act, has_min, small_m)                                      \
    GK_DEFINE_PACK(name, pack_tile, dec, nsub, bl, has_min, 0)                                        \
    GK_DEFINE_GEMM_PACKED(gk_gemm_##name##_avx512_vnni, small_m, gemv_##vname(k, w, w_stride, n, xi, ci), \
                          gemm_packed(pack_##name, bl, act, has_min, k, w, w_stride, n, a, a_stride, m, c, c_stride))

GEMM_V(q8_0_q8_0, q8_0, dec_q8_0, 1, 32, ACT_Q8_0, 0, 3)
GEMM_V(q4_0_q8_0, q4_0, dec_q4_0, 1, 32, ACT_Q8_0, 0, 3)
GEMM_V(q5_0_q8_0, q5_0, dec_q5_0, 1, 32, ACT_Q8_0, 0, 3)
GEMM_V(iq4_nl_q8_0, iq4_nl, dec_iq4_nl, 1, 32, ACT_Q8_0, 0, 3)
GEMM_V(mxfp4_q8_0, mxfp4, dec_mxfp4, 1, 32, ACT_Q8_0, 0, 3)
GEMM_V(q4_1_q8_1, q4_1, dec_q4_1, 1, 32, ACT_Q8_1, 1, 4)
GEMM_V(q5_1_q8_1, q5_1, dec_q5_1, 1, 32, ACT_Q8_1, 1, 3)
GEMM(q4_K_q8_K, GK_TYPE_Q4_K, dec_q4_K, 8, 32, ACT_Q8_K, 1, 6)
GEMM(q5_K_q8_K, GK_TYPE_Q5_K, dec_q5_K, 8, 32, ACT_Q8_K, 1, 5)
GEMM(q6_K_q8_K, GK_TYPE_Q6_K, dec_q6_K, 16, 16, ACT_Q8_K, 0, 5)
GEMM(q3_K_q8_K, GK_TYPE_Q3_K, dec_q3_K, 16, 16, ACT_Q8_K, 0, 5)
GEMM(q2_K_q8_K, GK_TYPE_Q2_K, dec_q2_K, 16, 16, ACT_Q8_K, 1, 7)
GEMM(iq4_xs_q8_K, GK_TYPE_IQ4_XS, dec_iq4_xs, 8, 32, ACT_Q8_K, 0, 3)
GEMM(tq2_0_q8_K, GK_TYPE_TQ2_0, dec_tq2_0, 8, 32, ACT_Q8_K, 0, 5)
GEMM(tq1_0_q8_K, GK_TYPE_TQ1_0, dec_tq1_0, 8, 32, ACT_Q8_K, 0, 4)
GEMM(iq2_xxs_q8_K, GK_TYPE_IQ2_XXS, dec_iq2_xxs, 8, 32, ACT_Q8_K, 0, 4)
GEMM(iq2_xs_q8_K, GK_TYPE_IQ2_XS, dec_iq2_xs, 16, 16, ACT_Q8_K, 0, 5)
GEMM(iq2_s_q8_K, GK_TYPE_IQ2_S, dec_iq2_s, 16, 16, ACT_Q8_K, 0, 4)
GEMM(iq3_xxs_q8_K, GK_TYPE_IQ3_XXS, dec_iq3_xxs, 8, 32, ACT_Q8_K, 0, 5)
GEMM(iq3_s_q8_K, GK_TYPE_IQ3_S, dec_iq3_s, 8, 32, ACT_Q8_K, 0, 5)
GEMM(iq1_s_q8_K, GK_TYPE_IQ1_S, dec_iq1_s, 8, 32, ACT_Q8_K, 0, 4)
GEMM(iq1_m_q8_K, GK_TYPE_IQ1_M, dec_iq1_m, 16, 16, ACT_Q8_K, 0, 4)
GEMM(q1_0_q8_0, GK_TYPE_Q1_0, dec_q1_0, 4, 32, ACT_Q8_0, 0, 3)
GEMM(q2_0_q8_0, GK_TYPE_Q2_0, dec_q2_0, 2, 32, ACT_Q8_0, 0, 2)
GEMM(nvfp4_q8_0, GK_TYPE_NVFP4, dec_nvfp4, 4, 16, ACT_Q8_0, 0, 3)
