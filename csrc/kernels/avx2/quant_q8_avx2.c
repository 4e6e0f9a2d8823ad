/* Activation quantizers Q8_0, Q8_1, Q8_K with AVX2, byte-identical to the scalar reference
 * (ref/quant_q8.c): same scale formulas in scalar float, and exact emulations of its roundings
 * (roundf = ties away from zero; the 1.5*2^23 trick = ties to even). No FMA anywhere. */
#include <immintrin.h>
#include <math.h>
#include <string.h>
#include "blocks.h"
#include "fp16.h"

static inline float hmax8(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

static inline __m256 vabs(__m256 v) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), v); }

/* roundf(v) for |v| < 2^23: truncate, then step away from zero when the dropped part is >= 0.5 */
static inline __m256i round_away(__m256 v) {
    const __m256 t = _mm256_round_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m256 frac = vabs(_mm256_sub_ps(v, t));  /* exact */
    const __m256 one = _mm256_or_ps(_mm256_set1_ps(1.0f), _mm256_and_ps(v, _mm256_set1_ps(-0.0f)));
    const __m256 step = _mm256_and_ps(_mm256_cmp_ps(frac, _mm256_set1_ps(0.5f), _CMP_GE_OQ), one);
    return _mm256_cvttps_epi32(_mm256_add_ps(t, step));
}

/* 32 int32 (4 vectors) -> 32 int8 in order */
static inline __m256i pack32(__m256i a, __m256i b, __m256i c, __m256i d) {
    const __m256i ab = _mm256_packs_epi32(a, b), cd = _mm256_packs_epi32(c, d);
    const __m256i p = _mm256_packs_epi16(ab, cd);
    return _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

/* one 32-block: scale d (as float) and 32 int8 in q; returns the int8 vector */
static inline __m256i q8_block(const float *x, float *dout) {
    __m256 v[4];
    __m256 mx = _mm256_setzero_ps();
    for (int i = 0; i < 4; i++) { v[i] = _mm256_loadu_ps(x + 8 * i); mx = _mm256_max_ps(mx, vabs(v[i])); }
    const float amax = hmax8(mx);
    const float d = amax / 127.0f;
    const float id = d ? 1.0f / d : 0.0f;
    *dout = d;
    const __m256 idv = _mm256_set1_ps(id);
    __m256i q[4];
    for (int i = 0; i < 4; i++) q[i] = round_away(_mm256_mul_ps(v[i], idv));
    return pack32(q[0], q[1], q[2], q[3]);
}

size_t gk_quant_q8_0_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_q8_0 *y = vy;
    const int64_t nb = nrows * (n_per_row / 32);
    for (int64_t i = 0; i < nb; i++, x += 32) {
        float d;
        const __m256i q = q8_block(x, &d);
        y[i].d = gk_fp32_to_fp16(d);
        _mm256_storeu_si256((__m256i *)y[i].qs, q);
    }
    return (size_t)nb * sizeof(gk_block_q8_0);
}

size_t gk_quant_q8_1_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_q8_1 *y = vy;
    const int64_t nb = nrows * (n_per_row / 32);
    for (int64_t i = 0; i < nb; i++, x += 32) {
        float d;
        const __m256i q = q8_block(x, &d);
        y[i].d = gk_fp32_to_fp16(d);
        _mm256_storeu_si256((__m256i *)y[i].qs, q);
        /* integer sum of the 32 q */
        const __m256i s16 = _mm256_maddubs_epi16(_mm256_set1_epi8(1), q);
        const __m256i s32 = _mm256_madd_epi16(s16, _mm256_set1_epi16(1));
        __m128i t = _mm_add_epi32(_mm256_castsi256_si128(s32), _mm256_extracti128_si256(s32, 1));
        t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0x4E));
        t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0xB1));
        y[i].s = gk_fp32_to_fp16((float)_mm_cvtsi128_si32(t) * d);
    }
    return (size_t)nb * sizeof(gk_block_q8_1);
}

size_t gk_quant_q8_K_avx2(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_q8_K *y = vy;
    const int64_t nb = nrows * (n_per_row / GK_QK_K);
    for (int64_t i = 0; i < nb; i++, x += GK_QK_K) {
        __m256 mx = _mm256_setzero_ps();
        /* maxps returns its second operand when either is NaN: mx second, so NaN inputs are skipped
         * as the reference's `ax > amax` skips them (never NaN in mx, no larger value lost) */
        for (int j = 0; j < GK_QK_K; j += 8) mx = _mm256_max_ps(vabs(_mm256_loadu_ps(x + j)), mx);
        const float amax = hmax8(mx);
        if (!amax) {
            memset(&y[i], 0, sizeof(y[i]));
            continue;
        }
        /* the reference keeps the first element of largest magnitude (its sign matters) */
        float max = 0;
        for (int j = 0; j < GK_QK_K; j++)
            if (fabsf(x[j]) == amax) { max = x[j]; break; }
        const float iscale = -127.0f / max;
        const __m256 isv = _mm256_set1_ps(iscale), magic = _mm256_set1_ps(12582912.0f);
        for (int j = 0; j < GK_QK_K; j += 32) {
            __m256i q[4];
            for (int u = 0; u < 4; u++) {
                const __m256 v = _mm256_add_ps(_mm256_mul_ps(isv, _mm256_loadu_ps(x + j + 8 * u)), magic);
                __m256i iv = _mm256_sub_epi32(_mm256_and_si256(_mm256_castps_si256(v), _mm256_set1_epi32(0x007fffff)),
                                              _mm256_set1_epi32(0x00400000));
                q[u] = _mm256_min_epi32(iv, _mm256_set1_epi32(127));
            }
            const __m256i p = pack32(q[0], q[1], q[2], q[3]);
            _mm256_storeu_si256((__m256i *)(y[i].qs + j), p);
            /* two 16-element sums */
            const __m256i s16 = _mm256_maddubs_epi16(_mm256_set1_epi8(1), p);
            const __m256i s32 = _mm256_madd_epi16(s16, _mm256_set1_epi16(1)); /* 8 sums of 4 */
            const __m128i lo = _mm256_castsi256_si128(s32), hi = _mm256_extracti128_si256(s32, 1);
            const __m128i h = _mm_hadd_epi32(lo, hi);  /* sums of 8: [0..8),[8..16),[16..24),[24..32) */
            const __m128i h2 = _mm_hadd_epi32(h, h);   /* [0..16), [16..32) */
            y[i].bsums[j / 16] = (int16_t)_mm_cvtsi128_si32(h2);
            y[i].bsums[j / 16 + 1] = (int16_t)_mm_extract_epi32(h2, 1);
        }
        y[i].d = 1 / iscale;
    }
    return (size_t)nb * sizeof(gk_block_q8_K);
}
