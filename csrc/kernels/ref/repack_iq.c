/* Packers from the grid-coded IQ types to ggufkit's repacked layouts (gk_block_iq1_rp, gk_block_iq2_rp,
 * gk_block_iq3_rp in blocks.h): each grid entry is expanded once into 2-bit codes (IQ3: signed nibbles),
 * sign fields into plain bits, so that the m = 1 kernels stream codes with no lookups. Portable scalar code: packing runs once per weight. */
#include <string.h>
#include "blocks.h"
#include "tables.h"
#include "ggufkit/gk_repack.h"

/* code c (0..3) of weight i (0..255) into q2 */
static inline void put2(uint8_t *q2, int i, int c) { q2[i % 64] |= (uint8_t)(c << (2 * (i / 64))); }

/* ---- IQ1: u = g + 1 from the int8 grid entries {-1, 0, 1} ---- */
static void put_iq1_entry(gk_block_iq1_rp *r, int e, int idx, int delta_neg) {
    const uint64_t g = gk_iq1s_grid[idx];
    for (int j = 0; j < 8; j++) put2(r->q2, 8 * e + j, (int8_t)(g >> (8 * j)) + 1);
    if (delta_neg) r->delta[e / 8] |= (uint8_t)(1u << (e % 8));
}

void gk_repack_iq1_s(const void *src, void *dst, int64_t nblocks) {
    const gk_block_iq1_s *x = src;
    gk_block_iq1_rp *r = dst;
    for (int64_t b = 0; b < nblocks; b++, r++) {
        memset(r, 0, sizeof *r);
        uint16_t words[4] = {0, 0, 0, 0};
        for (int ib = 0; ib < 8; ib++) {
            const int qh = x[b].qh[ib], ls = (qh >> 12) & 7;
            for (int l = 0; l < 4; l++)
                put_iq1_entry(r, 4 * ib + l, x[b].qs[4 * ib + l] | (((qh >> (3 * l)) & 7) << 8), qh & 0x8000);
            /* both 16-weight halves of the 32-weight group take its scale */
            for (int h = 2 * ib; h < 2 * ib + 2; h++) words[h / 4] |= (uint16_t)(ls << (3 * (h % 4)));
        }
        for (int w = 0; w < 4; w++) {
            words[w] |= (uint16_t)(((x[b].d >> (4 * w)) & 0xf) << 12);
            memcpy(r->scales + 2 * w, &words[w], 2);
        }
    }
}

void gk_repack_iq1_m(const void *src, void *dst, int64_t nblocks) {
    const gk_block_iq1_m *x = src;
    gk_block_iq1_rp *r = dst;
    for (int64_t b = 0; b < nblocks; b++, r++) {
        memset(r, 0, sizeof *r);
        for (int e = 0; e < 32; e++) {
            const int h = x[b].qh[e / 2] >> (4 * (e % 2)); /* the entry's nibble: 3 index bits, delta bit */
            put_iq1_entry(r, e, x[b].qs[e] | ((h & 7) << 8), h & 8);
        }
        memcpy(r->scales, x[b].scales, 8);
    }
}

/* ---- IQ2: magnitude codes 0, 1, 2 for the grid bytes 8, 25, 43 ---- */
static void put_iq2_entry(gk_block_iq2_rp *r, int e, uint64_t g, uint8_t signs) {
    for (int j = 0; j < 8; j++) {
        const int v = (int)((g >> (8 * j)) & 0xff);
        put2(r->q2, 8 * e + j, v == 8 ? 0 : v == 25 ? 1 : 2);
    }
    r->signs[e] = signs;
}

void gk_repack_iq2_xxs(const void *src, void *dst, int64_t nblocks) {
    const gk_block_iq2_xxs *x = src;
    gk_block_iq2_rp *r = dst;
    for (int64_t b = 0; b < nblocks; b++, r++) {
        memset(r, 0, sizeof *r);
        for (int ib = 0; ib < 8; ib++) {
            uint32_t aux[2];
            memcpy(aux, x[b].qs + 4 * ib, 8);
            for (int l = 0; l < 4; l++)
                put_iq2_entry(r, 4 * ib + l, gk_iq2xxs_grid[(aux[0] >> (8 * l)) & 0xff], gk_ksigns_iq2xs[(aux[1] >> (7 * l)) & 127]);
            const uint8_t s = (uint8_t)(aux[1] >> 28);
            r->scales[ib] = (uint8_t)(s | s << 4); /* one scale per 32 weights: both halves */
        }
        r->d = x[b].d;
    }
}

void gk_repack_iq2_xs(const void *src, void *dst, int64_t nblocks) {
    const gk_block_iq2_xs *x = src;
    gk_block_iq2_rp *r = dst;
    for (int64_t b = 0; b < nblocks; b++, r++) {
        memset(r, 0, sizeof *r);
        for (int e = 0; e < 32; e++) put_iq2_entry(r, e, gk_iq2xs_grid[x[b].qs[e] & 511], gk_ksigns_iq2xs[x[b].qs[e] >> 9]);
        memcpy(r->scales, x[b].scales, 8);
        r->d = x[b].d;
    }
}

void gk_repack_iq2_s(const void *src, void *dst, int64_t nblocks) {
    const gk_block_iq2_s *x = src;
    gk_block_iq2_rp *r = dst;
    for (int64_t b = 0; b < nblocks; b++, r++) {
        memset(r, 0, sizeof *r);
        for (int e = 0; e < 32; e++) {
            const int idx = x[b].qs[e] | ((x[b].qh[e / 4] >> (2 * (e % 4))) & 3) << 8;
            put_iq2_entry(r, e, gk_iq2s_grid[idx], x[b].qs[32 + e]);
        }
        memcpy(r->scales, x[b].scales, 8);
        r->d = x[b].d;
    }
}

/* ---- IQ3: a nibble per weight, magnitude code m | sign << 3 ---- */
/* the 4 grid bytes of entry idx for weights w0..w0+3, signs from bits sbit.. of the 8-bit sign field */
static void put_iq3_entry(gk_block_iq3_rp *r, int w0, uint32_t g, uint8_t signs, int sbit, int iq3s) {
    for (int j = 0; j < 4; j++) {
        const int v = (int)((g >> (8 * j)) & 0xff), w = w0 + j;
        /* IQ3_XXS bytes {4, 12, ..., 52, 62}, IQ3_S bytes {1, 3, ..., 15} */
        const int m = iq3s ? (v - 1) / 2 : v == 62 ? 7 : (v - 4) / 8;
        const int nib = m | (((signs >> (sbit + j)) & 1) << 3);
        r->q4[w % 128] |= (uint8_t)(nib << (4 * (w / 128)));
    }
}

void gk_repack_iq3_xxs(const void *src, void *dst, int64_t nblocks) {
    const gk_block_iq3_xxs *x = src;
    gk_block_iq3_rp *r = dst;
    for (int64_t b = 0; b < nblocks; b++, r++) {
        memset(r, 0, sizeof *r);
        const uint8_t *q3 = x[b].qs, *gas = x[b].qs + 64;
        for (int ib = 0; ib < 8; ib++) {
            uint32_t aux;
            memcpy(&aux, gas + 4 * ib, 4);
            for (int l = 0; l < 4; l++) {
                const uint8_t signs = gk_ksigns_iq2xs[(aux >> (7 * l)) & 127];
                put_iq3_entry(r, 32 * ib + 8 * l, gk_iq3xxs_grid[q3[8 * ib + 2 * l]], signs, 0, 0);
                put_iq3_entry(r, 32 * ib + 8 * l + 4, gk_iq3xxs_grid[q3[8 * ib + 2 * l + 1]], signs, 4, 0);
            }
            r->scales[ib / 2] |= (uint8_t)((aux >> 28) << (4 * (ib % 2)));
        }
        r->d = x[b].d;
    }
}

void gk_repack_iq3_s(const void *src, void *dst, int64_t nblocks) {
    const gk_block_iq3_s *x = src;
    gk_block_iq3_rp *r = dst;
    for (int64_t b = 0; b < nblocks; b++, r++) {
        memset(r, 0, sizeof *r);
        for (int ib = 0; ib < 8; ib++) {
            const int qh = x[b].qh[ib];
            for (int l = 0; l < 4; l++) {
                const uint8_t signs = x[b].signs[4 * ib + l];
                const int i0 = x[b].qs[8 * ib + 2 * l] | ((qh >> (2 * l)) & 1) << 8;
                const int i1 = x[b].qs[8 * ib + 2 * l + 1] | ((qh >> (2 * l + 1)) & 1) << 8;
                put_iq3_entry(r, 32 * ib + 8 * l, gk_iq3s_grid[i0], signs, 0, 1);
                put_iq3_entry(r, 32 * ib + 8 * l + 4, gk_iq3s_grid[i1], signs, 4, 1);
            }
        }
        memcpy(r->scales, x[b].scales, 4); /* the same nibble layout */
        r->d = x[b].d;
    }
}
