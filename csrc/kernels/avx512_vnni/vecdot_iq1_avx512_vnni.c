/* vec_dot of IQ1_S and IQ1_M (2048-entry grid of 8 weights in {-1, 0, 1}, plus a +-1/8 delta) with Q8_K
 * activations, AVX-512 + VNNI + VBMI.
 *
 * The grid is too large for in-register lookups, and gathers are slow on the CPUs we target (Zen 4: about
 * 12 cycles per 8 entries): the 11-bit indices are built in scalar registers with pdep (IQ1_S) or with
 * vector ops into a stack buffer read back a chunk later (IQ1_M), and the 8-byte grid entries are loaded
 * into vectors (vmovq/vpinsrq: loads and the index work are the limit). With u = g + 1 (unsigned, for
 * vpdpbusd) the dot of a sub-block is sum(u * q8) - sum(q8); deltas use the activation sums (bsums).
 * Integer sums are exact; the block's total is scaled once in float. */
#include "vecdot_simd_avx512_vnni.h"
#include "blocks.h"
#include "tables.h"
#include <pthread.h>

/* IQ1_M's grid as 8 * (g + 1) bytes (0, 8, 16), built once: saves the add and shift per 64 weights */
static uint64_t iq1_grid_x8[GK_NGRID_IQ1S];
static pthread_once_t iq1_grid_x8_once = PTHREAD_ONCE_INIT;
static void iq1_grid_x8_init(void) {
    for (int k = 0; k < GK_NGRID_IQ1S; ++k) {
        uint64_t v = 0;
        for (int j = 0; j < 8; ++j)
            v |= (uint64_t)(uint8_t)(8 * ((int8_t)(gk_iq1s_grid[k] >> (8 * j)) + 1)) << (8 * j);
        iq1_grid_x8[k] = v;
    }
}

/* Scale words for packs(p0, p1) / packs(p2, p3) (see the IQ2 kernels): word index stride * g of ls holds
 * the scale of 32-weight group g. */
static inline __m512i iq1_scales_for_pack(__m512i ls, int g0, int stride) {
    const short a = (short)(stride * g0), b = (short)(stride * (g0 + 1)), c = (short)(stride * (g0 + 2)),
                d = (short)(stride * (g0 + 3));
    return _mm512_permutexvar_epi16(_mm512_set_epi16(d, d, d, d, b, b, b, b, d, d, d, d, b, b, b, b,
                                                     c, c, c, c, a, a, a, a, c, c, c, c, a, a, a, a), ls);
}

/* The grid entries of 8 indices as one vector (64 weights): four 16-bit indices in each of a and b. The
 * indices are built in scalar registers with pdep (as ggml does): a vector-computed index array read back
 * by scalar loads stalls on store-to-load forwarding. */
static inline __m512i iq1_grid8(const uint64_t *grid, uint64_t a, uint64_t b) {
    return _mm512_set_epi64((long long)grid[b >> 48], (long long)grid[(b >> 32) & 0xffff],
                            (long long)grid[(b >> 16) & 0xffff], (long long)grid[b & 0xffff],
                            (long long)grid[a >> 48], (long long)grid[(a >> 32) & 0xffff],
                            (long long)grid[(a >> 16) & 0xffff], (long long)grid[a & 0xffff]);
}

/* Four low index bytes spread to the low bytes of 16-bit fields. */
static inline uint64_t iq1_lo(const uint8_t *qs) {
    uint32_t q;
    memcpy(&q, qs, 4);
    return _pdep_u64(q, 0x00ff00ff00ff00ffULL);
}

/* IQ1_M computes its grid byte offsets for IQ1_CHUNK blocks at a time with vector ops into a stack
 * buffer, and reads them back a chunk later (long after the stores: no store-to-load forwarding stall),
 * two per 64-bit load: no pdep, fewer loads than per-byte index reads (measured 13% faster than the pdep
 * path for IQ1_M, which needs 5 pdep/pext per 64 weights; IQ1_S's pdep path was as fast as this). */
#define IQ1_CHUNK 16

/* 8 grid entries (64 weights) at the byte offsets o[0..7] of grid */
static inline __m512i iq1_grid8_at(const uint8_t *grid, const uint32_t *o) {
    uint64_t p0, p1, p2, p3;
    memcpy(&p0, o, 8);
    memcpy(&p1, o + 2, 8);
    memcpy(&p2, o + 4, 8);
    memcpy(&p3, o + 6, 8);
    __m128i v0 = _mm_loadl_epi64((const __m128i *)(grid + (uint32_t)p0));
    __m128i v1 = _mm_loadl_epi64((const __m128i *)(grid + (uint32_t)p1));
    __m128i v2 = _mm_loadl_epi64((const __m128i *)(grid + (uint32_t)p2));
    __m128i v3 = _mm_loadl_epi64((const __m128i *)(grid + (uint32_t)p3));
    int64_t e1, e3, e5, e7;
    memcpy(&e1, grid + (p0 >> 32), 8);
    memcpy(&e3, grid + (p1 >> 32), 8);
    memcpy(&e5, grid + (p2 >> 32), 8);
    memcpy(&e7, grid + (p3 >> 32), 8);
    v0 = _mm_insert_epi64(v0, e1, 1);
    v1 = _mm_insert_epi64(v1, e3, 1);
    v2 = _mm_insert_epi64(v2, e5, 1);
    v3 = _mm_insert_epi64(v3, e7, 1);
    const __m256i lo = _mm256_inserti128_si256(_mm256_castsi128_si256(v0), v1, 1);
    const __m256i hi = _mm256_inserti128_si256(_mm256_castsi128_si256(v2), v3, 1);
    return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}

void gk_vecdot_iq1_s_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq1_s *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    const __m512i ones = _mm512_set1_epi8(1), zero = _mm512_setzero_si512();
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const __m128i qh = _mm_loadu_si128((const __m128i *)x[i].qh);
        __m512i p[4];
        for (int c = 0; c < 4; ++c) {
            /* index of entry l of group g: qs[4g + l] | ((qh[g] >> 3l) & 7) << 8 */
            const uint64_t a = iq1_lo(x[i].qs + 8 * c) | _pdep_u64(x[i].qh[2 * c], 0x0700070007000700ULL);
            const uint64_t b = iq1_lo(x[i].qs + 8 * c + 4) | _pdep_u64(x[i].qh[2 * c + 1], 0x0700070007000700ULL);
            const __m512i u = _mm512_add_epi8(iq1_grid8(gk_iq1s_grid, a, b), ones);
            p[c] = _mm512_dpbusd_epi32(zero, u, _mm512_loadu_si512(y[i].qs + 64 * c));
        }
        /* word g: 8 * ls_g, ls = 2 * ((qh >> 12) & 7) + 1 */
        const __m128i ls = _mm_or_si128(_mm_and_si128(_mm_srli_epi16(qh, 11), _mm_set1_epi16(14)), _mm_set1_epi16(1));
        const __m512i ls8 = _mm512_castsi128_si512(_mm_slli_epi16(ls, 3));
        __m512i sumi = _mm512_dpwssd_epi32(zero, _mm512_packs_epi32(p[0], p[1]), iq1_scales_for_pack(ls8, 0, 1));
        sumi = _mm512_dpwssd_epi32(sumi, _mm512_packs_epi32(p[2], p[3]), iq1_scales_for_pack(ls8, 4, 1));
        /* 8 * (sum(g * q8) + delta / 8 * sum(q8)) = 8 * sum(u * q8) + (delta - 8) * sum(q8), per group with ls:
         * coefficient ls * (delta - 8) for both bsums of group g */
        const __m128i neg = _mm_srai_epi16(qh, 15);                                  /* delta = -1 */
        const __m128i f = _mm_sub_epi16(_mm_set1_epi16(-7), _mm_and_si128(neg, _mm_set1_epi16(2)));
        const __m256i c32 = _mm256_cvtepi16_epi32(_mm_mullo_epi16(ls, f));
        const __m256i c2 = _mm256_or_si256(_mm256_and_si256(c32, _mm256_set1_epi32(0xffff)), _mm256_slli_epi32(c32, 16));
        const __m256i bsum = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y[i].bsums), c2);
        sumi = _mm512_add_epi32(sumi, _mm512_zextsi256_si512(bsum));
        const float d = gk_vd_half(x[i].d) * y[i].d;
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(d), acc);
    }
    *s = 0.125f * _mm512_reduce_add_ps(acc);
}

/* multishift control: the low byte of word h gets the 3-bit scale field of 16-weight half-group hmap(h)
 * of IQ1_M (bits 16 * (hg / 4) + 6 * ((hg / 2) % 2) + 3 * (hg % 2) of the 64-bit scales) */
static inline __m512i iq1m_scale_ctrl(const int hg_of_word[32]) {
    uint8_t ctrl[64];
    for (int w = 0; w < 32; ++w) {
        const int h = hg_of_word[w];
        ctrl[2 * w] = ctrl[2 * w + 1] = (uint8_t)(16 * (h / 4) + 6 * ((h / 2) % 2) + 3 * (h % 2));
    }
    return _mm512_loadu_si512(ctrl);
}

/* 2 * (v & 7) + 1 per word */
static inline __m512i odd3(__m512i v) {
    return _mm512_ternarylogic_epi32(_mm512_slli_epi16(v, 1), _mm512_set1_epi16(0x0e), _mm512_set1_epi16(1), 0xea);
}

/* IQ1_M: a scale per 16 weights and a delta per 8. With u = g + 1 and w = 8u + delta + 1 (an unsigned
 * byte: 8g + delta = w - 9), 8 * dot = sum(ls * w * q8) - 9 * sum(ls * bsum) over the 16-weight halves. */
void gk_vecdot_iq1_m_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    pthread_once(&iq1_grid_x8_once, iq1_grid_x8_init);
    const gk_block_iq1_m *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    int pack_a[32], pack_b[32], natural[32];
    for (int w = 0; w < 32; ++w) {
        const int m = w / 4, j = m / 2; /* pack layout: words 0-3 of lane j from p[even], 4-7 from p[odd] */
        pack_a[w] = (m % 2) * 4 + j;
        pack_b[w] = 8 + (m % 2) * 4 + j;
        natural[w] = w < 16 ? w : 0;
    }
    const __m512i sc_ctrl_a = iq1m_scale_ctrl(pack_a), sc_ctrl_b = iq1m_scale_ctrl(pack_b), sc_ctrl_n = iq1m_scale_ctrl(natural);
    const __m512i zero = _mm512_setzero_si512(), two = _mm512_set1_epi8(2);
    __m512 acc = _mm512_setzero_ps();
    /* pass 1 lanes (16 entries of qs[16h..16h+15]): entry k takes the nibble k % 2 of qh byte k / 2 */
    const __m512i hsel = _mm512_set_epi32(7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0, 0);
    const __m512i hshift = _mm512_set_epi32(4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0);
    uint32_t offs[IQ1_CHUNK * 32] GK_ALIGN64;
    for (int64_t i0 = 0; i0 < nb; i0 += IQ1_CHUNK) {
        const int nc = nb - i0 < IQ1_CHUNK ? (int)(nb - i0) : IQ1_CHUNK;
        /* pass 1: byte offset of entry l of group g = 8 * (qs[4g + l] | (nibble l of qh[2g..2g+1] & 7) << 8) */
        for (int j = 0; j < nc; ++j) {
            const gk_block_iq1_m *b = x + i0 + j;
            for (int h = 0; h < 2; ++h) {
                const __m512i q = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(b->qs + 16 * h)));
                const __m512i qh = _mm512_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(b->qh + 8 * h)));
                const __m512i hb = _mm512_slli_epi32(_mm512_srlv_epi32(_mm512_permutexvar_epi32(hsel, qh), hshift), 11);
                /* (hb & 0x3800) | (q << 3) */
                _mm512_store_si512(offs + 32 * j + 16 * h,
                                   _mm512_ternarylogic_epi32(hb, _mm512_set1_epi32(0x3800), _mm512_slli_epi32(q, 3), 0xea));
            }
        }
        for (int j = 0; j < nc; ++j) {
            const int64_t i = i0 + j;
            __m512i p[4];
            for (int c = 0; c < 4; ++c) {
                uint32_t h4;
                memcpy(&h4, x[i].qh + 4 * c, 4);
                const __m512i u8 = iq1_grid8_at((const uint8_t *)iq1_grid_x8, offs + 32 * j + 8 * c);
                /* delta + 1 = 2 for the entries whose delta bit (bit 3 of their nibble) is clear: a 64-bit add
                 * of 0x0202...02 to their qword (bytes are at most 16, no carry crosses a byte) */
                const __mmask8 plus = (__mmask8)~_pext_u32(h4, 0x88888888u);
                const __m512i w = _mm512_mask_add_epi64(u8, plus, u8, two);
                p[c] = _mm512_dpbusd_epi32(zero, w, _mm512_loadu_si512(y[i].qs + 64 * c));
            }
            uint64_t sc64;
            memcpy(&sc64, x[i].scales, 8);
            const __m512i scb = _mm512_set1_epi64((long long)sc64);
            __m512i sumi = _mm512_dpwssd_epi32(zero, _mm512_packs_epi32(p[0], p[1]), odd3(_mm512_multishift_epi64_epi8(sc_ctrl_a, scb)));
            sumi = _mm512_dpwssd_epi32(sumi, _mm512_packs_epi32(p[2], p[3]), odd3(_mm512_multishift_epi64_epi8(sc_ctrl_b, scb)));
            const __m256i ls_n = _mm512_castsi512_si256(odd3(_mm512_multishift_epi64_epi8(sc_ctrl_n, scb)));
            const __m256i bs = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y[i].bsums), ls_n);
            sumi = _mm512_sub_epi32(sumi, _mm512_zextsi256_si512(_mm256_mullo_epi32(bs, _mm256_set1_epi32(9))));
            const uint16_t scale = (uint16_t)_pext_u64(sc64, 0xF000F000F000F000ULL);
            const __m512 d = _mm512_mul_ps(_mm512_cvtph_ps(_mm256_set1_epi16((short)scale)), _mm512_set1_ps(y[i].d));
            acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), d, acc);
        }
    }
    *s = 0.125f * _mm512_reduce_add_ps(acc);
}
