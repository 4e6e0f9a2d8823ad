/* Dot products of the K-quants and ternary types with Q8_K activations (scalar reference).
 * Per 256-weight block: integer sums per sub-block times its integer scale, then d_w * d_y; the
 * mins of Q2_K/Q4_K/Q5_K use the activation's 16-element sums (bsums). */
#include "blocks.h"
#include "vecdot_helpers.h"

typedef gk_block_q8_K q8K;

/* q2 values of sub-block j (16 weights): half h = j / 8, shift (j / 2) % 4, bytes (j % 2) * 16. */
void gk_vecdot_q2_K_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q2_K *x = vx;
    const q8K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        int isum = 0, msum = 0;
        for (int j = 0; j < 16; j++) {
            const uint8_t *q2 = x[b].qs + 32 * (j / 8) + 16 * (j & 1);
            const int shift = 2 * ((j / 2) & 3);
            const int8_t *q8 = y[b].qs + 16 * j;
            int acc = 0;
            for (int l = 0; l < 16; l++) acc += ((q2[l] >> shift) & 3) * q8[l];
            isum += (x[b].scales[j] & 0xF) * acc;
            msum += (x[b].scales[j] >> 4) * y[b].bsums[j];
        }
        sum += y[b].d * GK_F16(x[b].d) * (float)isum - y[b].d * GK_F16(x[b].dmin) * (float)msum;
    }
    *s = sum;
}

void gk_vecdot_q3_K_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q3_K *x = vx;
    const q8K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        int8_t sc[16];
        gk_unpack_q3_K_scales(x[b].scales, sc);
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            const int h = j / 8, shift = (j / 2) & 3, off = 16 * (j & 1);
            const uint8_t *q3 = x[b].qs + 32 * h + off;
            const uint8_t *hm = x[b].hmask + off;
            const uint8_t mbit = (uint8_t)(1u << (4 * h + shift));
            const int8_t *q8 = y[b].qs + 16 * j;
            int acc = 0;
            for (int l = 0; l < 16; l++) {
                const int q = ((q3[l] >> (2 * shift)) & 3) - ((hm[l] & mbit) ? 0 : 4);
                acc += q * q8[l];
            }
            isum += sc[j] * acc;
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)isum;
    }
    *s = sum;
}

void gk_vecdot_q4_K_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q4_K *x = vx;
    const q8K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        uint8_t sc[8], mn[8];
        gk_unpack_k4_scales(x[b].scales, sc, mn);
        int isum = 0, msum = 0;
        for (int j = 0; j < 8; j++) {  /* 32-weight sub-blocks */
            const uint8_t *q4 = x[b].qs + 32 * (j / 2);
            const int shift = 4 * (j & 1);
            const int8_t *q8 = y[b].qs + 32 * j;
            int acc = 0;
            for (int l = 0; l < 32; l++) acc += ((q4[l] >> shift) & 0xF) * q8[l];
            isum += sc[j] * acc;
            msum += mn[j] * (y[b].bsums[2 * j] + y[b].bsums[2 * j + 1]);
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)isum - GK_F16(x[b].dmin) * y[b].d * (float)msum;
    }
    *s = sum;
}

void gk_vecdot_q5_K_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q5_K *x = vx;
    const q8K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        uint8_t sc[8], mn[8];
        gk_unpack_k4_scales(x[b].scales, sc, mn);
        int isum = 0, msum = 0;
        for (int j = 0; j < 8; j++) {
            const uint8_t *q4 = x[b].qs + 32 * (j / 2);
            const int shift = 4 * (j & 1);
            const int8_t *q8 = y[b].qs + 32 * j;
            int acc = 0;
            for (int l = 0; l < 32; l++) {
                const int q = ((q4[l] >> shift) & 0xF) | (((x[b].qh[l] >> j) & 1) << 4);
                acc += q * q8[l];
            }
            isum += sc[j] * acc;
            msum += mn[j] * (y[b].bsums[2 * j] + y[b].bsums[2 * j + 1]);
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)isum - GK_F16(x[b].dmin) * y[b].d * (float)msum;
    }
    *s = sum;
}

/* Q6_K: weight e of each 128-half is (4 low bits | 2 high bits << 4) - 32, scale scales[e / 16]. */
void gk_vecdot_q6_K_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_q6_K *x = vx;
    const q8K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        int isum = 0;
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = x[b].ql + 64 * h, *qh = x[b].qh + 32 * h;
            const int8_t *q8 = y[b].qs + 128 * h;
            for (int part = 0; part < 4; part++) {  /* 32 weights each */
                const uint8_t *lo = ql + 32 * (part & 1);
                const int lshift = 4 * (part >> 1), hshift = 2 * part;
                for (int half = 0; half < 2; half++) {
                    int acc = 0;
                    for (int l = 16 * half; l < 16 * half + 16; l++) {
                        const int q = (((lo[l] >> lshift) & 0xF) | (((qh[l] >> hshift) & 3) << 4)) - 32;
                        acc += q * q8[32 * part + l];
                    }
                    isum += x[b].scales[8 * h + 2 * part + half] * acc;
                }
            }
        }
        sum += GK_F16(x[b].d) * y[b].d * (float)isum;
    }
    *s = sum;
}

/* TQ2_0: 2-bit ternary, q - 1 in {-1, 0, 1, 2}; byte j + k of the 32-byte group g holds
 * weights 128 g + 32 l + k for l = 0..3. */
void gk_vecdot_tq2_0_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_tq2_0 *x = vx;
    const q8K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        int isum = 0;
        for (int g = 0; g < 2; g++)
            for (int l = 0; l < 4; l++)
                for (int k = 0; k < 32; k++)
                    isum += (((x[b].qs[32 * g + k] >> (2 * l)) & 3) - 1) * y[b].qs[128 * g + 32 * l + k];
        sum += (float)isum * (y[b].d * GK_F16(x[b].d));
    }
    *s = sum;
}

/* TQ1_0: five base-3 digits per byte (qs), four per byte (qh), as fixed-point fractions:
 * digit l of byte q is ((uint8_t)(q * 3^l) * 3) >> 8. */
static inline int tq1_digit(uint8_t q, int pow3) {
    const uint8_t t = (uint8_t)(q * pow3);
    return (int)(((uint16_t)t * 3) >> 8) - 1;
}

void gk_vecdot_tq1_0_q8_K_ref(int64_t n, float *s, const void *vx, const void *vy) {
    static const int pow3[5] = {1, 3, 9, 27, 81};
    const gk_block_tq1_0 *x = vx;
    const q8K *y = vy;
    float sum = 0;
    for (int64_t b = 0; b < n / GK_QK_K; b++) {
        const int8_t *q8 = y[b].qs;
        int isum = 0;
        /* qs[0..32): 5 x 32 weights; qs[32..48): 5 x 16 weights; qh[0..4): 4 x 4 weights */
        for (int l = 0; l < 5; l++)
            for (int m = 0; m < 32; m++) isum += tq1_digit(x[b].qs[m], pow3[l]) * q8[32 * l + m];
        for (int l = 0; l < 5; l++)
            for (int m = 0; m < 16; m++) isum += tq1_digit(x[b].qs[32 + m], pow3[l]) * q8[160 + 16 * l + m];
        for (int l = 0; l < 4; l++)
            for (int j = 0; j < 4; j++) isum += tq1_digit(x[b].qh[j], pow3[l]) * q8[240 + 4 * l + j];
        sum += (float)isum * (GK_F16(x[b].d) * y[b].d);
    }
    *s = sum;
}
