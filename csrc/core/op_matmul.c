/* The matmul driver (see gk_op_matmul.h).
 *
 * 1. Each row of x is quantized once to the weight type's vec_dot type (rows split over threads).
 * 2. The rows of w (output columns) are split over threads in contiguous chunks; each chunk runs the
 *    tier's gemm kernel for the type if it has one (weight blocks loaded once for several rows of x;
 *    for m = 1 it may prepare the activation row once for all the chunk's weight rows),
 *    else a tiled loop over the vec_dot kernel: a tile of W_TILE weight rows stays in L1 while every
 *    row of x passes over it. An output element is always computed by the same kernel call on the
 *    same data, so results do not depend on the thread count. */
#include <stdlib.h>
#include <string.h>
#include "ggufkit/gk_kernels.h"
#include "ggufkit/gk_op_matmul.h"
#include "ggufkit/gk_parallel.h"
#include "ggufkit/gk_repack.h"
#include "blocks.h"
#include "ggufkit/gk_types.h"

#define W_TILE 4
#define X_TILE 64

const char *gk_matmul_strerror(int code) {
    switch (code) {
    case GK_MATMUL_OK: return "ok";
    case GK_MATMUL_EBADTYPE: return "the type has no dot product (repacked rows: no repacked layout)";
    case GK_MATMUL_EBADK: return "k is not a multiple of the block size";
    case GK_MATMUL_ENOKERNEL: return "no kernel for this type and path on this tier";
    case GK_MATMUL_ENOMEM: return "out of memory";
    case GK_MATMUL_ENOTIER: return "the kernel tier cannot run on this CPU";
    default: return "unknown error";
    }
}

int64_t gk_matmul_k_multiple(int type) {
    const gk_type_info *t = gk_type_get(type);
    if (!t || t->vec_dot_type < 0) return -1;
    const gk_type_info *a = gk_type_get(t->vec_dot_type);
    const int64_t bw = t->block_size, ba = a->block_size;
    return bw > ba ? bw : ba; /* block sizes are powers of two */
}

/* ---- activation quantization ---- */
typedef struct {
    gk_quant_fn quant;
    const float *x;
    int64_t x_stride, k;
    char *out;
    size_t row_bytes;
} act_job;

static void act_rows(void *vctx, int64_t begin, int64_t end) {
    act_job *j = vctx;
    for (int64_t r = begin; r < end; r++)
        j->quant(j->x + r * j->x_stride, j->out + r * j->row_bytes, 1, j->k, NULL);
}

static int quantize_rows(const gk_kernel_set *ks, int act_type, const float *x, int64_t x_stride, int64_t m,
                         int64_t k, void *out, int nthreads) {
    gk_quant_fn q = ks->quant[act_type];
    if (!q) return GK_MATMUL_ENOKERNEL;
    act_job job = {q, x, x_stride, k, out, (size_t)gk_row_size(act_type, k)};
    /* ~64 KiB of floats per chunk at least: quantizing is cheap next to the products */
    int64_t min_rows = (16384 + k - 1) / k;
    gk_parallel_for(m, min_rows, nthreads, act_rows, &job);
    return GK_MATMUL_OK;
}

int gk_matmul_quantize_activations(int isa, int act_type, const float *x, int64_t m, int64_t k, void *out,
                                   int nthreads) {
    const gk_kernel_set *ks = gk_kernels(isa);
    if (!ks) return GK_MATMUL_ENOTIER;
    if (!gk_type_get(act_type)) return GK_MATMUL_EBADTYPE;
    if (gk_row_size(act_type, k) < 0) return GK_MATMUL_EBADK;
    return quantize_rows(ks, act_type, x, k, m, k, out, nthreads);
}

/* ---- products ---- */
typedef struct {
    const gk_kernel_set *ks;
    gk_vecdot_fn dot; /* the tiled loop's kernel: vec_dot, or vec_dot of repacked rows */
    int type;
    const char *w;
    size_t w_stride;
    int64_t k, m;
    const char *a;
    size_t a_stride;
    float *y;
    int64_t y_stride;
    /* float path */
    const float *x;
    int64_t x_stride;
    size_t dq_floats; /* per-thread dequant buffer length */
} mm_job;

/* Tiled vec_dot: a W_TILE x X_TILE block of outputs at a time. */
static void mm_tiled(const mm_job *J, int64_t j0, int64_t j1) {
    gk_vecdot_fn dot = J->dot;
    for (int64_t jt = j0; jt < j1; jt += W_TILE) {
        const int64_t je = jt + W_TILE < j1 ? jt + W_TILE : j1;
        for (int64_t it = 0; it < J->m; it += X_TILE) {
            const int64_t ie = it + X_TILE < J->m ? it + X_TILE : J->m;
            for (int64_t i = it; i < ie; i++)
                for (int64_t j = jt; j < je; j++)
                    dot(J->k, &J->y[i * J->y_stride + j], J->w + j * J->w_stride, J->a + i * J->a_stride);
        }
    }
}

static void mm_chunk(void *vctx, int64_t j0, int64_t j1) {
    const mm_job *J = vctx;
    gk_gemm_fn gemm = J->ks->gemm[J->type];
    /* a few rows of x: the gemm kernel too (it may prepare an activation row once for the whole
     * chunk), unless vec_dot comes from a higher tier than the gemm (then it is the better kernel) */
    const int vec_tier = J->ks->served_by[GK_OP_VECDOT][J->type], gemm_tier = J->ks->served_by[GK_OP_GEMM][J->type];
    if (gemm && J->m < 4 && vec_tier > gemm_tier) gemm = NULL;
    if (gemm)
        gemm(J->k, J->w + j0 * J->w_stride, J->w_stride, j1 - j0, J->a, J->a_stride, J->m, J->y + j0, J->y_stride);
    else
        mm_tiled(J, j0, j1);
}

/* Float activations: dequantize FLOAT_TILE weight rows into a per-call buffer, then the tier's F32
 * kernels (vec_dot for m = 1, gemm otherwise) against the float rows of x. */
#define FLOAT_TILE 16
static void mm_float_chunk(void *vctx, int64_t j0, int64_t j1) {
    const mm_job *J = vctx;
    gk_dequant_fn dq = J->ks->dequant[J->type];
    gk_vecdot_fn dot = J->ks->vecdot[GK_TYPE_F32];
    gk_gemm_fn gemm = J->ks->gemm[GK_TYPE_F32];
    float *buf = malloc(sizeof(float) * (size_t)J->k * FLOAT_TILE);
    if (!buf) { /* cannot happen for sane k (the caller probed the size); never leave garbage */
        for (int64_t i = 0; i < J->m; i++)
            for (int64_t j = j0; j < j1; j++) J->y[i * J->y_stride + j] = __builtin_nanf("");
        return;
    }
    for (int64_t jt = j0; jt < j1; jt += FLOAT_TILE) {
        const int64_t je = jt + FLOAT_TILE < j1 ? jt + FLOAT_TILE : j1;
        for (int64_t j = jt; j < je; j++) dq(J->w + j * J->w_stride, buf + (j - jt) * J->k, J->k);
        if (gemm) /* m = 1 too: a gemm kernel may prepare the activation row once for the whole chunk */ {
            gemm(J->k, buf, sizeof(float) * (size_t)J->k, je - jt, J->x, sizeof(float) * (size_t)J->x_stride, J->m,
                 J->y + jt, J->y_stride);
        } else {
            for (int64_t i = 0; i < J->m; i++)
                for (int64_t j = jt; j < je; j++)
                    dot(J->k, &J->y[i * J->y_stride + j], buf + (j - jt) * J->k, J->x + i * J->x_stride);
        }
    }
    free(buf);
}

static int quantized_products(mm_job *J, int act, const float *x, int64_t x_stride, int64_t n, int64_t k,
                              int64_t min_rows, int nthreads, void (*chunk)(void *, int64_t, int64_t));

int gk_matmul(int isa, int type, const void *w, size_t w_stride, int64_t n, int64_t k,
              const float *x, int64_t x_stride, int64_t m, float *y, int64_t y_stride,
              int float_activations, int nthreads) {
    const gk_kernel_set *ks = gk_kernels(isa);
    if (!ks) return GK_MATMUL_ENOTIER;
    const gk_type_info *t = gk_type_get(type);
    if (!t || t->vec_dot_type < 0) return GK_MATMUL_EBADTYPE;
    const int64_t km = gk_matmul_k_multiple(type);
    if (k < 0 || k % km) return GK_MATMUL_EBADK;
    if (n <= 0 || m <= 0) return GK_MATMUL_OK;
    if (k == 0) {
        for (int64_t i = 0; i < m; i++) memset(y + i * y_stride, 0, sizeof(float) * (size_t)n);
        return GK_MATMUL_OK;
    }

    mm_job J = {.ks = ks, .dot = ks->vecdot[type], .type = type, .w = w, .w_stride = w_stride, .k = k, .m = m, .y = y,
                .y_stride = y_stride, .x = x, .x_stride = x_stride};
    /* a few weight rows per chunk at least, so chunks amortize their start-up */
    const int64_t row_bytes = gk_row_size(type, k);
    int64_t min_rows = (65536 / (row_bytes > 0 ? row_bytes : 1)) / (m < 8 ? 1 : 8);
    if (min_rows < W_TILE) min_rows = W_TILE;

    if (float_activations) {
        if (!ks->dequant[type] || !ks->vecdot[GK_TYPE_F32]) return GK_MATMUL_ENOKERNEL;
        void *probe = malloc(sizeof(float) * (size_t)k * FLOAT_TILE);
        if (!probe) return GK_MATMUL_ENOMEM;
        free(probe);
        gk_parallel_for(n, min_rows, nthreads, mm_float_chunk, &J);
        return GK_MATMUL_OK;
    }

    if (!ks->vecdot[type]) return GK_MATMUL_ENOKERNEL;
    return quantized_products(&J, t->vec_dot_type, x, x_stride, n, k, min_rows, nthreads, mm_chunk);
}

/* Repacked rows (gk_repack.h): the tiled loop over the tier's vec_dot of repacked rows (J->dot). */
static void mm_repacked_chunk(void *vctx, int64_t j0, int64_t j1) { mm_tiled(vctx, j0, j1); }

int gk_matmul_repacked(int isa, int type, const void *wr, size_t wr_stride, int64_t n, int64_t k,
                       const float *x, int64_t x_stride, int64_t m, float *y, int64_t y_stride, int nthreads) {
    const gk_kernel_set *ks = gk_kernels(isa);
    if (!ks) return GK_MATMUL_ENOTIER;
    const gk_type_info *t = gk_type_get(type);
    if (!t || t->vec_dot_type < 0 || gk_repack_row_size(type, GK_QK_K) < 0) return GK_MATMUL_EBADTYPE; /* no layout */
    if (gk_repack_row_size(type, k) < 0) return GK_MATMUL_EBADK;
    if (!ks->vecdot_rp[type]) return GK_MATMUL_ENOKERNEL;
    if (n <= 0 || m <= 0) return GK_MATMUL_OK;
    if (k == 0) {
        for (int64_t i = 0; i < m; i++) memset(y + i * y_stride, 0, sizeof(float) * (size_t)n);
        return GK_MATMUL_OK;
    }
    mm_job J = {.ks = ks, .dot = ks->vecdot_rp[type], .type = type, .w = wr, .w_stride = wr_stride, .k = k, .m = m,
                .y = y, .y_stride = y_stride};
    const int64_t row_bytes = gk_repack_row_size(type, k);
    int64_t min_rows = 65536 / (row_bytes > 0 ? row_bytes : 1);
    if (min_rows < W_TILE) min_rows = W_TILE;
    return quantized_products(&J, t->vec_dot_type, x, x_stride, n, k, min_rows, nthreads, mm_repacked_chunk);
}

/* Quantizes x to the activation type act, then runs chunk over the rows of w on the threads. */
static int quantized_products(mm_job *J, int act, const float *x, int64_t x_stride, int64_t n, int64_t k,
                              int64_t min_rows, int nthreads, void (*chunk)(void *, int64_t, int64_t)) {
    const gk_kernel_set *ks = J->ks;
    const int64_t m = J->m;
    void *abuf = NULL;
    if (act == GK_TYPE_F32) {
        J->a = (const char *)x;
        J->a_stride = (size_t)x_stride * sizeof(float);
    } else {
        const size_t a_row = (size_t)gk_row_size(act, k);
        abuf = malloc(a_row * (size_t)m);
        if (!abuf) return GK_MATMUL_ENOMEM;
        int rc = quantize_rows(ks, act, x, x_stride, m, k, abuf, nthreads);
        if (rc) { free(abuf); return rc; }
        J->a = abuf;
        J->a_stride = a_row;
    }
    gk_parallel_for(n, min_rows, nthreads, chunk, J);
    free(abuf);
    return GK_MATMUL_OK;
}
