/* AVX2 quantizers of MXFP4 and NVFP4, bit-exact with the reference: exact max-abs reductions, the
 * shared scale in scalar code (the same libm log2f / ldexpf calls), and the nearest-value search over
 * the 16 E2M1 values done lane-wise in the reference's order (first minimum wins). */
#include <math.h>
#include "ggufkit/gk_kernels.h"
#include "tables.h"
#include "quant_lanes_avx2.h"

/* ggml's best_index_mxfp4 literally: all 16 values in order, the first strict minimum of the error. */
static inline vi best_index_fp4_scan(vf x, float e) {
    vf best_err = v_abs(_mm256_sub_ps(_mm256_set1_ps(gk_kvalues_fp4[0] * e), x));
    vi best = _mm256_setzero_si256();
    for (int i = 1; i < 16; i++) {
        vf err = v_abs(_mm256_sub_ps(_mm256_set1_ps(gk_kvalues_fp4[i] * e), x));
        vf better = V_LT(err, best_err);
        best = v_seli(better, _mm256_set1_epi32(i), best);
        best_err = v_sel(better, err, best_err);
    }
    return best;
}

/* Index of the nearest of kvalues_fp4[i] * e to each of 8 values: ggml's best_index_mxfp4, which scans
 * all 16 values keeping the first strict minimum of |kvalues[i] * e - x|. The table is 0, 1, 2, 3, 4,
 * 6, 8, 12 and their negatives (a second 0 at index 8). Rounding is monotonic and sign-symmetric, so
 * only the two magnitudes around |x| can win, with the same rounded errors as the scan computes
 * (|m e - |x||); on equal errors the smaller magnitude has the smaller index; negative x takes the
 * second half of the table except for 0, whose first index (0) wins. That needs the errors of
 * values a step e apart to stay apart after rounding: |x| < 2^20 e; else (or e = 0) the literal scan. */
static inline vi best_index_fp4_near(vf x, float e) {
    const vf a = v_abs(x);
    float mag[8];
    for (int i = 0; i < 8; ++i) mag[i] = gk_kvalues_fp4[i] * e;
    const vf mags = _mm256_loadu_ps(mag);
    vi k = _mm256_set1_epi32(-1); /* number of magnitudes <= |x|, minus one */
    for (int i = 0; i < 8; ++i)
        k = _mm256_sub_epi32(k, _mm256_castps_si256(_mm256_cmp_ps(_mm256_set1_ps(mag[i]), a, _CMP_LE_OQ)));
    const vi k1 = _mm256_min_epi32(_mm256_add_epi32(k, _mm256_set1_epi32(1)), _mm256_set1_epi32(7));
    vf err_lo = v_abs(_mm256_sub_ps(_mm256_permutevar8x32_ps(mags, k), a));
    vf err_hi = v_abs(_mm256_sub_ps(_mm256_permutevar8x32_ps(mags, k1), a));
    vi best = v_seli(V_LT(err_hi, err_lo), k1, k);
    vf neg = _mm256_and_ps(V_LT(x, _mm256_setzero_ps()), _mm256_castsi256_ps(_mm256_cmpgt_epi32(best, _mm256_setzero_si256())));
    return _mm256_add_epi32(best, _mm256_and_si256(_mm256_castps_si256(neg), _mm256_set1_epi32(8)));
}




static void block_mxfp4(const float *x, gk_block_mxfp4 *y) {
    const float amax = absmax_n(x, 32);
    const uint8_t e = amax > 0.0f ? (uint8_t)(floorf(log2f(amax)) - 2 + 127) : 0;
    const float d = gk_e8m0_half(e);
    y->e = e;
    vi q[4];
    if (amax < d * 1048576.0f) {
        for (int k = 0; k < 4; ++k) q[k] = best_index_fp4_near(_mm256_loadu_ps(x + 8 * k), d);
    } else {
        for (int k = 0; k < 4; ++k) q[k] = best_index_fp4_scan(_mm256_loadu_ps(x + 8 * k), d);
    }
    pack_nibbles(pack32_u8(q), y->qs);
}

static void block_nvfp4(const float *x, gk_block_nvfp4 *y) {
    vi q[8];
    for (int s = 0; s < 4; s++) {
        const float *xb = x + s * 16;
        const float amax = absmax_n(xb, 16);
        const uint8_t ue = gk_fp32_to_ue4m3(amax / 6.0f);
        y->d[s] = ue;
        const float d = gk_ue4m3_half(ue);
        if (amax < d * 1048576.0f) {
            q[2 * s] = best_index_fp4_near(_mm256_loadu_ps(xb), d);
            q[2 * s + 1] = best_index_fp4_near(_mm256_loadu_ps(xb + 8), d);
        } else {
            q[2 * s] = best_index_fp4_scan(_mm256_loadu_ps(xb), d);
            q[2 * s + 1] = best_index_fp4_scan(_mm256_loadu_ps(xb + 8), d);
        }
    }
    /* qs[8 s + j] = index of 16 s + j | index of 16 s + 8 + j << 4 */
    __m256i b0 = pack32_u8(q), b1 = pack32_u8(q + 4); /* bytes of sub-blocks 0, 1 and 2, 3 */
    uint8_t idx[64];
    _mm256_storeu_si256((__m256i *)idx, b0);
    _mm256_storeu_si256((__m256i *)(idx + 32), b1);
    for (int s = 0; s < 4; ++s) {
        uint64_t a, b;
        memcpy(&a, idx + 16 * s, 8);
        memcpy(&b, idx + 16 * s + 8, 8);
        a |= b << 4; /* indices <= 15: no carry across bytes */
        memcpy(y->qs + 8 * s, &a, 8);
    }
}

size_t gk_quant_mxfp4_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_mxfp4 *y = vy;
    const int64_t nb = nrows * (n_per_row / 32);
    for (int64_t i = 0; i < nb; ++i) block_mxfp4(x + i * 32, y + i);
    return (size_t)nb * sizeof *y;
}

size_t gk_quant_nvfp4_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_nvfp4 *y = vy;
    const int64_t nb = nrows * (n_per_row / 64);
    for (int64_t i = 0; i < nb; ++i) block_nvfp4(x + i * 64, y + i);
    return (size_t)nb * sizeof *y;
}
