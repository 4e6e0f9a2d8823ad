/* vec_dot (one weight row, one activation row) of the 256-block types with Q8_K activations, AVX2:
 * TQ2_0, Q2_K, Q3_K, Q6_K. These serve m = 1 (gk_gemv_by_vecdot) and the small-m rows of the avx2 gemm
 * (m > 1 beyond the crossover runs the packed gemm, gemm_packed_avx2.c).
 *
 * Common to all: u8 x s8 products via maddubs, the u8 operand being the unsigned code (or 4 or 16 times
 * it where a 2-bit field is masked in place instead of shifted down: on Zen-class cores the shift and
 * shuffle ports are the scarce ones), at most 112, so every 16-bit pair sum is exact (bounds at each
 * kernel); per-16 scales are applied in int32 by madd, and a block's float scale once (cvt + FMA). */
#include "x86_dot.h"

/* pshufb controls picking, from 16-bit scales [g0..g7 | g0..g7], group 2l in the low 128-bit lane and
 * group 2l + 1 in the high lane: the scales of the two 16-activation halves of vector l of a 128-group. */
static inline __m256i pair_ctrl(int l) {
    const short lo = (short)(0x0100 + 0x0202 * (2 * l)), hi = (short)(0x0100 + 0x0202 * (2 * l + 1));
    return _mm256_setr_epi16(lo, lo, lo, lo, lo, lo, lo, lo, hi, hi, hi, hi, hi, hi, hi, hi);
}

/* TQ2_0: codes q in 0..2 (3 is not produced by ggml but valid bytes), weight q - 1.
 * Crumb l of each qs byte dots with activations 32 l .. 32 l + 31 of the 128-group. Crumbs 0..2 are
 * masked in place (q, 4 q, 16 q), so only crumb 3 needs a shift; the three scaled partial sums are kept
 * apart in int16 and shifted back (exactly: each is a multiple of its factor) once per block.
 * int16 bounds for q <= 3, |y| <= 127 over the block's two 128-groups: 16 q: 2 x 2 x 48 x 127 = 24384;
 * the recombined sum plus |bsums| (16 x 127) stays below 8 x 762 + 2032. */
void gk_vecdot_tq2_0_q8_K_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_tq2_0 *x = vx;
    const gk_block_q8_K *y = vy;
    const __m256i m0 = _mm256_set1_epi8(0x03), m1 = _mm256_set1_epi8(0x0C), m2 = _mm256_set1_epi8(0x30);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const int8_t *q8 = y[b].qs;
        const __m256i b0 = _mm256_loadu_si256((const __m256i *)x[b].qs);
        const __m256i b1 = _mm256_loadu_si256((const __m256i *)(x[b].qs + 32));
#define Y(o) _mm256_loadu_si256((const __m256i *)(q8 + (o)))
        const __m256i s0 = _mm256_add_epi16(_mm256_maddubs_epi16(_mm256_and_si256(b0, m0), Y(0)),
                                            _mm256_maddubs_epi16(_mm256_and_si256(b1, m0), Y(128)));
        const __m256i s1 = _mm256_add_epi16(_mm256_maddubs_epi16(_mm256_and_si256(b0, m1), Y(32)),
                                            _mm256_maddubs_epi16(_mm256_and_si256(b1, m1), Y(160)));
        const __m256i s2 = _mm256_add_epi16(_mm256_maddubs_epi16(_mm256_and_si256(b0, m2), Y(64)),
                                            _mm256_maddubs_epi16(_mm256_and_si256(b1, m2), Y(192)));
        const __m256i s3 = _mm256_add_epi16(_mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(b0, 6), m0), Y(96)),
                                            _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(b1, 6), m0), Y(224)));
#undef Y
        __m256i t = _mm256_add_epi16(_mm256_add_epi16(s0, s3), _mm256_add_epi16(_mm256_srai_epi16(s1, 2), _mm256_srai_epi16(s2, 4)));
        t = _mm256_sub_epi16(t, _mm256_loadu_si256((const __m256i *)y[b].bsums));
        const __m256i ti = _mm256_madd_epi16(t, _mm256_set1_epi16(1));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(gk_f16(x[b].d) * y[b].d), _mm256_cvtepi32_ps(ti), acc);
    }
    *s = gk_hsum(acc);
}

/* pshufb controls picking, from 16 scale bytes in both lanes, byte 8h + 2l zero-extended to 16 bits in
 * the low 128-bit lane and byte 8h + 2l + 1 in the high lane (the two 16-groups of vector l of half h). */
static inline __m256i byte_pair_ctrl(int h, int l) {
    const short lo = (short)(0x8000 | (8 * h + 2 * l)), hi = (short)(0x8000 | (8 * h + 2 * l + 1));
    return _mm256_setr_epi16(lo, lo, lo, lo, lo, lo, lo, lo, hi, hi, hi, hi, hi, hi, hi, hi);
}

/* Q2_K: codes 0..3, 4-bit scale and 4-bit min per 16. sum = d (sum_j sc_j q.y) - dmin (sum_j m_j bsum_j).
 * Crumbs 0..2 are masked in place (q, 4 q, 16 q; only crumb 3 is shifted) and the 4 q and 16 q sums are
 * shifted back once per block in int32 (exact: multiples of 4 and 16). maddubs pairs: at most
 * 2 x 48 x 127 = 12192 (no saturation); madd by the scale per 16 (the low 128-bit lane of a
 * 32-activation vector is one 16-group, the high lane the next), the scales zero-extended by pshufb. */
void gk_vecdot_q2_K_q8_K_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q2_K *x = vx;
    const gk_block_q8_K *y = vy;
    const __m256i m0 = _mm256_set1_epi8(0x03), m1 = _mm256_set1_epi8(0x0C), m2 = _mm256_set1_epi8(0x30);
    __m256 acc = _mm256_setzero_ps(), accm = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const int8_t *q8 = y[b].qs;
        const __m128i sc8 = _mm_loadu_si128((const __m128i *)x[b].scales);
        const __m256i mins16 = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(sc8, 4), _mm_set1_epi8(0x0F)));
        const __m256i scb = _mm256_broadcastsi128_si256(_mm_and_si128(sc8, _mm_set1_epi8(0x0F)));
        __m256i s03 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256(), s2 = _mm256_setzero_si256();
        for (int h = 0; h < 2; h++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)(x[b].qs + 32 * h));
            const int8_t *yh = q8 + 128 * h;
#define P(q, l) _mm256_madd_epi16(_mm256_shuffle_epi8(scb, byte_pair_ctrl(h, l)), \
                                  _mm256_maddubs_epi16(q, _mm256_loadu_si256((const __m256i *)(yh + 32 * (l)))))
            s03 = _mm256_add_epi32(s03, _mm256_add_epi32(P(_mm256_and_si256(bits, m0), 0),
                                                         P(_mm256_and_si256(_mm256_srli_epi16(bits, 6), m0), 3)));
            s1 = _mm256_add_epi32(s1, P(_mm256_and_si256(bits, m1), 1));
            s2 = _mm256_add_epi32(s2, P(_mm256_and_si256(bits, m2), 2));
#undef P
        }
        const __m256i sumi = _mm256_add_epi32(s03, _mm256_add_epi32(_mm256_srai_epi32(s1, 2), _mm256_srai_epi32(s2, 4)));
        const __m256i pm = _mm256_madd_epi16(mins16, _mm256_loadu_si256((const __m256i *)y[b].bsums));
        /* d and dmin converted together (one move from a general register), times y.d */
        const __m128 dd = _mm_mul_ps(_mm_cvtph_ps(_mm_cvtsi32_si128((int)(x[b].d | (uint32_t)x[b].dmin << 16))), _mm_broadcast_ss(&y[b].d));
        acc = _mm256_fmadd_ps(_mm256_broadcastss_ps(dd), _mm256_cvtepi32_ps(sumi), acc);
        accm = _mm256_fmadd_ps(_mm256_broadcastss_ps(_mm_movehdup_ps(dd)), _mm256_cvtepi32_ps(pm), accm);
    }
    *s = gk_hsum(_mm256_sub_ps(acc, accm));
}

/* Q6_K: codes 0..63 (ql nibble | 2 qh bits << 4), weight code - 32, int8 scale per 16. The -32 comes off
 * as 32 sum_j sc_j bsum_j. maddubs pairs: 2 x 63 x 127 = 16002. The qh bits are moved to bits 4..5 with
 * one shift or none: crumb 0 << 4, crumb 1 << 2, crumb 2 in place, crumb 3 >> 2. */
void gk_vecdot_q6_K_q8_K_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q6_K *x = vx;
    const gk_block_q8_K *y = vy;
    const __m256i m4 = _mm256_set1_epi8(0x0F), mh = _mm256_set1_epi8(0x30);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const int8_t *q8 = y[b].qs;
        const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)x[b].scales));
        __m256i sumi = _mm256_setzero_si256();
        for (int h = 0; h < 2; h++) {
            const __m256i sch = _mm256_permute4x64_epi64(sc16, h ? 0xEE : 0x44);
            const __m256i l0 = _mm256_loadu_si256((const __m256i *)(x[b].ql + 64 * h));
            const __m256i l1 = _mm256_loadu_si256((const __m256i *)(x[b].ql + 64 * h + 32));
            const __m256i hb = _mm256_loadu_si256((const __m256i *)(x[b].qh + 32 * h));
            const __m256i q0 = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_and_si256(_mm256_slli_epi16(hb, 4), mh));
            const __m256i q1 = _mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_and_si256(_mm256_slli_epi16(hb, 2), mh));
            const __m256i q2 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4), _mm256_and_si256(hb, mh));
            const __m256i q3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4), _mm256_and_si256(_mm256_srli_epi16(hb, 2), mh));
            const int8_t *yh = q8 + 128 * h;
            const __m256i p0 = _mm256_madd_epi16(_mm256_shuffle_epi8(sch, pair_ctrl(0)), _mm256_maddubs_epi16(q0, _mm256_loadu_si256((const __m256i *)yh)));
            const __m256i p1 = _mm256_madd_epi16(_mm256_shuffle_epi8(sch, pair_ctrl(1)), _mm256_maddubs_epi16(q1, _mm256_loadu_si256((const __m256i *)(yh + 32))));
            const __m256i p2 = _mm256_madd_epi16(_mm256_shuffle_epi8(sch, pair_ctrl(2)), _mm256_maddubs_epi16(q2, _mm256_loadu_si256((const __m256i *)(yh + 64))));
            const __m256i p3 = _mm256_madd_epi16(_mm256_shuffle_epi8(sch, pair_ctrl(3)), _mm256_maddubs_epi16(q3, _mm256_loadu_si256((const __m256i *)(yh + 96))));
            sumi = _mm256_add_epi32(sumi, _mm256_add_epi32(_mm256_add_epi32(p0, p1), _mm256_add_epi32(p2, p3)));
        }
        const __m256i sub = _mm256_slli_epi32(_mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y[b].bsums), sc16), 5);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(gk_f16(x[b].d) * y[b].d), _mm256_cvtepi32_ps(_mm256_sub_epi32(sumi, sub)), acc);
    }
    *s = gk_hsum(acc);
}

/* Q3_K: code q + 4 h in 0..7 (2 bits in qs, h from hmask), weight code - 4, signed 6-bit scale (minus 32)
 * per 16; the -4 comes off as 4 sum_j sc_j bsum_j. Crumbs 0..2 are masked in place (q << 2l) and the
 * hmask bit is shifted next to them (4 << 2l), so crumb l carries 4^l (q + 4h): at most
 * 16 x 7 = 112, a maddubs pair at most 2 x 112 x 127 = 28448 (no saturation); only crumb 3 is shifted
 * down. The 4 and 16 multiples are shifted back once per block in int32 (exact). */
void gk_vecdot_q3_K_q8_K_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q3_K *x = vx;
    const gk_block_q8_K *y = vy;
    const __m256i m3 = _mm256_set1_epi8(3);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        /* 16 six-bit scales: low 4 bits from bytes 0..7 (low then high nibbles), 2 high bits from
         * bytes 8..11 (scale j: byte 8 + j % 4, bits 2 (j / 4)) */
        const __m128i v = _mm_loadl_epi64((const __m128i *)x[b].scales);
        const __m128i lo = _mm_unpacklo_epi64(_mm_and_si128(v, _mm_set1_epi8(0x0F)),
                                              _mm_and_si128(_mm_srli_epi16(v, 4), _mm_set1_epi8(0x0F)));
        uint32_t hw;
        memcpy(&hw, x[b].scales + 8, 4);
        const __m128i hi = _mm_and_si128(_mm_srlv_epi32(_mm_set1_epi32((int)hw), _mm_setr_epi32(0, 2, 4, 6)), _mm_set1_epi8(3));
        const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_sub_epi8(_mm_or_si128(lo, _mm_slli_epi16(hi, 4)), _mm_set1_epi8(32)));
        const __m256i hm = _mm256_loadu_si256((const __m256i *)x[b].hmask);
        __m256i s03 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256(), s2 = _mm256_setzero_si256();
        for (int h = 0; h < 2; h++) {
            const __m256i sch = _mm256_permute4x64_epi64(sc16, h ? 0xEE : 0x44);
            const __m256i bits = _mm256_loadu_si256((const __m256i *)(x[b].qs + 32 * h));
            const int8_t *yh = y[b].qs + 128 * h;
            /* hmask bit 4h + l of each byte moved next to crumb l: to bit 2l + 2 (crumb 3: to bit 2) */
            const __m256i hv = h ? _mm256_srli_epi16(hm, 4) : hm;
#define P(q, l) _mm256_madd_epi16(_mm256_shuffle_epi8(sch, pair_ctrl(l)), \
                                  _mm256_maddubs_epi16(q, _mm256_loadu_si256((const __m256i *)(yh + 32 * (l)))))
            const __m256i q0 = _mm256_or_si256(_mm256_and_si256(bits, m3), _mm256_and_si256(_mm256_slli_epi16(hv, 2), _mm256_set1_epi8(0x04)));
            const __m256i q1 = _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi8(0x0C)), _mm256_and_si256(_mm256_slli_epi16(hv, 3), _mm256_set1_epi8(0x10)));
            const __m256i q2 = _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi8(0x30)), _mm256_and_si256(_mm256_slli_epi16(hv, 4), _mm256_set1_epi8(0x40)));
            const __m256i q3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bits, 6), m3), _mm256_and_si256(_mm256_srli_epi16(hv, 1), _mm256_set1_epi8(0x04)));
            s03 = _mm256_add_epi32(s03, _mm256_add_epi32(P(q0, 0), P(q3, 3)));
            s1 = _mm256_add_epi32(s1, P(q1, 1));
            s2 = _mm256_add_epi32(s2, P(q2, 2));
#undef P
        }
        const __m256i sumi = _mm256_add_epi32(s03, _mm256_add_epi32(_mm256_srai_epi32(s1, 2), _mm256_srai_epi32(s2, 4)));
        const __m256i bs = _mm256_madd_epi16(sc16, _mm256_loadu_si256((const __m256i *)y[b].bsums));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(gk_f16(x[b].d) * y[b].d), _mm256_cvtepi32_ps(_mm256_sub_epi32(sumi, _mm256_slli_epi32(bs, 2))), acc);
    }
    *s = gk_hsum(acc);
}
