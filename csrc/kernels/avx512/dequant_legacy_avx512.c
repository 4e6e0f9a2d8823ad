/* AVX-512 dequantizers of the legacy 32-weight block types. The 16 packed bytes of a 4/5-bit block are
 * widened once to 16 int32 lanes; the low nibbles (weights 0..15) and high nibbles (16..31) come out of
 * the same lanes, the fifth bit is merged under a mask register straight from qh. Then q * d (+ m),
 * separate multiply and add: bit-exact with the reference. */
#include <immintrin.h>
#include <string.h>
#include "ggufkit/gk_kernels.h"
#include "blocks.h"
#include "fp16.h"

static inline float half_to_float(gk_half h) { return _cvtsh_ss(h); }

/* 16 bytes -> 16 int32 lanes (zero-extended) */
static inline __m512i widen_u8(const uint8_t *p) { return _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)p)); }

static inline __m512 mul(__m512i q, __m512 d) { return _mm512_mul_ps(_mm512_cvtepi32_ps(q), d); }

static inline uint32_t load_qh(const uint8_t *qh) {
    uint32_t v;
    memcpy(&v, qh, 4);
    return v;
}

void gk_dequant_q4_0_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q4_0 *x = (const gk_block_q4_0 *)vx;
    const __m512i m4 = _mm512_set1_epi32(0x0F), eight = _mm512_set1_epi32(8);
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const __m512 d = _mm512_set1_ps(half_to_float(x[i].d));
        const __m512i v = widen_u8(x[i].qs);
        _mm512_storeu_ps(y, mul(_mm512_sub_epi32(_mm512_and_si512(v, m4), eight), d));
        _mm512_storeu_ps(y + 16, mul(_mm512_sub_epi32(_mm512_srli_epi32(v, 4), eight), d));
    }
}

void gk_dequant_q4_1_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q4_1 *x = (const gk_block_q4_1 *)vx;
    const __m512i m4 = _mm512_set1_epi32(0x0F);
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const __m512 d = _mm512_set1_ps(half_to_float(x[i].d)), m = _mm512_set1_ps(half_to_float(x[i].m));
        const __m512i v = widen_u8(x[i].qs);
        _mm512_storeu_ps(y, _mm512_add_ps(mul(_mm512_and_si512(v, m4), d), m));
        _mm512_storeu_ps(y + 16, _mm512_add_ps(mul(_mm512_srli_epi32(v, 4), d), m));
    }
}

void gk_dequant_q5_0_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q5_0 *x = (const gk_block_q5_0 *)vx;
    const __m512i m4 = _mm512_set1_epi32(0x0F), sixteen = _mm512_set1_epi32(16);
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const __m512 d = _mm512_set1_ps(half_to_float(x[i].d));
        const uint32_t qh = load_qh(x[i].qh);
        const __m512i v = widen_u8(x[i].qs);
        /* (q | 16 where the bit is set) - 16 */
        const __m512i lo = _mm512_mask_or_epi32(_mm512_and_si512(v, m4), (__mmask16)qh, _mm512_and_si512(v, m4), sixteen);
        const __m512i hi = _mm512_mask_or_epi32(_mm512_srli_epi32(v, 4), (__mmask16)(qh >> 16), _mm512_srli_epi32(v, 4), sixteen);
        _mm512_storeu_ps(y, mul(_mm512_sub_epi32(lo, sixteen), d));
        _mm512_storeu_ps(y + 16, mul(_mm512_sub_epi32(hi, sixteen), d));
    }
}

void gk_dequant_q5_1_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q5_1 *x = (const gk_block_q5_1 *)vx;
    const __m512i m4 = _mm512_set1_epi32(0x0F), sixteen = _mm512_set1_epi32(16);
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const __m512 d = _mm512_set1_ps(half_to_float(x[i].d)), m = _mm512_set1_ps(half_to_float(x[i].m));
        const uint32_t qh = load_qh(x[i].qh);
        const __m512i v = widen_u8(x[i].qs);
        const __m512i lo = _mm512_mask_or_epi32(_mm512_and_si512(v, m4), (__mmask16)qh, _mm512_and_si512(v, m4), sixteen);
        const __m512i hi = _mm512_mask_or_epi32(_mm512_srli_epi32(v, 4), (__mmask16)(qh >> 16), _mm512_srli_epi32(v, 4), sixteen);
        _mm512_storeu_ps(y, _mm512_add_ps(mul(lo, d), m));
        _mm512_storeu_ps(y + 16, _mm512_add_ps(mul(hi, d), m));
    }
}

/* Q8_0 / Q8_1: 2 x 16 signed bytes widened straight from memory */
static inline void q8_32(const int8_t *qs, float *y, __m512 d) {
    _mm512_storeu_ps(y, mul(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)qs)), d));
    _mm512_storeu_ps(y + 16, mul(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(qs + 16))), d));
}

void gk_dequant_q8_0_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q8_0 *x = (const gk_block_q8_0 *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32) q8_32(x[i].qs, y, _mm512_set1_ps(half_to_float(x[i].d)));
}

void gk_dequant_q8_1_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_q8_1 *x = (const gk_block_q8_1 *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32) q8_32(x[i].qs, y, _mm512_set1_ps(half_to_float(x[i].d)));
}
