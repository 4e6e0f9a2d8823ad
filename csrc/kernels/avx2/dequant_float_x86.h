/* The loop shared by the F32 / F16 / BF16 dequantizers of the avx2 and avx512 tiers (each tier's
 * dequant_float_<isa>.c gives its own 32-value converters). Calls that write at least GK_STREAM_MIN floats
 * use non-temporal stores after aligning the destination: see dequant_float_avx2.c for why. */
#ifndef GK_DEQUANT_FLOAT_X86_H
#define GK_DEQUANT_FLOAT_X86_H
#include <immintrin.h>
#include <stdint.h>

#define GK_STREAM_MIN (1 << 21) /* floats (8 MB) */

/* Scalar head up to 'align' bytes of y (streaming only), body32(x, y, stream) 32 at a time, scalar
 * tail; 'stream' is a compile-time constant at each call of body32. */
#define GK_FLOAT_LOOP(T, body32, scalar, align)                                     \
    const T *x = (const T *)vx;                                                     \
    int64_t i = 0;                                                                  \
    if (n >= GK_STREAM_MIN) {                                                       \
        for (; i < n && ((uintptr_t)(y + i) & ((align) - 1)); i++) y[i] = scalar(x[i]); \
        for (; i + 32 <= n; i += 32) body32(x + i, y + i, 1);                       \
        _mm_sfence();                                                               \
    }                                                                               \
    for (; i + 32 <= n; i += 32) body32(x + i, y + i, 0);                           \
    for (; i < n; i++) y[i] = scalar(x[i]);

static inline float f32_id(float v) { return v; }

#endif
