/* static inline helpers shared by the vecdot_{iq,tq1,q1q2,nvfp4}_avx512_vnni.c kernels
 * (AVX-512 F/BW/VL/DQ + VNNI + VBMI). */
#ifndef GK_VECDOT_SIMD_AVX512_VNNI_H
#define GK_VECDOT_SIMD_AVX512_VNNI_H
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#define GK_ALIGN64 __attribute__((aligned(64)))

static inline float gk_vd_half(uint16_t h) { return _cvtsh_ss(h); }

/* Look up 32 16-bit entries of a 64-byte aligned table at the word indices idx: one vpermi2w per 64
 * entries, then blends on index bits 6, 7, ... (written out: compilers do not unroll a generic loop). */
static inline __m512i gk_vd_lookup16_64(__m512i idx, const uint16_t *tab) {
    return _mm512_permutex2var_epi16(_mm512_load_si512(tab), idx, _mm512_load_si512(tab + 32));
}
#define GK_VD_LOOKUP_DOUBLE(name, half, bit)                                                          \
    static inline __m512i name(__m512i idx, const uint16_t *tab) {                                    \
        const __mmask32 m = _mm512_test_epi16_mask(idx, _mm512_set1_epi16((short)(1 << (bit))));      \
        return _mm512_mask_blend_epi16(m, half(idx, tab), half(idx, tab + (1 << (bit))));             \
    }
GK_VD_LOOKUP_DOUBLE(gk_vd_lookup16_128, gk_vd_lookup16_64, 6)
GK_VD_LOOKUP_DOUBLE(gk_vd_lookup16_256, gk_vd_lookup16_128, 7)
GK_VD_LOOKUP_DOUBLE(gk_vd_lookup16_512, gk_vd_lookup16_256, 8)
GK_VD_LOOKUP_DOUBLE(gk_vd_lookup16_1024, gk_vd_lookup16_512, 9)

#endif
