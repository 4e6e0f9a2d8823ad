/* vec_dot of the repacked IQ2 layout (gk_block_iq2_rp, made from IQ2_XXS, IQ2_XS and IQ2_S) with Q8_K
 * activations, AVX-512 + VNNI + VBMI.
 *
 * The repacked block has no grid: byte j of q2 holds the 2-bit magnitude codes of weights j, 64 + j,
 * 128 + j and 192 + j, and the sign bits are plain bits. So a 64-weight chunk c is one vpermb of the raw
 * q2 bytes (vpermb ignores index bits 6-7; a table per code position, no masking; chunk 3 after one
 * shift) to the magnitudes {8, 25, 43}, its 8 sign bytes loaded straight into a k mask that negates the
 * activations (masked subtraction; Q8_K activations are within [-127, 127], so negation never
 * overflows), and one vpdpbusd. A dword of a chunk's products sums 4 weights, at most 4 * 43 * 127 < 2^15,
 * so two chunks pack to int16 and the 16-weight group scales 2 s + 1 are applied with vpdpwssd: 128-bit
 * lane l of chunk c is group 4 c + l, so packs(chunk 0, chunk 1) holds in lane l groups l and 4 + l (as in
 * the IQ2_XS / IQ2_S kernels, whose scales have the same nibble layout).
 * Where the time goes (Zen 4, ~19 cycles per block): the k-mask loads (kmovq), vpdpbusd, vpdpwssd and
 * vpmultishiftqb all take the same two pipes (measured: 8 kmovq + 8 vpdpbusd take as long as 16 vpdpbusd),
 * and leaving the signs out entirely made the kernel 1.3x faster, the scales 1.1x. Measured and not
 * kept (no gain): two blocks per iteration with two accumulators, the whole kernel on ymm (8% slower),
 * and-masked codes + vpshufb instead of vpermb, the scale words by vpermb from bytes built in an xmm
 * instead of vpmultishiftqb, the masks moved to k through a general register (the memcpy below compiles to
 * kmovq from memory), a table of d * y.d per block filled before the loop (20% slower). */
#include "vecdot_simd_avx512_vnni.h"
#include "blocks.h"

/* vpermb tables (vpermb reads index bits 0-5 and ignores 6-7): rp_iq2_mag[f][i] is the magnitude of the
 * code in bits 2f..2f+1 of i, so the raw q2 bytes index chunks 0, 1 and 2 (f = 0, 1, 2) without masking
 * and the q2 bytes shifted right by 2 index chunk 3 (f = 2). */
static const int8_t GK_ALIGN64 rp_iq2_mag[3][64] = {
    {8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0,
     8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0},
    {8, 8, 8, 8, 25, 25, 25, 25, 43, 43, 43, 43, 0, 0, 0, 0, 8, 8, 8, 8, 25, 25, 25, 25, 43, 43, 43, 43, 0, 0, 0, 0,
     8, 8, 8, 8, 25, 25, 25, 25, 43, 43, 43, 43, 0, 0, 0, 0, 8, 8, 8, 8, 25, 25, 25, 25, 43, 43, 43, 43, 0, 0, 0, 0},
    {8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25,
     43, 43, 43, 43, 43, 43, 43, 43, 43, 43, 43, 43, 43, 43, 43, 43, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
};

/* vpmultishiftqb controls for the scales: the low byte of word 4 m + t (t = 0..3) of the scale vector for
 * packs(chunk 2 k, chunk 2 k + 1) gets the nibble of group h = 8 k + 4 (m % 2) + m / 2 starting one bit
 * lower (bit 4 h - 1, bit 63 wrapping around for h = 0), so bits 1-4 hold the nibble and 2 s + 1 needs
 * no shift, only a ternary-logic and/or (odd_scale). */
static inline __m512i rp_scale_ctrl(int k) {
    uint64_t c[8];
    for (int m = 0; m < 8; ++m) {
        const int h = 8 * k + 4 * (m % 2) + m / 2;
        c[m] = 0x0101010101010101ULL * (uint64_t)((4 * h + 63) & 63);
    }
    return _mm512_setr_epi64((long long)c[0], (long long)c[1], (long long)c[2], (long long)c[3], (long long)c[4],
                             (long long)c[5], (long long)c[6], (long long)c[7]);
}

/* 2 * nibble + 1 in each word from bits 1-4 (junk elsewhere is masked off). */
static inline __m512i odd_scale(__m512i v) {
    return _mm512_ternarylogic_epi32(v, _mm512_set1_epi16(0x1e), _mm512_set1_epi16(1), 0xea);
}

/* One block times its activations: the int32 sums of (2 s + 1) * magnitude * sign * q8, in 16 lanes. */
static inline __attribute__((always_inline)) __m512i rp_iq2_block(const gk_block_iq2_rp *x, const gk_block_q8_K *y,
                                                                  const __m512i mag[3], __m512i sc_a, __m512i sc_b) {
    const __m512i zero = _mm512_setzero_si512();
    const __m512i q2 = _mm512_loadu_si512(x->q2), q2s = _mm512_srli_epi16(q2, 2);
    __m512i p[4];
    for (int c = 0; c < 4; ++c) {
        const __m512i w = _mm512_permutexvar_epi8(c < 3 ? q2 : q2s, mag[c < 3 ? c : 2]);
        const __m512i q8 = _mm512_loadu_si512(y->qs + 64 * c);
        uint64_t neg;
        memcpy(&neg, x->signs + 8 * c, 8);
        p[c] = _mm512_dpbusd_epi32(zero, w, _mm512_mask_sub_epi8(q8, _cvtu64_mask64(neg), zero, q8));
    }
    long long sc64;
    memcpy(&sc64, x->scales, 8);
    const __m512i scb = _mm512_set1_epi64(sc64);
    __m512i sumi = _mm512_dpwssd_epi32(zero, _mm512_packs_epi32(p[0], p[1]), odd_scale(_mm512_multishift_epi64_epi8(sc_a, scb)));
    return _mm512_dpwssd_epi32(sumi, _mm512_packs_epi32(p[2], p[3]), odd_scale(_mm512_multishift_epi64_epi8(sc_b, scb)));
}

void gk_vecdot_rp_iq2_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq2_rp *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    const __m512i mag[3] = {_mm512_load_si512(rp_iq2_mag[0]), _mm512_load_si512(rp_iq2_mag[1]), _mm512_load_si512(rp_iq2_mag[2])};
    const __m512i sc_a = rp_scale_ctrl(0), sc_b = rp_scale_ctrl(1);
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const __m512i sumi = rp_iq2_block(&x[i], &y[i], mag, sc_a, sc_b);
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(gk_vd_half(x[i].d) * y[i].d), acc);
    }
    *s = 0.125f * _mm512_reduce_add_ps(acc);
}
