/* Scalar reference dequantizers of the ternary types TQ1_0 (base-3 packed) and TQ2_0 (2-bit). */
#include "ggufkit/gk_kernels.h"
#include "blocks.h"
#include "fp16.h"

/* Digit n of a base-3 packed byte: multiply by 3^n (mod 256), then the top "trit" is (q * 3) >> 8. */
static inline int tq1_trit(uint8_t b, int n) {
    static const uint8_t pow3[6] = {1, 3, 9, 27, 81, 243};
    const uint8_t q = (uint8_t)(b * pow3[n]);
    return (((uint16_t)q * 3) >> 8) - 1;
}

void gk_dequant_tq1_0_ref(const void *vx, float *y, int64_t n) {
    const gk_block_tq1_0 *x = (const gk_block_tq1_0 *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        /* qs[0..32): 5 trits each, 32 at a time; qs[32..48): 5 trits each, 16 at a time; qh: 4 trits each */
        for (int n5 = 0; n5 < 5; n5++)
            for (int m = 0; m < 32; m++) *y++ = (float)tq1_trit(x[i].qs[m], n5) * d;
        for (int n5 = 0; n5 < 5; n5++)
            for (int m = 0; m < 16; m++) *y++ = (float)tq1_trit(x[i].qs[32 + m], n5) * d;
        for (int n4 = 0; n4 < 4; n4++)
            for (int j = 0; j < 4; j++) *y++ = (float)tq1_trit(x[i].qh[j], n4) * d;
    }
}

void gk_dequant_tq2_0_ref(const void *vx, float *y, int64_t n) {
    const gk_block_tq2_0 *x = (const gk_block_tq2_0 *)vx;
    for (int64_t i = 0; i < n / GK_QK_K; i++) {
        const float d = gk_fp16_to_fp32(x[i].d);
        for (int j = 0; j < 64; j += 32)
            for (int l = 0; l < 4; l++)
                for (int m = 0; m < 32; m++) *y++ = (float)(((x[i].qs[j + m] >> (2 * l)) & 3) - 1) * d;
    }
}
