/* Quantize: every tier's kernel against the reference kernel on the same random rows (normal data at
 * several scales, sparse rows, ties of small integers, all-zero rows), without and with an importance
 * matrix, for 1, 3 and 17 rows of 1 to 3 blocks (the shapes the SIMD kernels group differently).
 * Bytes must match exactly. Types that require an imatrix are only run with one. */
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

static void fill_rows(float *x, int64_t n, int kind) {
    static const float scales[] = {1e-3f, 1.0f, 37.0f, 1e4f};
    for (int64_t i = 0; i < n; i++) {
        switch (kind) {
        case 0: case 1: case 2: case 3: x[i] = next_normal() * scales[kind]; break;
        case 4: x[i] = next_uniform() < 0.1f ? next_normal() : 0.0f; break;  /* sparse */
        case 5: x[i] = roundf(next_normal() * 3.0f); break;                   /* ties */
        default: x[i] = (i & 1) ? -0.0f : 0.0f; break;                         /* zero */
        }
    }
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
            const int bs = t->block_size < 256 && t->block_size > 1 ? 256 : t->block_size;
            for (int nblk = 1; nblk <= 3; nblk++)
                for (int rc = 0; rc < 3; rc++)
                    for (int kind = 0; kind < 7; kind++)
                        for (int with_im = t->requires_imatrix ? 1 : 0; with_im <= 1; with_im++) {
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
                                if (failures < 20)
                                    printf("  quant %s %s: %lld rows x %lld, data kind %d, imatrix %d: bytes differ\n",
                                           gk_isa_name(isa), t->name, (long long)rows, (long long)n, kind, with_im);
                                failures++;
                            }
                            free(x); free(im); free(a); free(b);
                        }
        }
    }
    printf("quant: %d comparisons against ref\n", comparisons);
    return failures;
}
