/* Dequantize: every tier's kernel against the reference kernel on the same random blocks (finite
 * scales of several magnitudes, fp16 subnormal scales, then any bytes at all: NaN / Inf scales), for
 * 1, 3 and 37 blocks and one call large enough for the streaming paths (and, with random bytes, for
 * every grid index and sign pattern). Values must match bit for bit (NaN matches NaN). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ggufkit/gk_kernels.h"
#include "ggufkit/gk_types.h"
#include "fp16.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t next_u64(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static float next_normal(void) { /* rough normal(0, 1): a sum of uniforms */
    float s = 0;
    for (int i = 0; i < 4; i++) s += (float)(next_u64() >> 40) / (float)(1ull << 24);
    return (s - 2.0f) * 1.7f;
}

/* Offsets of the float16 scale fields of one block (-1 ends the list). */
static const int *f16_fields(int type) {
    static const int at0[] = {0, -1}, at02[] = {0, 2, -1}, q2k[] = {80, 82, -1}, q3k[] = {108, -1},
                     q6k[] = {208, -1}, tq1[] = {52, -1}, tq2[] = {64, -1}, none[] = {-1};
    switch (type) {
    case GK_TYPE_Q4_1: case GK_TYPE_Q5_1: case GK_TYPE_Q8_1: case GK_TYPE_Q4_K: case GK_TYPE_Q5_K: return at02;
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

static uint16_t finite_half(float scale) { return gk_fp32_to_fp16(next_normal() * scale); }

/* nb random blocks of type t; finite: scale fields (and plain float values) finite */
static void fill_blocks(int type, uint8_t *buf, int64_t nb, int finite, float scale) {
    const gk_type_info *t = gk_type_get(type);
    const size_t bytes = (size_t)nb * t->type_size;
    for (size_t i = 0; i < bytes; i++) buf[i] = (uint8_t)(next_u64() >> 56);
    if (!finite) return;
    for (int64_t b = 0; b < nb; b++) {
        uint8_t *blk = buf + b * t->type_size;
        for (const int *o = f16_fields(type); *o >= 0; o++) {
            const uint16_t h = finite_half(scale);
            memcpy(blk + *o, &h, 2);
        }
        if (type == GK_TYPE_F32) { const float f = next_normal() * scale; memcpy(blk, &f, 4); }
        if (type == GK_TYPE_F16) { const uint16_t h = finite_half(scale); memcpy(blk, &h, 2); }
        if (type == GK_TYPE_BF16) { const uint16_t h = gk_fp32_to_bf16(next_normal() * scale); memcpy(blk, &h, 2); }
        if (type == GK_TYPE_F64) { const double f = next_normal() * scale; memcpy(blk, &f, 8); }
        if (type == GK_TYPE_Q8_K) { const float f = next_normal() * scale; memcpy(blk, &f, 4); }
        if (type == GK_TYPE_IQ1_M) { /* the fp16 scale's nibbles sit on top of the four scale words */
            const uint16_t h = finite_half(scale);
            for (int k = 0; k < 4; k++) blk[49 + 2 * k] = (uint8_t)((blk[49 + 2 * k] & 0x0F) | (((h >> (4 * k)) & 0xF) << 4));
        }
    }
}

static int same(float a, float b) {
    uint32_t ua, ub;
    memcpy(&ua, &a, 4);
    memcpy(&ub, &b, 4);
    return ua == ub || (a != a && b != b);
}

int gk_ctest_dequant(void) {
    const gk_kernel_set *ref = gk_kernels(GK_ISA_REF);
    const int64_t counts[] = {1, 3, 37, -1 /* large: >= 2M floats */};
    int failures = 0, checked = 0;
    for (int isa = GK_ISA_REF + 1; isa < GK_ISA_COUNT; isa++) {
        const gk_kernel_set *ks = gk_kernels(isa);
        if (!ks) continue;
        for (int type = 0; type < GK_TYPE_COUNT; type++) {
            const gk_type_info *t = gk_type_get(type);
            if (!t || !ks->dequant[type] || ks->served_by[GK_OP_DEQUANT][type] == GK_ISA_REF) continue;
            for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
                const int64_t nb = counts[c] > 0 ? counts[c] : ((1 << 21) + 77) / t->block_size + 1;
                const int64_t n = nb * t->block_size;
                uint8_t *x = malloc((size_t)nb * t->type_size + 1);
                float *want = malloc((size_t)n * 4), *got = malloc((size_t)n * 4 + 64);
                for (int round = 0; round < 5; round++) {
                    const int finite = round < 4;
                    /* round 3: fp16 scales mostly subnormal (< 6.1e-5) */
                    const float scale = round == 0 ? 1e-3f : round == 1 ? 1.0f : round == 2 ? 300.0f : 3e-6f;
                    fill_blocks(type, x, nb, finite, scale);
                    float *out = got + (round & 1); /* also a destination off its natural alignment */
                    ref->dequant[type](x, want, n);
                    ks->dequant[type](x, out, n);
                    for (int64_t i = 0; i < n; i++) {
                        if (!same(want[i], out[i])) {
                            printf("  FAIL %s %s: %lld blocks, round %d, element %lld: %.9g != %.9g (ref)\n",
                                   gk_isa_name(isa), t->name, (long long)nb, round, (long long)i,
                                   (double)out[i], (double)want[i]);
                            failures++;
                            break;
                        }
                    }
                    checked++;
                }
                free(x); free(want); free(got);
            }
        }
    }
    printf("dequant: %d comparisons against ref\n", checked);
    /* which types each tier covers with a kernel of its own (not the reference's) */
    for (int isa = GK_ISA_REF + 1; isa < GK_ISA_COUNT; isa++) {
        const gk_kernel_set *ks = gk_kernels(isa);
        if (!ks) continue;
        printf("  %s dequant kernels:", gk_isa_name(isa));
        for (int type = 0; type < GK_TYPE_COUNT; type++)
            if (gk_type_get(type) && ks->dequant[type] && ks->served_by[GK_OP_DEQUANT][type] != GK_ISA_REF)
                printf(" %s", gk_type_get(type)->name);
        printf("\n");
    }
    return failures;
}
