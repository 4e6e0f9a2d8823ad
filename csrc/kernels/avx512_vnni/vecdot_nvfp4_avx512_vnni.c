/* vec_dot of NVFP4 (64 weights per block: E2M1 4-bit values, a UE4M3 scale per 16) with Q8_0
 * activations, AVX-512 + VNNI + VBMI: one block per 512-bit vector. vpermb puts each weight's byte in
 * place, a shift + blend selects its nibble, vpermb maps it to |value| (doubled, as ggml's table) and its
 * sign bit (bit 3) negates the activation through a mask; vpdpbusd sums 4 products per 32-bit lane, and
 * the lanes of each 16-weight sub-block are scaled in float. */
#include "vecdot_simd_avx512_vnni.h"
#include "blocks.h"
#include "tables.h"


/* |E2M1 value| * 2 by the low 3 bits of the index (64 entries for vpermb: bits 3..5 ignored) */
static const int8_t GK_ALIGN64 fp4_abs[64] = {
    0, 1, 2, 3, 4, 6, 8, 12, 0, 1, 2, 3, 4, 6, 8, 12, 0, 1, 2, 3, 4, 6, 8, 12, 0, 1, 2, 3, 4, 6, 8, 12,
    0, 1, 2, 3, 4, 6, 8, 12, 0, 1, 2, 3, 4, 6, 8, 12, 0, 1, 2, 3, 4, 6, 8, 12, 0, 1, 2, 3, 4, 6, 8, 12,
};

void gk_vecdot_nvfp4_q8_0_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_nvfp4 *x = vx;
    const gk_block_q8_0 *y = vy;
    const int64_t nb = n / 64;
    /* weight p: sub-block p / 16, byte qs[8 * (p / 16) + p % 8], high nibble if p % 16 >= 8 */
    uint8_t idx[64];
    for (int p = 0; p < 64; ++p) idx[p] = (uint8_t)(8 * (p / 16) + p % 8);
    const __m512i byte_perm = _mm512_loadu_si512(idx);
    const __mmask64 high = 0xFF00FF00FF00FF00ULL;
    const __m512i abs_tab = _mm512_load_si512(fp4_abs), sign_bit = _mm512_set1_epi8(8), zero = _mm512_setzero_si512();
    const __m512i spread = _mm512_set_epi32(3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const gk_block_q8_0 *yb = y + 2 * i;
        const __m512i b = _mm512_permutexvar_epi8(byte_perm, _mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)x[i].qs)));
        const __m512i nib = _mm512_mask_blend_epi8(high, b, _mm512_srli_epi16(b, 4));
        const __m512i w = _mm512_permutexvar_epi8(nib, abs_tab);
        const __m512i q8 = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)yb[0].qs)),
                                              _mm256_loadu_si256((const __m256i *)yb[1].qs), 1);
        const __m512i q8s = _mm512_mask_sub_epi8(q8, _mm512_test_epi8_mask(nib, sign_bit), zero, q8);
        const __m512i p = _mm512_dpbusd_epi32(zero, w, q8s);
        const float dy0 = gk_vd_half(yb[0].d), dy1 = gk_vd_half(yb[1].d);
        const __m128 d4 = _mm_mul_ps(_mm_setr_ps(gk_ue4m3_half_table[x[i].d[0]], gk_ue4m3_half_table[x[i].d[1]], gk_ue4m3_half_table[x[i].d[2]], gk_ue4m3_half_table[x[i].d[3]]),
                                     _mm_setr_ps(dy0, dy0, dy1, dy1));
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p), _mm512_permutexvar_ps(spread, _mm512_castps128_ps512(d4)), acc);
    }
    *s = _mm512_reduce_add_ps(acc);
}
