/* Scalar reference dequantizers of the 4-bit float types MXFP4 (E8M0 scale per 32) and NVFP4
 * (UE4M3 scale per 16). The E2M1 code table holds twice the values, hence the halved scales. */
#include <math.h>
#include "ggufkit/gk_kernels.h"
#include "blocks.h"
#include "fp16.h"
#include "tables.h"



void gk_dequant_mxfp4_ref(const void *vx, float *y, int64_t n) {
    const gk_block_mxfp4 *x = (const gk_block_mxfp4 *)vx;
    for (int64_t i = 0; i < n / 32; i++, y += 32) {
        const float d = gk_e8m0_half(x[i].e);
        for (int j = 0; j < 16; j++) {
            y[j] = gk_kvalues_fp4[x[i].qs[j] & 0xF] * d;
            y[j + 16] = gk_kvalues_fp4[x[i].qs[j] >> 4] * d;
        }
    }
}

void gk_dequant_nvfp4_ref(const void *vx, float *y, int64_t n) {
    const gk_block_nvfp4 *x = (const gk_block_nvfp4 *)vx;
    for (int64_t i = 0; i < n / 64; i++) {
        for (int s = 0; s < 4; s++, y += 16) {
            const float d = gk_ue4m3_half(x[i].d[s]);
            const uint8_t *qs = x[i].qs + 8 * s;
            for (int j = 0; j < 8; j++) {
                y[j] = gk_kvalues_fp4[qs[j] & 0xF] * d;
                y[j + 8] = gk_kvalues_fp4[qs[j] >> 4] * d;
            }
        }
    }
}
