/* AVX2 dequantizers of the legacy 32-weight block types: q * d (+ m), separate multiply and add as in
 * the reference, so every value is bit-identical to it. Q4: the packed bytes are widened once to int32
 * lanes and both nibbles taken from there; Q5 and Q8: the 32 codes are unpacked into one vector of 32
 * int8 in output order (the fifth bit from a byte mask), then widened (measured faster for those). */
#include <immintrin.h>
#include <string.h>
#include "ggufkit/gk_kernels.h"
#include "blocks.h"
#include "fp16.h"

static inline float half_to_float(gk_half h) { return _cvtsh_ss(h); }

/* 16 packed bytes -> 32 int8: low nibbles (elements 0..15) then high nibbles (16..31). */
static inline __m256i unpack_nibbles(const uint8_t *qs) {
    const __m128i b = _mm_loadu_si128((const __m128i *)qs);
    const __m256i v = _mm256_set_m128i(_mm_srli_epi16(b, 4), b);
    return _mm256_and_si256(v, _mm256_set1_epi8(0x0F));
}

/* 32 bits -> 32 bytes, 0xFF where the bit is set (byte j from bit j). */
static inline __m256i bits_to_bytes(uint32_t bits) {
    const __m256i shuf = _mm256_setr_epi64x(0x0000000000000000LL, 0x0101010101010101LL,
                                            0x0202020202020202LL, 0x0303030303030303LL);
    __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits), shuf);
    const __m256i bit = _mm256_set1_epi64x(0x8040201008040201LL);
    return _mm256_cmpeq_epi8(_mm256_and_si256(v, bit), bit);
}

/* y[0..32) = q * d */
static inline void store_scaled(float *y, __m256i q, __m256 d) {
    const __m128i lo = _mm256_castsi256_si128(q), hi = _mm256_extracti128_si256(q, 1);
    _mm256_storeu_ps(y + 0, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(lo)), d));
    _mm256_storeu_ps(y + 8, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(lo, 8))), d));
    _mm256_storeu_ps(y + 16, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(hi)), d));
    _mm256_storeu_ps(y + 24, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(hi, 8))), d));
}

/* y[0..32) = q * d + m (q unsigned, < 128) */
static inline void store_scaled_min(float *y, __m256i q, __m256 d, __m256 m) {
    const __m128i lo = _mm256_castsi256_si128(q), hi = _mm256_extracti128_si256(q, 1);
    _mm256_storeu_ps(y + 0, _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(lo)), d), m));
    _mm256_storeu_ps(y + 8, _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(lo, 8))), d), m));
    _mm256_storeu_ps(y + 16, _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(hi)), d), m));
    _mm256_storeu_ps(y + 24, _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(hi, 8))), d), m));
}

/* 8 bytes -> 8 int32 lanes (zero-extended): the low nibbles of these lanes are weights j..j+8, the
 * high nibbles weights j+16..j+24 */
static inline __m256i widen8(const uint8_t *p) { return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p)); }

static inline __m256 mul8(__m256i q, __m256 d) { return _mm256_mul_ps(_mm256_cvtepi32_ps(q), d); }

void gk_dequant_q4_0_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_q4_0 *x = (const gk_block_q4_0 *)vx;
    const __m256i m4 = _mm256_set1_epi32(0x0F), eight = _mm256_set1_epi32(8);
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const __m256 d = _mm256_set1_ps(half_to_float(x[i].d));
        for (int k = 0; k < 16; k += 8) {
            const __m256i v = widen8(x[i].qs + k);
            _mm256_storeu_ps(y + k, mul8(_mm256_sub_epi32(_mm256_and_si256(v, m4), eight), d));
            _mm256_storeu_ps(y + k + 16, mul8(_mm256_sub_epi32(_mm256_srli_epi32(v, 4), eight), d));
        }
    }
}

void gk_dequant_q4_1_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_q4_1 *x = (const gk_block_q4_1 *)vx;
    const __m256i m4 = _mm256_set1_epi32(0x0F);
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const __m256 d = _mm256_set1_ps(half_to_float(x[i].d)), m = _mm256_set1_ps(half_to_float(x[i].m));
        for (int k = 0; k < 16; k += 8) {
            const __m256i v = widen8(x[i].qs + k);
            _mm256_storeu_ps(y + k, _mm256_add_ps(mul8(_mm256_and_si256(v, m4), d), m));
            _mm256_storeu_ps(y + k + 16, _mm256_add_ps(mul8(_mm256_srli_epi32(v, 4), d), m));
        }
    }
}

void gk_dequant_q5_0_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_q5_0 *x = (const gk_block_q5_0 *)vx;
    const __m256i sixteen = _mm256_set1_epi8(16);
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const __m256 d = _mm256_set1_ps(half_to_float(x[i].d));
        uint32_t qh;
        memcpy(&qh, x[i].qh, 4);
        const __m256i hi = _mm256_and_si256(bits_to_bytes(qh), sixteen);
        const __m256i q = _mm256_sub_epi8(_mm256_or_si256(unpack_nibbles(x[i].qs), hi), sixteen);
        store_scaled(y, q, d);
    }
}

void gk_dequant_q5_1_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_q5_1 *x = (const gk_block_q5_1 *)vx;
    const __m256i sixteen = _mm256_set1_epi8(16);
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const __m256 d = _mm256_set1_ps(half_to_float(x[i].d));
        const __m256 m = _mm256_set1_ps(half_to_float(x[i].m));
        uint32_t qh;
        memcpy(&qh, x[i].qh, 4);
        const __m256i hi = _mm256_and_si256(bits_to_bytes(qh), sixteen);
        store_scaled_min(y, _mm256_or_si256(unpack_nibbles(x[i].qs), hi), d, m);
    }
}

void gk_dequant_q8_0_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_q8_0 *x = (const gk_block_q8_0 *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const __m256 d = _mm256_set1_ps(half_to_float(x[i].d));
        store_scaled(y, _mm256_loadu_si256((const __m256i *)x[i].qs), d);
    }
}

void gk_dequant_q8_1_avx2(const void *vx, float *y, int64_t n) {
    const gk_block_q8_1 *x = (const gk_block_q8_1 *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const __m256 d = _mm256_set1_ps(half_to_float(x[i].d));
        store_scaled(y, _mm256_loadu_si256((const __m256i *)x[i].qs), d);
    }
}
