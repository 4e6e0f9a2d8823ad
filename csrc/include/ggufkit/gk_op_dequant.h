/* Dequantize a whole tensor with one tier's kernels, split over the thread pool. */
#ifndef GK_OP_DEQUANT_H
#define GK_OP_DEQUANT_H
#include <stdint.h>
#include "ggufkit/gk_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { GK_DEQUANT_OUT_F32 = 0, GK_DEQUANT_OUT_F16 = 1 };

enum {
    GK_DEQUANT_OK = 0,
    GK_DEQUANT_EBADTYPE = -1,   /* invalid or removed type id */
    GK_DEQUANT_ENOKERNEL = -2,  /* no dequant kernel for the type in this tier */
    GK_DEQUANT_EBADSIZE = -3,   /* n is negative or not a multiple of the block size */
    GK_DEQUANT_EBADDTYPE = -4,  /* unknown output dtype */
};

/* dst[0..n) = dequantized src (n / block_size blocks, contiguous), as float32 or IEEE float16
 * (round to nearest even). Blocks are split into contiguous chunks over up to nthreads threads;
 * the result does not depend on nthreads. src needs the alignment of the type's block struct. */
int gk_dequantize(const gk_kernel_set *ks, int type, const void *src, void *dst, int64_t n,
                  int out_dtype, int nthreads);

#ifdef __cplusplus
}
#endif
#endif
