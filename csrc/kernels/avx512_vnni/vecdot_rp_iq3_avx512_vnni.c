/* vec_dot of the repacked IQ3 layout (gk_block_iq3_rp, made from IQ3_XXS and IQ3_S) with Q8_K
 * activations, AVX-512 + VNNI + VBMI.
 *
 * No grid and no sign bits: a nibble of q4 is magnitude code | sign << 3, so a 64-weight chunk is one
 * vpermb of 64 q4 bytes (chunks 0, 1: the raw bytes, vpermb ignores index bits 6-7 and the table repeats
 * every 16 entries, so bits 4-5 need no masking; chunks 2, 3: after one 16-bit shift by 4) to the
 * unsigned u = 32 + w, where w is the signed weight (IQ3_XXS: half of it, all its magnitudes are even:
 * |w| <= 31; IQ3_S: |w| <= 15). vpdpbusd then sums u * q over 4 weights (at most 4 * 63 * 128 = 32256:
 * two chunks pack to int16 without saturating), the 32-weight scales 2 s + 1 come in with vpdpwssd
 * (128-bit lane l of packs(chunk 2 k, chunk 2 k + 1) holds groups 4 k + l / 2 in words 0-3 and
 * 4 k + 2 + l / 2 in words 4-7), and the bias leaves once per block: sum_h (2 s + 1) * 32 * bsum_h over
 * the 16 Q8_K bsums (sums of 16 activations), one vpmaddwd. The integer block sum is then exactly
 * sum_g (2 s_g + 1) * sum w q (half of ggml's for IQ3_XXS, whose final factor 1/4 becomes 1/2).
 * Per block: 2 loads + 2 shifts + 4 vpermb + 4 vpdpbusd + 2 packs + 2 vpdpwssd + the scales (3
 * vpmultishiftqb, 3 ternary-logic) + the bias (vpmaddwd, shift, subtract); no k-mask loads, which share
 * vpdpbusd's pipes and bound the IQ2 repacked kernel.
 * Where the time goes (Zen 4, 4096 x 4096 from L3, ~5.0 ns per block): leaving the bias out made it 0.4 ns
 * faster, the scales as well 0.3 ns more (4.4 ns: ~30 GB/s of repacked bytes). Measured and not kept: the
 * bias as the start of the first vpdpwssd (32 (2 s + 1) words by vpmultishiftqb, negated bsums; one op
 * fewer but 7% slower: it lengthens the chain), two blocks per iteration with two accumulators (no gain). */
#include "vecdot_simd_avx512_vnni.h"
#include "blocks.h"

/* entry i (i = 0..63, only i % 16 matters) = 32 + the signed weight of nibble i % 16 */
#define RP_IQ3_U(m0, m1, m2, m3, m4, m5, m6, m7)                                                              \
    32 + m0, 32 + m1, 32 + m2, 32 + m3, 32 + m4, 32 + m5, 32 + m6, 32 + m7, 32 - m0, 32 - m1, 32 - m2, 32 - m3, \
        32 - m4, 32 - m5, 32 - m6, 32 - m7
#define RP_IQ3_U4(...) RP_IQ3_U(__VA_ARGS__), RP_IQ3_U(__VA_ARGS__), RP_IQ3_U(__VA_ARGS__), RP_IQ3_U(__VA_ARGS__)
static const uint8_t GK_ALIGN64 rp_iq3xxs_u[64] = {RP_IQ3_U4(2, 6, 10, 14, 18, 22, 26, 31)}; /* magnitudes / 2 */
static const uint8_t GK_ALIGN64 rp_iq3s_u[64] = {RP_IQ3_U4(1, 3, 5, 7, 9, 11, 13, 15)};

/* vpmultishiftqb controls (source: the 32-bit scales word in both halves of every qword): the low byte
 * of each word gets the 8 bits from bit 4 g - 1 (bit 63, junk, for g = 0), so the nibble of group g sits
 * at bits 1-4 and 2 s + 1 needs only a ternary-logic and/or (odd_scale). The group of word t of qword m:
 * k = 0, 1 (the two packs): g = 4 k + 2 (m % 2) + m / 4, constant within the qword; bias (ymm, word h = 4 m
 * + t of the 16 bsums): g = h / 2. */
static inline __m512i rp_iq3_ctrl(int k) {
    long long c[8];
    for (int m = 0; m < 8; ++m) c[m] = (long long)(0x0101010101010101ULL * (uint64_t)((4 * (4 * k + 2 * (m % 2) + m / 4) + 63) & 63));
    return _mm512_setr_epi64(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
}
static inline __m256i rp_iq3_bias_ctrl(void) {
    long long c[4];
    for (int m = 0; m < 4; ++m) {
        const uint64_t lo = (uint64_t)((8 * m + 63) & 63), hi = (uint64_t)((8 * m + 4 + 63) & 63); /* g = 2 m, 2 m + 1 */
        c[m] = (long long)(lo * 0x0000000001010101ULL + hi * 0x0101010100000000ULL); /* words 0, 1 | 2, 3 */
    }
    return _mm256_setr_epi64x(c[0], c[1], c[2], c[3]);
}

/* 2 * nibble + 1 in each word from bits 1-4 (junk elsewhere is masked off). */
static inline __m512i odd_scale(__m512i v) {
    return _mm512_ternarylogic_epi32(v, _mm512_set1_epi16(0x1e), _mm512_set1_epi16(1), 0xea);
}
static inline __m256i odd_scale256(__m256i v) {
    return _mm256_ternarylogic_epi32(v, _mm256_set1_epi16(0x1e), _mm256_set1_epi16(1), 0xea);
}

/* One block times its activations: sum_g (2 s_g + 1) * sum w q, in 16 int32 lanes. */
static inline __attribute__((always_inline)) __m512i rp_iq3_block(const gk_block_iq3_rp *x, const gk_block_q8_K *y, __m512i tbl,
                                                                  __m512i ctrl0, __m512i ctrl1, __m256i bctrl) {
    const __m512i zero = _mm512_setzero_si512();
    const __m512i v0 = _mm512_loadu_si512(x->q4), v1 = _mm512_loadu_si512(x->q4 + 64);
    const __m512i u0 = _mm512_permutexvar_epi8(v0, tbl), u1 = _mm512_permutexvar_epi8(v1, tbl);
    const __m512i u2 = _mm512_permutexvar_epi8(_mm512_srli_epi16(v0, 4), tbl);
    const __m512i u3 = _mm512_permutexvar_epi8(_mm512_srli_epi16(v1, 4), tbl);
    const __m512i p0 = _mm512_dpbusd_epi32(zero, u0, _mm512_loadu_si512(y->qs));
    const __m512i p1 = _mm512_dpbusd_epi32(zero, u1, _mm512_loadu_si512(y->qs + 64));
    const __m512i p2 = _mm512_dpbusd_epi32(zero, u2, _mm512_loadu_si512(y->qs + 128));
    const __m512i p3 = _mm512_dpbusd_epi32(zero, u3, _mm512_loadu_si512(y->qs + 192));
    int sc32;
    memcpy(&sc32, x->scales, 4);
    const __m512i scb = _mm512_set1_epi32(sc32);
    __m512i sumi = _mm512_dpwssd_epi32(zero, _mm512_packs_epi32(p0, p1), odd_scale(_mm512_multishift_epi64_epi8(ctrl0, scb)));
    sumi = _mm512_dpwssd_epi32(sumi, _mm512_packs_epi32(p2, p3), odd_scale(_mm512_multishift_epi64_epi8(ctrl1, scb)));
    /* the bias: 32 * sum_h (2 s + 1) * bsum_h (|bsum| <= 16 * 128: the int32 products are far from overflow) */
    const __m256i s16 = odd_scale256(_mm256_multishift_epi64_epi8(bctrl, _mm512_castsi512_si256(scb)));
    const __m256i bias = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y->bsums), s16);
    return _mm512_sub_epi32(sumi, _mm512_zextsi256_si512(_mm256_slli_epi32(bias, 5)));
}

static inline __attribute__((always_inline)) void rp_iq3_dot(int64_t n, float *s, const void *vx, const void *vy,
                                                             const uint8_t *table, float final) {
    const gk_block_iq3_rp *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    const __m512i tbl = _mm512_load_si512(table), ctrl0 = rp_iq3_ctrl(0), ctrl1 = rp_iq3_ctrl(1);
    const __m256i bctrl = rp_iq3_bias_ctrl();
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const __m512i sumi = rp_iq3_block(&x[i], &y[i], tbl, ctrl0, ctrl1, bctrl);
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(gk_vd_half(x[i].d) * y[i].d), acc);
    }
    *s = final * _mm512_reduce_add_ps(acc);
}

/* IQ3_XXS: the weights are halved in the table, so ggml's 1/4 becomes 1/2 (exact: a power of two). */
void gk_vecdot_rp_iq3_xxs_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    rp_iq3_dot(n, s, vx, vy, rp_iq3xxs_u, 0.5f);
}

void gk_vecdot_rp_iq3_s_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    rp_iq3_dot(n, s, vx, vy, rp_iq3s_u, 1.0f);
}
