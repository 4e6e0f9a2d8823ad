/* The key -> grid-point maps and neighbour lists of the grid-based IQ quantizers (see quant_iq_grids.h).
 *
 * Same content as ggml's iq2xs_init_impl / iq3xs_init_impl: for each grid the points as levels 2*l+1, a map
 * from packed level keys to grid indices, and for every key off the grid the list of grid points at the nwant
 * smallest squared distances (ordered by distance, then index, as ggml's qsort of (distance, index) pairs
 * leaves them). Built from the dequantization grids of tables.h: a grid byte's level is its rank among the
 * distinct byte values of that grid (e.g. IQ2: 0x08, 0x19, 0x2b -> 0, 1, 2; IQ1_S: -1, 0, 1 -> 0, 1, 2).
 * Only keys a quantizer can produce are filled (levels 0..2 for the 8-wide grids), which makes the build
 * several times cheaper than ggml's without changing any list that is read. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tables.h"
#include "quant_iq_grids.h"

#define MAP8_SIZE 43692 /* ggml's kmap_size: keys of 8 levels 0..2 (2 bits each) are below it */
#define MAP4_SIZE 4096  /* keys of 4 levels 0..7 (3 bits each) */

typedef struct {
    int grid_size, width, bits, nwant, max_level;
} grid_spec;

static const grid_spec k_specs[GK_IQGRID_COUNT] = {
    [GK_IQGRID_IQ2_XXS] = {256, 8, 2, 2, 2},
    [GK_IQGRID_IQ2_XS] = {512, 8, 2, 2, 2},
    [GK_IQGRID_IQ2_S] = {1024, 8, 2, 1, 2},
    [GK_IQGRID_IQ1_S] = {GK_NGRID_IQ1S, 8, 2, 3, 2},
    [GK_IQGRID_IQ3_XXS] = {256, 4, 3, 2, 7},
    [GK_IQGRID_IQ3_S] = {512, 4, 3, 3, 7},
};

/* Static storage for the built data; neighbour lists (size known only after the search) are malloc'ed once. */
static uint64_t g_grid8_iq2xxs[256], g_grid8_iq2xs[512], g_grid8_iq2s[1024], g_grid8_iq1s[GK_NGRID_IQ1S];
static uint32_t g_grid4_iq3xxs[256], g_grid4_iq3s[512];
static int32_t g_map8[4][MAP8_SIZE];
static int32_t g_map4[2][MAP4_SIZE];
static gk_iq_grid g_grids[GK_IQGRID_COUNT];
static int g_ok[GK_IQGRID_COUNT];

/* Byte e (0..width-1) of dequantization grid point j. */
static int dequant_grid_byte(gk_iq_grid_id id, int j, int e) {
    switch (id) {
    case GK_IQGRID_IQ2_XXS: return (int)((gk_iq2xxs_grid[j] >> 8 * e) & 0xff);
    case GK_IQGRID_IQ2_XS: return (int)((gk_iq2xs_grid[j] >> 8 * e) & 0xff);
    case GK_IQGRID_IQ2_S: return (int)((gk_iq2s_grid[j] >> 8 * e) & 0xff);
    case GK_IQGRID_IQ1_S: return (int)(int8_t)((gk_iq1s_grid[j] >> 8 * e) & 0xff);
    case GK_IQGRID_IQ3_XXS: return (int)((gk_iq3xxs_grid[j] >> 8 * e) & 0xff);
    case GK_IQGRID_IQ3_S: return (int)((gk_iq3s_grid[j] >> 8 * e) & 0xff);
    default: return 0;
    }
}

typedef struct {
    uint16_t *data;
    size_t len, cap;
} u16_buf;

static int buf_push(u16_buf *b, uint16_t v) {
    if (b->len == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 4096;
        uint16_t *p = (uint16_t *)realloc(b->data, cap * sizeof(uint16_t));
        if (!p) return -1;
        b->data = p;
        b->cap = cap;
    }
    b->data[b->len++] = v;
    return 0;
}

/* Whether every level of key is <= max_level (the keys a quantizer can produce). */
static int key_reachable(const grid_spec *s, int key) {
    const int mask = (1 << s->bits) - 1;
    for (int e = 0; e < s->width; ++e)
        if (((key >> s->bits * e) & mask) > s->max_level) return 0;
    return 1;
}

static void build_grid(gk_iq_grid_id id) {
    const grid_spec *s = &k_specs[id];
    const int n = s->grid_size, width = s->width, bits = s->bits;
    int8_t *pts = (int8_t *)malloc((size_t)n * 8); /* levels 2*l+1, 8 bytes per point */
    int *d2 = (int *)malloc((size_t)n * sizeof(int));
    u16_buf nb = {NULL, 0, 0};
    if (!pts || !d2) goto done;

    /* Levels: rank of each byte among the grid's distinct byte values. */
    int values[16], nvalues = 0;
    for (int j = 0; j < n; ++j)
        for (int e = 0; e < width; ++e) {
            int v = dequant_grid_byte(id, j, e), seen = 0;
            for (int t = 0; t < nvalues; ++t) seen |= values[t] == v;
            if (!seen && nvalues < 16) values[nvalues++] = v;
        }
    for (int a = 1; a < nvalues; ++a) /* insertion sort, ascending */
        for (int b = a; b > 0 && values[b - 1] > values[b]; --b) {
            int t = values[b]; values[b] = values[b - 1]; values[b - 1] = t;
        }
    memset(pts, 0, (size_t)n * 8);
    for (int j = 0; j < n; ++j)
        for (int e = 0; e < width; ++e) {
            int v = dequant_grid_byte(id, j, e), l = 0;
            while (l < nvalues && values[l] != v) ++l;
            pts[8 * j + e] = (int8_t)(2 * l + 1);
        }

    int32_t *map;
    int map_size;
    if (width == 8) {
        uint64_t *g8 = id == GK_IQGRID_IQ2_XXS ? g_grid8_iq2xxs : id == GK_IQGRID_IQ2_XS ? g_grid8_iq2xs
                     : id == GK_IQGRID_IQ2_S ? g_grid8_iq2s : g_grid8_iq1s;
        memcpy(g8, pts, (size_t)n * 8);
        g_grids[id].grid8 = g8;
        map = g_map8[id - GK_IQGRID_IQ2_XXS];
        map_size = MAP8_SIZE;
    } else {
        uint32_t *g4 = id == GK_IQGRID_IQ3_XXS ? g_grid4_iq3xxs : g_grid4_iq3s;
        for (int j = 0; j < n; ++j) memcpy(g4 + j, pts + 8 * j, 4);
        g_grids[id].grid4 = g4;
        map = g_map4[id - GK_IQGRID_IQ3_XXS];
        map_size = MAP4_SIZE;
    }
    for (int k = 0; k < map_size; ++k) map[k] = -1;
    for (int j = 0; j < n; ++j) {
        int key = 0;
        for (int e = 0; e < width; ++e) key |= ((pts[8 * j + e] - 1) / 2) << bits * e;
        map[key] = j;
    }

    for (int key = 0; key < map_size; ++key) {
        if (map[key] >= 0 || !key_reachable(s, key)) continue;
        int8_t pos[8];
        for (int e = 0; e < width; ++e) pos[e] = (int8_t)(2 * ((key >> bits * e) & ((1 << bits) - 1)) + 1);
        /* The nwant smallest distinct distances, ascending. */
        int best[3], nbest = 0;
        for (int j = 0; j < n; ++j) {
            int d = 0;
            for (int e = 0; e < width; ++e) d += (pts[8 * j + e] - pos[e]) * (pts[8 * j + e] - pos[e]);
            d2[j] = d;
            int t = 0;
            while (t < nbest && best[t] < d) ++t;
            if (t < nbest && best[t] == d) continue;
            if (t >= s->nwant) continue;
            if (nbest < s->nwant) ++nbest;
            for (int u = nbest - 1; u > t; --u) best[u] = best[u - 1];
            best[t] = d;
        }
        const size_t start = nb.len;
        if (buf_push(&nb, 0)) goto done;
        for (int t = 0; t < nbest; ++t)
            for (int j = 0; j < n; ++j)
                if (d2[j] == best[t] && buf_push(&nb, (uint16_t)j)) goto done;
        const int count = (int)(nb.len - start - 1);
        nb.data[start] = (uint16_t)count;
        map[key] = -(int32_t)start - 1;
        /* The transposed copy for the SIMD searches, right after the list (in uint16 slots). */
        const int nchunks = (count + 7) / 8;
        for (int t = 0; t < nchunks * width * 4; ++t)
            if (buf_push(&nb, 0)) goto done;
        uint8_t *lv = (uint8_t *)(nb.data + start + 1 + count);
        for (int t = 0; t < count; ++t) {
            const int j = nb.data[start + 1 + t];
            for (int e = 0; e < width; ++e)
                lv[8 * (width * (t / 8) + e) + t % 8] = (uint8_t)((pts[8 * j + e] - 1) / 2);
        }
    }
    g_grids[id].map = map;
    g_grids[id].neighbours = nb.data;
    g_grids[id].grid_size = n;
    nb.data = NULL;
    g_ok[id] = 1;
done:
    free(nb.data);
    free(d2);
    free(pts);
}

static pthread_once_t g_once[GK_IQGRID_COUNT] = {
    PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT,
    PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT,
};
static void init_iq2_xxs(void) { build_grid(GK_IQGRID_IQ2_XXS); }
static void init_iq2_xs(void) { build_grid(GK_IQGRID_IQ2_XS); }
static void init_iq2_s(void) { build_grid(GK_IQGRID_IQ2_S); }
static void init_iq1_s(void) { build_grid(GK_IQGRID_IQ1_S); }
static void init_iq3_xxs(void) { build_grid(GK_IQGRID_IQ3_XXS); }
static void init_iq3_s(void) { build_grid(GK_IQGRID_IQ3_S); }
static void (*const g_init[GK_IQGRID_COUNT])(void) = {
    init_iq2_xxs, init_iq2_xs, init_iq2_s, init_iq1_s, init_iq3_xxs, init_iq3_s,
};

const gk_iq_grid *gk_iq_grid_get(gk_iq_grid_id id) {
    if ((unsigned)id >= GK_IQGRID_COUNT) return NULL;
    pthread_once(&g_once[id], g_init[id]);
    return g_ok[id] ? &g_grids[id] : NULL;
}
