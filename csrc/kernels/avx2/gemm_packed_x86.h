/* The packed gemm driver shared by avx2/gemm_packed_avx2.c (tiles of 8 weight rows, ymm) and
 * avx512_vnni/gemm_packed_avx512_vnni.c (16 rows, zmm): weight rows are decoded once per tile (the
 * decoders of gemm_decode_x86.h) into int8 packed 4 bytes per row per vector, and a packed tile is reused
 * for every row of x. Each tier supplies what differs: how a decoded chunk is packed and its weight sums
 * taken (store_chunk), the micro-kernel over the rows of x (tile_rows), the tile width and group size.
 * Both are passed as constants to always_inline functions, so every tier and type gets its own code. */
#ifndef GK_GEMM_PACKED_X86_H
#define GK_GEMM_PACKED_X86_H
#include <stdlib.h>
#include <string.h>
#include "gemm_decode_x86.h"

#define GK_PACK_TILE_MAX 16 /* the widest tile (avx512_vnni) */
/* Rows of x per pass over the packed weight tiles: their activation bytes (IB * k) stay in L2 while
 * every tile passes over them. */
#define GK_GEMM_IB 64

typedef struct {
    uint8_t *wp;     /* k * tile packed int8 */
    float *scale;    /* nb * tile */
    float *minv;     /* nb * tile (NULL: no mins) */
    int32_t *wsum;   /* nb * tile: 128 * sum of the block's int8 weights */
} gk_packed_tile;

/* Activations in the form the micro-kernels want. */
typedef struct {
    uint8_t *xu;     /* m * k: q + offset (0x80: unsigned; 0 for the avx2 "wide" types, see there) */
    float *dx;       /* m * nb */
    float *sx;       /* m * nb: dx * sum(q) (for mins), or NULL */
    uint8_t offset;
} gk_act_form;
enum { ACT_Q8_0, ACT_Q8_1, ACT_Q8_K };

static inline void gk_act_from_q8_0(const void *a, size_t a_stride, int64_t m, int64_t k, int bl, gk_act_form *f) {
    const int64_t nb = k / bl, per = 32 / bl;
    for (int64_t i = 0; i < m; i++) {
        const gk_block_q8_0 *y = (const gk_block_q8_0 *)((const char *)a + i * a_stride);
        for (int64_t c = 0; c < k / 32; c++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)y[c].qs);
            _mm256_storeu_si256((__m256i *)(f->xu + i * k + c * 32), _mm256_xor_si256(q, _mm256_set1_epi8((char)f->offset)));
        }
        for (int64_t b = 0; b < nb; b++) f->dx[i * nb + b] = f16(y[b / per].d);
    }
}

/* Q8_1: the min term of Q4_1/Q5_1 uses s = d * sum(q) */
static inline void gk_act_from_q8_1(const void *a, size_t a_stride, int64_t m, int64_t k, gk_act_form *f) {
    const int64_t nb = k / 32;
    for (int64_t i = 0; i < m; i++) {
        const gk_block_q8_1 *y = (const gk_block_q8_1 *)((const char *)a + i * a_stride);
        for (int64_t b = 0; b < nb; b++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)y[b].qs);
            _mm256_storeu_si256((__m256i *)(f->xu + i * k + b * 32), _mm256_xor_si256(q, _mm256_set1_epi8((char)f->offset)));
            f->dx[i * nb + b] = f16(y[b].d);
            f->sx[i * nb + b] = f16(y[b].s);
        }
    }
}

static inline void gk_act_from_q8_K(const void *a, size_t a_stride, int64_t m, int64_t k, int bl, gk_act_form *f) {
    const int64_t nb = k / bl, per = GK_QK_K / bl;
    for (int64_t i = 0; i < m; i++) {
        const gk_block_q8_K *y = (const gk_block_q8_K *)((const char *)a + i * a_stride);
        for (int64_t c = 0; c < k / 32; c++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)(y[c / 8].qs + 32 * (c & 7)));
            _mm256_storeu_si256((__m256i *)(f->xu + i * k + c * 32), _mm256_xor_si256(q, _mm256_set1_epi8((char)f->offset)));
        }
        for (int64_t b = 0; b < nb; b++) {
            const gk_block_q8_K *yb = &y[b / per];
            const int j = (int)(b % per);
            f->dx[i * nb + b] = yb->d;
            if (f->sx) {
                const int bs = bl == 16 ? yb->bsums[j] : yb->bsums[2 * j] + yb->bsums[2 * j + 1];
                f->sx[i * nb + b] = yb->d * (float)bs;
            }
        }
    }
}

/* The tier's packing of one 32-weight chunk: q[r][ch] is chunk ch of the current super-block of row r
 * (r < tile); stores the packed vectors of row chunk c and the weight sums of its 32 / bl scale blocks. */
typedef void (*gk_store_chunk_fn)(__m256i (*q)[8], int ch, int64_t c, int bl, int wide, gk_packed_tile *t);

/* Pack rows [0, rows) (rows <= tile; missing rows are zero). A super-block of `nsub` scale blocks of
 * `bl` weights (16 or 32) decodes to nsub * bl / 32 chunks of 32 bytes; nb counts scale blocks. */
static inline __attribute__((always_inline)) void gk_pack_tile(const int tile, gk_store_chunk_fn store_chunk,
                                                               decode_fn dec, int nsub, int bl, const uint8_t *w,
                                                               size_t w_stride, int rows, int64_t nb, int has_min,
                                                               int wide, gk_packed_tile *t) {
    __m256i q[GK_PACK_TILE_MAX][8];
    float sc[GK_PACK_TILE_MAX][16], mn[GK_PACK_TILE_MAX][16];
    const int nch = nsub * bl / 32;
    for (int64_t sb = 0; sb < nb / nsub; sb++) {
        for (int r = 0; r < tile; r++) {
            if (r < rows) dec(w + (size_t)r * w_stride, sb, q[r], sc[r], mn[r]);
            else {
                for (int j = 0; j < nch; j++) q[r][j] = _mm256_setzero_si256();
                for (int j = 0; j < nsub; j++) { sc[r][j] = 0; mn[r][j] = 0; }
            }
        }
        for (int ch = 0; ch < nch; ch++) {
            const int64_t c = sb * nch + ch;  /* 32-element chunk index in the row */
            store_chunk(q, ch, c, bl, wide, t);
            const int per = 32 / bl;
            for (int h = 0; h < per; h++) {
                const int64_t b = c * per + h;     /* scale block index in the row */
                const int j = ch * per + h;        /* scale block index in the super-block */
                for (int r = 0; r < tile; r++) {
                    t->scale[b * tile + r] = sc[r][j];
                    if (has_min) t->minv[b * tile + r] = mn[r][j];
                }
            }
        }
    }
}

/* gk_pack_tile for one type: its decoder inlined (built by GK_DEFINE_PACK) */
typedef void (*gk_pack_fn)(const uint8_t *w, size_t w_stride, int rows, int64_t nb, gk_packed_tile *t);

/* The tier's micro-kernel loop: rows [i0, ie) of x against one packed tile of `rows` weight rows (the
 * others are padding), results to c (already at the tile's first column). */
typedef void (*gk_tile_rows_fn)(const gk_packed_tile *t, const gk_act_form *f, int64_t nb, int64_t k, int64_t i0,
                                int64_t ie, int bl, int wide, int has_min, int rows, float *c, int64_t c_stride);

static inline __attribute__((always_inline)) void gk_gemm_packed(const int tile, const int tgroup, gk_pack_fn pack,
                                                                 gk_tile_rows_fn tile_rows, int bl, int act,
                                                                 int has_min, int wide, int64_t k, const void *w,
                                                                 size_t w_stride, int64_t n, const void *a,
                                                                 size_t a_stride, int64_t m, float *c, int64_t c_stride) {
    const int64_t nb = k / bl, ntiles = (n + tile - 1) / tile;
    /* one pass over x (m <= IB) needs one tile at a time; more passes keep a group of up to tgroup
     * packed tiles (tgroup * tile weight rows) while every block of x rows passes over them */
    const int64_t kept = m <= GK_GEMM_IB ? 1 : (ntiles < tgroup ? ntiles : tgroup);
    gk_act_form f = {.offset = wide ? 0 : 0x80};
    gk_packed_tile *tiles = calloc((size_t)kept, sizeof(gk_packed_tile));
    int ok = tiles != NULL;
    f.xu = malloc((size_t)(m * k));
    f.dx = malloc(sizeof(float) * (size_t)(m * nb));
    if (has_min) f.sx = malloc(sizeof(float) * (size_t)(m * nb));
    ok = ok && f.xu && f.dx && (!has_min || f.sx);
    for (int64_t ti = 0; ok && ti < kept; ti++) {
        gk_packed_tile *t = &tiles[ti];
        t->wp = gk_amalloc((size_t)(k * tile));
        t->scale = gk_amalloc(sizeof(float) * (size_t)(nb * tile));
        t->wsum = gk_amalloc(sizeof(int32_t) * (size_t)(nb * tile));
        if (has_min) t->minv = gk_amalloc(sizeof(float) * (size_t)(nb * tile));
        ok = t->wp && t->scale && t->wsum && (!has_min || t->minv);
    }
    if (!ok) {
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) c[i * c_stride + j] = __builtin_nanf("");
        goto done;
    }
    if (act == ACT_Q8_K) gk_act_from_q8_K(a, a_stride, m, k, bl, &f);
    else if (act == ACT_Q8_1) gk_act_from_q8_1(a, a_stride, m, k, &f);
    else gk_act_from_q8_0(a, a_stride, m, k, bl, &f);
    for (int64_t g0 = 0; g0 < ntiles; g0 += kept) {
        const int64_t g1 = g0 + kept < ntiles ? g0 + kept : ntiles;
        if (kept > 1)
            for (int64_t ti = g0; ti < g1; ti++) {
                const int64_t jt = ti * tile;
                const int rows = n - jt < tile ? (int)(n - jt) : tile;
                pack((const uint8_t *)w + jt * w_stride, w_stride, rows, nb, &tiles[ti - g0]);
            }
        for (int64_t i0 = 0; i0 < m; i0 += GK_GEMM_IB) {
            const int64_t ie = i0 + GK_GEMM_IB < m ? i0 + GK_GEMM_IB : m;
            for (int64_t ti = g0; ti < g1; ti++) {
                const int64_t jt = ti * tile;
                const int rows = n - jt < tile ? (int)(n - jt) : tile;
                gk_packed_tile *tp = &tiles[kept > 1 ? ti - g0 : 0];
                if (kept == 1) pack((const uint8_t *)w + jt * w_stride, w_stride, rows, nb, tp);
                tile_rows(tp, &f, nb, k, i0, ie, bl, wide, has_min, rows, c + jt, c_stride);
            }
        }
    }
done:
    free(f.xu); free(f.dx); free(f.sx);
    if (tiles)
        for (int64_t ti = 0; ti < kept; ti++) {
            free(tiles[ti].wp); free(tiles[ti].scale); free(tiles[ti].wsum); free(tiles[ti].minv);
        }
    free(tiles);
}

/* pack_<name>: gk_pack_tile through the tier's wrapper PACK_TILE(dec, nsub, bl, w, w_stride, rows, nb,
 * has_min, wide, t) with one type's decoder inlined. */
#define GK_DEFINE_PACK(name, PACK_TILE, dec, nsub, bl, has_min, wide)                                   \
    static void pack_##name(const uint8_t *w, size_t w_stride, int rows, int64_t nb, gk_packed_tile *t) { \
        PACK_TILE(dec, nsub, bl, w, w_stride, rows, nb, has_min, wide, t);                              \
    }

/* One exported gemm entry `fname` (gk_gemm_fn). Below `small_m` rows of x, packing weight tiles costs
 * more than it saves: row i runs the tier's m = 1 path, the statement ROW_M1 (which reads the row's
 * activations at `xi` and writes its outputs to `ci`); otherwise the statement PACKED (the tier's driver,
 * with the entry's arguments k, w, w_stride, n, a, a_stride, m, c, c_stride). */
#define GK_DEFINE_GEMM_PACKED(fname, small_m, ROW_M1, PACKED)                                            \
    void fname(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride,    \
               int64_t m, float *c, int64_t c_stride);                                                  \
    void fname(int64_t k, const void *w, size_t w_stride, int64_t n, const void *a, size_t a_stride,    \
               int64_t m, float *c, int64_t c_stride) {                                                 \
        if (m < (small_m)) {                                                                            \
            for (int64_t i = 0; i < m; i++) {                                                           \
                const char *xi = (const char *)a + i * a_stride;                                        \
                float *ci = c + i * c_stride;                                                           \
                ROW_M1;                                                                                 \
            }                                                                                           \
            return;                                                                                     \
        }                                                                                               \
        PACKED;                                                                                         \
    }

#endif
