/* vec_dot of repacked IQ1 weights (gk_block_iq1_rp, made from IQ1_S and IQ1_M by ggufkit.repack) with
 * Q8_K activations, AVX-512 + VNNI + VBMI.
 *
 * The repacked block holds u = g + 1 as plain 2-bit codes (no grid lookups), a delta bit per 8 weights and
 * IQ1_M's scales field. Per weight, with b = 1 where the delta bit is clear (delta = +1/8):
 *     8 * (g + delta) = 8u - 8 + (2b - 1) = 2v - 9,   v = 4u + b in 0..9 (an unsigned byte for vpdpbusd),
 * so the block's dot times 8 is sum_h ls_h * (2 * sum(v * q8) - 9 * bsum_h) over the 16-weight groups h.
 * v is built per 64 weights by one shift + and (u to bits 2..3) and one masked or (b, one bit per qword:
 * a k mask); the sums of 4 products go to int16 (vpackssdw: |sum| <= 4 * 9 * 128) and get their scales
 * 2 ls (and - 9 ls for the bsums) with vpdpwssd, the scales picked from IQ1_M's 64-bit scales field by
 * vpmultishiftqb. Integer sums are exact; the block's total is scaled once in float. */
#include "vecdot_simd_avx512_vnni.h"
#include "blocks.h"

/* multishift controls (vpmultishiftqb on the broadcast 64-bit scales field): both bytes of word w get the
 * bits starting at bit 16 * (h / 4) + 3 * (h % 4) + off of the field, h the 16-weight group of the word; the
 * 3-bit scale l of group h is at 16 * (h / 4) + 3 * (h % 4). off = -2 puts l at bits 2..4 (for 4 l + 2 =
 * 2 ls), off = -1 at bits 1..3 (2 l + 1 = ls); the bits below come from the neighbouring field (multishift
 * wraps within the qword) and are masked off.
 * RP_CTRL_A/B: the words of packs(p[0], p[1]) / packs(p[2], p[3]). p[c] dword k holds weights 64c + 4k..4k+3
 * (group 4c + k / 4), and packs puts in 128-bit lane j words 0-3 from the first operand's dwords 4j..4j+3,
 * words 4-7 from the second's: word w is group 4 * ((w / 4) % 2) + w / 8 (+ 8 for B).
 * RP_CTRL_N: word h is group h (h < 16; the words 16-31 meet zero bsums). Computed by:
 *   ctrl(h, off) = (16 * (h // 4) + 3 * (h % 4) + off) % 64 */
static const uint8_t rp_ctrl_a[64] GK_ALIGN64 = {
    62, 62, 62, 62, 62, 62, 62, 62, 14, 14, 14, 14, 14, 14, 14, 14, 1, 1, 1, 1, 1, 1, 1, 1, 17, 17, 17, 17, 17, 17, 17, 17,
    4, 4, 4, 4, 4, 4, 4, 4, 20, 20, 20, 20, 20, 20, 20, 20, 7, 7, 7, 7, 7, 7, 7, 7, 23, 23, 23, 23, 23, 23, 23, 23};
static const uint8_t rp_ctrl_b[64] GK_ALIGN64 = {
    30, 30, 30, 30, 30, 30, 30, 30, 46, 46, 46, 46, 46, 46, 46, 46, 33, 33, 33, 33, 33, 33, 33, 33, 49, 49, 49, 49, 49, 49, 49, 49,
    36, 36, 36, 36, 36, 36, 36, 36, 52, 52, 52, 52, 52, 52, 52, 52, 39, 39, 39, 39, 39, 39, 39, 39, 55, 55, 55, 55, 55, 55, 55, 55};
static const uint8_t rp_ctrl_n[32] __attribute__((aligned(32))) = {
    63, 63, 2, 2, 5, 5, 8, 8, 15, 15, 18, 18, 21, 21, 24, 24, 31, 31, 34, 34, 37, 37, 40, 40, 47, 47, 50, 50, 53, 53, 56, 56};


#define AI static inline __attribute__((always_inline))

/* u << 2 per byte for the 64 weights 64c + j: u = bits 2c..2c+1 of q2 byte j (16-bit shifts: the bits
 * crossing a byte boundary are masked off) */
#define RP_U4(q2, c) _mm512_and_si512((c) == 0 ? _mm512_slli_epi16(q2, 2) : (c) == 1 ? (q2) : _mm512_srli_epi16(q2, 2 * (c) - 2), _mm512_set1_epi8(0x0c))

/* 8 * the block's integer dot: sum_h ls_h * (2 * sum(v * q8) - 9 * bsum_h), 16 int32 partial sums */
AI __m512i rp_block(const gk_block_iq1_rp *x, const gk_block_q8_K *y, __m512i ctrl_a, __m512i ctrl_b, __m256i ctrl_n) {
    const __m512i one = _mm512_set1_epi8(1), zero = _mm512_setzero_si512();
    const __m512i q2 = _mm512_loadu_si512(x->q2);
    uint32_t dbits;
    memcpy(&dbits, x->delta, 4);
    /* b = 1 (delta +1/8) where the bit is clear: one k mask bit per qword of 8 weights */
    const __mmask32 kb = _cvtu32_mask32(~dbits);
    __m512i p[4];
#define RP_CHUNK(c)                                                                                          \
    {                                                                                                        \
        const __m512i u4 = RP_U4(q2, c);                                                                     \
        const __m512i v = _mm512_mask_or_epi64(u4, (__mmask8)_cvtmask32_u32(_kshiftri_mask32(kb, 8 * (c))), u4, one); \
        p[c] = _mm512_dpbusd_epi32(zero, v, _mm512_loadu_si512(y->qs + 64 * (c)));                          \
    }
    RP_CHUNK(0) RP_CHUNK(1) RP_CHUNK(2) RP_CHUNK(3)
#undef RP_CHUNK
    uint64_t sc64;
    memcpy(&sc64, x->scales, 8);
    const __m512i scb = _mm512_set1_epi64((long long)sc64);
    const __m512i m1c = _mm512_set1_epi16(0x1c), two16 = _mm512_set1_epi16(2);
    const __m512i ls2a = _mm512_ternarylogic_epi32(_mm512_multishift_epi64_epi8(ctrl_a, scb), m1c, two16, 0xea);
    const __m512i ls2b = _mm512_ternarylogic_epi32(_mm512_multishift_epi64_epi8(ctrl_b, scb), m1c, two16, 0xea);
    const __m256i lsn = _mm256_ternarylogic_epi32(_mm256_multishift_epi64_epi8(ctrl_n, _mm512_castsi512_si256(scb)),
                                                  _mm256_set1_epi16(0x0e), _mm256_set1_epi16(1), 0xea);
    __m512i sumi = _mm512_dpwssd_epi32(zero, _mm512_packs_epi32(p[0], p[1]), ls2a);
    sumi = _mm512_dpwssd_epi32(sumi, _mm512_packs_epi32(p[2], p[3]), ls2b);
    const __m256i bs = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y->bsums), _mm256_mullo_epi16(lsn, _mm256_set1_epi16(-9)));
    return _mm512_add_epi32(sumi, _mm512_zextsi256_si512(bs));
}

AI float rp_d(const gk_block_iq1_rp *x, const gk_block_q8_K *y) {
    uint64_t sc64;
    memcpy(&sc64, x->scales, 8);
    return gk_vd_half((uint16_t)_pext_u64(sc64, 0xF000F000F000F000ULL)) * y->d;
}

void gk_vecdot_rp_iq1_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq1_rp *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    const __m512i ctrl_a = _mm512_load_si512(rp_ctrl_a), ctrl_b = _mm512_load_si512(rp_ctrl_b);
    const __m256i ctrl_n = _mm256_load_si256((const __m256i *)rp_ctrl_n);
    __m512 acc = _mm512_setzero_ps();
    /* (two blocks per iteration with two accumulators measured no faster: the loop is bound by vector
     * op throughput, not latency) */
    for (int64_t i = 0; i < nb; i++)
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(rp_block(x + i, y + i, ctrl_a, ctrl_b, ctrl_n)), _mm512_set1_ps(rp_d(x + i, y + i)), acc);
    *s = 0.125f * _mm512_reduce_add_ps(acc);
}
