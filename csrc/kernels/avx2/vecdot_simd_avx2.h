/* static inline helpers shared by the vecdot_{iq,tq1,q1q2,nvfp4}_avx2.c kernels (AVX2 + FMA + F16C). */
#ifndef GK_VECDOT_SIMD_AVX2_H
#define GK_VECDOT_SIMD_AVX2_H
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

static inline float gk_vd_half(uint16_t h) { return _cvtsh_ss(h); }

static inline float gk_vd_hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static inline uint32_t gk_vd_load32(const void *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/* pdep(h, mask) where mask is four `bits`-wide fields, one at bit `at` of each 16-bit lane. fast = 0 does
 * it with shifts: pdep/pext are microcoded on AMD Zen 1 and 2, AVX2-only CPUs whose tier this is
 * (GK_CPU_SLOW_PDEP). On CPUs with a one-cycle pdep the shifts were 2x slower in the IQ kernels, so
 * the kernels take both forms (a constant `fast` after inlining) and pick at run time. */
static inline __attribute__((always_inline)) uint64_t gk_vd_spread4(uint64_t h, uint64_t mask, int bits, int at,
                                                                    int fast) {
    if (fast) return _pdep_u64(h, mask);
    const uint64_t m = (1ull << bits) - 1;
    return ((h & m) << at) | (((h >> bits) & m) << (16 + at)) | (((h >> 2 * bits) & m) << (32 + at)) |
           (((h >> 3 * bits) & m) << (48 + at));
}

/* Four 64-bit table entries as one vector (entry a in the low lane). */
static inline __m256i gk_vd_set4(uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
    return _mm256_set_epi64x((long long)d, (long long)c, (long long)b, (long long)a);
}

/* q with its sign flipped where m is 0xff (m is 0x00 or 0xff per byte). q is never -128 here. */
static inline __m256i gk_vd_apply_sign(__m256i q, __m256i m) {
    return _mm256_sub_epi8(_mm256_xor_si256(q, m), m);
}

/* 0xff in byte j where bit j of the 32-bit word w is set (byte j of the result <-> bit j). */
static inline __m256i gk_vd_bits_to_bytes(uint32_t w) {
    const __m256i shuf = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                          2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    const __m256i bit = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
    __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32((int)w), shuf);
    return _mm256_cmpeq_epi8(_mm256_and_si256(v, bit), bit);
}

#endif
