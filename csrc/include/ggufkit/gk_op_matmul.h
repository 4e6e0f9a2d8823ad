/* The matmul driver: y = x @ dequantize(w).T (torch linear semantics), on one kernel tier. */
#ifndef GK_OP_MATMUL_H
#define GK_OP_MATMUL_H
#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    GK_MATMUL_OK = 0,
    GK_MATMUL_EBADTYPE = -1,   /* no such type, a type without a dot product, or (repacked) without a layout */
    GK_MATMUL_EBADK = -2,      /* k not a multiple of the block size (or of the activation block) */
    GK_MATMUL_ENOKERNEL = -3,  /* the tier lacks the kernel this path needs */
    GK_MATMUL_ENOMEM = -4,
    GK_MATMUL_ENOTIER = -5,    /* the tier cannot run here */
};

/* w: n rows of k elements of `type`, w_stride bytes apart. x: m rows of k floats, x_stride floats apart.
 * y[i * y_stride + j] = dot(x row i, w row j). float_activations = 0: x is quantized to the type's
 * vec_dot type once per row and dot products run on integers; 1: x stays float and weight rows are
 * dequantized on the fly. isa < 0: the active tier. Returns GK_MATMUL_OK or a negative code. */
int gk_matmul(int isa, int type, const void *w, size_t w_stride, int64_t n, int64_t k,
              const float *x, int64_t x_stride, int64_t m, float *y, int64_t y_stride,
              int float_activations, int nthreads);

/* As gk_matmul with quantized activations, on repacked rows (gk_repack.h: wr holds n rows of
 * gk_repack_row_size(type, k) bytes, wr_stride apart, made from weights of `type`). */
int gk_matmul_repacked(int isa, int type, const void *wr, size_t wr_stride, int64_t n, int64_t k,
                       const float *x, int64_t x_stride, int64_t m, float *y, int64_t y_stride, int nthreads);

const char *gk_matmul_strerror(int code);

/* Quantize m rows of k floats to the activation type act_type (Q8_0, Q8_1, Q8_K, F16, BF16) with a
 * tier's kernels, into out (m * row_size bytes). Returns GK_MATMUL_OK or a negative code. */
int gk_matmul_quantize_activations(int isa, int act_type, const float *x, int64_t m, int64_t k, void *out,
                                   int nthreads);

/* k elements per row of w given activations in act_type; used to validate shapes: the activation row
 * must tile into whole activation blocks (e.g. Q1_0 rows of 128 over Q8_0 blocks of 32). */
int64_t gk_matmul_k_multiple(int type);

#ifdef __cplusplus
}
#endif
#endif
