/* Dot products of the repacked layouts (blocks.h: gk_block_iq1_rp, gk_block_iq2_rp, gk_block_iq3_rp) with
 * Q8_K activations (scalar reference). The integer sums equal those of the source types' vec_dot (IQ1_S,
 * IQ1_M; IQ2_XXS, IQ2_XS, IQ2_S; IQ3_XXS, IQ3_S) term for term; only the float summation order may differ. */
#include <string.h>
#include "blocks.h"
#include "tables.h"
#include "vecdot_helpers.h"

static inline int code2(const uint8_t *q2, int i) { return (q2[i % 64] >> (2 * (i / 64))) & 3; }

void gk_vecdot_rp_iq1_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq1_rp *x = vx;
    const gk_block_q8_K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        uint16_t sc[4];
        memcpy(sc, x[b].scales, 8);
        const uint16_t d16 = (uint16_t)((sc[0] >> 12) | ((sc[1] >> 8) & 0x00f0) | ((sc[2] >> 4) & 0x0f00) | (sc[3] & 0xf000));
        int isum = 0, dsum = 0;
        for (int h = 0; h < 16; h++) {
            const int ls = 2 * ((sc[h / 4] >> (3 * (h % 4))) & 7) + 1;
            int gq = 0, dq = 0;
            for (int e = 2 * h; e < 2 * h + 2; e++) {
                int qsum = 0;
                for (int i = 8 * e; i < 8 * e + 8; i++) {
                    gq += (code2(x[b].q2, i) - 1) * y[b].qs[i];
                    qsum += y[b].qs[i];
                }
                dq += (x[b].delta[e / 8] >> (e % 8) & 1) ? -qsum : qsum;
            }
            isum += ls * gq;
            dsum += ls * dq;
        }
        sum += gk_fp16_to_fp32(d16) * y[b].d * ((float)isum + GK_IQ1S_DELTA * (float)dsum);
    }
    *s = sum;
}

void gk_vecdot_rp_iq2_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    static const int magnitude[4] = {8, 25, 43, 0};
    const gk_block_iq2_rp *x = vx;
    const gk_block_q8_K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        int isum = 0;
        for (int h = 0; h < 16; h++) {
            const int ls = 2 * ((x[b].scales[h / 2] >> (4 * (h % 2))) & 0xf) + 1;
            int acc = 0;
            for (int i = 16 * h; i < 16 * h + 16; i++) {
                const int v = magnitude[code2(x[b].q2, i)] * y[b].qs[i];
                acc += (x[b].signs[i / 8] >> (i % 8) & 1) ? -v : v;
            }
            isum += ls * acc;
        }
        sum += gk_fp16_to_fp32(x[b].d) * y[b].d * (float)isum;
    }
    *s = 0.125f * sum;
}

/* IQ3: isum = sum_g (2 s_g + 1) * sum_{j in g} magnitude_j * sign_j * q_j, as ggml's IQ3_XXS / IQ3_S
 * vec_dot; the result is final * sum_b d * y.d * isum (1/4 for IQ3_XXS, 1 for IQ3_S). */
static void vecdot_rp_iq3(int64_t n, float *s, const void *vx, const void *vy, const int magnitude[8], float final) {
    const gk_block_iq3_rp *x = vx;
    const gk_block_q8_K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        int isum = 0;
        for (int g = 0; g < 8; g++) {
            const int ls = 2 * ((x[b].scales[g / 2] >> (4 * (g % 2))) & 0xf) + 1;
            int acc = 0;
            for (int i = 32 * g; i < 32 * g + 32; i++) {
                const int nib = (x[b].q4[i % 128] >> (4 * (i / 128))) & 0xf;
                const int v = magnitude[nib & 7] * y[b].qs[i];
                acc += (nib & 8) ? -v : v;
            }
            isum += ls * acc;
        }
        sum += gk_fp16_to_fp32(x[b].d) * y[b].d * (float)isum;
    }
    *s = final * sum;
}

void gk_vecdot_rp_iq3_xxs_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    static const int magnitude[8] = {4, 12, 20, 28, 36, 44, 52, 62};
    vecdot_rp_iq3(n, s, vx, vy, magnitude, 0.25f);
}

void gk_vecdot_rp_iq3_s_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    static const int magnitude[8] = {1, 3, 5, 7, 9, 11, 13, 15};
    vecdot_rp_iq3(n, s, vx, vy, magnitude, 1.0f);
}
