/* Quantize: every tier's kernel against the reference kernel on the same random rows (normal data at
 * several scales, sparse rows, ties of small integers, all-zero rows), without and with an importance
 * matrix, for 1, 3 and 17 rows of 1 to 3 blocks (the shapes the SIMD kernels group differently).
 * Bytes must match exactly. Types that require an imatrix are only run with one.
 * The activation quantizers (Q8_0, Q8_1, Q8_K) also get rows of exact .5 ties after scaling (block
 * maximum 127 * 2^e), huge magnitudes (up to 3.3e38) and tiny ones (down to subnormal Q8_0 scales),
 * and Q8_K rows with quiet / signaling NaN and Inf (the reference skips NaN when it takes the maximum);
 * the float conversions (F16, BF16; rows of 67 and more, not a multiple of any vector width) get raw
 * random bit patterns (NaN, Inf, subnormals) and exact round-to-nearest-even ties of both formats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "ggufkit/gk_kernels.h"
#include "ggufkit/gk_types.h"

static uint64_t rng_state = 0xD1B54A32D192ED03ull;
static uint64_t next_u64(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static float next_uniform(void) { return (float)(next_u64() >> 40) / (float)(1ull << 24); }
static float next_normal(void) {
    float s = 0;
    for (int i = 0; i < 4; i++) s += next_uniform();
    return (s - 2.0f) * 1.7f;
}

static float bits_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

/* the extra kinds: 7..9 for the activation quantizers, 10..12 for the float conversions, 13 for Q8_K
 * only (NaN / Inf inputs: defined behaviour in its rounding, unlike the int8 casts of Q8_0 / Q8_1) */
enum { KIND_COMMON = 7, KIND_ACT_TIES = 7, KIND_ACT_HUGE, KIND_ACT_TINY, KIND_F_BITS, KIND_F16_TIES, KIND_BF16_TIES,
       KIND_Q8K_NONFINITE, KIND_END };

static void fill_rows(float *x, int64_t n, int kind) {
    static const float scales[] = {1e-3f, 1.0f, 37.0f, 1e4f};
    static const int tie_exps[] = {-20, -3, 0, 7};
    static const float tiny[] = {1e-30f, 3e-37f};
    for (int64_t i = 0; i < n; i++) {
        switch (kind) {
        case 0: case 1: case 2: case 3: x[i] = next_normal() * scales[kind]; break;
        case 4: x[i] = next_uniform() < 0.1f ? next_normal() : 0.0f; break;  /* sparse */
        case 5: x[i] = roundf(next_normal() * 3.0f); break;                   /* ties */
        case KIND_ACT_TIES: { /* each 32-block: max +-127 * 2^e first, then (k + 0.5) * 2^e: scaled, exact ties */
            const int e = tie_exps[(i / 256) % 4];
            const float sign = (next_u64() >> 63) ? -1.0f : 1.0f;
            const float v = i % 32 == 0 ? 127.0f : (float)(int)(next_u64() % 253) - 126.0f + 0.5f; /* -125.5 .. 126.5 */
            x[i] = ldexpf(sign * v, e);
            break;
        }
        case KIND_ACT_HUGE: x[i] = i % 97 == 5 ? ((i & 2) ? -3.3e38f : 3.3e38f) : next_normal() * 1e30f; break;
        case KIND_ACT_TINY: /* each 32-block's first element is its largest (|normal| <= 3.4): with
                             * 3e-37, d = 1.02e-36 / 127 is subnormal and 1 / d finite (never inf, whose
                             * conversion to int8 would be undefined) */
            x[i] = i % 32 == 0 ? ((i & 64) ? -3.4f : 3.4f) * tiny[(i / 256) % 2] : next_normal() * tiny[(i / 256) % 2];
            break;
        case KIND_F_BITS: x[i] = bits_f32((uint32_t)(next_u64() >> 32)); break;
        case KIND_F16_TIES: { /* halfway between two halves: normal (2^-14 .. 2^15) and subnormal range */
            const uint32_t r = (uint32_t)(next_u64() >> 32), sign = r & 0x80000000u;
            const int e = -24 + (int)((r >> 23) % 40);                         /* 2^-24 .. 2^15 */
            const int drop = e < -14 ? 13 + (-14 - e) : 13;                     /* mantissa bits below the half's lsb */
            const uint32_t mant = (r & 0x7fffffu & ~((1u << drop) - 1)) | (1u << (drop - 1));
            x[i] = bits_f32(sign | (uint32_t)(127 + e) << 23 | mant);
            break;
        }
        case KIND_BF16_TIES: { /* low 16 bits exactly 0x8000, any exponent (including Inf / NaN high bits) */
            const uint32_t r = (uint32_t)(next_u64() >> 32);
            x[i] = bits_f32((r & 0xffff0000u) | 0x8000u);
            break;
        }
        case KIND_Q8K_NONFINITE: { /* per 256-block: some quiet / signaling NaN, +-Inf, or all NaN */
            static const uint32_t special[] = {0x7fc00000u, 0xffc00001u, 0x7f800001u, 0xff800123u, 0x7f800000u, 0xff800000u};
            const int blk = (int)((i / 256) % 4);
            const uint64_t r = next_u64();
            x[i] = next_normal();
            if (blk == 1 && (r >> 60) == 0) x[i] = bits_f32(special[(r >> 32) % 4]);      /* NaNs */
            if (blk == 2 && (r >> 60) == 0) x[i] = bits_f32(special[(r >> 32) % 6]);      /* NaNs and Infs */
            if (blk == 3) x[i] = bits_f32(special[(r >> 32) % 4]);                         /* NaN only */
            break;
        }
        default: x[i] = (i & 1) ? -0.0f : 0.0f; break;                         /* zero */
        }
    }
}

/* the kinds a type is run with: 0..6 for all; extra ones for the activation formats and float conversions */
static int kind_applies(int type, int kind) {
    if (kind < KIND_COMMON) return 1;
    const int act = type == GK_TYPE_Q8_0 || type == GK_TYPE_Q8_1 || type == GK_TYPE_Q8_K;
    const int flt = type == GK_TYPE_F16 || type == GK_TYPE_BF16;
    if (kind == KIND_Q8K_NONFINITE) return type == GK_TYPE_Q8_K;
    return kind < KIND_F_BITS ? act : flt;
}

int gk_ctest_quant(void) {
    const gk_kernel_set *ref = gk_kernels(GK_ISA_REF);
    int failures = 0, comparisons = 0;
    static const int row_counts[] = {1, 3, 17};
    for (int isa = GK_ISA_REF + 1; isa < GK_ISA_COUNT; isa++) {
        const gk_kernel_set *ks = gk_kernels(isa);
        if (!ks) continue;
        for (int type = 0; type < GK_TYPE_COUNT; type++) {
            const gk_type_info *t = gk_type_get(type);
            if (!t || !ks->quant[type] || !ref->quant[type] || ks->served_by[GK_OP_QUANT][type] != isa) continue; /* each kernel once, in its own tier */
            int type_failures = 0;
            const int bs = t->block_size == 1 ? 67 : t->block_size < 256 ? 256 : t->block_size;
            for (int nblk = 1; nblk <= 3; nblk++)
                for (int rc = 0; rc < 3; rc++)
                    for (int kind = 0; kind < KIND_END; kind++)
                        for (int with_im = t->requires_imatrix ? 1 : 0; with_im <= 1; with_im++) {
                            if (!kind_applies(type, kind)) continue;
                            const int64_t n = (int64_t)bs * nblk, rows = row_counts[rc];
                            const size_t bytes = (size_t)gk_row_size(type, n) * rows;
                            float *x = malloc(sizeof(float) * n * rows), *im = malloc(sizeof(float) * n);
                            uint8_t *a = malloc(bytes), *b = malloc(bytes);
                            fill_rows(x, n * rows, kind);
                            for (int64_t i = 0; i < n; i++) im[i] = 0.05f + next_uniform() * 2.0f;
                            memset(a, 0xAA, bytes);
                            memset(b, 0x55, bytes);
                            ref->quant[type](x, a, rows, n, with_im ? im : NULL);
                            ks->quant[type](x, b, rows, n, with_im ? im : NULL);
                            comparisons++;
                            if (memcmp(a, b, bytes)) {
                                if (type_failures++ < 4) /* a few per type and tier */
                                    printf("  quant %s %s: %lld rows x %lld, data kind %d, imatrix %d: bytes differ\n",
                                           gk_isa_name(isa), t->name, (long long)rows, (long long)n, kind, with_im);
                                failures++;
                            }
                            free(x); free(im); free(a); free(b);
                        }
        }
    }
    printf("quant: %d comparisons against ref\n", comparisons);
    /* which types each tier covers with a kernel of its own (not the reference's) */
    for (int isa = GK_ISA_REF + 1; isa < GK_ISA_COUNT; isa++) {
        const gk_kernel_set *ks = gk_kernels(isa);
        if (!ks) continue;
        printf("  %s quant kernels:", gk_isa_name(isa));
        for (int type = 0; type < GK_TYPE_COUNT; type++)
            if (gk_type_get(type) && ks->quant[type] && ks->served_by[GK_OP_QUANT][type] != GK_ISA_REF)
                printf(" %s", gk_type_get(type)->name);
        printf("\n");
    }
    return failures;
}
