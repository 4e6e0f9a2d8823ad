/* x86 dot-product kernels shared by the avx2 and avx512_vnni tiers (static inline only; each tier's
 * .c file includes this with its own flags and names its exported functions with its suffix).
 *
 * Every kernel is one vec_dot, gk_vecdot_fn's signature: one weight row against one activation row.
 * Callers: the avx2 vec_dot of the types below and the tail blocks of the m = 1 paths (m > 1 runs the
 * packed gemms of gemm_packed_*.c). The avx2 tier's own m = 1 kernels
 * for Q2_K, Q3_K, Q6_K, TQ2_0 and the 4-bit table types live in vecdot_k_avx2.c and vecdot_nl4_avx2.c.
 *
 * GK_X86_VNNI: u8 x s8 dot products use vpdpbusd (AVX512-VNNI + VL) instead of maddubs + madd. */
#ifndef GK_X86_DOT_H
#define GK_X86_DOT_H
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "blocks.h"
#include "tables.h"
#include "../ref/vecdot_helpers.h"
#include "ggufkit/gk_kernels.h"

#define GK_AI static inline __attribute__((always_inline))

/* 64-byte aligned allocation (size rounded up to a multiple of 64, as aligned_alloc requires) */
static inline void *gk_amalloc(size_t size) { return aligned_alloc(64, (size + 63) & ~(size_t)63); }

/* acc + sum of 4 adjacent u8*s8 products, per int32 lane. u <= 127 or s small enough that maddubs
 * never saturates (callers guarantee it). */
GK_AI __m256i gk_dp(__m256i acc, __m256i u, __m256i s) {
#ifdef GK_X86_VNNI
    return _mm256_dpbusd_epi32(acc, u, s);
#else
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)));
#endif
}

GK_AI float gk_hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

GK_AI float gk_f16(uint16_t h) { return _cvtsh_ss(h); }

/* 32 nibbles of 16 bytes: low nibbles in bytes 0..15, high nibbles in 16..31 (unsigned 0..15). */
GK_AI __m256i gk_nibbles32(const uint8_t *q) {
    const __m128i t = _mm_loadu_si128((const __m128i *)q);
    const __m256i b = _mm256_inserti128_si256(_mm256_castsi128_si256(t), _mm_srli_epi16(t, 4), 1);
    return _mm256_and_si256(b, _mm256_set1_epi8(0x0F));
}

/* 0xFF in byte j where bit j of the 32-bit word is set. */
GK_AI __m256i gk_bits32(const uint8_t *p) {
    uint32_t x;
    memcpy(&x, p, 4);
    const __m256i shuf = _mm256_set_epi64x(0x0303030303030303LL, 0x0202020202020202LL,
                                           0x0101010101010101LL, 0x0000000000000000LL);
    __m256i b = _mm256_shuffle_epi8(_mm256_set1_epi32((int)x), shuf);
    b = _mm256_or_si256(b, _mm256_set1_epi64x(0x7fbfdfeff7fbfdfeLL));
    return _mm256_cmpeq_epi8(b, _mm256_set1_epi64x(-1));
}

/* signed weights w (|w| <= 127) . activations y, via |w| and sign(y, w) */
GK_AI __m256i gk_dot_s8(__m256i absw, __m256i w, __m256i y) {
    return gk_dp(_mm256_setzero_si256(), absw, _mm256_sign_epi8(y, w));
}

/* ------------------------------------------------------------------ Q8_0-activated, 32 per block */

/* Shared loop of the signed-weight 32-block types: DECODE(b) sets `w` (32 int8) and `dw` (float). */
#define GK_Q8_0_LOOP(n, s, vy, DECODE)                                                             \
    do {                                                                                           \
        const gk_block_q8_0 *y = (vy);                                                             \
        __m256 acc = _mm256_setzero_ps();                                                          \
        for (int64_t b = 0; b < (n) / 32; b++) {                                                   \
            __m256i w; float dw;                                                                   \
            DECODE;                                                                                \
            const __m256i p = gk_dot_s8(_mm256_sign_epi8(w, w), w, _mm256_loadu_si256((const __m256i *)y[b].qs)); \
            acc = _mm256_fmadd_ps(_mm256_set1_ps(dw * gk_f16(y[b].d)), _mm256_cvtepi32_ps(p), acc); \
        }                                                                                          \
        *(s) = gk_hsum(acc);                                                                       \
    } while (0)

GK_AI void gk_k_q8_0(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q8_0 *x = vx;
    GK_Q8_0_LOOP(n, s, vy, { w = _mm256_loadu_si256((const __m256i *)x[b].qs); dw = gk_f16(x[b].d); });
}

GK_AI void gk_k_q4_0(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q4_0 *x = vx;
    GK_Q8_0_LOOP(n, s, vy, { w = _mm256_sub_epi8(gk_nibbles32(x[b].qs), _mm256_set1_epi8(8)); dw = gk_f16(x[b].d); });
}

GK_AI void gk_k_q5_0(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q5_0 *x = vx;
    /* q | (high bit clear ? 0xF0 : 0) is q + 16*h - 16 as int8 */
    GK_Q8_0_LOOP(n, s, vy, {
        const __m256i hi = _mm256_andnot_si256(gk_bits32(x[b].qh), _mm256_set1_epi8((char)0xF0));
        w = _mm256_or_si256(gk_nibbles32(x[b].qs), hi);
        dw = gk_f16(x[b].d);
    });
}

GK_AI void gk_k_iq4_nl(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq4_nl *x = vx;
    const __m256i tbl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_iq4nl));
    GK_Q8_0_LOOP(n, s, vy, { w = _mm256_shuffle_epi8(tbl, gk_nibbles32(x[b].qs)); dw = gk_f16(x[b].d); });
}

GK_AI void gk_k_mxfp4(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_mxfp4 *x = vx;
    const __m256i tbl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_fp4));
    GK_Q8_0_LOOP(n, s, vy, { w = _mm256_shuffle_epi8(tbl, gk_nibbles32(x[b].qs)); dw = gk_e8m0_half(x[b].e); });
}

/* Q4_1 / Q5_1 with Q8_1: unsigned weights, d_w d_y sum(q y) + m_w s_y */
#define GK_Q8_1_LOOP(n, s, vy, DECODE)                                                             \
    do {                                                                                           \
        const gk_block_q8_1 *y = (vy);                                                             \
        __m256 acc = _mm256_setzero_ps();                                                          \
        float ms = 0;                                                                              \
        for (int64_t b = 0; b < (n) / 32; b++) {                                                   \
            __m256i q; float dw, mw;                                                               \
            DECODE;                                                                                \
            const __m256i p = gk_dp(_mm256_setzero_si256(), q, _mm256_loadu_si256((const __m256i *)y[b].qs)); \
            acc = _mm256_fmadd_ps(_mm256_set1_ps(dw * gk_f16(y[b].d)), _mm256_cvtepi32_ps(p), acc); \
            ms += mw * gk_f16(y[b].s);                                                             \
        }                                                                                          \
        *(s) = gk_hsum(acc) + ms;                                                                  \
    } while (0)

GK_AI void gk_k_q4_1(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q4_1 *x = vx;
    GK_Q8_1_LOOP(n, s, vy, { q = gk_nibbles32(x[b].qs); dw = gk_f16(x[b].d); mw = gk_f16(x[b].m); });
}

GK_AI void gk_k_q5_1(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q5_1 *x = vx;
    GK_Q8_1_LOOP(n, s, vy, {
        q = _mm256_or_si256(gk_nibbles32(x[b].qs), _mm256_and_si256(gk_bits32(x[b].qh), _mm256_set1_epi8(0x10)));
        dw = gk_f16(x[b].d); mw = gk_f16(x[b].m);
    });
}

/* ------------------------------------------------------------------ Q8_K-activated, 256 per block */

/* The 8 scales and 8 mins of a Q4_K / Q5_K block: scales as dwords holding the scale in both int16
 * halves (for madd), mins as 16 int16 (each twice, one per 16-element bsum). */
GK_AI void gk_k4_scales_vec(const uint8_t *q, __m256i *scd, __m256i *mins16) {
    uint32_t u[3], sc[2], mn[2];
    memcpy(u, q, 12);
    sc[0] = u[0] & 0x3f3f3f3f;
    mn[0] = u[1] & 0x3f3f3f3f;
    sc[1] = (u[2] & 0x0f0f0f0f) | ((u[0] >> 6) & 0x03030303) << 4;
    mn[1] = ((u[2] >> 4) & 0x0f0f0f0f) | ((u[1] >> 6) & 0x03030303) << 4;
    const __m256i s32 = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)sc));
    *scd = _mm256_or_si256(s32, _mm256_slli_epi32(s32, 16));
    const __m128i m8 = _mm_loadl_epi64((const __m128i *)mn);
    *mins16 = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(m8, m8));
}

/* Q4_K / Q5_K: 8 sub-blocks of 32, 6-bit scales and mins; unsigned codes, scales applied in int16 madd.
 * BLOCK_BITS reads what a super-block x[b] adds to its nibbles (Q5_K: the 5th bits, qh); CODES sets lo
 * and hi, the codes of sub-blocks 2j and 2j + 1, from the 32 bytes of nibbles `bits` (and qh). */
#define GK_K45_KERNEL(name, BT, BLOCK_BITS, CODES)                                                 \
    GK_AI void name(int64_t n, float *s, const void *vx, const void *vy) {                         \
        const BT *x = vx;                                                                          \
        const gk_block_q8_K *y = vy;                                                               \
        __m256 acc = _mm256_setzero_ps(), accm = _mm256_setzero_ps();                              \
        const __m256i m4 = _mm256_set1_epi8(0x0F);                                                 \
        for (int64_t b = 0; b < n / GK_QK_K; b++) {                                                \
            __m256i scd, mins16;                                                                   \
            gk_k4_scales_vec(x[b].scales, &scd, &mins16);                                          \
            const float d = gk_f16(x[b].d), dmin = gk_f16(x[b].dmin);                              \
            BLOCK_BITS;                                                                            \
            __m256i sumi = _mm256_setzero_si256();                                                 \
            for (int j = 0; j < 4; j++) {                                                          \
                const __m256i bits = _mm256_loadu_si256((const __m256i *)(x[b].qs + 32 * j));      \
                __m256i lo, hi;                                                                    \
                CODES;                                                                             \
                const __m256i sl = _mm256_permutevar8x32_epi32(scd, _mm256_set1_epi32(2 * j));     \
                const __m256i sh = _mm256_permutevar8x32_epi32(scd, _mm256_set1_epi32(2 * j + 1)); \
                const __m256i y0 = _mm256_loadu_si256((const __m256i *)(y[b].qs + 64 * j));        \
                const __m256i y1 = _mm256_loadu_si256((const __m256i *)(y[b].qs + 64 * j + 32));   \
                const __m256i p0 = _mm256_madd_epi16(sl, _mm256_maddubs_epi16(lo, y0));            \
                const __m256i p1 = _mm256_madd_epi16(sh, _mm256_maddubs_epi16(hi, y1));            \
                sumi = _mm256_add_epi32(sumi, _mm256_add_epi32(p0, p1));                           \
            }                                                                                      \
            const float dy = y[b].d;                                                               \
            const __m256i pm = _mm256_madd_epi16(mins16, _mm256_loadu_si256((const __m256i *)y[b].bsums)); \
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d * dy), _mm256_cvtepi32_ps(sumi), acc);          \
            accm = _mm256_fmadd_ps(_mm256_set1_ps(dmin * dy), _mm256_cvtepi32_ps(pm), accm);       \
        }                                                                                          \
        *s = gk_hsum(_mm256_sub_ps(acc, accm));                                                    \
    }

GK_K45_KERNEL(gk_k_q4_K, gk_block_q4_K, (void)0, {
    lo = _mm256_and_si256(bits, m4);
    hi = _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4);
})

/* bit 2j / 2j + 1 of qh -> 0x10 */
GK_K45_KERNEL(gk_k_q5_K, gk_block_q5_K, const __m256i qh = _mm256_loadu_si256((const __m256i *)x[b].qh), {
    const __m256i m16 = _mm256_set1_epi8(0x10);
    const __m256i h0 = _mm256_and_si256(_mm256_slli_epi16(_mm256_srli_epi16(qh, 2 * j), 4), m16);
    const __m256i h1 = _mm256_and_si256(_mm256_slli_epi16(_mm256_srli_epi16(qh, 2 * j + 1), 4), m16);
    lo = _mm256_or_si256(_mm256_and_si256(bits, m4), h0);
    hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bits, 4), m4), h1);
})

/* ------------------------------------------------------------------ floats */

GK_AI void gk_k_f32(int64_t n, float *s, const void *vx, const void *vy) {
    const float *x = vx, *y = vy;
    __m256 acc = _mm256_setzero_ps(), acc2 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), acc);
        acc2 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(y + i + 8), acc2);
    }
    float t = gk_hsum(_mm256_add_ps(acc, acc2));
    for (int64_t j = i; j < n; j++) t += x[j] * y[j];
    *s = t;
}

GK_AI __m256 gk_load_f16x8(const uint16_t *p) { return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p)); }
GK_AI __m256 gk_load_bf16x8(const uint16_t *p) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p)), 16));
}

/* 8 accumulators over 64 halves per step, the weight row prefetched 8 KB ahead: F16 m = 1 (row by row
 * through this kernel) reads 36.7-39.0 GB/s of a 32 MiB weight on Zen 4, where converting the
 * activation to float once with 2 accumulators read 33.8-35.4 (alternating runs; ggml's AVX2 build
 * 36-40 in the same runs; without the prefetch: the same within noise). */
#define GK_HALF_KERNEL(name, LOAD, SCALAR)                                                          \
    GK_AI void name(int64_t n, float *s, const void *vx, const void *vy) {                         \
        const uint16_t *x = vx, *y = vy;                                                           \
        __m256 a[8];                                                                               \
        for (int r = 0; r < 8; r++) a[r] = _mm256_setzero_ps();                                    \
        int64_t i = 0;                                                                             \
        for (; i + 64 <= n; i += 64) {                                                             \
            _mm_prefetch((const char *)(x + i) + 8192, _MM_HINT_T0);                               \
            _mm_prefetch((const char *)(x + i) + 8192 + 64, _MM_HINT_T0);                          \
            for (int r = 0; r < 8; r++) a[r] = _mm256_fmadd_ps(LOAD(x + i + 8 * r), LOAD(y + i + 8 * r), a[r]); \
        }                                                                                          \
        for (; i + 16 <= n; i += 16) {                                                             \
            a[0] = _mm256_fmadd_ps(LOAD(x + i), LOAD(y + i), a[0]);                                \
            a[1] = _mm256_fmadd_ps(LOAD(x + i + 8), LOAD(y + i + 8), a[1]);                        \
        }                                                                                          \
        for (int r = 0; r < 4; r++) a[r] = _mm256_add_ps(a[r], a[r + 4]);                          \
        float t = gk_hsum(_mm256_add_ps(_mm256_add_ps(a[0], a[1]), _mm256_add_ps(a[2], a[3])));    \
        for (int64_t j = i; j < n; j++) t += SCALAR(x[j]) * SCALAR(y[j]);                          \
        *s = t;                                                                                    \
    }
GK_HALF_KERNEL(gk_k_f16, gk_load_f16x8, gk_fp16_to_fp32)
GK_HALF_KERNEL(gk_k_bf16, gk_load_bf16x8, gk_bf16_to_fp32)

/* ------------------------------------------------------------------ exported wrappers */

/* m = 1 through a gemm entry: the tier's resolved vec_dot for the type (which may come from another
 * file or family than this gemm), row by row. */
static inline void gk_gemv_by_vecdot(int isa, int type, int64_t k, const void *w, size_t w_stride, int64_t n,
                                     const void *a, float *c) {
    const gk_vecdot_fn dot = gk_kernels(isa)->vecdot[type];
    for (int64_t j = 0; j < n; j++) dot(k, c + j, (const char *)w + j * w_stride, a);
}

#define GK_X86_DEFINE_VECDOT(KERN, NAME, ISA)                                                     \
    void gk_vecdot_##NAME##_##ISA(int64_t n, float *s, const void *x, const void *y) { KERN(n, s, x, y); }

#endif
