/* vec_dot of the K types (Q2_K .. Q6_K), IQ4_XS and TQ2_0 on the avx512_vnni tier.
 *
 * Per 32 weights: one vpdpbusd (unsigned codes x Q8_K bytes) into zero gives 8 int32 sums of 4
 * products (each fits in int16: at most 4 * 63 * 128). Two such results are packed to int16
 * (vpackssdw) and the per-sub-block scales applied and accumulated with one vpdpwssd, so a pair of
 * 32-weight chunks costs dpbusd x2 + pack + vpdpwssd (maddubs x2 + madd x2 + add x2 before).
 * Mins (Q4_K, Q5_K) and the -32 offset (Q6_K) go through the Q8_K bsums once per super-block. */
#include <immintrin.h>
#include <stdint.h>
#include <string.h>
#include "blocks.h"
#include "../avx2/x86_dot.h"

#define AI static inline __attribute__((always_inline))

AI __m256i dp0(__m256i u, __m256i s) { return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s); }

/* the adjacent fp16 pair (d, dmin) times dy, in one conversion: lanes 0 and 1 */
AI __m128 d_dmin(const void *p, float dy) {
    uint32_t v;
    memcpy(&v, p, 4);
    return _mm_mul_ps(_mm_cvtph_ps(_mm_cvtsi32_si128((int)v)), _mm_set1_ps(dy));
}

/* int16 scale pattern for packs(p_a, p_b): 128-bit lane 0 is [A0 x4, B0 x4], lane 1 [A1 x4, B1 x4]
 * (indices into the 8 int16 scales that scb holds in each lane), by one pshufb. */
AI __m256i pick4(__m256i scb, int A0, int B0, int A1, int B1) {
    const char a0 = (char)(2 * A0), a1 = (char)(2 * A0 + 1), b0 = (char)(2 * B0), b1 = (char)(2 * B0 + 1);
    const char c0 = (char)(2 * A1), c1 = (char)(2 * A1 + 1), d0 = (char)(2 * B1), d1 = (char)(2 * B1 + 1);
    const __m256i sh = _mm256_setr_epi8(a0, a1, a0, a1, a0, a1, a0, a1, b0, b1, b0, b1, b0, b1, b0, b1,
                                        c0, c1, c0, c1, c0, c1, c0, c1, d0, d1, d0, d1, d0, d1, d0, d1);
    return _mm256_shuffle_epi8(scb, sh);
}
/* the same pattern straight from 16 int16 scales (sub-block 8h + i at index 8h + i) with one vpermw */
AI __m256i pickw(__m256i sc16, int h, int A0, int B0, int A1, int B1) {
    const short a = (short)(8 * h + A0), b = (short)(8 * h + B0), c = (short)(8 * h + A1), d = (short)(8 * h + B1);
    return _mm256_permutexvar_epi16(_mm256_setr_epi16(a, a, a, a, b, b, b, b, c, c, c, c, d, d, d, d), sc16);
}
/* 32-weight sub-blocks A (p_a) and B (p_b): every lane of p_a has scale A */
AI __m256i pick2(__m256i scb, int A, int B) { return pick4(scb, A, B, A, B); }

/* Q4_K / Q5_K 6-bit scales and mins -> 8 int16 scales broadcast to both lanes, mins duplicated per 16 */
AI void k4_scales(const uint8_t *q, __m256i *scb, __m256i *mins16) {
    uint32_t u[3], sc[2], mn[2];
    memcpy(u, q, 12);
    sc[0] = u[0] & 0x3f3f3f3f;
    mn[0] = u[1] & 0x3f3f3f3f;
    sc[1] = (u[2] & 0x0f0f0f0f) | ((u[0] >> 6) & 0x03030303) << 4;
    mn[1] = ((u[2] >> 4) & 0x0f0f0f0f) | ((u[1] >> 6) & 0x03030303) << 4;
    *scb = _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i *)sc)));
    const __m128i m8 = _mm_loadl_epi64((const __m128i *)mn);
    *mins16 = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(m8, m8));
}

void gk_vecdot_q4_K_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q4_K *x = vx;
    const gk_block_q8_K *y = vy;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    __m256 acc = _mm256_setzero_ps(), accm = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        __m256i scb, mins16;
        k4_scales(x[b].scales, &scb, &mins16);
        __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
        for (int j = 0; j < 4; j++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)(x[b].qs + 32 * j));
            const __m256i lo = _mm256_and_si256(bits, m4);
            const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4);
            const __m256i p0 = dp0(lo, _mm256_loadu_si256((const __m256i *)(y[b].qs + 64 * j)));
            const __m256i p1 = dp0(hi, _mm256_loadu_si256((const __m256i *)(y[b].qs + 64 * j + 32)));
            const __m256i pk = _mm256_packs_epi32(p0, p1), sv = pick2(scb, 2 * j, 2 * j + 1);
            if (j & 1) s1 = _mm256_dpwssd_epi32(s1, pk, sv); else s0 = _mm256_dpwssd_epi32(s0, pk, sv);
        }
        const float dy = y[b].d;
        const __m256i pm = _mm256_madd_epi16(mins16, _mm256_loadu_si256((const __m256i *)y[b].bsums));
        const __m128 dd = d_dmin(&x[b].d, dy);
        acc = _mm256_fmadd_ps(_mm256_broadcastss_ps(dd), _mm256_cvtepi32_ps(_mm256_add_epi32(s0, s1)), acc);
        accm = _mm256_fmadd_ps(_mm256_broadcastss_ps(_mm_movehdup_ps(dd)), _mm256_cvtepi32_ps(pm), accm);
    }
    *s = gk_hsum(_mm256_sub_ps(acc, accm));
}

void gk_vecdot_q5_K_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q5_K *x = vx;
    const gk_block_q8_K *y = vy;
    const __m256i m4 = _mm256_set1_epi8(0x0F), m16 = _mm256_set1_epi8(0x10);
    __m256 acc = _mm256_setzero_ps(), accm = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        __m256i scb, mins16;
        k4_scales(x[b].scales, &scb, &mins16);
        const __m256i qh = _mm256_loadu_si256((const __m256i *)x[b].qh);
        __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
        for (int j = 0; j < 4; j++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)(x[b].qs + 32 * j));
            /* + 16 where bit 2j / 2j+1 of the qh byte is set (vptestmb mask, masked add) */
            const __m256i l4 = _mm256_and_si256(bits, m4), h4 = _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4);
            const __m256i lo = _mm256_mask_add_epi8(l4, _mm256_test_epi8_mask(qh, _mm256_set1_epi8((char)(1 << (2 * j)))), l4, m16);
            const __m256i hi = _mm256_mask_add_epi8(h4, _mm256_test_epi8_mask(qh, _mm256_set1_epi8((char)(2 << (2 * j)))), h4, m16);
            const __m256i p0 = dp0(lo, _mm256_loadu_si256((const __m256i *)(y[b].qs + 64 * j)));
            const __m256i p1 = dp0(hi, _mm256_loadu_si256((const __m256i *)(y[b].qs + 64 * j + 32)));
            const __m256i pk = _mm256_packs_epi32(p0, p1), sv = pick2(scb, 2 * j, 2 * j + 1);
            if (j & 1) s1 = _mm256_dpwssd_epi32(s1, pk, sv); else s0 = _mm256_dpwssd_epi32(s0, pk, sv);
        }
        const float dy = y[b].d;
        const __m256i pm = _mm256_madd_epi16(mins16, _mm256_loadu_si256((const __m256i *)y[b].bsums));
        const __m128 dd = d_dmin(&x[b].d, dy);
        acc = _mm256_fmadd_ps(_mm256_broadcastss_ps(dd), _mm256_cvtepi32_ps(_mm256_add_epi32(s0, s1)), acc);
        accm = _mm256_fmadd_ps(_mm256_broadcastss_ps(_mm_movehdup_ps(dd)), _mm256_cvtepi32_ps(pm), accm);
    }
    *s = gk_hsum(_mm256_sub_ps(acc, accm));
}

/* Q6_K: unsigned 6-bit codes (0..63); 16-weight sub-blocks, so a dpbusd result's lanes 0-3 and 4-7
 * have different scales; minus 32 * sum(scale * bsum) at the end. */
void gk_vecdot_q6_K_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q6_K *x = vx;
    const gk_block_q8_K *y = vy;
    const __m256i m4 = _mm256_set1_epi8(0x0F), m33 = _mm256_set1_epi8(0x33), mCC = _mm256_set1_epi8((char)0xCC);
    __m256 acc = _mm256_setzero_ps();
    _Pragma("GCC unroll 2") /* two super-blocks per iteration: measured ~2% faster here */
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const __m128i sc8 = _mm_loadu_si128((const __m128i *)x[b].scales);
        const __m256i sc16 = _mm256_cvtepi8_epi16(sc8);
        /* s1 starts at -32 sum(scale * bsum) (the code offset): scale x -32 at most 4096 in int16 */
        const __m256i bs = _mm256_loadu_si256((const __m256i *)y[b].bsums);
        __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_madd_epi16(bs, _mm256_mullo_epi16(sc16, _mm256_set1_epi16(-32)));
        for (int h = 0; h < 2; h++) {
            const __m256i l0 = _mm256_loadu_si256((const __m256i *)(x[b].ql + 64 * h));
            const __m256i l1 = _mm256_loadu_si256((const __m256i *)(x[b].ql + 64 * h + 32));
            const __m256i hb = _mm256_loadu_si256((const __m256i *)(x[b].qh + 32 * h));
            /* q = low nibble (bits 0-3 of l, taken by a vpternlogd bit-select with 0x0F) and the 2 high
             * bits at bits 4-5 with zeros above: qh masked once per pair of crumbs (0x33: crumbs 0, 2;
             * 0xCC: crumbs 1, 3) and shifted into place; whatever lands in bits 0-3 is not selected */
            const __m256i h02 = _mm256_and_si256(hb, m33), h13 = _mm256_and_si256(hb, mCC);
            const __m256i q0 = _mm256_ternarylogic_epi32(l0, _mm256_slli_epi16(h02, 4), m4, 0xE4);
            const __m256i q1 = _mm256_ternarylogic_epi32(l1, _mm256_slli_epi16(h13, 2), m4, 0xE4);
            const __m256i q2 = _mm256_ternarylogic_epi32(_mm256_srli_epi16(l0, 4), h02, m4, 0xE4);
            const __m256i q3 = _mm256_ternarylogic_epi32(_mm256_srli_epi16(l1, 4), _mm256_srli_epi16(h13, 2), m4, 0xE4);
            const int8_t *yq = y[b].qs + 128 * h;
            const __m256i p0 = dp0(q0, _mm256_loadu_si256((const __m256i *)yq));
            const __m256i p1 = dp0(q1, _mm256_loadu_si256((const __m256i *)(yq + 32)));
            const __m256i p2 = dp0(q2, _mm256_loadu_si256((const __m256i *)(yq + 64)));
            const __m256i p3 = dp0(q3, _mm256_loadu_si256((const __m256i *)(yq + 96)));
            /* part p covers sub-blocks 2p (lanes 0-3) and 2p+1 (lanes 4-7) */
            s0 = _mm256_dpwssd_epi32(s0, _mm256_packs_epi32(p0, p1), pickw(sc16, h, 0, 2, 1, 3));
            s1 = _mm256_dpwssd_epi32(s1, _mm256_packs_epi32(p2, p3), pickw(sc16, h, 4, 6, 5, 7));
        }
        const __m256i t = _mm256_add_epi32(s0, s1);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(gk_f16(x[b].d) * y[b].d), _mm256_cvtepi32_ps(t), acc);
    }
    *s = gk_hsum(acc);
}

/* Q2_K: unsigned 2-bit codes, 4-bit scale and min per 16 weights; mins through the bsums.
 * Crumbs 0..2 are masked in place (q, 4 q, 16 q) and crumb 3 shifted to bits 4..5 (16 q), so one
 * shift per 32 codes instead of three; the scales are multiplied by 16, 4, 1, 1 (one vpsllvw per
 * block), which makes every term 16 times its value; the float accumulator is scaled back once per row.
 * Bounds: a dpbusd lane is at most 4 x 48 x 128 = 24576 (packs does not saturate); a product with a
 * scaled scale at most 24576 x 15 (or 1536 x 240) = 368640, an int32 lane of the block's sum the sum of
 * 8 such, below 2^24, so its conversion to float is exact; a mins lane is at most 2 x 240 x 2048 (16 min times
 * a bsum), exact too.
 * Zen 4 runs the multiplies (vpdpbusd, vpdpwssd, vpmaddwd, fma), the shuffles (packs, vpermw, vpmovzx,
 * broadcasts) and the shifts / conversions on three of its four vector pipes (and, or, add on all four):
 * those ops (about 33 per block) bound the loop, so the mins are taken as 16 min (an and) and scaled back with
 * the rest (1/16 once per row), and a shift removed anywhere is worth about 2.5%.
 * Besides that op count (about 45 in all per block), the latency of each block's
 * chains (load -> and -> dpbusd -> packs -> vpdpwssd x4 -> cvt -> fma): two blocks are interleaved
 * statement by statement (q2k_blocks(2)), which let the out-of-order core overlap them (+5% on Zen 4;
 * GCC's unroll 2 alone does not interleave), with one vpdpwssd chain per block (one add less) and the
 * dmin factor broadcast by one vpermps.
 * Measured and not kept (Zen 4, vs this loop): three or four interleaved blocks (spills: -2% / -15%);
 * crumb 3 by one GFNI affine instead of shift + and (no change); codes scaled by their scale before the
 * dpbusd (vpshufb from per-block tables q * scale built by vpshufb + vpmullw, then one dpbusd chain with no
 * packs / vpdpwssd / vpermw: the table build costs more than it saves, -4% to -13%); whole-block zmm forms
 * (broadcast 32 code bytes to both halves, GFNI or mask extraction, vpermb scale picks: -8%); a software
 * prefetch of the weights (no change: the loop is compute-bound, the same speed in L2); the first vpdpwssd
 * of each chain as a vpmaddwd (no change); the next pair's scales prepared one step ahead (-4%); GCC's
 * -fschedule-insns (-15%; with -fsched-pressure no change); one float accumulator pair instead of one per
 * block, a software prefetch 4-12 blocks ahead (no change); packs replaced by accumulating the second dpbusd
 * onto the first shifted left 16 (+1%, but wrong: the high word is one less where the low sum is negative);
 * crumb 3 by two vpavgb (x & 0xC0 halved twice, on a pipe the shifts do not use) instead of a shift (-3%);
 * the pair's four sums folded by shuffles, blends and adds into one vector for one conversion and one fma
 * (-10%); d * dy and dmin * dy through memory for broadcast loads (-3%); one accumulator for both terms (fnmadd,
 * no change). */
AI void q2k_blocks(const gk_block_q2_K *x, const gk_block_q8_K *y, const int nb, __m256 *acc, __m256 *accm) {
    const __m256i m0 = _mm256_set1_epi8(0x03), m1 = _mm256_set1_epi8(0x0C), m2 = _mm256_set1_epi8(0x30);
    /* sub-block 8h + 2l + e comes from crumb l: scale shift 4, 2, 0, 0 */
    const __m256i scale_shift = _mm256_setr_epi16(4, 4, 2, 2, 0, 0, 0, 0, 4, 4, 2, 2, 0, 0, 0, 0);
    __m256i sc16[2], mins16[2], sum[2];
    for (int u = 0; u < nb; u++) {
        const __m256i v16 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)x[u].scales)); /* min << 4 | scale */
        mins16[u] = _mm256_and_si256(v16, _mm256_set1_epi16(0xF0)); /* 16 min: an and, not a shift (below) */
        sc16[u] = _mm256_sllv_epi16(_mm256_and_si256(v16, _mm256_set1_epi16(0x0F)), scale_shift);
        sum[u] = _mm256_setzero_si256();
    }
    for (int h = 0; h < 2; h++) {
        __m256i p[2][4];
        for (int u = 0; u < nb; u++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)(x[u].qs + 32 * h));
            const int8_t *yq = y[u].qs + 128 * h;
            p[u][0] = dp0(_mm256_and_si256(bits, m0), _mm256_loadu_si256((const __m256i *)yq));
            p[u][1] = dp0(_mm256_and_si256(bits, m1), _mm256_loadu_si256((const __m256i *)(yq + 32)));
            p[u][2] = dp0(_mm256_and_si256(bits, m2), _mm256_loadu_si256((const __m256i *)(yq + 64)));
            p[u][3] = dp0(_mm256_and_si256(_mm256_srli_epi16(bits, 2), m2), _mm256_loadu_si256((const __m256i *)(yq + 96)));
        }
        /* part p covers sub-blocks 2p (lanes 0-3) and 2p+1 (lanes 4-7) */
        for (int u = 0; u < nb; u++) {
            sum[u] = _mm256_dpwssd_epi32(sum[u], _mm256_packs_epi32(p[u][0], p[u][1]), pickw(sc16[u], h, 0, 2, 1, 3));
            sum[u] = _mm256_dpwssd_epi32(sum[u], _mm256_packs_epi32(p[u][2], p[u][3]), pickw(sc16[u], h, 4, 6, 5, 7));
        }
    }
    for (int u = 0; u < nb; u++) {
        const __m256i pm = _mm256_madd_epi16(mins16[u], _mm256_loadu_si256((const __m256i *)y[u].bsums));
        const __m128 dd = d_dmin(&x[u].d, y[u].d);
        acc[u] = _mm256_fmadd_ps(_mm256_broadcastss_ps(dd), _mm256_cvtepi32_ps(sum[u]), acc[u]);
        accm[u] = _mm256_fmadd_ps(_mm256_permutexvar_ps(_mm256_set1_epi32(1), _mm256_castps128_ps256(dd)), _mm256_cvtepi32_ps(pm), accm[u]);
    }
}

void gk_vecdot_q2_K_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q2_K *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    __m256 acc[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()}, accm[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    int64_t b = 0;
    for (; b + 2 <= nb; b += 2) q2k_blocks(x + b, y + b, 2, acc, accm);
    if (b < nb) q2k_blocks(x + b, y + b, 1, acc, accm);
    /* acc and accm hold 16 times their terms (exactly: a power of two) */
    const __m256 a = _mm256_add_ps(acc[0], acc[1]), m = _mm256_add_ps(accm[0], accm[1]);
    *s = gk_hsum(_mm256_mul_ps(_mm256_sub_ps(a, m), _mm256_set1_ps(1.0f / 16)));
}

/* Q3_K: q + 4 h in 0..7 unsigned, signed 6-bit scales per 16, minus 4 * sum(scale * bsum). */
void gk_vecdot_q3_K_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q3_K *x = vx;
    const gk_block_q8_K *y = vy;
    const __m256i m3 = _mm256_set1_epi8(3), m4 = _mm256_set1_epi8(4);
    __m256 acc = _mm256_setzero_ps();
    _Pragma("GCC unroll 2") for (int64_t b = 0; b < n / GK_QK_K; b++) {
        /* 16 six-bit scales: low 4 bits from bytes 0..7 (low then high nibbles), 2 high bits from
         * bytes 8..11 (scale j: byte 8 + j % 4, bits 2 (j / 4)) */
        const __m128i v = _mm_loadl_epi64((const __m128i *)x[b].scales);
        const __m128i lo = _mm_unpacklo_epi64(_mm_and_si128(v, _mm_set1_epi8(0x0F)),
                                              _mm_and_si128(_mm_srli_epi16(v, 4), _mm_set1_epi8(0x0F)));
        uint32_t hw;
        memcpy(&hw, x[b].scales + 8, 4);
        const __m128i hi = _mm_and_si128(_mm_srlv_epi32(_mm_set1_epi32((int)hw), _mm_setr_epi32(0, 2, 4, 6)), _mm_set1_epi8(3));
        const __m128i scbv = _mm_sub_epi8(_mm_or_si128(lo, _mm_slli_epi16(hi, 4)), _mm_set1_epi8(32));
        const __m256i sc16 = _mm256_cvtepi8_epi16(scbv);
        const __m256i hm = _mm256_loadu_si256((const __m256i *)x[b].hmask);
        __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
        for (int h = 0; h < 2; h++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)(x[b].qs + 32 * h));
            const int8_t *yq = y[b].qs + 128 * h;
            __m256i p[4];
            for (int sh = 0; sh < 4; sh++) {
                const int bit = 4 * h + sh;
                /* + 4 where bit `bit` of the hmask byte is set (vptestmb mask, masked add) */
                const __m256i q2 = _mm256_and_si256(_mm256_srli_epi16(bits, 2 * sh), m3);
                const __m256i q = _mm256_mask_add_epi8(q2, _mm256_test_epi8_mask(hm, _mm256_set1_epi8((char)(1 << bit))), q2, m4);
                p[sh] = dp0(q, _mm256_loadu_si256((const __m256i *)(yq + 32 * sh)));
            }
            s0 = _mm256_dpwssd_epi32(s0, _mm256_packs_epi32(p[0], p[1]), pickw(sc16, h, 0, 2, 1, 3));
            s1 = _mm256_dpwssd_epi32(s1, _mm256_packs_epi32(p[2], p[3]), pickw(sc16, h, 4, 6, 5, 7));
        }
        const __m256i bs = _mm256_madd_epi16(sc16, _mm256_loadu_si256((const __m256i *)y[b].bsums));
        const __m256i t = _mm256_sub_epi32(_mm256_add_epi32(s0, s1), _mm256_slli_epi32(bs, 2));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(gk_f16(x[b].d) * y[b].d), _mm256_cvtepi32_ps(t), acc);
    }
    *s = gk_hsum(acc);
}

/* IQ4_XS: table values + 128 as unsigned bytes (vpdpbusd; the +128 taken back through the bsums).
 * A 32-byte load holds sub-blocks 2k (low 128 bits) and 2k+1, low nibbles = weights 0..15, high =
 * 16..31; the activation halves are loaded to match, so each 128-bit lane of the pair's sum belongs
 * to one sub-block, and a vphaddd tree yields the sub-block sums in the order 0 2 4 6 1 3 5 7 (the
 * scales and bsums are taken in that order). The sums do not fit int16: one vpmulld by the scales. */
AI __m256i load2x16(const int8_t *lo, const int8_t *hi) {
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)lo)),
                                   _mm_loadu_si128((const __m128i *)hi), 1);
}

void gk_vecdot_iq4_xs_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq4_xs *x = vx;
    const gk_block_q8_K *y = vy;
    const __m256i tbl = _mm256_xor_si256(_mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_kvalues_iq4nl)),
                                         _mm256_set1_epi8((char)0x80));
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    /* sub-block ib's scale: nibble ib of scales_l, 2 bits at 2 ib of scales_h; lanes in order 0 2 4 6 1 3 5 7 */
    const __m256i sh_l = _mm256_setr_epi32(0, 8, 16, 24, 4, 12, 20, 28), sh_h = _mm256_setr_epi32(0, 4, 8, 12, 2, 6, 10, 14);
    const __m256i order = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        uint32_t sl;
        memcpy(&sl, x[b].scales_l, 4);
        const __m256i ls = _mm256_sub_epi32(
            _mm256_or_si256(_mm256_and_si256(_mm256_srlv_epi32(_mm256_set1_epi32((int)sl), sh_l), _mm256_set1_epi32(15)),
                            _mm256_slli_epi32(_mm256_and_si256(_mm256_srlv_epi32(_mm256_set1_epi32(x[b].scales_h), sh_h),
                                                               _mm256_set1_epi32(3)), 4)),
            _mm256_set1_epi32(32));
        __m256i v[4];
        for (int k = 0; k < 4; k++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)(x[b].qs + 32 * k));
            const __m256i lo = _mm256_shuffle_epi8(tbl, _mm256_and_si256(bits, m4));
            const __m256i hi = _mm256_shuffle_epi8(tbl, _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4));
            const int8_t *yq = y[b].qs + 64 * k;
            v[k] = _mm256_dpbusd_epi32(dp0(lo, load2x16(yq, yq + 32)), hi, load2x16(yq + 16, yq + 48));
        }
        const __m256i sums = _mm256_hadd_epi32(_mm256_hadd_epi32(v[0], v[1]), _mm256_hadd_epi32(v[2], v[3]));
        const __m256i bs32 = _mm256_permutevar8x32_epi32(
            _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y[b].bsums), _mm256_set1_epi16(1)), order);
        const __m256i t = _mm256_mullo_epi32(ls, _mm256_sub_epi32(sums, _mm256_slli_epi32(bs32, 7)));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(gk_f16(x[b].d) * y[b].d), _mm256_cvtepi32_ps(t), acc);
    }
    *s = gk_hsum(acc);
}

/* TQ2_0: codes 0..2 (weight + 1) dotted with vpdpbusd, minus sum(y) from the bsums. Four
 * accumulators (one per 2-bit field) so the eight dpbusd of a super-block do not form one chain. */
void gk_vecdot_tq2_0_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_tq2_0 *x = vx;
    const gk_block_q8_K *y = vy;
    const __m256i m3 = _mm256_set1_epi8(3);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        __m256i a[4];
        const __m256i bs = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y[b].bsums), _mm256_set1_epi16(1));
        a[0] = _mm256_sub_epi32(_mm256_setzero_si256(), bs);
        a[1] = a[2] = a[3] = _mm256_setzero_si256();
        for (int g = 0; g < 2; g++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)(x[b].qs + 32 * g));
            const int8_t *yq = y[b].qs + 128 * g;
            a[0] = _mm256_dpbusd_epi32(a[0], _mm256_and_si256(bits, m3), _mm256_loadu_si256((const __m256i *)yq));
            /* fields 1 and 2 in place (4 q and 16 q): no shift; shifted back once per super-block */
            a[1] = _mm256_dpbusd_epi32(a[1], _mm256_and_si256(bits, _mm256_set1_epi8(0x0C)), _mm256_loadu_si256((const __m256i *)(yq + 32)));
            a[2] = _mm256_dpbusd_epi32(a[2], _mm256_and_si256(bits, _mm256_set1_epi8(0x30)), _mm256_loadu_si256((const __m256i *)(yq + 64)));
            a[3] = _mm256_dpbusd_epi32(a[3], _mm256_and_si256(_mm256_srli_epi16(bits, 6), m3), _mm256_loadu_si256((const __m256i *)(yq + 96)));
        }
        const __m256i t = _mm256_add_epi32(_mm256_add_epi32(a[0], _mm256_srai_epi32(a[1], 2)),
                                           _mm256_add_epi32(_mm256_srai_epi32(a[2], 4), a[3]));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(gk_f16(x[b].d) * y[b].d), _mm256_cvtepi32_ps(t), acc);
    }
    *s = gk_hsum(acc);
}
