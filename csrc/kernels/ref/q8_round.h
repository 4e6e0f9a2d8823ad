/* Rounding helper of the activation quantizers (static inline: shared by every tier). */
#ifndef GK_Q8_ROUND_H
#define GK_Q8_ROUND_H
#include <stdint.h>
#include <string.h>

/* Round to nearest, ties to even, for |f| <= 2^22: ggml's nearest_int (adds 1.5 * 2^23). */
static inline int gk_round_half_even(float f) {
    float v = f + 12582912.0f;
    int32_t i;
    memcpy(&i, &v, 4);
    return (i & 0x007fffff) - 0x00400000;
}
#endif
