/* gemm (m >= 4) with AVX2: tiles of 8 weight rows decoded once and packed 4 bytes per row per 32-byte
 * vector, so one maddubs + madd does 8 rows x 4 weights against 4 activation bytes, and a tile is reused
 * for every row of x. Same arithmetic as the AVX-512 VNNI version (exact integer sums per scale block).
 * - Types whose int8 codes stay within +-64 take the activations as q + 128 (unsigned; the weight sums
 *   put the offset back): a 255 * 64 * 2 pair sum cannot saturate int16.
 * - "Wide" types (Q8_0, IQ4_NL, IQ4_XS: codes up to +-128) take |w| as the unsigned side and move the
 *   weight's sign onto the activation (psignb): 128 * 127 * 2 fits int16, as Q8 activations are within
 *   +-127. One abs per weight vector and one sign per activation row more than the narrow path.
 * The driver (tile loop, activation forms, packing loop, gemm entries) is shared: gemm_packed_x86.h. */
#include "gemm_packed_x86.h"

#define TILE 8
#define XR 4
#define TGROUP 64 /* packed tiles kept at once when x has more than GK_GEMM_IB rows (512 weight rows) */
#define SMALL_M 4 /* small_m of the legacy types (GEMM8V), see GEMM8 */

/* chunk c of 8 rows: 8 x 8 dword transpose, so each vector holds 4 weights of every row */
static inline __attribute__((always_inline)) void store_chunk8(__m256i (*q)[8], int ch, int64_t c, int bl, int wide,
                                                               gk_packed_tile *t) {
    const __m256i ones = _mm256_set1_epi16(1), u128 = _mm256_set1_epi8((char)0x80);
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
    for (int h = 0; h < 32 / bl; h++) _mm256_store_si256((__m256i *)(t->wsum + (c * (32 / bl) + h) * TILE), ws[h]);
}

static inline __attribute__((always_inline)) void pack8(decode_fn dec, int nsub, int bl, const uint8_t *w,
                                                        size_t w_stride, int rows, int64_t nb, int has_min, int wide,
                                                        gk_packed_tile *t) {
    gk_pack_tile(TILE, store_chunk8, dec, nsub, bl, w, w_stride, rows, nb, has_min, wide, t);
}

static inline __attribute__((always_inline)) void micro8(const gk_packed_tile *t, int64_t nb, int64_t k,
                                                          const gk_act_form *f, int64_t i0, const int R, const int BL,
                                                          const int WIDE, int has_min, __m256 *out) {
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

/* rows [i0, ie) of x against one tile, XR at a time */
static inline __attribute__((always_inline)) void tile_rows8(const gk_packed_tile *tp, const gk_act_form *fp,
                                                             int64_t nb, int64_t k, int64_t i0, int64_t ie, int bl,
                                                             int wide, int has_min, int rows, float *c, int64_t c_stride) {
    const gk_act_form f = *fp;
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(rows), lane);
    for (int64_t i = i0; i < ie; i += XR) {
        const int R = ie - i >= XR ? XR : (int)(ie - i);
        __m256 o[XR] = {0};
        if (wide) { MICRO8_R(32, 1) } else if (bl == 16) { MICRO8_R(16, 0) } else { MICRO8_R(32, 0) }
        for (int r = 0; r < R; r++) _mm256_maskstore_ps(c + (i + r) * c_stride, mask, o[r]);
    }
}

static void gemm_packed8(gk_pack_fn pack, int bl, int act, int has_min, int wide, int64_t k, const void *w,
                         size_t w_stride, int64_t n, const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride) {
    gk_gemm_packed(TILE, TGROUP, pack, tile_rows8, bl, act, has_min, wide, k, w, w_stride, n, a, a_stride, m, c, c_stride);
}

/* m < small_m: the tier's resolved vec_dot (or its m = 1 gemm path) row by row. small_m is the first m
 * at which the packed path beat m single-row passes (2048 x 4096 weight, one thread, GGUFKIT_ISA=avx2 on
 * Zen 4): 4 for most types, 5 for Q4_K, 12 for Q2_K and TQ2_0, whose m = 1 kernels are fast. */
#define GEMM8(name, TYPE, dec, nsub, bl, act, has_min, wide, small_m)                                  \
    GK_DEFINE_PACK(name, pack8, dec, nsub, bl, has_min, wide)                                        \
    GK_DEFINE_GEMM_PACKED(gk_gemm_##name##_avx2, small_m,                                            \
                          gk_gemv_by_vecdot(GK_ISA_AVX2, TYPE, k, w, w_stride, n, xi, ci),           \
                          gemm_packed8(pack_##name, bl, act, has_min, wide, k, w, w_stride, n, a, a_stride, m, c, c_stride))

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
#define GEMM8V(name, dec, nsub, bl, act, has_min)                                                       \
    void gk_gemv_##name##_avx2(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, float *c); \
    GK_DEFINE_PACK(name, pack8, dec, nsub, bl, has_min, 0)                                           \
    GK_DEFINE_GEMM_PACKED(gk_gemm_##name##_avx2, SMALL_M, gk_gemv_##name##_avx2(k, w, w_stride, n, xi, ci), \
                          gemm_packed8(pack_##name, bl, act, has_min, 0, k, w, w_stride, n, a, a_stride, m, c, c_stride))
GEMM8V(q4_0_q8_0, dec_q4_0, 1, 32, ACT_Q8_0, 0)
GEMM8V(q5_0_q8_0, dec_q5_0, 1, 32, ACT_Q8_0, 0)
GEMM8V(q4_1_q8_1, dec_q4_1, 1, 32, ACT_Q8_1, 1)
GEMM8V(q5_1_q8_1, dec_q5_1, 1, 32, ACT_Q8_1, 1)
