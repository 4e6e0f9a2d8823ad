/* vec_dot, gemm and the activation quantizers: every tier against the scalar reference on random
 * blocks (finite scales). Activation bytes must match the reference exactly; dot products within
 * 1e-5 of the sum of |w * a| (they may sum in another order); each gemm output within the same bound
 * of the tier's vec_dot. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ggufkit/gk_kernels.h"
#include "ggufkit/gk_types.h"
#include "ggufkit/gk_repack.h"
#include "fp16.h"

static uint64_t vd_state = 0x2545F4914F6CDD1Dull;
static uint64_t vd_u64(void) {
    vd_state ^= vd_state << 13;
    vd_state ^= vd_state >> 7;
    vd_state ^= vd_state << 17;
    return vd_state;
}
static float vd_normal(void) {
    float s = 0;
    for (int i = 0; i < 4; i++) s += (float)(vd_u64() >> 40) / (float)(1ull << 24);
    return (s - 2.0f) * 1.7f;
}

/* byte offsets of the fp16 scales in a block (-1 ends) */
static const int *vd_f16_fields(int type) {
    static const int at0[] = {0, -1}, at02[] = {0, 2, -1}, q2k[] = {80, 82, -1}, q3k[] = {108, -1},
                     q6k[] = {208, -1}, tq1[] = {52, -1}, tq2[] = {64, -1}, none[] = {-1};
    switch (type) {
    case GK_TYPE_Q4_1: case GK_TYPE_Q5_1: case GK_TYPE_Q4_K: case GK_TYPE_Q5_K: return at02;
    case GK_TYPE_Q2_K: return q2k;
    case GK_TYPE_Q3_K: return q3k;
    case GK_TYPE_Q6_K: return q6k;
    case GK_TYPE_TQ1_0: return tq1;
    case GK_TYPE_TQ2_0: return tq2;
    case GK_TYPE_Q4_0: case GK_TYPE_Q5_0: case GK_TYPE_Q8_0: case GK_TYPE_IQ2_XXS: case GK_TYPE_IQ2_XS:
    case GK_TYPE_IQ2_S: case GK_TYPE_IQ3_XXS: case GK_TYPE_IQ3_S: case GK_TYPE_IQ1_S: case GK_TYPE_IQ4_NL:
    case GK_TYPE_IQ4_XS: case GK_TYPE_Q1_0: case GK_TYPE_Q2_0: return at0;
    default: return none;
    }
}

static void vd_fill_weights(int type, uint8_t *buf, int64_t nb) {
    const gk_type_info *t = gk_type_get(type);
    for (size_t i = 0; i < (size_t)nb * t->type_size; i++) buf[i] = (uint8_t)(vd_u64() >> 56);
    for (int64_t b = 0; b < nb; b++) {
        uint8_t *blk = buf + b * t->type_size;
        for (const int *o = vd_f16_fields(type); *o >= 0; o++) {
            const uint16_t h = gk_fp32_to_fp16(vd_normal() * 0.01f);
            memcpy(blk + *o, &h, 2);
        }
        if (type == GK_TYPE_F32) { const float f = vd_normal(); memcpy(blk, &f, 4); }
        if (type == GK_TYPE_F16) { const uint16_t h = gk_fp32_to_fp16(vd_normal()); memcpy(blk, &h, 2); }
        if (type == GK_TYPE_BF16) { const uint16_t h = gk_fp32_to_bf16(vd_normal()); memcpy(blk, &h, 2); }
        if (type == GK_TYPE_IQ1_M) {
            const uint16_t h = gk_fp32_to_fp16(vd_normal() * 0.01f);
            for (int k = 0; k < 4; k++) blk[49 + 2 * k] = (uint8_t)((blk[49 + 2 * k] & 0x0F) | (((h >> (4 * k)) & 0xF) << 4));
        }
        if (type == GK_TYPE_NVFP4) for (int k = 0; k < 4; k++) blk[k] &= 0x77; /* finite UE4M3 scales */
        if (type == GK_TYPE_MXFP4) blk[0] = (uint8_t)(120 + (blk[0] & 15));
    }
}

/* float values of an activation row */
static void vd_act_values(int act, const uint8_t *a, int64_t k, double *v) {
    if (act == GK_TYPE_F32) { for (int64_t i = 0; i < k; i++) { float f; memcpy(&f, a + 4 * i, 4); v[i] = f; } return; }
    if (act == GK_TYPE_F16 || act == GK_TYPE_BF16) {
        for (int64_t i = 0; i < k; i++) {
            uint16_t h; memcpy(&h, a + 2 * i, 2);
            v[i] = act == GK_TYPE_F16 ? gk_fp16_to_fp32(h) : gk_bf16_to_fp32(h);
        }
        return;
    }
    const int bs = act == GK_TYPE_Q8_K ? 256 : 32, bb = gk_type_get(act)->type_size;
    const int qoff = act == GK_TYPE_Q8_K ? 4 : act == GK_TYPE_Q8_1 ? 4 : 2;
    for (int64_t b = 0; b < k / bs; b++) {
        const uint8_t *blk = a + b * bb;
        float d;
        if (act == GK_TYPE_Q8_K) memcpy(&d, blk, 4);
        else { uint16_t h; memcpy(&h, blk, 2); d = gk_fp16_to_fp32(h); }
        for (int j = 0; j < bs; j++) v[b * bs + j] = (double)d * (int8_t)blk[qoff + j];
    }
}

/* Extreme inputs for the integer paths: every weight byte one pattern (quants at their extremes,
 * e.g. Q8_0 weights of -128; fp16 scales then set to finite values) against activation blocks built
 * directly with quants of +-127 and consistent s / bsums. Any int16 or int32 overflow in a tier
 * (e.g. the non-dotprod NEON path) shows up as a mismatch with the reference. The activation
 * quantizers emit [-127, 127] only and the x86 kernels rely on it (they flip activation signs); the
 * NEON kernels never do, so they are also checked with -128 activations. */
static void vd_fill_pattern(int type, uint8_t *buf, int64_t nb, uint8_t pattern) {
    const gk_type_info *t = gk_type_get(type);
    memset(buf, pattern, (size_t)nb * t->type_size);
    const uint16_t one = 0x3C00, quarter = 0x3400; /* 1.0, 0.25 */
    for (int64_t b = 0; b < nb; b++) {
        uint8_t *blk = buf + b * t->type_size;
        int f = 0;
        for (const int *o = vd_f16_fields(type); *o >= 0; o++, f++) memcpy(blk + *o, f ? &quarter : &one, 2);
        if (type == GK_TYPE_IQ1_M)
            for (int k = 0; k < 4; k++) blk[49 + 2 * k] = (uint8_t)((blk[49 + 2 * k] & 0x0F) | (((one >> (4 * k)) & 0xF) << 4));
        if (type == GK_TYPE_NVFP4) for (int k = 0; k < 4; k++) blk[k] &= 0x77;
        if (type == GK_TYPE_MXFP4) blk[0] = 127;
    }
}

/* activation row of k values: pattern 0 all 127, 1 all neg, 2 alternating 127 / neg, 3 random
 * 127 / neg, 4 alternating in pairs; scale 1 (Q8_K) or 0.5 (fp16) */
static void vd_fill_act_extreme(int act, uint8_t *a, int64_t k, int pattern, int8_t neg) {
    const int bs = act == GK_TYPE_Q8_K ? 256 : 32, bb = gk_type_get(act)->type_size;
    for (int64_t b = 0; b < k / bs; b++) {
        uint8_t *blk = a + b * bb;
        int8_t q[256];
        for (int j = 0; j < bs; j++) {
            const int r = pattern == 0 ? 0 : pattern == 1 ? 1 : pattern == 2 ? j & 1 : pattern == 3 ? (int)(vd_u64() >> 63) : (j >> 1) & 1;
            q[j] = r ? neg : 127;
        }
        if (act == GK_TYPE_Q8_K) {
            const float d = 1.0f;
            memcpy(blk, &d, 4);
            memcpy(blk + 4, q, 256);
            for (int g = 0; g < 16; g++) {
                int16_t sum = 0;
                for (int j = 0; j < 16; j++) sum = (int16_t)(sum + q[16 * g + j]);
                memcpy(blk + 4 + 256 + 2 * g, &sum, 2);
            }
        } else {
            const uint16_t half = 0x3800; /* 0.5 */
            memcpy(blk, &half, 2);
            if (act == GK_TYPE_Q8_1) {
                int sum = 0;
                for (int j = 0; j < 32; j++) sum += q[j];
                const uint16_t sh = gk_fp32_to_fp16(0.5f * (float)sum);
                memcpy(blk + 2, &sh, 2);
            }
            memcpy(blk + (act == GK_TYPE_Q8_1 ? 4 : 2), q, 32);
        }
    }
}

static int vd_extremes(const gk_kernel_set *ref, int *checked) {
    static const uint8_t wpat[] = {0x00, 0xFF, 0x80, 0x7F, 0x55, 0xAA, 0x0F, 0xF0, 0x88, 0x77, 0x11, 0xEE};
    int failures = 0;
    for (int isa = GK_ISA_REF + 1; isa < GK_ISA_COUNT; isa++) {
        const gk_kernel_set *ks = gk_kernels(isa);
        if (!ks) continue;
        for (int type = 0; type < GK_TYPE_COUNT; type++) {
            const gk_type_info *t = gk_type_get(type);
            if (!t || t->vec_dot_type < 0 || !ks->vecdot[type] || !ref->vecdot[type] || !ref->dequant[type]) continue;
            const int act = t->vec_dot_type;
            if (act != GK_TYPE_Q8_0 && act != GK_TYPE_Q8_1 && act != GK_TYPE_Q8_K) continue;
            const int64_t km = t->block_size > gk_type_get(act)->block_size ? t->block_size : gk_type_get(act)->block_size;
            const int nact = isa == GK_ISA_NEON || isa == GK_ISA_NEON_DOTPROD ? 10 : 5;
            for (int rep = 0; rep < 2; rep++) {
                const int64_t k = km * (rep ? 13 : 1);
                const size_t wrow = (size_t)gk_row_size(type, k), arow = (size_t)gk_row_size(act, k);
                uint8_t *w = malloc(wrow), *a = malloc(arow);
                float *wf = malloc(sizeof(float) * (size_t)k);
                double *av = malloc(sizeof(double) * (size_t)k);
                for (size_t p = 0; p < sizeof wpat; p++) {
                    vd_fill_pattern(type, w, (int64_t)(wrow / t->type_size), wpat[p]);
                    ref->dequant[type](w, wf, k);
                    for (int ap = 0; ap < nact; ap++) { /* ap >= 5: with -128 */
                        vd_fill_act_extreme(act, a, k, ap % 5, ap < 5 ? -127 : -128);
                        vd_act_values(act, a, k, av);
                        double l1 = 0;
                        for (int64_t e = 0; e < k; e++) l1 += fabs((double)wf[e] * av[e]);
                        float want, got;
                        ref->vecdot[type](k, &want, w, a);
                        ks->vecdot[type](k, &got, w, a);
                        if (!(fabs((double)got - want) <= 1e-5 * l1 + 1e-30)) {
                            printf("  FAIL %s %s vec_dot extremes k=%lld weight byte 0x%02X act pattern %d: %.9g vs ref %.9g (L1 %.3g)\n",
                                   gk_isa_name(isa), t->name, (long long)k, wpat[p], ap, (double)got, (double)want, l1);
                            failures++;
                        }
                        (*checked)++;
                    }
                }
                free(w); free(a); free(wf); free(av);
            }
        }
    }
    return failures;
}

/* Repacked rows (gk_repack.h): each tier's vec_dot_repacked against the reference's, on random and
 * patterned source blocks repacked by gk_repack, with random and extreme activations. */
static int vd_repacked(const gk_kernel_set *ref, int *checked) {
    static const uint8_t wpat[] = {0x00, 0xFF, 0x55, 0xAA, 0x0F, 0xF0};
    int failures = 0;
    for (int isa = GK_ISA_REF + 1; isa < GK_ISA_COUNT; isa++) {
        const gk_kernel_set *ks = gk_kernels(isa);
        if (!ks) continue;
        for (int type = 0; type < GK_TYPE_COUNT; type++) {
            const gk_type_info *t = gk_type_get(type);
            if (!t || !ks->vecdot_rp[type] || ks->vecdot_rp[type] == ref->vecdot_rp[type]) continue;
            const int act = t->vec_dot_type;
            for (int rep = 0; rep < 3; rep++) {
                const int64_t k = 256 * (rep == 0 ? 1 : rep == 1 ? 3 : 9);
                const size_t wrow = (size_t)gk_row_size(type, k), arow = (size_t)gk_row_size(act, k);
                const size_t rrow = (size_t)gk_repack_row_size(type, k);
                uint8_t *w = malloc(wrow), *r = malloc(rrow), *a = malloc(arow);
                float *wf = malloc(sizeof(float) * (size_t)k), *x = malloc(sizeof(float) * (size_t)k);
                double *av = malloc(sizeof(double) * (size_t)k);
                for (int wp = -1; wp < (int)sizeof wpat; wp++) {
                    if (wp < 0) vd_fill_weights(type, w, k / 256);
                    else vd_fill_pattern(type, w, k / 256, wpat[wp]);
                    gk_repack(type, k, w, wrow, 1, r, 1);
                    ref->dequant[type](w, wf, k);
                    for (int ap = -1; ap < 5; ap++) {
                        if (ap < 0) {
                            for (int64_t e = 0; e < k; e++) x[e] = vd_normal();
                            ref->quant[act](x, a, 1, k, NULL);
                        } else {
                            vd_fill_act_extreme(act, a, k, ap, -127);
                        }
                        vd_act_values(act, a, k, av);
                        double l1 = 0;
                        for (int64_t e = 0; e < k; e++) l1 += fabs((double)wf[e] * av[e]);
                        float want, got;
                        ref->vecdot_rp[type](k, &want, r, a);
                        ks->vecdot_rp[type](k, &got, r, a);
                        if (!(fabs((double)got - want) <= 1e-5 * l1 + 1e-30)) {
                            printf("  FAIL %s %s vec_dot_repacked k=%lld weights %d act %d: %.9g vs ref %.9g (L1 %.3g)\n",
                                   gk_isa_name(isa), t->name, (long long)k, wp, ap, (double)got, (double)want, l1);
                            failures++;
                        }
                        (*checked)++;
                    }
                }
                free(w); free(r); free(a); free(wf); free(x); free(av);
            }
        }
    }
    return failures;
}

int gk_ctest_vecdot(void) {
    const gk_kernel_set *ref = gk_kernels(GK_ISA_REF);
    int failures = 0, checked = 0;
    enum { M = 5, N = 7 };
    for (int isa = GK_ISA_REF + 1; isa < GK_ISA_COUNT; isa++) {
        const gk_kernel_set *ks = gk_kernels(isa);
        if (!ks) continue;
        for (int type = 0; type < GK_TYPE_COUNT; type++) {
            const gk_type_info *t = gk_type_get(type);
            if (!t || t->vec_dot_type < 0 || !ks->vecdot[type] || !ref->vecdot[type] || !ref->dequant[type]) continue;
            const int act = t->vec_dot_type;
            const gk_type_info *at = gk_type_get(act);
            const int64_t km = t->block_size > at->block_size ? t->block_size : at->block_size;
            /* 1 block, an odd count, and (for the small blocks) 8 and 72; float rows also get a
             * long row with a tail that no vector width divides */
            const int64_t mults[] = {1, 3, km < 256 ? 8 : 9, km < 256 ? 72 : 0, km == 1 ? 1027 : 0};
            for (int rep = 0; rep < 5; rep++) {
                if (!mults[rep]) continue;
                const int64_t k = km * mults[rep];
                const size_t wrow = (size_t)gk_row_size(type, k), arow = (size_t)gk_row_size(act, k);
                float *x = malloc(sizeof(float) * (size_t)(M * k));
                uint8_t *w = malloc(wrow * N), *a = malloc(arow * M), *a2 = malloc(arow * M);
                float *wf = malloc(sizeof(float) * (size_t)k), *c = malloc(sizeof(float) * M * N);
                double *av = malloc(sizeof(double) * (size_t)k);
                for (int64_t i = 0; i < M * k; i++) x[i] = vd_normal() * (i % 97 == 0 ? 30.0f : 1.0f);
                vd_fill_weights(type, w, (int64_t)(wrow * N / t->type_size));
                /* activations: the reference quantizer; the tier's must give the same bytes */
                if (act == GK_TYPE_F32) memcpy(a, x, arow * M);
                else {
                    ref->quant[act](x, a, M, k, NULL);
                    ks->quant[act](x, a2, M, k, NULL);
                    if (memcmp(a, a2, arow * M)) {
                        printf("  FAIL %s: activation quantizer %s differs from ref\n", gk_isa_name(isa), at->name);
                        failures++;
                    }
                }
                if (ks->gemm[type]) ks->gemm[type](k, w, wrow, N, a, arow, M, c, N);
                for (int i = 0; i < M; i++) {
                    vd_act_values(act, a + i * arow, k, av);
                    for (int j = 0; j < N; j++) {
                        ref->dequant[type](w + j * wrow, wf, k);
                        double l1 = 0;
                        for (int64_t e = 0; e < k; e++) l1 += fabs((double)wf[e] * av[e]);
                        float want, got;
                        ref->vecdot[type](k, &want, w + j * wrow, a + i * arow);
                        ks->vecdot[type](k, &got, w + j * wrow, a + i * arow);
                        const double tol = 1e-5 * l1 + 1e-30;
                        if (!(fabs((double)got - want) <= tol)) {
                            printf("  FAIL %s %s vec_dot k=%lld: %.9g vs ref %.9g (L1 %.3g)\n", gk_isa_name(isa), t->name,
                                   (long long)k, (double)got, (double)want, l1);
                            failures++;
                        }
                        if (ks->gemm[type] && !(fabs((double)c[i * N + j] - got) <= tol)) {
                            printf("  FAIL %s %s gemm k=%lld (%d,%d): %.9g vs vec_dot %.9g\n", gk_isa_name(isa), t->name,
                                   (long long)k, i, j, (double)c[i * N + j], (double)got);
                            failures++;
                        }
                        checked++;
                    }
                }
                free(x); free(w); free(a); free(a2); free(wf); free(c); free(av);
            }
        }
    }
    printf("vecdot/gemm: %d comparisons against ref\n", checked);
    /* which types each tier covers with a kernel of its own (not the reference's) */
    for (int isa = GK_ISA_REF + 1; isa < GK_ISA_COUNT; isa++) {
        const gk_kernel_set *ks = gk_kernels(isa);
        if (!ks) continue;
        printf("  %s vec_dot kernels:", gk_isa_name(isa));
        for (int type = 0; type < GK_TYPE_COUNT; type++)
            if (gk_type_get(type) && ks->vecdot[type] && ks->vecdot[type] != ref->vecdot[type])
                printf(" %s", gk_type_get(type)->name);
        printf("\n");
    }
    int ext_checked = 0;
    failures += vd_extremes(ref, &ext_checked);
    printf("vecdot extremes: %d comparisons against ref\n", ext_checked);
    int rp_checked = 0;
    failures += vd_repacked(ref, &rp_checked);
    printf("vecdot repacked: %d comparisons against ref\n", rp_checked);
    return failures;
}
