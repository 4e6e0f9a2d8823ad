/* static inline helpers shared by the vecdot_{iq,tq1,q1q2,nvfp4}_avx512_vnni.c kernels
 * (AVX-512 F/BW/VL/DQ + VNNI + VBMI). */
#ifndef GK_VECDOT_SIMD_AVX512_VNNI_H
#define GK_VECDOT_SIMD_AVX512_VNNI_H
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#define GK_ALIGN64 __attribute__((aligned(64)))

static inline float gk_vd_half(uint16_t h) { return _cvtsh_ss(h); }

/* Look up 32 16-bit entries of a table of 64 * NT entries (NT a power of two, 64-byte aligned) at the
 * word indices idx (< 64 * NT): one vpermi2w per 64 entries, then blends on index bits 6, 7, ... */
static inline __m512i gk_vd_lookup16(__m512i idx, const uint16_t *tab, const int NT) {
    __m512i r[16];
    for (int t = 0; t < NT; ++t)
        r[t] = _mm512_permutex2var_epi16(_mm512_load_si512(tab + 64 * t), idx, _mm512_load_si512(tab + 64 * t + 32));
    for (int bit = 6, step = 1; step < NT; ++bit, step *= 2) {
        const __mmask32 m = _mm512_test_epi16_mask(idx, _mm512_set1_epi16((short)(1 << bit)));
        for (int t = 0; t < NT; t += 2 * step) r[t] = _mm512_mask_blend_epi16(m, r[t], r[t + step]);
    }
    return r[0];
}

#endif
