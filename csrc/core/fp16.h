/* Scalar half, bfloat16 and small-float conversions, bit-exact with ggml's reference ones.
 * static inline only: included by files compiled with different ISA flags. */
#ifndef GK_FP16_H
#define GK_FP16_H
#include <stdint.h>
#include <string.h>

static inline float gk_bits_to_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint32_t gk_f32_to_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

/* IEEE half -> float, exact for every input (subnormals, inf, NaN). */
static inline float gk_fp16_to_fp32(uint16_t h) {
    const uint32_t w = (uint32_t)h << 16;
    const uint32_t sign = w & 0x80000000u;
    const uint32_t two_w = w + w;
    const uint32_t exp_offset = 0xE0u << 23;
    const float exp_scale = gk_bits_to_f32(0x7800000u); /* 2^-112 */
    const float normalized = gk_bits_to_f32((two_w >> 4) + exp_offset) * exp_scale;
    const uint32_t magic_mask = 126u << 23;
    const float magic_bias = 0.5f;
    const float denormalized = gk_bits_to_f32((two_w >> 17) | magic_mask) - magic_bias;
    const uint32_t denormalized_cutoff = 1u << 27;
    const uint32_t result = sign | (two_w < denormalized_cutoff ? gk_f32_to_bits(denormalized)
                                                                : gk_f32_to_bits(normalized));
    return gk_bits_to_f32(result);
}

/* float -> IEEE half, round to nearest even (what F16C's _mm_cvtps_ph(x, 0) does). */
static inline uint16_t gk_fp32_to_fp16(float f) {
    const float scale_to_inf = gk_bits_to_f32(0x77800000u);  /* 2^112 */
    const float scale_to_zero = gk_bits_to_f32(0x08800000u); /* 2^-110 */
    float base = (f < 0 ? -f : f) * scale_to_inf;
    base *= scale_to_zero;
    const uint32_t w = gk_f32_to_bits(f);
    const uint32_t shl1_w = w + w;
    const uint32_t sign = w & 0x80000000u;
    uint32_t bias = shl1_w & 0xFF000000u;
    if (bias < 0x71000000u) bias = 0x71000000u;
    base = gk_bits_to_f32((bias >> 1) + 0x07800000u) + base;
    const uint32_t bits = gk_f32_to_bits(base);
    const uint32_t exp_bits = (bits >> 13) & 0x00007C00u;
    const uint32_t mantissa_bits = bits & 0x00000FFFu;
    const uint32_t nonsign = exp_bits + mantissa_bits;
    return (uint16_t)((sign >> 16) | (shl1_w > 0xFF000000u ? 0x7E00u : nonsign));
}

static inline float gk_bf16_to_fp32(uint16_t h) { return gk_bits_to_f32((uint32_t)h << 16); }

/* float -> bfloat16, round to nearest even; NaN stays a quiet NaN (ggml's rule). */
static inline uint16_t gk_fp32_to_bf16(float f) {
    uint32_t u = gk_f32_to_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 64);
    return (uint16_t)((u + (0x7fffu + ((u >> 16) & 1))) >> 16);
}

/* E8M0 exponent byte -> 2^(e-128): half the MX scale, as ggml (the FP4 value table holds doubled values;
 * e < 2 gives the subnormal 2^-127 / 2^-126 halves). */
static inline float gk_e8m0_half(uint8_t e) {
    return gk_bits_to_f32(e < 2 ? 0x00200000u << e : (uint32_t)(e - 1) << 23);
}

/* UE4M3 scale byte -> half its value, as ggml's ggml_ue4m3_to_fp32 (bit 7 ignored; 0 and 0x7F give 0).
 * e == 0: m * 2^-10; else (8 + m) * 2^(e-11). Every result is exact. */
static inline float gk_ue4m3_half(uint8_t x) {
    if (x == 0 || x == 0x7F) return 0.0f;
    const int e = (x >> 3) & 0xF, m = x & 7;
    const float mant = (float)(e ? 8 + m : m);
    return mant * gk_bits_to_f32((uint32_t)((e ? e : 1) - 11 + 127) << 23);
}

/* Positive float -> UE4M3 (ggml's ggml_fp32_to_ue4m3): mantissa rounded half up, saturating at 448
 * (0x7E); non-positive or NaN give 0. */
static inline uint8_t gk_fp32_to_ue4m3(float x) {
    if (!(x > 0.0f)) return 0;
    if (x > 448.0f) x = 448.0f;
    const uint32_t bits = gk_f32_to_bits(x);
    const int fp32_exp = (int)((bits >> 23) & 0xFF) - 127;
    const int fp32_man = (int)((bits >> 20) & 0x7);
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

#endif
