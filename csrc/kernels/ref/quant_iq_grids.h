/* Search data for the grid-based IQ quantizers (IQ2_XXS, IQ2_XS, IQ2_S, IQ1_S, IQ1_M, IQ3_XXS, IQ3_S).
 *
 * The quantizers work on "levels": each element of a group of 8 (IQ2, IQ1) or 4 (IQ3) values gets a level l
 * (0..2 for IQ2/IQ1, 0..7 for IQ3) and the group's levels, packed 2 or 3 bits each, form a key u. A key that
 * is a grid point maps to its grid index; any other key maps to a short list of the grid points closest to
 * it (all points at the nwant smallest squared distances), which the quantizer then searches. This is the
 * same data ggml builds in iq2xs_init_impl / iq3xs_init_impl, derived here from the dequantization grids of
 * tables.h, built once per grid (pthread_once) by quant_iq_grids.c.
 *
 * Included by files of several ISA tiers: declarations and static inline helpers only. */
#ifndef GK_QUANT_IQ_GRIDS_H
#define GK_QUANT_IQ_GRIDS_H
#include <stdint.h>

typedef enum gk_iq_grid_id {
    GK_IQGRID_IQ2_XXS = 0, /* 256 points of 8, 3 levels, nwant 2 */
    GK_IQGRID_IQ2_XS,      /* 512 points of 8, nwant 2 */
    GK_IQGRID_IQ2_S,       /* 1024 points of 8, nwant 1 */
    GK_IQGRID_IQ1_S,       /* 2048 points of 8 (IQ1_S and IQ1_M), nwant 3 */
    GK_IQGRID_IQ3_XXS,     /* 256 points of 4, 8 levels, nwant 2 */
    GK_IQGRID_IQ3_S,       /* 512 points of 4, nwant 3 */
    GK_IQGRID_COUNT
} gk_iq_grid_id;

typedef struct gk_iq_grid {
    /* Grid point j as int8 values 2*l+1 (8 of them in grid8 for the 8-wide grids, 4 in grid4 for IQ3). */
    const uint64_t *grid8;
    const uint32_t *grid4;
    /* key -> grid index (>= 0), or -(o+1): neighbours[o] = count, neighbours[o+1 .. o+count] = grid indices,
     * ordered by distance then index, followed (for SIMD searches, 8 neighbours at a time) by their levels
     * transposed: with lv = (const uint8_t *)(neighbours + o + 1 + count), lv[8*(width*c + e) + lane] is
     * the level (0..7) of element e of neighbour 8c + lane (0 in the padding lanes past the count).
     * Keys with a level no quantizer produces are not filled (never read). */
    const int32_t *map;
    const uint16_t *neighbours;
    int grid_size;
} gk_iq_grid;

/* The search data of one grid, built on first use (thread-safe). NULL only if memory ran out. */
const gk_iq_grid *gk_iq_grid_get(gk_iq_grid_id id);

/* ggml's nearest_int: round to nearest, ties to even, for |f| <= 2^22 (the quantizers' range); never traps. */
static inline int gk_iq_nearest_int(float f) {
    union { float f; int32_t i; } u;
    u.f = f + 12582912.f;
    return (u.i & 0x007fffff) - 0x00400000;
}

#endif
