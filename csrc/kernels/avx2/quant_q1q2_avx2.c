/* AVX2 quantizers of Q1_0 and Q2_0, bit-exact with the reference. Q1_0's scale is a sum of |x| in
 * element order, so 8 blocks run lane-parallel (one block per lane); Q2_0 needs only an exact
 * max-abs reduction and roundf emulated exactly (ties away from zero). */
#include <math.h>
#include "ggufkit/gk_kernels.h"
#include "quant_lanes_avx2.h"

/* 8 blocks of 128 (lane k = block p[k]): their scales sum |x| / 128, in element order. */
static void q1_0_scales(const float *const *p, float *d) {
    vf s = _mm256_setzero_ps();
    for (int i0 = 0; i0 < 128; i0 += 8) {
        vf r[8];
        for (int k = 0; k < 8; ++k) r[k] = _mm256_loadu_ps(p[k] + i0);
        transpose8(r);
        for (int j = 0; j < 8; ++j) s = _mm256_add_ps(s, v_abs(r[j]));
    }
    _mm256_storeu_ps(d, _mm256_div_ps(s, _mm256_set1_ps(128.f)));
}

static void q1_0_signs(const float *x, gk_block_q1_0 *y, float d) {
    y->d = f16c_fp32_to_fp16(d);
    for (int j = 0; j < 16; ++j) /* bit j % 8 of byte j / 8: x >= 0 */
        y->qs[j] = (uint8_t)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(x + 8 * j), _mm256_setzero_ps(), _CMP_GE_OQ));
}

size_t gk_quant_q1_0_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_q1_0 *y = vy;
    const int64_t nb = nrows * (n_per_row / 128);
    for (int64_t b0 = 0; b0 < nb; b0 += 8) {
        const float *p[8];
        const int nl = nb - b0 < 8 ? (int)(nb - b0) : 8;
        for (int k = 0; k < 8; ++k) p[k] = x + 128 * (b0 + (k < nl ? k : nl - 1));
        float d[8];
        q1_0_scales(p, d);
        for (int k = 0; k < nl; ++k) q1_0_signs(p[k], y + b0 + k, d[k]);
    }
    return (size_t)nb * sizeof *y;
}

static void block_q2_0(const float *x, gk_block_q2_0 *y) {
    const float d = absmax_n(x, 64);
    const vf id = _mm256_set1_ps(d > 0.0f ? 1.0f / d : 0.0f);
    y->d = f16c_fp32_to_fp16(d);
    __m256i b[2];
    for (int h = 0; h < 2; ++h) {
        vi q[4];
        for (int k = 0; k < 4; ++k) {
            vi r = _mm256_cvtps_epi32(v_round_away(_mm256_mul_ps(_mm256_loadu_ps(x + 32 * h + 8 * k), id)));
            q[k] = v_clamp(_mm256_add_epi32(r, _mm256_set1_epi32(1)), 0, 3);
        }
        /* bytes q0 q1 q2 q3 -> q0 + 4 q1 + 16 q2 + 64 q3: pairs with maddubs, then pairs of pairs */
        __m256i pairs = _mm256_maddubs_epi16(pack32_u8(q), _mm256_set1_epi16(0x0401));
        b[h] = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x00100001));
    }
    /* 16 int32 (bytes 0..7 in b[0], 8..15 in b[1]) to 16 bytes in order */
    __m256i w = _mm256_permute4x64_epi64(_mm256_packs_epi32(b[0], b[1]), _MM_SHUFFLE(3, 1, 2, 0));
    _mm_storeu_si128((__m128i *)y->qs,
                     _mm_packus_epi16(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1)));
}

size_t gk_quant_q2_0_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_q2_0 *y = vy;
    const int64_t nb = nrows * (n_per_row / 64);
    for (int64_t i = 0; i < nb; ++i) block_q2_0(x + i * 64, y + i);
    return (size_t)nb * sizeof *y;
}
