/* AVX2 quantizers of TQ1_0 and TQ2_0, bit-exact with the reference: an exact max-abs reduction,
 * lroundf emulated exactly (ties away from zero), the base-3 / 2-bit packing in integer lanes. */
#include <math.h>
#include "ggufkit/gk_kernels.h"
#include "quant_lanes_avx2.h"

/* Trits (int) lroundf(x * id) + 1 (0, 1, 2) of 8 values as int32 lanes. |x * id| <= 1 unless the
 * block max is so small that id = 1 / max overflows: then x * id is +-inf or NaN, and glibc's lroundf
 * returns LONG_MIN, whose low 32 bits are 0 (the reference's trit 1). */
static inline vi trits8_general(const float *x, vf id) {
    vf t = _mm256_mul_ps(_mm256_loadu_ps(x), id);
    vi r = _mm256_cvtps_epi32(v_round_away(t));
    vf wild = _mm256_cmp_ps(v_abs(t), _mm256_set1_ps(INFINITY), _CMP_NLT_UQ);
    r = _mm256_andnot_si256(_mm256_castps_si256(wild), r);
    return _mm256_add_epi32(r, _mm256_set1_epi32(1));
}

/* The same when id is finite, so that t = x * id is within [-1, 1] up to rounding: lroundf(t) is
 * (t >= 0.5) - (t <= -0.5) (ties away from zero). */
static inline vi trits8_finite(const float *x, vf id) {
    vf t = _mm256_mul_ps(_mm256_loadu_ps(x), id);
    vi up = _mm256_castps_si256(_mm256_cmp_ps(t, _mm256_set1_ps(0.5f), _CMP_GE_OQ));
    vi down = _mm256_castps_si256(_mm256_cmp_ps(t, _mm256_set1_ps(-0.5f), _CMP_LE_OQ));
    return _mm256_sub_epi32(_mm256_add_epi32(_mm256_set1_epi32(1), down), up);
}

#define trits8(x, id) (finite ? trits8_finite(x, id) : trits8_general(x, id))

/* Base-3 value q (0..242) to the byte (q * 256 + 242) / 243 (the division as an exact multiply-shift
 * for these q: checked for all 243 of them). */
static inline vi trit_byte(vi q) {
    vi v = _mm256_add_epi32(_mm256_slli_epi32(q, 8), _mm256_set1_epi32(242));
    return _mm256_srli_epi32(_mm256_mullo_epi32(v, _mm256_set1_epi32(8631)), 21);
}

static inline __attribute__((always_inline)) void block_tq1_0_impl(const float *x, gk_block_tq1_0 *y, float d, int finite) {
    const vf id = _mm256_set1_ps(d ? 1.0f / d : 0.0f);
    y->d = f16c_fp32_to_fp16(d);
    const vi three = _mm256_set1_epi32(3);
    /* qs[0..32): 5 trits m + 32 n; qs[32..48): 5 trits 160 + m + 16 n (Horner, first trit on top) */
    vi b[6];
    for (int h = 0; h < 4; ++h) {
        vi q = _mm256_setzero_si256();
        for (int n = 0; n < 5; ++n) q = _mm256_add_epi32(_mm256_mullo_epi32(q, three), trits8(x + 32 * n + 8 * h, id));
        b[h] = trit_byte(q);
    }
    for (int h = 0; h < 2; ++h) {
        vi q = _mm256_setzero_si256();
        for (int n = 0; n < 5; ++n)
            q = _mm256_add_epi32(_mm256_mullo_epi32(q, three), trits8(x + 160 + 16 * n + 8 * h, id));
        b[4 + h] = trit_byte(q);
    }
    _mm256_storeu_si256((vi *)y->qs, pack32_u8(b));
    _mm_storeu_si128((__m128i *)(y->qs + 32), _mm256_castsi256_si128(pack32_u8((vi[4]){b[4], b[5], b[4], b[5]})));
    /* qh[j]: 4 trits 240 + j + 4 m, then a zero trit */
    int32_t t[16];
    _mm256_storeu_si256((vi *)t, trits8(x + 240, id));
    _mm256_storeu_si256((vi *)(t + 8), trits8(x + 248, id));
    for (int j = 0; j < 4; ++j) {
        unsigned q = 0;
        for (int m = 0; m < 4; ++m) q = q * 3 + (unsigned)t[j + 4 * m];
        q *= 3;
        y->qh[j] = (uint8_t)((q * 256 + 242) / 243);
    }
}

static inline __attribute__((always_inline)) void block_tq2_0_impl(const float *x, gk_block_tq2_0 *y, float d, int finite) {
    const vf id = _mm256_set1_ps(d ? 1.0f / d : 0.0f);
    y->d = f16c_fp32_to_fp16(d);
    for (int c = 0; c < 2; ++c) { /* byte m of chunk c: trits 128 c + m + 32 n in bits 2n */
        vi q = _mm256_setzero_si256();
        for (int n = 0; n < 4; ++n) {
            vi t[4];
            for (int k = 0; k < 4; ++k) t[k] = trits8(x + 128 * c + 32 * n + 8 * k, id);
            q = _mm256_or_si256(q, _mm256_slli_epi16(pack32_u8(t), 2 * n)); /* bytes <= 2: no carry */
        }
        _mm256_storeu_si256((vi *)(y->qs + 32 * c), q);
    }
}

/* 1 / d overflows for a block max below 2^-128: then the general path (see trits8_general). */
static void block_tq1_0(const float *x, gk_block_tq1_0 *y) {
    const float d = absmax_n(x, GK_QK_K);
    if (d == 0.0f || isfinite(1.0f / d)) block_tq1_0_impl(x, y, d, 1);
    else block_tq1_0_impl(x, y, d, 0);
}

static void block_tq2_0(const float *x, gk_block_tq2_0 *y) {
    const float d = absmax_n(x, GK_QK_K);
    if (d == 0.0f || isfinite(1.0f / d)) block_tq2_0_impl(x, y, d, 1);
    else block_tq2_0_impl(x, y, d, 0);
}

size_t gk_quant_tq1_0_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_tq1_0 *y = vy;
    const int64_t nb = nrows * (n_per_row / GK_QK_K);
    for (int64_t i = 0; i < nb; ++i) block_tq1_0(x + i * GK_QK_K, y + i);
    return (size_t)nb * sizeof *y;
}

size_t gk_quant_tq2_0_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_tq2_0 *y = vy;
    const int64_t nb = nrows * (n_per_row / GK_QK_K);
    for (int64_t i = 0; i < nb; ++i) block_tq2_0(x + i * GK_QK_K, y + i);
    return (size_t)nb * sizeof *y;
}
