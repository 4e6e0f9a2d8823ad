/* Lookup tables shared by every tier (defined once in tables.c; never static in a header). */
#ifndef GK_TABLES_H
#define GK_TABLES_H
#include <stdint.h>

#define GK_NGRID_IQ1S 2048
#define GK_IQ1S_DELTA 0.125f
#define GK_IQ1M_DELTA 0.125f

extern const uint8_t gk_kmask_iq2xs[8];
extern const uint8_t gk_ksigns_iq2xs[128];
extern const uint64_t gk_ksigns64[128];
extern const uint64_t gk_iq2xxs_grid[256];
extern const uint64_t gk_iq2xs_grid[512];
extern const uint64_t gk_iq2s_grid[1024];
extern const uint32_t gk_iq3xxs_grid[256];
extern const uint32_t gk_iq3s_grid[512];
extern const int8_t gk_kvalues_iq4nl[16];
extern const int8_t gk_kvalues_fp4[16];
extern const uint64_t gk_iq1s_grid[GK_NGRID_IQ1S];
extern const float gk_ue4m3_half_table[256]; /* NVFP4 scale byte -> value / 2 */

#endif
