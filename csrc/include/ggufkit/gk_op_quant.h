/* The quantize operation: checks its input for NaN / Inf and runs a type's quant kernel over rows on
 * the thread pool. The bytes never depend on the thread count (rows are independent). */
#ifndef GK_OP_QUANT_H
#define GK_OP_QUANT_H
#include <stdint.h>
#include "ggufkit/gk_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Index of the first row of x (nrows x n_per_row floats) holding a NaN or an infinity, or -1. */
int64_t gk_first_nonfinite_row(const float *x, int64_t nrows, int64_t n_per_row);

/* Quantize nrows rows of n_per_row floats into y (row_bytes bytes per row) with fn, on up to nthreads
 * threads. Every row is checked for NaN / Inf before it is quantized; returns -1 when all rows were
 * quantized, else the index of the first non-finite row (y is then partly written: discard it). */
int64_t gk_quantize_rows(gk_quant_fn fn, const float *x, void *y, int64_t nrows, int64_t n_per_row,
                         size_t row_bytes, const float *imatrix, int nthreads);

#ifdef __cplusplus
}
#endif
#endif
