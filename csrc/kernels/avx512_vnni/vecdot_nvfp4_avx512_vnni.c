/* vec_dot of NVFP4 (64 weights per block: E2M1 4-bit values, a UE4M3 scale per 16) with Q8_0
 * activations, AVX-512 + VNNI + VBMI: one block per 512-bit vector. vpermb puts each weight's byte in
 * place, a shift + blend selects its nibble, vpermb maps it to |value| (doubled, as ggml's table) and its
 * sign bit (bit 3) negates the activation through a mask; vpdpbusd sums 4 products per 32-bit lane, and
 * the lanes of each 16-weight sub-block are scaled in float (scales converted in vector registers, two
 * blocks at a time). */
#include "vecdot_simd_avx512_vnni.h"
#include "blocks.h"


/* |E2M1 value| * 2 by the low 3 bits of the index (64 entries for vpermb: bits 3..5 ignored) */
static const int8_t GK_ALIGN64 fp4_abs[64] = {
    0, 1, 2, 3, 4, 6, 8, 12, 0, 1, 2, 3, 4, 6, 8, 12, 0, 1, 2, 3, 4, 6, 8, 12, 0, 1, 2, 3, 4, 6, 8, 12,
    0, 1, 2, 3, 4, 6, 8, 12, 0, 1, 2, 3, 4, 6, 8, 12, 0, 1, 2, 3, 4, 6, 8, 12, 0, 1, 2, 3, 4, 6, 8, 12,
};

/* sum over 16 lanes of |w| * (+-q8) for one block (lanes 4k..4k+3: sub-block k) */
static inline __m512i nvfp4_dot(const gk_block_nvfp4 *x, const gk_block_q8_0 *yb, __m512i byte_perm, __m512i abs_tab) {
    const __mmask64 high = 0xFF00FF00FF00FF00ULL;
    const __m512i b = _mm512_permutexvar_epi8(byte_perm, _mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)x->qs)));
    const __m512i nib = _mm512_mask_blend_epi8(high, b, _mm512_srli_epi16(b, 4));
    const __m512i w = _mm512_permutexvar_epi8(nib, abs_tab);
    const __m512i q8 = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)yb[0].qs)),
                                          _mm256_loadu_si256((const __m256i *)yb[1].qs), 1);
    const __m512i zero = _mm512_setzero_si512();
    const __m512i q8s = _mm512_mask_sub_epi8(q8, _mm512_test_epi8_mask(nib, _mm512_set1_epi8(8)), zero, q8);
    return _mm512_dpbusd_epi32(zero, w, q8s);
}

/* UE4M3 scale bytes u (one per 16-bit lane) as fp16 bits: (u & 0x7f) << 7 is u's value / 2^7 (the 1/2 of
 * ggml's conversion included), exact for normals and subnormals alike; bit 7 is ignored and exactly 0x7f
 * is zero (gk_ue4m3_half_table's rules). */
static inline __m128i ue4m3_as_half(__m128i u16) {
    return _mm_maskz_slli_epi16(_mm_cmpneq_epi16_mask(u16, _mm_set1_epi16(0x7f)), _mm_and_si128(u16, _mm_set1_epi16(0x7f)), 7);
}

/* scales of 1 or 2 blocks: 4 * nblk UE4M3 bytes in u, 2 * nblk fp16 activation scales in dy -> 8 floats
 * (weight scale * activation scale / 2^7) */
static inline __m512 nvfp4_scales(uint64_t u, uint64_t dy) {
    const __m128i h = ue4m3_as_half(_mm_cvtepu8_epi16(_mm_cvtsi64_si128((long long)u)));
    const __m256 dy8 = _mm256_permutexvar_ps(_mm256_set_epi32(3, 3, 2, 2, 1, 1, 0, 0),
                                             _mm256_castps128_ps256(_mm_cvtph_ps(_mm_cvtsi64_si128((long long)dy))));
    return _mm512_castps256_ps512(_mm256_mul_ps(_mm256_cvtph_ps(h), dy8));
}

/* Two blocks per iteration: their 8 scales are converted together (vector conversion, no table lookups),
 * and each has its own accumulator. */
void gk_vecdot_nvfp4_q8_0_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_nvfp4 *x = vx;
    const gk_block_q8_0 *y = vy;
    const int64_t nb = n / 64;
    /* weight p: sub-block p / 16, byte qs[8 * (p / 16) + p % 8], high nibble if p % 16 >= 8 */
    uint8_t idx[64];
    for (int p = 0; p < 64; ++p) idx[p] = (uint8_t)(8 * (p / 16) + p % 8);
    const __m512i byte_perm = _mm512_loadu_si512(idx);
    const __m512i abs_tab = _mm512_load_si512(fp4_abs);
    const __m512i spread0 = _mm512_set_epi32(3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
    const __m512i spread1 = _mm512_add_epi32(spread0, _mm512_set1_epi32(4));
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    int64_t i = 0;
    for (; i + 1 < nb; i += 2) {
        const gk_block_q8_0 *yb = y + 2 * i;
        const __m512i p0 = nvfp4_dot(x + i, yb, byte_perm, abs_tab), p1 = nvfp4_dot(x + i + 1, yb + 2, byte_perm, abs_tab);
        uint32_t u0, u1;
        memcpy(&u0, x[i].d, 4);
        memcpy(&u1, x[i + 1].d, 4);
        const uint64_t dy = (uint64_t)yb[0].d | (uint64_t)yb[1].d << 16 | (uint64_t)yb[2].d << 32 | (uint64_t)yb[3].d << 48;
        const __m512 d8 = nvfp4_scales((uint64_t)u0 | (uint64_t)u1 << 32, dy);
        acc0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p0), _mm512_permutexvar_ps(spread0, d8), acc0);
        acc1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p1), _mm512_permutexvar_ps(spread1, d8), acc1);
    }
    if (i < nb) { /* odd block count */
        const gk_block_q8_0 *yb = y + 2 * i;
        uint32_t u0;
        memcpy(&u0, x[i].d, 4);
        const __m512 d8 = nvfp4_scales(u0, (uint64_t)yb[0].d | (uint64_t)yb[1].d << 16);
        acc0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(nvfp4_dot(x + i, yb, byte_perm, abs_tab)),
                               _mm512_permutexvar_ps(spread0, d8), acc0);
    }
    *s = 128.0f * _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}
