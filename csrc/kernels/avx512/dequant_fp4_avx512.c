/* AVX-512 dequantizers of the FP4 types MXFP4 (E8M0 scale per 32) and NVFP4 (UE4M3 scale per 16).
 * Values are E2M1 codes of ggml's doubled table gk_kvalues_fp4 (the scales carry the 1/2): each scale turns the
 * 16 values into the 16 products value * scale, and every weight is a vpermps lookup of its code. */
#include "dequant_simd_avx512.h"

/* E8M0 exponent -> 2^(e - 128) as float bits (ggml's ggml_e8m0_to_fp32_half: subnormal for e < 2). */
static inline float gk_e8m0_half_avx512(uint8_t e) {
    const uint32_t bits = e < 2 ? 0x00200000u << e : (uint32_t)(e - 1) << 23;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

void gk_dequant_mxfp4_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_mxfp4 *x = (const gk_block_mxfp4 *)vx;
    const int64_t nb = n / 32;
    const __m512 kv = gk_avx512_i8x16_ps(gk_kvalues_fp4);
    for (int64_t i = 0; i < nb; ++i, y += 32) {
        /* the 16 products value * d (the reference's one multiply), looked up by code */
        const __m512 table = _mm512_mul_ps(kv, _mm512_set1_ps(gk_e8m0_half_avx512(x[i].e)));
        gk_avx512_store32_nibbles_lut(y, _mm_loadu_si128((const __m128i *)x[i].qs), table);
    }
}


void gk_dequant_nvfp4_avx512(const void *vx, float *y, int64_t n) {
    const gk_block_nvfp4 *x = (const gk_block_nvfp4 *)vx;
    const int64_t nb = n / 64;
    const __m512 kv = gk_avx512_i8x16_ps(gk_kvalues_fp4);
    /* sub-block s: 8 low nibbles then 8 high nibbles of qs[8s..8s+8) (vpermps reads the low 4 index bits) */
    const __m512i nib_shift = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4);
    for (int64_t i = 0; i < nb; ++i, y += 64) {
        for (int s = 0; s < 4; ++s) {
            const __m512 table = _mm512_mul_ps(kv, _mm512_set1_ps(gk_ue4m3_half_table[x[i].d[s]]));
            const __m128i q8 = _mm_loadl_epi64((const __m128i *)(x[i].qs + 8 * s));
            const __m512i idx = _mm512_srlv_epi32(_mm512_cvtepu8_epi32(_mm_unpacklo_epi64(q8, q8)), nib_shift);
            _mm512_storeu_ps(y + 16 * s, _mm512_permutexvar_ps(idx, table));
        }
    }
}
