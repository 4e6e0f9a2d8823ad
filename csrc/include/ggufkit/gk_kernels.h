/* Kernel signatures, ISA tiers and the dispatch tables.
 *
 * Each tier folder (csrc/kernels/<isa>/) defines one const table per op family, indexed by type id,
 * in table_<op>.c: gk_<op>_table_<isa>[GK_TYPE_COUNT] (table_vecdot.c also holds gk_vecdot_rp_table_<isa>). A NULL entry inherits from the tier below.
 * dispatch.c overlays the tables once, for every tier this CPU can run. */
#ifndef GK_KERNELS_H
#define GK_KERNELS_H
#include <stdint.h>
#include <stddef.h>
#include "ggufkit/gk_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* y[0..n) = dequantized x; n is a multiple of the block size; x holds n / block_size blocks. */
typedef void (*gk_dequant_fn)(const void *x, float *y, int64_t n);

/* Quantize nrows rows of n_per_row floats (n_per_row a multiple of the block size) into y;
 * imatrix (n_per_row weights) may be NULL. Returns the bytes written. Same contract as ggml's
 * quantize_<type>(src, dst, nrow, n_per_row, imatrix). */
typedef size_t (*gk_quant_fn)(const float *x, void *y, int64_t nrows, int64_t n_per_row, const float *imatrix);

/* *s = dot(x, y) over n elements: x one row of the weight type, y the same row length in its vec_dot type. */
typedef void (*gk_vecdot_fn)(int64_t n, float *s, const void *x, const void *y);

/* c[i*c_stride + j] = dot(a row i, w row j) for i < m, j < n; k elements per row.
 * w rows are w_stride bytes apart (weight type), a rows a_stride bytes apart (vec_dot type). */
typedef void (*gk_gemm_fn)(int64_t k, const void *w, size_t w_stride, int64_t n,
                           const void *a, size_t a_stride, int64_t m, float *c, int64_t c_stride);

typedef enum gk_isa {
    GK_ISA_REF = 0,
    GK_ISA_AVX2,        /* AVX2 + FMA + F16C + BMI2 */
    GK_ISA_AVX512,      /* AVX-512 F/CD/BW/DQ/VL */
    GK_ISA_AVX512_VNNI, /* + VNNI + VBMI */
    GK_ISA_NEON,        /* aarch64 Advanced SIMD (+fp16 conversions) */
    GK_ISA_NEON_DOTPROD,/* + sdot/udot */
    GK_ISA_COUNT
} gk_isa;

/* GK_OP_VECDOT_RP: vec_dot of a repacked row (gk_repack.h) with its type's activations, indexed by the
 * source type (IQ1_S and IQ1_M share the IQ1 layout's kernel). */
typedef enum gk_op { GK_OP_DEQUANT = 0, GK_OP_QUANT, GK_OP_VECDOT, GK_OP_GEMM, GK_OP_VECDOT_RP, GK_OP_COUNT } gk_op;

/* The resolved kernels of one tier: its own entries over those of every tier below it. */
typedef struct gk_kernel_set {
    gk_dequant_fn dequant[GK_TYPE_COUNT];
    gk_quant_fn quant[GK_TYPE_COUNT];
    gk_vecdot_fn vecdot[GK_TYPE_COUNT];
    gk_gemm_fn gemm[GK_TYPE_COUNT];
    gk_vecdot_fn vecdot_rp[GK_TYPE_COUNT];
    int8_t served_by[GK_OP_COUNT][GK_TYPE_COUNT]; /* tier of each entry, -1 if none */
    int isa;
} gk_kernel_set;

const char *gk_isa_name(int isa);
int gk_isa_from_name(const char *name);  /* -1 if unknown */
int gk_isa_compiled(int isa);            /* built into this binary */
int gk_isa_runnable(int isa);            /* compiled and supported by this CPU and OS */

/* The kernels of one tier, or NULL if it cannot run here. isa < 0: the active tier (the best runnable
 * one under the GGUFKIT_ISA ceiling). */
const gk_kernel_set *gk_kernels(int isa);
int gk_active_isa(void);
int gk_isa_ceiling_requested(void);      /* tier named by GGUFKIT_ISA, -1 if unset or unknown */

/* Per-tier tables (defined in csrc/kernels/<isa>/table_<op>.c). */
#define GK_DECLARE_TABLES(isa) \
    extern const gk_dequant_fn gk_dequant_table_##isa[GK_TYPE_COUNT]; \
    extern const gk_quant_fn gk_quant_table_##isa[GK_TYPE_COUNT]; \
    extern const gk_vecdot_fn gk_vecdot_table_##isa[GK_TYPE_COUNT]; \
    extern const gk_gemm_fn gk_gemm_table_##isa[GK_TYPE_COUNT]; \
    extern const gk_vecdot_fn gk_vecdot_rp_table_##isa[GK_TYPE_COUNT];
GK_DECLARE_TABLES(ref)
GK_DECLARE_TABLES(avx2)
GK_DECLARE_TABLES(avx512)
GK_DECLARE_TABLES(avx512_vnni)
GK_DECLARE_TABLES(neon)
GK_DECLARE_TABLES(neon_dotprod)

#ifdef __cplusplus
}
#endif
#endif
