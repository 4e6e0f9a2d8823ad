/* vec_dot of the repacked IQ2 layout (gk_block_iq2_rp, made from IQ2_XXS, IQ2_XS and IQ2_S) with Q8_K
 * activations, AVX-512 F/BW (no VNNI, no VBMI): the avx512_vnni kernel without its instructions.
 *
 * Per 64-weight chunk c (weights 64 c + j, codes in bits 2c..2c+1 of q2 byte j): one nibble mask serves
 * two chunks (low nibbles: chunks 0, 1; high nibbles: chunks 2, 3) and vpshufb maps the code in bits 0-1
 * or 2-3 of the nibble to the magnitudes {8, 25, 43}; the 8 sign bytes are a k mask that negates the
 * activations (Q8_K activations are within [-127, 127], so negation never overflows); maddubs multiplies
 * (a pair sums to at most 2 * 43 * 127, no saturation) and madd applies the scales 2 s + 1: 128-bit lane
 * l of chunk c is group 4 c + l, so one vpshufb of the block's 16 scale bytes (broadcast to the 4 lanes)
 * gives each chunk its scale words. */
#include <immintrin.h>
#include <string.h>
#include "blocks.h"

/* pshufb controls: every word of lane l gets byte 4 c + l of the scale bytes, zero-extended */
static inline __m512i rp_chunk_scale_ctrl(int c) {
    uint8_t b[64];
    for (int k = 0; k < 32; ++k) {
        b[2 * k] = (uint8_t)(4 * c + k / 8);
        b[2 * k + 1] = 0x80;
    }
    return _mm512_loadu_si512(b);
}

void gk_vecdot_rp_iq2_q8_K_avx512(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq2_rp *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    /* magnitude of the code in bits 0-1 (mag_lo) or 2-3 (mag_hi) of a nibble, in every lane */
    const __m512i mag_lo = _mm512_broadcast_i32x4(_mm_setr_epi8(8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0));
    const __m512i mag_hi = _mm512_broadcast_i32x4(_mm_setr_epi8(8, 8, 8, 8, 25, 25, 25, 25, 43, 43, 43, 43, 0, 0, 0, 0));
    const __m512i m0f = _mm512_set1_epi8(0x0f), zero = _mm512_setzero_si512();
    const __m512i sc_ctrl[4] = {rp_chunk_scale_ctrl(0), rp_chunk_scale_ctrl(1), rp_chunk_scale_ctrl(2), rp_chunk_scale_ctrl(3)};
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        /* the 16 scales 2 s + 1 as bytes in group order (nibble h % 2 of byte h / 2), in every lane */
        const __m128i v = _mm_loadl_epi64((const __m128i *)(const void *)x[i].scales);
        const __m128i lo_sc = _mm_ternarylogic_epi32(_mm_slli_epi16(v, 1), _mm_set1_epi8(0x1e), _mm_set1_epi8(1), 0xea);
        const __m128i hi_sc = _mm_ternarylogic_epi32(_mm_srli_epi16(v, 3), _mm_set1_epi8(0x1e), _mm_set1_epi8(1), 0xea);
        const __m512i ls = _mm512_broadcast_i32x4(_mm_unpacklo_epi8(lo_sc, hi_sc));
        const __m512i q2 = _mm512_loadu_si512(x[i].q2);
        const __m512i nib[2] = {_mm512_and_si512(q2, m0f), _mm512_and_si512(_mm512_srli_epi16(q2, 4), m0f)};
        __m512i sumi = zero;
        for (int c = 0; c < 4; ++c) {
            const __m512i w = _mm512_shuffle_epi8(c & 1 ? mag_hi : mag_lo, nib[c / 2]);
            const __m512i q8 = _mm512_loadu_si512(y[i].qs + 64 * c);
            uint64_t neg;
            memcpy(&neg, x[i].signs + 8 * c, 8);
            const __m512i p = _mm512_maddubs_epi16(w, _mm512_mask_sub_epi8(q8, _cvtu64_mask64(neg), zero, q8));
            sumi = _mm512_add_epi32(sumi, _mm512_madd_epi16(p, _mm512_shuffle_epi8(ls, sc_ctrl[c])));
        }
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(_cvtsh_ss(x[i].d) * y[i].d), acc);
    }
    *s = 0.125f * _mm512_reduce_add_ps(acc);
}
