/* Scale decoders shared by the vec_dot kernels of every tier (static inline only). */
#ifndef GK_VECDOT_HELPERS_H
#define GK_VECDOT_HELPERS_H
#include <stdint.h>
#include <string.h>
#include "fp16.h"

#define GK_F16(h) gk_fp16_to_fp32(h)



/* The 8 six-bit scales and 8 six-bit mins of a Q4_K / Q5_K block (12 packed bytes). */
static inline void gk_unpack_k4_scales(const uint8_t *q, uint8_t *sc, uint8_t *mn) {
    for (int j = 0; j < 4; j++) {
        sc[j] = q[j] & 63;
        mn[j] = q[j + 4] & 63;
        sc[j + 4] = (q[j + 8] & 0xF) | ((q[j] >> 6) << 4);
        mn[j + 4] = (q[j + 8] >> 4) | ((q[j + 4] >> 6) << 4);
    }
}

/* The 16 signed six-bit scales of a Q3_K block (already minus 32). */
static inline void gk_unpack_q3_K_scales(const uint8_t *q, int8_t *sc) {
    for (int j = 0; j < 16; j++) {
        const int lo = j < 8 ? (q[j] & 0xF) : (q[j - 8] >> 4);
        const int hi = (q[8 + (j & 3)] >> (2 * (j >> 2))) & 3;
        sc[j] = (int8_t)((lo | (hi << 4)) - 32);
    }
}
#endif
