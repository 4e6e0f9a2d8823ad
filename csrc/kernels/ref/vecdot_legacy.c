/* Dot products of the 32-element-block types (and the Q8_0-activated Q1_0, Q2_0, NVFP4) with
 * Q8_0 / Q8_1 activations, scalar reference: an integer dot per block, then the two scales. */
#include "blocks.h"
#include "tables.h"
#include "vecdot_helpers.h"

/* The integer dot of a Q4_0 / Q4_1 block with 32 int8 activations: weight j < 16 is the low nibble of
 * byte j, weight j + 16 its high nibble, minus offset (Q4_0: 8, Q4_1: 0). */
static inline int dot_nibbles(const uint8_t *qs, int offset, const int8_t *q8) {
    int isum = 0;
    for (int j = 0; j < 16; j++) {
        isum += ((qs[j] & 0xF) - offset) * q8[j];
        isum += ((qs[j] >> 4) - offset) * q8[j + 16];
    }
    return isum;
}

void gk_vecdot_q8_0_q8_0_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q8_0 *x = vx, *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / 32; b++) {
        int isum = 0;
        for (int j = 0; j < 32; j++) isum += x[b].qs[j] * y[b].qs[j];
        sum += (float)isum * (GK_F16(x[b].d) * GK_F16(y[b].d));
    }
    *s = sum;
}

void gk_vecdot_q4_0_q8_0_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q4_0 *x = vx;
    const gk_block_q8_0 *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / 32; b++) {
        const int isum = dot_nibbles(x[b].qs, 8, y[b].qs);
        sum += (float)isum * (GK_F16(x[b].d) * GK_F16(y[b].d));
    }
    *s = sum;
}

/* Q4_1 / Q5_1 weights are d*q + m; y.s = d_y * sum(q_y) carries the m term. */
void gk_vecdot_q4_1_q8_1_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q4_1 *x = vx;
    const gk_block_q8_1 *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / 32; b++) {
        const int isum = dot_nibbles(x[b].qs, 0, y[b].qs);
        sum += (GK_F16(x[b].d) * GK_F16(y[b].d)) * (float)isum + GK_F16(x[b].m) * GK_F16(y[b].s);
    }
    *s = sum;
}

void gk_vecdot_q5_0_q8_0_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q5_0 *x = vx;
    const gk_block_q8_0 *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / 32; b++) {
        uint32_t qh;
        memcpy(&qh, x[b].qh, 4);
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            const int lo = ((x[b].qs[j] & 0xF) | (((qh >> j) & 1) << 4)) - 16;
            const int hi = ((x[b].qs[j] >> 4) | (((qh >> (j + 16)) & 1) << 4)) - 16;
            isum += lo * y[b].qs[j] + hi * y[b].qs[j + 16];
        }
        sum += (float)isum * (GK_F16(x[b].d) * GK_F16(y[b].d));
    }
    *s = sum;
}

void gk_vecdot_q5_1_q8_1_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q5_1 *x = vx;
    const gk_block_q8_1 *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / 32; b++) {
        uint32_t qh;
        memcpy(&qh, x[b].qh, 4);
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            const int lo = (x[b].qs[j] & 0xF) | (((qh >> j) & 1) << 4);
            const int hi = (x[b].qs[j] >> 4) | (((qh >> (j + 16)) & 1) << 4);
            isum += lo * y[b].qs[j] + hi * y[b].qs[j + 16];
        }
        sum += (GK_F16(x[b].d) * GK_F16(y[b].d)) * (float)isum + GK_F16(x[b].m) * GK_F16(y[b].s);
    }
    *s = sum;
}

void gk_vecdot_iq4_nl_q8_0_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq4_nl *x = vx;
    const gk_block_q8_0 *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / 32; b++) {
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            isum += gk_kvalues_iq4nl[x[b].qs[j] & 0xF] * y[b].qs[j];
            isum += gk_kvalues_iq4nl[x[b].qs[j] >> 4] * y[b].qs[j + 16];
        }
        sum += (float)isum * (GK_F16(x[b].d) * GK_F16(y[b].d));
    }
    *s = sum;
}

void gk_vecdot_mxfp4_q8_0_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_mxfp4 *x = vx;
    const gk_block_q8_0 *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / 32; b++) {
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            isum += gk_kvalues_fp4[x[b].qs[j] & 0xF] * y[b].qs[j];
            isum += gk_kvalues_fp4[x[b].qs[j] >> 4] * y[b].qs[j + 16];
        }
        sum += (float)isum * (GK_F16(y[b].d) * gk_e8m0_half(x[b].e));
    }
    *s = sum;
}

/* NVFP4: 64 weights = 4 sub-blocks of 16 (one UE4M3 scale each) = 2 Q8_0 blocks. */
void gk_vecdot_nvfp4_q8_0_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_nvfp4 *x = vx;
    const gk_block_q8_0 *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / 64; b++) {
        for (int sb = 0; sb < 4; sb++) {
            const gk_block_q8_0 *yb = &y[2 * b + sb / 2];
            const int8_t *q8 = yb->qs + (sb & 1) * 16;
            const uint8_t *q4 = x[b].qs + sb * 8;
            int isum = 0;
            for (int j = 0; j < 8; j++) {
                isum += gk_kvalues_fp4[q4[j] & 0xF] * q8[j];
                isum += gk_kvalues_fp4[q4[j] >> 4] * q8[j + 8];
            }
            sum += GK_F16(yb->d) * gk_ue4m3_half(x[b].d[sb]) * (float)isum;
        }
    }
    *s = sum;
}

/* Q1_0: 128 weights of +-d, one bit each (1 = +d), over 4 Q8_0 blocks. */
void gk_vecdot_q1_0_q8_0_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q1_0 *x = vx;
    const gk_block_q8_0 *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / 128; b++) {
        float bsum = 0;
        for (int k = 0; k < 4; k++) {
            const gk_block_q8_0 *yb = &y[4 * b + k];
            int isum = 0;
            for (int j = 0; j < 32; j++) {
                const int bit = (x[b].qs[4 * k + j / 8] >> (j & 7)) & 1;
                isum += bit ? yb->qs[j] : -yb->qs[j];
            }
            bsum += GK_F16(yb->d) * (float)isum;
        }
        sum += GK_F16(x[b].d) * bsum;
    }
    *s = sum;
}

/* Q2_0: 64 weights d*(q-1), q in 0..3, four per byte, over 2 Q8_0 blocks. */
void gk_vecdot_q2_0_q8_0_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q2_0 *x = vx;
    const gk_block_q8_0 *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / 64; b++) {
        float bsum = 0;
        for (int k = 0; k < 2; k++) {
            const gk_block_q8_0 *yb = &y[2 * b + k];
            int isum = 0;
            for (int j = 0; j < 32; j++) {
                const int q = (x[b].qs[8 * k + j / 4] >> (2 * (j & 3))) & 3;
                isum += (q - 1) * yb->qs[j];
            }
            bsum += GK_F16(yb->d) * (float)isum;
        }
        sum += GK_F16(x[b].d) * bsum;
    }
    *s = sum;
}
