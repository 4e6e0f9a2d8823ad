/* NEON dequantizers of the K types. Sub-block scales in scalar float exactly as the reference
 * (d * sc, dmin * m), then 16 weights at a time: one multiply and (with a min) one subtract. */
#include <arm_neon.h>
#include <string.h>
#include "ggufkit/gk_kernels.h"
#include "blocks.h"
#include "fp16.h"
#include "dequant_neon.h"

static inline int8x16_t s8(uint8x16_t v) { return vreinterpretq_s8_u8(v); }

/* dst[j] = d * (float)b[j] for 16 signed bytes: one rounding per value, as the scalar reference */
static inline void scale_i8x16(float *dst, int8x16_t b, float d) {
    const int16x8_t lo = vmovl_s8(vget_low_s8(b)), hi = vmovl_high_s8(b);
    const float32x4_t vd = vdupq_n_f32(d);
    vst1q_f32(dst + 0, vmulq_f32(vd, gk_i16x4_to_f32(vget_low_s16(lo))));
    vst1q_f32(dst + 4, vmulq_f32(vd, gk_i16x4_to_f32(vget_high_s16(lo))));
    vst1q_f32(dst + 8, vmulq_f32(vd, gk_i16x4_to_f32(vget_low_s16(hi))));
    vst1q_f32(dst + 12, vmulq_f32(vd, gk_i16x4_to_f32(vget_high_s16(hi))));
}

void gk_dequant_q2_K_neon(const void *vx, float *y, int64_t n) {
    const gk_block_q2_K *x = (const gk_block_q2_K *)vx;
    const uint8x16_t m3 = vdupq_n_u8(3);
    float dl[16], ml[16];
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        /* every sub-block's d * (sc & 15) and dmin * (sc >> 4) at once (scales < 16: signed is fine) */
        const uint8x16_t sc = vld1q_u8(x[i].scales);
        scale_i8x16(dl, s8(vandq_u8(sc, vdupq_n_u8(0x0F))), gk_fp16_to_fp32(x[i].d));
        scale_i8x16(ml, s8(vshrq_n_u8(sc, 4)), gk_fp16_to_fp32(x[i].dmin));
        int is = 0;
        for (int half = 0; half < 2; half++) {
            const uint8x16_t q0 = vld1q_u8(x[i].qs + 32 * half), q1 = vld1q_u8(x[i].qs + 32 * half + 16);
            for (int s = 0; s < 4; s++, is += 2, y += 32) {
                const int8x16_t shift = vdupq_n_s8((int8_t)(-2 * s));
                gk_store16_mul_sub(y, s8(vandq_u8(vshlq_u8(q0, shift), m3)), vdupq_n_f32(dl[is]), vdupq_n_f32(ml[is]));
                gk_store16_mul_sub(y + 16, s8(vandq_u8(vshlq_u8(q1, shift), m3)), vdupq_n_f32(dl[is + 1]),
                                   vdupq_n_f32(ml[is + 1]));
            }
        }
    }
}

void gk_dequant_q3_K_neon(const void *vx, float *y, int64_t n) {
    const gk_block_q3_K *x = (const gk_block_q3_K *)vx;
    const uint8x16_t m3 = vdupq_n_u8(3), four = vdupq_n_u8(4);
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        const uint8_t *s = x[i].scales;
        int8_t scales[16];
        for (int j = 0; j < 16; j++) {
            const int lo = j < 8 ? (s[j] & 0xF) : (s[j - 8] >> 4);
            const int hi = (s[8 + (j & 3)] >> (2 * (j >> 2))) & 3;
            scales[j] = (int8_t)((lo | (hi << 4)) - 32);
        }
        float dl[16];
        scale_i8x16(dl, vld1q_s8(scales), d);
        const uint8x16_t hm0 = vld1q_u8(x[i].hmask), hm1 = vld1q_u8(x[i].hmask + 16);
        int is = 0, bit = 0;
        for (int half = 0; half < 2; half++) {
            const uint8x16_t q0 = vld1q_u8(x[i].qs + 32 * half), q1 = vld1q_u8(x[i].qs + 32 * half + 16);
            for (int sh = 0; sh < 4; sh++, bit++, is += 2, y += 32) {
                const int8x16_t shift = vdupq_n_s8((int8_t)(-2 * sh));
                const uint8x16_t mbit = vdupq_n_u8((uint8_t)(1 << bit));
                /* subtract 4 where the high-mask bit is clear */
                const uint8x16_t sub0 = vbicq_u8(four, vtstq_u8(hm0, mbit));
                const uint8x16_t sub1 = vbicq_u8(four, vtstq_u8(hm1, mbit));
                const int8x16_t v0 = vsubq_s8(s8(vandq_u8(vshlq_u8(q0, shift), m3)), s8(sub0));
                const int8x16_t v1 = vsubq_s8(s8(vandq_u8(vshlq_u8(q1, shift), m3)), s8(sub1));
                gk_store16_mul(y, v0, vdupq_n_f32(dl[is]));
                gk_store16_mul(y + 16, v1, vdupq_n_f32(dl[is + 1]));
            }
        }
    }
}

static inline void k4_scale_min(int j, const uint8_t *q, uint8_t *sc, uint8_t *m) {
    if (j < 4) {
        *sc = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

void gk_dequant_q4_K_neon(const void *vx, float *y, int64_t n) {
    const gk_block_q4_K *x = (const gk_block_q4_K *)vx;
    const uint8x16_t m4 = vdupq_n_u8(0x0F);
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d), dmin = gk_fp16_to_fp32(x[i].dmin);
        for (int j = 0; j < 8; j += 2, y += 64) {
            uint8_t sc, m;
            const uint8x16_t q0 = vld1q_u8(x[i].qs + 16 * j), q1 = vld1q_u8(x[i].qs + 16 * j + 16);
            k4_scale_min(j, x[i].scales, &sc, &m);
            float32x4_t vd = vdupq_n_f32(d * sc), vm = vdupq_n_f32(dmin * m);
            gk_store16_mul_sub(y, s8(vandq_u8(q0, m4)), vd, vm);
            gk_store16_mul_sub(y + 16, s8(vandq_u8(q1, m4)), vd, vm);
            k4_scale_min(j + 1, x[i].scales, &sc, &m);
            vd = vdupq_n_f32(d * sc);
            vm = vdupq_n_f32(dmin * m);
            gk_store16_mul_sub(y + 32, s8(vshrq_n_u8(q0, 4)), vd, vm);
            gk_store16_mul_sub(y + 48, s8(vshrq_n_u8(q1, 4)), vd, vm);
        }
    }
}

void gk_dequant_q5_K_neon(const void *vx, float *y, int64_t n) {
    const gk_block_q5_K *x = (const gk_block_q5_K *)vx;
    const uint8x16_t m4 = vdupq_n_u8(0x0F), b4 = vdupq_n_u8(16);
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d), dmin = gk_fp16_to_fp32(x[i].dmin);
        const uint8x16_t qh0 = vld1q_u8(x[i].qh), qh1 = vld1q_u8(x[i].qh + 16);
        for (int j = 0; j < 8; j += 2, y += 64) {
            uint8_t sc, m;
            const uint8x16_t q0 = vld1q_u8(x[i].qs + 16 * j), q1 = vld1q_u8(x[i].qs + 16 * j + 16);
            const uint8x16_t u1 = vdupq_n_u8((uint8_t)(1 << j)), u2 = vdupq_n_u8((uint8_t)(2 << j));
            k4_scale_min(j, x[i].scales, &sc, &m);
            float32x4_t vd = vdupq_n_f32(d * sc), vm = vdupq_n_f32(dmin * m);
            gk_store16_mul_sub(y, s8(vorrq_u8(vandq_u8(q0, m4), vandq_u8(vtstq_u8(qh0, u1), b4))), vd, vm);
            gk_store16_mul_sub(y + 16, s8(vorrq_u8(vandq_u8(q1, m4), vandq_u8(vtstq_u8(qh1, u1), b4))), vd, vm);
            k4_scale_min(j + 1, x[i].scales, &sc, &m);
            vd = vdupq_n_f32(d * sc);
            vm = vdupq_n_f32(dmin * m);
            gk_store16_mul_sub(y + 32, s8(vorrq_u8(vshrq_n_u8(q0, 4), vandq_u8(vtstq_u8(qh0, u2), b4))), vd, vm);
            gk_store16_mul_sub(y + 48, s8(vorrq_u8(vshrq_n_u8(q1, 4), vandq_u8(vtstq_u8(qh1, u2), b4))), vd, vm);
        }
    }
}

void gk_dequant_q6_K_neon(const void *vx, float *y, int64_t n) {
    const gk_block_q6_K *x = (const gk_block_q6_K *)vx;
    const uint8x16_t m4 = vdupq_n_u8(0x0F), m3 = vdupq_n_u8(3);
    const int8x16_t off = vdupq_n_s8(32);
    float ds[16];
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        scale_i8x16(ds, vld1q_s8(x[i].scales), gk_fp16_to_fp32(x[i].d)); /* d * scale, the first product */
        for (int half = 0; half < 2; half++, y += 128) {
            const uint8_t *ql = x[i].ql + 64 * half, *qh = x[i].qh + 32 * half;
            const float *sc = ds + 8 * half;
            for (int k = 0; k < 2; k++) { /* l in [16k, 16k + 16): scale index is = k */
                const uint8x16_t l0 = vld1q_u8(ql + 16 * k), l1 = vld1q_u8(ql + 32 + 16 * k);
                const uint8x16_t h = vld1q_u8(qh + 16 * k);
                const uint8x16_t q1 = vorrq_u8(vandq_u8(l0, m4), vshlq_n_u8(vandq_u8(h, m3), 4));
                const uint8x16_t q2 = vorrq_u8(vandq_u8(l1, m4), vshlq_n_u8(vandq_u8(vshrq_n_u8(h, 2), m3), 4));
                const uint8x16_t q3 = vorrq_u8(vshrq_n_u8(l0, 4), vshlq_n_u8(vandq_u8(vshrq_n_u8(h, 4), m3), 4));
                const uint8x16_t q4 = vorrq_u8(vshrq_n_u8(l1, 4), vshlq_n_u8(vshrq_n_u8(h, 6), 4));
                /* (d * scale) * q, as the reference */
                gk_store16_mul(y + 16 * k + 0, vsubq_s8(s8(q1), off), vdupq_n_f32(sc[k + 0]));
                gk_store16_mul(y + 16 * k + 32, vsubq_s8(s8(q2), off), vdupq_n_f32(sc[k + 2]));
                gk_store16_mul(y + 16 * k + 64, vsubq_s8(s8(q3), off), vdupq_n_f32(sc[k + 4]));
                gk_store16_mul(y + 16 * k + 96, vsubq_s8(s8(q4), off), vdupq_n_f32(sc[k + 6]));
            }
        }
    }
}

void gk_dequant_q8_K_neon(const void *vx, float *y, int64_t n) {
    const gk_block_q8_K *x = (const gk_block_q8_K *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        float d;
        memcpy(&d, &x[i].d, 4);
        const float32x4_t vd = vdupq_n_f32(d);
        for (int j = 0; j < GK_QK_K; j += 16, y += 16) gk_store16_mul(y, vld1q_s8(x[i].qs + j), vd);
    }
}
