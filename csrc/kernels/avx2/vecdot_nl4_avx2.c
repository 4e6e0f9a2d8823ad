/* vec_dot of the 4-bit table types, AVX2: IQ4_NL and MXFP4 (Q8_0 activations), IQ4_XS (Q8_K)
 * (m = 1 and the small-m rows of the avx2 gemm; larger m runs the packed gemm, gemm_packed_avx2.c).
 *
 * The nibbles index the 16-entry value table (pshufb), the signed products go through
 * maddubs(|w|, sign(y, w)) (|w| <= 127 and |y| <= 127: a pair is at most 32258, no saturation). */
#include "x86_dot.h"

/* 32 nibbles of 16 bytes, low nibbles in bytes 0..15, high in 16..31: the bytes loaded straight into both
 * lanes (a load, no ALU op) and the high lane shifted by 4 with a per-lane variable shift. */
static inline __m256i nibbles_bcast(const uint8_t *qs) {
    const __m256i v = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)qs));
    return _mm256_and_si256(_mm256_srlv_epi64(v, _mm256_setr_epi64x(0, 0, 4, 4)), _mm256_set1_epi8(0x0F));
}

/* sum of w . y per int32 lane (8 lanes) of one block: w from the table, indices from 16 qs bytes */
static inline __m256i nl4_block(__m256i tbl, const uint8_t *qs, const int8_t *q8) {
    const __m256i w = _mm256_shuffle_epi8(tbl, nibbles_bcast(qs));
    const __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)q8), w));
    return _mm256_madd_epi16(p, _mm256_set1_epi16(1));
}

/* Four 16-bit fields (fp16 scales) or bytes packed in a general register: one move into a vector
 * instead of an insert per value (the inserts compete with the nibble shuffles for the same ports). */
static inline uint64_t pack4_u16(uint16_t a, uint16_t b, uint16_t c, uint16_t d) {
    return a | (uint64_t)b << 16 | (uint64_t)c << 32 | (uint64_t)d << 48;
}
static inline uint32_t pack4_u8(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    return a | (uint32_t)b << 8 | (uint32_t)c << 16 | (uint32_t)d << 24;
}

/* Four blocks per step: their int32 lane sums are folded by hadds into one vector holding, per 128-bit
 * lane, the four blocks' partial sums (block j in element j of each lane), so one conversion and one FMA
 * with the four float scales (both lanes alike) serve 128 weights. */
static inline __m256 nl4_fold4(__m256i p0, __m256i p1, __m256i p2, __m256i p3) {
    return _mm256_cvtepi32_ps(_mm256_hadd_epi32(_mm256_hadd_epi32(p0, p1), _mm256_hadd_epi32(p2, p3)));
}

void gk_vecdot_iq4_nl_q8_0_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq4_nl *x = vx;
    const gk_block_q8_0 *y = vy;
    const int64_t nb = n / 32;
    const __m256i tbl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_iq4nl));
    __m256 acc = _mm256_setzero_ps();
    int64_t b = 0;
    for (; b + 3 < nb; b += 4) {
        const __m256 f = nl4_fold4(nl4_block(tbl, x[b].qs, y[b].qs), nl4_block(tbl, x[b + 1].qs, y[b + 1].qs),
                                   nl4_block(tbl, x[b + 2].qs, y[b + 2].qs), nl4_block(tbl, x[b + 3].qs, y[b + 3].qs));
        /* (dx0..dx3 | dy0..dy3) times its lane swap: dx_j dy_j in element j of both lanes */
        const __m256 d = _mm256_cvtph_ps(_mm_set_epi64x((long long)pack4_u16(y[b].d, y[b + 1].d, y[b + 2].d, y[b + 3].d),
                                                        (long long)pack4_u16(x[b].d, x[b + 1].d, x[b + 2].d, x[b + 3].d)));
        acc = _mm256_fmadd_ps(_mm256_mul_ps(d, _mm256_permute2f128_ps(d, d, 0x01)), f, acc);
    }
    for (; b < nb; b++)
        acc = _mm256_fmadd_ps(_mm256_set1_ps(gk_f16(x[b].d) * gk_f16(y[b].d)), _mm256_cvtepi32_ps(nl4_block(tbl, x[b].qs, y[b].qs)), acc);
    *s = gk_hsum(acc);
}

/* E8M0 bytes (as int32 lanes) -> 2^(e-128) as gk_e8m0_half: (e - 1) << 23, or 0x00200000 << e for e < 2 */
static inline __m128 e8m0_half_x4(__m128i e) {
    const __m128i normal = _mm_slli_epi32(_mm_sub_epi32(e, _mm_set1_epi32(1)), 23);
    const __m128i sub = _mm_sllv_epi32(_mm_set1_epi32(0x00200000), e);
    return _mm_castsi128_ps(_mm_blendv_epi8(normal, sub, _mm_cmpgt_epi32(_mm_set1_epi32(2), e)));
}

void gk_vecdot_mxfp4_q8_0_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_mxfp4 *x = vx;
    const gk_block_q8_0 *y = vy;
    const int64_t nb = n / 32;
    const __m256i tbl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_fp4));
    __m256 acc = _mm256_setzero_ps();
    int64_t b = 0;
    for (; b + 3 < nb; b += 4) {
        const __m256 f = nl4_fold4(nl4_block(tbl, x[b].qs, y[b].qs), nl4_block(tbl, x[b + 1].qs, y[b + 1].qs),
                                   nl4_block(tbl, x[b + 2].qs, y[b + 2].qs), nl4_block(tbl, x[b + 3].qs, y[b + 3].qs));
        const __m128 dx = e8m0_half_x4(_mm_cvtepu8_epi32(_mm_cvtsi32_si128((int)pack4_u8(x[b].e, x[b + 1].e, x[b + 2].e, x[b + 3].e))));
        const __m128 dy = _mm_cvtph_ps(_mm_cvtsi64_si128((long long)pack4_u16(y[b].d, y[b + 1].d, y[b + 2].d, y[b + 3].d)));
        const __m128 d = _mm_mul_ps(dx, dy);
        acc = _mm256_fmadd_ps(_mm256_set_m128(d, d), f, acc);
    }
    for (; b < nb; b++)
        acc = _mm256_fmadd_ps(_mm256_set1_ps(gk_e8m0_half(x[b].e) * gk_f16(y[b].d)), _mm256_cvtepi32_ps(nl4_block(tbl, x[b].qs, y[b].qs)), acc);
    *s = gk_hsum(acc);
}

/* IQ4_XS: 8 sub-blocks of 32 with 6-bit scales (minus 32), Q8_K activations. The sub-block scale goes
 * into the madd that widens the maddubs pairs (|pair| <= 32258, |scale| <= 32: no int32 overflow), so
 * there is no separate 32-bit multiply. */
void gk_vecdot_iq4_xs_q8_K_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq4_xs *x = vx;
    const gk_block_q8_K *y = vy;
    const __m256i tbl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_iq4nl));
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        __m256i sumi = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ib++) {
            const int ls = (((x[b].scales_l[ib / 2] >> (4 * (ib & 1))) & 0xF) | (((x[b].scales_h >> (2 * ib)) & 3) << 4)) - 32;
            const __m256i w = _mm256_shuffle_epi8(tbl, nibbles_bcast(x[b].qs + 16 * ib));
            const __m256i yv = _mm256_loadu_si256((const __m256i *)(y[b].qs + 32 * ib));
            const __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(yv, w));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, _mm256_set1_epi16((short)ls)));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(gk_f16(x[b].d) * y[b].d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = gk_hsum(acc);
}
