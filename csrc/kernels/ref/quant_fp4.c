/* Reference quantizers of the 4-bit float types MXFP4 (E2M1 values, an E8M0 exponent per 32) and
 * NVFP4 (E2M1 values, a UE4M3 scale per 16), bit-exact with ggml's quantize_row_{mx,nv}fp4_ref
 * (they ignore an importance matrix). The value table holds twice the E2M1 values. */
#include <math.h>
#include "ggufkit/gk_kernels.h"
#include "tables.h"
#include "quant_ref.h"

/* Index of the table value nearest to x / e (first one on ties). */
static inline int best_index_fp4(float x, float e) {
    int best_index = 0;
    float best_err = fabsf(gk_kvalues_fp4[0] * e - x);
    for (int i = 1; i < 16; i++) {
        float err = fabsf(gk_kvalues_fp4[i] * e - x);
        if (err < best_err) { best_index = i; best_err = err; }
    }
    return best_index;
}

/* 2^(x-128): half the E8M0 value (the table is doubled). */
static inline float e8m0_to_fp32_half(uint8_t x) {
    uint32_t bits = x < 2 ? 0x00200000u << x : (uint32_t)(x - 1) << 23;
    return gk_bits_to_f32(bits);
}

/* Half the UE4M3 value (0 and 0x7F mean zero). */
static inline float ue4m3_to_fp32_half(uint8_t x) {
    if (x == 0 || x == 0x7F) return 0.0f;
    int exp = (x >> 3) & 0xF, man = x & 0x7;
    float raw = exp == 0 ? ldexpf((float)man, -9) : ldexpf(1.0f + (float)man / 8.0f, exp - 7);
    return raw * 0.5f;
}

/* Positive float to UE4M3, rounding half up on the mantissa, saturating at 448 (0x7E). */
static inline uint8_t fp32_to_ue4m3(float x) {
    if (!(x > 0.0f)) return 0;
    if (x > 448.0f) x = 448.0f;
    uint32_t bits = gk_f32_to_bits(x);
    int fp32_exp = ((bits >> 23) & 0xFF) - 127;
    int fp32_man = (bits >> 20) & 0x7;
    int ue4m3_exp = fp32_exp + 7;
    if (ue4m3_exp <= 0) {
        int man = (int)(x * 512.0f + 0.5f);
        if (man > 7) man = 7;
        if (man < 1) return 0;
        return (uint8_t)man;
    }
    if (ue4m3_exp >= 15) return 0x7E;
    int ue4m3_man = fp32_man + (int)((bits >> 19) & 1);
    if (ue4m3_man > 7) {
        ue4m3_man = 0;
        ue4m3_exp++;
        if (ue4m3_exp >= 15) return 0x7E;
    }
    return (uint8_t)((ue4m3_exp << 3) | ue4m3_man);
}

static void block_mxfp4(const float *x, gk_block_mxfp4 *y) {
    float amax = 0.0f;
    for (int j = 0; j < 32; j++)
        if (amax < fabsf(x[j])) amax = fabsf(x[j]);
    const uint8_t e = amax > 0.0f ? (uint8_t)(floorf(log2f(amax)) - 2 + 127) : 0;
    const float d = e8m0_to_fp32_half(e);
    y->e = e;
    for (int j = 0; j < 16; ++j) {
        const uint8_t x0 = best_index_fp4(x[j], d);
        const uint8_t x1 = best_index_fp4(x[16 + j], d);
        y->qs[j] = x0 | (uint8_t)(x1 << 4);
    }
}

static void block_nvfp4(const float *x, gk_block_nvfp4 *y) {
    for (int s = 0; s < 4; s++) {
        const float *xb = x + s * 16;
        float amax = 0.0f;
        for (int j = 0; j < 16; j++)
            if (amax < fabsf(xb[j])) amax = fabsf(xb[j]);
        const uint8_t ue = fp32_to_ue4m3(amax / 6.0f);
        y->d[s] = ue;
        const float d = ue4m3_to_fp32_half(ue);
        for (int j = 0; j < 8; ++j) {
            const uint8_t x0 = best_index_fp4(xb[j], d);
            const uint8_t x1 = best_index_fp4(xb[8 + j], d);
            y->qs[s * 8 + j] = x0 | (uint8_t)(x1 << 4);
        }
    }
}

size_t gk_quant_mxfp4_ref(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_mxfp4 *y = vy;
    const int64_t nb = nrows * (n_per_row / 32);
    for (int64_t i = 0; i < nb; ++i) block_mxfp4(x + i * 32, y + i);
    return (size_t)nb * sizeof *y;
}

size_t gk_quant_nvfp4_ref(const float *x, void *vy, int64_t nrows, int64_t n_per_row, const float *imatrix) {
    (void)imatrix;
    gk_block_nvfp4 *y = vy;
    const int64_t nb = nrows * (n_per_row / 64);
    for (int64_t i = 0; i < nb; ++i) block_nvfp4(x + i * 64, y + i);
    return (size_t)nb * sizeof *y;
}
