/* x86 dot-product kernels of the codebook types (IQ2/IQ3/IQ1), TQ1_0, Q1_0, Q2_0 and NVFP4, shared
 * by the avx2 and avx512_vnni tiers. Same shape as x86_dot.h (included first): one weight row
 * against R activation rows. */
#ifndef GK_X86_DOT_IQ_H
#define GK_X86_DOT_IQ_H
#include "x86_dot.h"

/* s8 multipliers (+1 / -1) from a 0x00 / 0xFF mask */
GK_AI __m256i gk_pm1(__m256i negmask) { return _mm256_or_si256(negmask, _mm256_set1_epi8(1)); }

GK_AI __m256i gk_grid64x4(const uint64_t *g, int i0, int i1, int i2, int i3) {
    return _mm256_set_epi64x((long long)g[i3], (long long)g[i2], (long long)g[i1], (long long)g[i0]);
}

/* sum over 32 (u8 grid . signed y) scaled per 16 by the int16 pair scv */
#define GK_IQ_ACC(R, sumi, grid, sgn, scv, yoff)                                                   \
    for (int r = 0; r < R; r++) {                                                                  \
        const __m256i y = _mm256_loadu_si256((const __m256i *)(ya[r][b].qs + (yoff)));             \
        sumi[r] = _mm256_add_epi32(sumi[r], _mm256_madd_epi16(scv, _mm256_maddubs_epi16(grid, _mm256_sign_epi8(y, sgn)))); \
    }

#define GK_IQ_PROLOGUE(block_t)                                                                    \
    const block_t *x = vx;                                                                         \
    const gk_block_q8_K *ya[GK_RMAX];                                                              \
    __m256 acc[GK_RMAX];                                                                           \
    for (int r = 0; r < R; r++) { ya[r] = a[r]; acc[r] = _mm256_setzero_ps(); }

/* 8 bytes of two 4-bit scales each -> odd scales 2 s + 1 for the 16 groups (group 2 i + h = nibble h
 * of byte i), in gk_scales16_dup form */
GK_AI void gk_iq_nibble_scales(const uint8_t *p, __m256i *lo, __m256i *hi) {
    const __m128i v = _mm_loadl_epi64((const __m128i *)p);
    const __m128i nib = _mm_unpacklo_epi8(_mm_and_si128(v, _mm_set1_epi8(0x0F)),
                                          _mm_and_si128(_mm_srli_epi16(v, 4), _mm_set1_epi8(0x0F)));
    gk_scales16_dup(_mm_add_epi8(_mm_add_epi8(nib, nib), _mm_set1_epi8(1)), lo, hi);
}

#define GK_IQ_BLOCK_END(dw)                                                                        \
    for (int r = 0; r < R; r++)                                                                    \
        acc[r] = _mm256_fmadd_ps(_mm256_set1_ps((dw) * ya[r][b].d), _mm256_cvtepi32_ps(sumi[r]), acc[r]);

GK_AI void gk_k_iq2_xxs(int64_t n, float *s, const void *vx, const void *const *a, const int R) {
    GK_IQ_PROLOGUE(gk_block_iq2_xxs)
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        __m256i sumi[GK_RMAX];
        for (int r = 0; r < R; r++) sumi[r] = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ib++) {
            uint32_t aux[2];
            memcpy(aux, x[b].qs + 4 * ib, 8);
            const uint8_t *idx = (const uint8_t *)aux;
            const __m256i grid = gk_grid64x4(gk_iq2xxs_grid, idx[0], idx[1], idx[2], idx[3]);
            const __m256i sgn = gk_pm1(_mm256_set_epi64x((long long)gk_ksigns64[(aux[1] >> 21) & 127],
                                                          (long long)gk_ksigns64[(aux[1] >> 14) & 127],
                                                          (long long)gk_ksigns64[(aux[1] >> 7) & 127],
                                                          (long long)gk_ksigns64[aux[1] & 127]));
            const int ls = 2 * (int)(aux[1] >> 28) + 1;
            const __m256i scv = _mm256_set1_epi16((short)ls);
            GK_IQ_ACC(R, sumi, grid, sgn, scv, 32 * ib)
        }
        GK_IQ_BLOCK_END(0.125f * gk_f16(x[b].d))
    }
    for (int r = 0; r < R; r++) s[r] = gk_hsum(acc[r]);
}

GK_AI void gk_k_iq2_xs(int64_t n, float *s, const void *vx, const void *const *a, const int R) {
    GK_IQ_PROLOGUE(gk_block_iq2_xs)
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        __m256i scd[2];
        gk_iq_nibble_scales(x[b].scales, &scd[0], &scd[1]);
        __m256i sumi[GK_RMAX];
        for (int r = 0; r < R; r++) sumi[r] = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ib++) {
            const uint16_t *q2 = x[b].qs + 4 * ib;
            const __m256i grid = gk_grid64x4(gk_iq2xs_grid, q2[0] & 511, q2[1] & 511, q2[2] & 511, q2[3] & 511);
            const __m256i sgn = gk_pm1(_mm256_set_epi64x((long long)gk_ksigns64[q2[3] >> 9], (long long)gk_ksigns64[q2[2] >> 9],
                                                          (long long)gk_ksigns64[q2[1] >> 9], (long long)gk_ksigns64[q2[0] >> 9]));
            const __m256i scv = gk_pick_pair(scd[ib >> 2], 2 * ib);
            GK_IQ_ACC(R, sumi, grid, sgn, scv, 32 * ib)
        }
        GK_IQ_BLOCK_END(0.125f * gk_f16(x[b].d))
    }
    for (int r = 0; r < R; r++) s[r] = gk_hsum(acc[r]);
}

GK_AI void gk_k_iq2_s(int64_t n, float *s, const void *vx, const void *const *a, const int R) {
    GK_IQ_PROLOGUE(gk_block_iq2_s)
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        __m256i scd[2];
        gk_iq_nibble_scales(x[b].scales, &scd[0], &scd[1]);
        __m256i sumi[GK_RMAX];
        for (int r = 0; r < R; r++) sumi[r] = _mm256_setzero_si256();
        const uint8_t *qs = x[b].qs, *signs = x[b].qs + GK_QK_K / 8;
        for (int ib = 0; ib < 8; ib++) {
            const int qh = x[b].qh[ib];
            const uint8_t *q = qs + 4 * ib;
            const __m256i grid = gk_grid64x4(gk_iq2s_grid, q[0] | ((qh << 8) & 0x300), q[1] | ((qh << 6) & 0x300),
                                             q[2] | ((qh << 4) & 0x300), q[3] | ((qh << 2) & 0x300));
            const __m256i sgn = gk_pm1(gk_bits32(signs + 4 * ib));
            const __m256i scv = gk_pick_pair(scd[ib >> 2], 2 * ib);
            GK_IQ_ACC(R, sumi, grid, sgn, scv, 32 * ib)
        }
        GK_IQ_BLOCK_END(0.125f * gk_f16(x[b].d))
    }
    for (int r = 0; r < R; r++) s[r] = gk_hsum(acc[r]);
}

GK_AI void gk_k_iq3_xxs(int64_t n, float *s, const void *vx, const void *const *a, const int R) {
    GK_IQ_PROLOGUE(gk_block_iq3_xxs)
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        __m256i sumi[GK_RMAX];
        for (int r = 0; r < R; r++) sumi[r] = _mm256_setzero_si256();
        const uint8_t *q3 = x[b].qs, *gas = x[b].qs + GK_QK_K / 4;
        for (int ib = 0; ib < 8; ib++) {
            const uint8_t *q = q3 + 8 * ib;
            uint32_t aux;
            memcpy(&aux, gas + 4 * ib, 4);
            const __m256i grid = _mm256_set_epi32((int)gk_iq3xxs_grid[q[7]], (int)gk_iq3xxs_grid[q[6]], (int)gk_iq3xxs_grid[q[5]],
                                                  (int)gk_iq3xxs_grid[q[4]], (int)gk_iq3xxs_grid[q[3]], (int)gk_iq3xxs_grid[q[2]],
                                                  (int)gk_iq3xxs_grid[q[1]], (int)gk_iq3xxs_grid[q[0]]);
            const __m256i sgn = gk_pm1(_mm256_set_epi64x((long long)gk_ksigns64[(aux >> 21) & 127], (long long)gk_ksigns64[(aux >> 14) & 127],
                                                          (long long)gk_ksigns64[(aux >> 7) & 127], (long long)gk_ksigns64[aux & 127]));
            const __m256i scv = _mm256_set1_epi16((short)(2 * (aux >> 28) + 1));
            GK_IQ_ACC(R, sumi, grid, sgn, scv, 32 * ib)
        }
        GK_IQ_BLOCK_END(0.25f * gk_f16(x[b].d))
    }
    for (int r = 0; r < R; r++) s[r] = gk_hsum(acc[r]);
}

GK_AI void gk_k_iq3_s(int64_t n, float *s, const void *vx, const void *const *a, const int R) {
    GK_IQ_PROLOGUE(gk_block_iq3_s)
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        __m256i sumi[GK_RMAX];
        for (int r = 0; r < R; r++) sumi[r] = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ib++) {
            const uint8_t *q = x[b].qs + 8 * ib;
            const int qh = x[b].qh[ib];
            int idx[8];
            for (int l = 0; l < 4; l++) {
                idx[2 * l] = q[2 * l] | ((qh << (8 - 2 * l)) & 256);
                idx[2 * l + 1] = q[2 * l + 1] | ((qh << (7 - 2 * l)) & 256);
            }
            const __m256i grid = _mm256_set_epi32((int)gk_iq3s_grid[idx[7]], (int)gk_iq3s_grid[idx[6]], (int)gk_iq3s_grid[idx[5]],
                                                  (int)gk_iq3s_grid[idx[4]], (int)gk_iq3s_grid[idx[3]], (int)gk_iq3s_grid[idx[2]],
                                                  (int)gk_iq3s_grid[idx[1]], (int)gk_iq3s_grid[idx[0]]);
            const __m256i sgn = gk_pm1(gk_bits32(x[b].signs + 4 * ib));
            const __m256i scv = _mm256_set1_epi16((short)(2 * ((x[b].scales[ib / 2] >> (4 * (ib & 1))) & 0xF) + 1));
            GK_IQ_ACC(R, sumi, grid, sgn, scv, 32 * ib)
        }
        GK_IQ_BLOCK_END(gk_f16(x[b].d))
    }
    for (int r = 0; r < R; r++) s[r] = gk_hsum(acc[r]);
}

/* IQ1_S / IQ1_M: weights 8 * grid + delta (grid in {-1,0,1}, delta = +-1 for the +-1/8 shift) are
 * small signed ints; the 1/8 goes into the block scale. Exact in integers. */
#define GK_IQ1_ACC(R, sumi, w, scv, yoff)                                                          \
    {                                                                                              \
        const __m256i aw = _mm256_sign_epi8(w, w);                                                 \
        for (int r = 0; r < R; r++) {                                                              \
            const __m256i y = _mm256_loadu_si256((const __m256i *)(ya[r][b].qs + (yoff)));         \
            sumi[r] = _mm256_add_epi32(sumi[r], _mm256_madd_epi16(scv, _mm256_maddubs_epi16(aw, _mm256_sign_epi8(y, w)))); \
        }                                                                                          \
    }

GK_AI void gk_k_iq1_s(int64_t n, float *s, const void *vx, const void *const *a, const int R) {
    GK_IQ_PROLOGUE(gk_block_iq1_s)
    const __m256i eight = _mm256_set1_epi8(8);
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        __m256i sumi[GK_RMAX];
        for (int r = 0; r < R; r++) sumi[r] = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ib++) {
            const int qh = x[b].qh[ib];
            const uint8_t *q = x[b].qs + 4 * ib;
            const __m256i g = gk_grid64x4(gk_iq1s_grid, q[0] | ((qh << 8) & 0x700), q[1] | ((qh << 5) & 0x700),
                                          q[2] | ((qh << 2) & 0x700), q[3] | ((qh >> 1) & 0x700));
            const __m256i w = _mm256_add_epi8(_mm256_sign_epi8(eight, g), _mm256_set1_epi8((qh & 0x8000) ? -1 : 1));
            const __m256i scv = _mm256_set1_epi16((short)(2 * ((qh >> 12) & 7) + 1));
            GK_IQ1_ACC(R, sumi, w, scv, 32 * ib)
        }
        GK_IQ_BLOCK_END(0.125f * gk_f16(x[b].d))
    }
    for (int r = 0; r < R; r++) s[r] = gk_hsum(acc[r]);
}

GK_AI void gk_k_iq1_m(int64_t n, float *s, const void *vx, const void *const *a, const int R) {
    GK_IQ_PROLOGUE(gk_block_iq1_m)
    const __m256i eight = _mm256_set1_epi8(8);
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        __m256i sumi[GK_RMAX];
        for (int r = 0; r < R; r++) sumi[r] = _mm256_setzero_si256();
        uint16_t sc[4];
        memcpy(sc, x[b].scales, 8);
        const uint16_t d16 = (uint16_t)((sc[0] >> 12) | ((sc[1] >> 8) & 0x00f0) | ((sc[2] >> 4) & 0x0f00) | (sc[3] & 0xf000));
        /* group g (16 weights) has the 3-bit scale (sc[g / 4] >> 3 (g % 4)) & 7 */
        __m256i scd[2];
        for (int hh = 0; hh < 2; hh++) {
            const __m256i wv = _mm256_setr_epi32(sc[2 * hh], sc[2 * hh], sc[2 * hh], sc[2 * hh],
                                                 sc[2 * hh + 1], sc[2 * hh + 1], sc[2 * hh + 1], sc[2 * hh + 1]);
            const __m256i t = _mm256_and_si256(_mm256_srlv_epi32(wv, _mm256_setr_epi32(0, 3, 6, 9, 0, 3, 6, 9)), _mm256_set1_epi32(7));
            const __m256i ls = _mm256_add_epi32(_mm256_add_epi32(t, t), _mm256_set1_epi32(1));
            scd[hh] = _mm256_or_si256(ls, _mm256_slli_epi32(ls, 16));
        }
        for (int ib = 0; ib < 8; ib++) {
            const uint8_t *q = x[b].qs + 4 * ib, *qh = x[b].qh + 2 * ib;
            const __m256i g = gk_grid64x4(gk_iq1s_grid, q[0] | ((qh[0] << 8) & 0x700), q[1] | ((qh[0] << 4) & 0x700),
                                          q[2] | ((qh[1] << 8) & 0x700), q[3] | ((qh[1] << 4) & 0x700));
            const __m256i delta = _mm256_set_epi64x((qh[1] & 0x80) ? -1LL : 0x0101010101010101LL,
                                                    (qh[1] & 0x08) ? -1LL : 0x0101010101010101LL,
                                                    (qh[0] & 0x80) ? -1LL : 0x0101010101010101LL,
                                                    (qh[0] & 0x08) ? -1LL : 0x0101010101010101LL);
            const __m256i w = _mm256_add_epi8(_mm256_sign_epi8(eight, g), delta);
            const __m256i scv = gk_pick_pair(scd[ib >> 2], 2 * ib);
            GK_IQ1_ACC(R, sumi, w, scv, 32 * ib)
        }
        GK_IQ_BLOCK_END(0.125f * gk_f16(d16))
    }
    for (int r = 0; r < R; r++) s[r] = gk_hsum(acc[r]);
}

/* ------------------------------------------------------------------ Q8_0-activated low-bit types */

/* Q1_0: +-1 per bit; per Q8_0 block the integer sum of +-y, scaled by d_y, then d_w per 128. */
GK_AI void gk_k_q1_0(int64_t n, float *s, const void *vx, const void *const *a, const int R) {
    const gk_block_q1_0 *x = vx;
    const gk_block_q8_0 *ya[GK_RMAX];
    __m256 acc[GK_RMAX];
    for (int r = 0; r < R; r++) { ya[r] = a[r]; acc[r] = _mm256_setzero_ps(); }
    const __m256i ones = _mm256_set1_epi8(1), all = _mm256_set1_epi8(-1);
    for (int64_t b = 0; b < n / 128; b++) {
        __m256 bacc[GK_RMAX];
        for (int r = 0; r < R; r++) bacc[r] = _mm256_setzero_ps();
        for (int k = 0; k < 4; k++) {
            const __m256i sgn = _mm256_or_si256(_mm256_andnot_si256(gk_bits32(x[b].qs + 4 * k), all), ones);
            for (int r = 0; r < R; r++) {
                const gk_block_q8_0 *yb = &ya[r][4 * b + k];
                const __m256i y = _mm256_loadu_si256((const __m256i *)yb->qs);
                const __m256i p = gk_dp(_mm256_setzero_si256(), ones, _mm256_sign_epi8(y, sgn));
                bacc[r] = _mm256_fmadd_ps(_mm256_set1_ps(gk_f16(yb->d)), _mm256_cvtepi32_ps(p), bacc[r]);
            }
        }
        const __m256 dw = _mm256_set1_ps(gk_f16(x[b].d));
        for (int r = 0; r < R; r++) acc[r] = _mm256_fmadd_ps(dw, bacc[r], acc[r]);
    }
    for (int r = 0; r < R; r++) s[r] = gk_hsum(acc[r]);
}

/* Q2_0: q in 0..3 (value q - 1), four per byte in order; expand 8 bytes to 32 then maddubs. */
GK_AI __m256i gk_q2_0_expand(const uint8_t *p) {
    int64_t v;
    memcpy(&v, p, 8);
    /* byte j of the result = source byte j / 4 */
    const __m256i rep = _mm256_shuffle_epi8(_mm256_set1_epi64x(v),
        _mm256_set_epi64x(0x0707070706060606LL, 0x0505050504040404LL, 0x0303030302020202LL, 0x0101010100000000LL));
    const __m256i m3 = _mm256_set1_epi8(3);
    const __m256i s0 = _mm256_and_si256(rep, m3);
    const __m256i s1 = _mm256_and_si256(_mm256_srli_epi16(rep, 2), m3);
    const __m256i s2 = _mm256_and_si256(_mm256_srli_epi16(rep, 4), m3);
    const __m256i s3 = _mm256_and_si256(_mm256_srli_epi16(rep, 6), m3);
    const __m256i p0 = _mm256_set1_epi32(0x000000FF), p1 = _mm256_set1_epi32(0x0000FF00);
    const __m256i p2 = _mm256_set1_epi32(0x00FF0000), p3 = _mm256_set1_epi32((int)0xFF000000u);
    return _mm256_or_si256(_mm256_or_si256(_mm256_and_si256(s0, p0), _mm256_and_si256(s1, p1)),
                           _mm256_or_si256(_mm256_and_si256(s2, p2), _mm256_and_si256(s3, p3)));
}

GK_AI void gk_k_q2_0(int64_t n, float *s, const void *vx, const void *const *a, const int R) {
    const gk_block_q2_0 *x = vx;
    const gk_block_q8_0 *ya[GK_RMAX];
    __m256 acc[GK_RMAX];
    for (int r = 0; r < R; r++) { ya[r] = a[r]; acc[r] = _mm256_setzero_ps(); }
    const __m256i ones = _mm256_set1_epi8(1);
    for (int64_t b = 0; b < n / 64; b++) {
        __m256 bacc[GK_RMAX];
        for (int r = 0; r < R; r++) bacc[r] = _mm256_setzero_ps();
        for (int k = 0; k < 2; k++) {
            const __m256i q = gk_q2_0_expand(x[b].qs + 8 * k);
            for (int r = 0; r < R; r++) {
                const gk_block_q8_0 *yb = &ya[r][2 * b + k];
                const __m256i y = _mm256_loadu_si256((const __m256i *)yb->qs);
                /* sum (q - 1) y = sum q y - sum y */
                __m256i p = gk_dp(_mm256_setzero_si256(), q, y);
                p = _mm256_sub_epi32(p, gk_dp(_mm256_setzero_si256(), ones, y));
                bacc[r] = _mm256_fmadd_ps(_mm256_set1_ps(gk_f16(yb->d)), _mm256_cvtepi32_ps(p), bacc[r]);
            }
        }
        const __m256 dw = _mm256_set1_ps(gk_f16(x[b].d));
        for (int r = 0; r < R; r++) acc[r] = _mm256_fmadd_ps(dw, bacc[r], acc[r]);
    }
    for (int r = 0; r < R; r++) s[r] = gk_hsum(acc[r]);
}

/* Four UE4M3 bytes -> 4 floats (value / 2, as gk_ue4m3_half): e > 0: 2^(e-8) (1 + m/8); e = 0:
 * m 2^-10; 0x7F (NaN) -> 0; bit 7 ignored. */
GK_AI __m128 gk_ue4m3_half_x4(const uint8_t *p) {
    uint32_t u;
    memcpy(&u, p, 4);
    const __m128i x = _mm_cvtepu8_epi32(_mm_cvtsi32_si128((int)u));
    const __m128i e = _mm_and_si128(_mm_srli_epi32(x, 3), _mm_set1_epi32(0xF));
    const __m128i m = _mm_and_si128(x, _mm_set1_epi32(7));
    const __m128 normal = _mm_castsi128_ps(_mm_or_si128(_mm_slli_epi32(_mm_add_epi32(e, _mm_set1_epi32(119)), 23),
                                                        _mm_slli_epi32(m, 20)));
    const __m128 sub = _mm_mul_ps(_mm_cvtepi32_ps(m), _mm_set1_ps(1.0f / 1024.0f));
    const __m128 isnormal = _mm_castsi128_ps(_mm_cmpgt_epi32(e, _mm_setzero_si128()));
    const __m128 v = _mm_blendv_ps(sub, normal, isnormal);
    const __m128 isnan = _mm_castsi128_ps(_mm_cmpeq_epi32(x, _mm_set1_epi32(0x7F)));
    return _mm_andnot_ps(isnan, v);
}

/* NVFP4: per Q8_0 block two 16-weight sub-blocks with their own UE4M3 scale. */
GK_AI void gk_k_nvfp4(int64_t n, float *s, const void *vx, const void *const *a, const int R) {
    const gk_block_nvfp4 *x = vx;
    const gk_block_q8_0 *ya[GK_RMAX];
    __m256 acc[GK_RMAX];
    for (int r = 0; r < R; r++) { ya[r] = a[r]; acc[r] = _mm256_setzero_ps(); }
    const __m256i tbl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_fp4));
    const __m128i m4 = _mm_set1_epi8(0x0F);
    for (int64_t b = 0; b < n / 64; b++) {
        const __m128 d4 = gk_ue4m3_half_x4(x[b].d);
        for (int k = 0; k < 2; k++) {
            const __m256 dsub = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(d4),
                                                         _mm256_setr_epi32(2 * k, 2 * k, 2 * k, 2 * k, 2 * k + 1, 2 * k + 1, 2 * k + 1, 2 * k + 1));
            const __m128i t = _mm_loadu_si128((const __m128i *)(x[b].qs + 16 * k));
            const __m128i lo = _mm_and_si128(t, m4), hi = _mm_and_si128(_mm_srli_epi16(t, 4), m4);
            const __m256i idx = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_unpacklo_epi64(lo, hi)),
                                                        _mm_unpackhi_epi64(lo, hi), 1);
            const __m256i w = _mm256_shuffle_epi8(tbl, idx);
            const __m256i aw = _mm256_sign_epi8(w, w);
            for (int r = 0; r < R; r++) {
                const gk_block_q8_0 *yb = &ya[r][2 * b + k];
                const __m256i y = _mm256_loadu_si256((const __m256i *)yb->qs);
                const __m256i p = gk_dot_s8(aw, w, y);
                const __m256 sc = _mm256_mul_ps(_mm256_set1_ps(gk_f16(yb->d)), dsub);
                acc[r] = _mm256_fmadd_ps(sc, _mm256_cvtepi32_ps(p), acc[r]);
            }
        }
    }
    for (int r = 0; r < R; r++) s[r] = gk_hsum(acc[r]);
}

/* TQ1_0: base-3 digits d_l = ((uint8)(q * 3^l) * 3) >> 8, value d - 1: maddubs on digits minus sum(y). */
GK_AI __m256i gk_tq1_digits(__m256i q, int pow3) {
    const __m256i lomask = _mm256_set1_epi16(0x00FF);
    const __m256i p = _mm256_set1_epi16((short)pow3);
    /* bytewise q * pow3 mod 256 */
    const __m256i t = _mm256_or_si256(_mm256_and_si256(_mm256_mullo_epi16(q, p), lomask),
                                      _mm256_mullo_epi16(_mm256_andnot_si256(lomask, q), p));
    /* bytewise (t * 3) >> 8 */
    const __m256i dlo = _mm256_mulhi_epu16(_mm256_and_si256(t, lomask), _mm256_set1_epi16(768));
    const __m256i dhi = _mm256_slli_epi16(_mm256_mulhi_epu16(_mm256_andnot_si256(lomask, t), _mm256_set1_epi16(3)), 8);
    return _mm256_or_si256(dlo, dhi);
}

GK_AI void gk_k_tq1_0(int64_t n, float *s, const void *vx, const void *const *a, const int R) {
    static const int pow3[5] = {1, 3, 9, 27, 81};
    const gk_block_tq1_0 *x = vx;
    const gk_block_q8_K *ya[GK_RMAX];
    __m256 acc[GK_RMAX];
    for (int r = 0; r < R; r++) { ya[r] = a[r]; acc[r] = _mm256_setzero_ps(); }
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        __m256i sumi[GK_RMAX];
        int tail[GK_RMAX];
        for (int r = 0; r < R; r++) { sumi[r] = _mm256_setzero_si256(); tail[r] = 0; }
        const __m256i q32 = _mm256_loadu_si256((const __m256i *)x[b].qs);
        /* qs[32..48) twice (lanes): digits l and l+? are handled per 16 with a 128-bit half */
        const __m256i q16 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(x[b].qs + 32)));
        for (int l = 0; l < 5; l++) {
            const __m256i d = gk_tq1_digits(q32, pow3[l]);
            for (int r = 0; r < R; r++)
                sumi[r] = gk_dp(sumi[r], d, _mm256_loadu_si256((const __m256i *)(ya[r][b].qs + 32 * l)));
        }
        /* 16-byte part: digits l (low lane) and l+1 (high lane) in one vector */
        for (int l = 0; l < 5; l += 2) {
            __m256i d;
            if (l + 1 < 5) {
                const __m256i dl = gk_tq1_digits(q16, pow3[l]), dh = gk_tq1_digits(q16, pow3[l + 1]);
                d = _mm256_blend_epi32(dl, dh, 0xF0);
            } else {
                d = _mm256_blend_epi32(gk_tq1_digits(q16, pow3[l]), _mm256_setzero_si256(), 0xF0);
            }
            for (int r = 0; r < R; r++) {
                __m256i y;
                if (l + 1 < 5) y = _mm256_loadu_si256((const __m256i *)(ya[r][b].qs + 160 + 16 * l));
                else y = _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(ya[r][b].qs + 160 + 16 * l)));
                if (l + 1 >= 5) y = _mm256_blend_epi32(y, _mm256_setzero_si256(), 0xF0);
                sumi[r] = gk_dp(sumi[r], d, y);
            }
        }
        /* qh: 4 digits of 4 bytes, scalar */
        for (int l = 0; l < 4; l++)
            for (int j = 0; j < 4; j++) {
                const int dg = (int)(((uint16_t)(uint8_t)(x[b].qh[j] * pow3[l]) * 3) >> 8);
                for (int r = 0; r < R; r++) tail[r] += dg * ya[r][b].qs[240 + 4 * l + j];
            }
        const float d = gk_f16(x[b].d);
        for (int r = 0; r < R; r++) {
            const __m256i bs = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)ya[r][b].bsums), _mm256_set1_epi16(1));
            __m256i t = _mm256_sub_epi32(sumi[r], bs);
            t = _mm256_add_epi32(t, _mm256_setr_epi32(tail[r], 0, 0, 0, 0, 0, 0, 0));
            acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(d * ya[r][b].d), _mm256_cvtepi32_ps(t), acc[r]);
        }
    }
    for (int r = 0; r < R; r++) s[r] = gk_hsum(acc[r]);
}

#endif
