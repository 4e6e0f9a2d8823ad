/* Repacked weights: ggufkit's own row layouts for the grid-coded IQ types (IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS,
 * IQ2_S, IQ3_XXS, IQ3_S), made once from a weight's blocks. Their m = 1 kernels stream 2-bit codes (IQ3:
 * nibbles) instead of looking up one grid entry per 8 (IQ3: 4) weights, which is what bounds the plain
 * kernels. Layouts: gk_block_iq1_rp, gk_block_iq2_rp and gk_block_iq3_rp in csrc/core/blocks.h. */
#ifndef GK_REPACK_H
#define GK_REPACK_H
#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of one repacked row of k weights of `type`; -1 if the type has no repacked layout or k is not
 * a multiple of 256. */
int64_t gk_repack_row_size(int type, int64_t k);

/* Repack n rows of k weights (w_stride bytes apart) into out (rows of gk_repack_row_size bytes, back to
 * back). Returns 0, or -1 if the type has no repacked layout or k is not a multiple of 256. */
int gk_repack(int type, int64_t k, const void *w, size_t w_stride, int64_t n, void *out, int nthreads);

/* The packers (csrc/kernels/ref/repack_iq.c): nblocks source blocks -> nblocks repacked blocks. */
void gk_repack_iq1_s(const void *src, void *dst, int64_t nblocks);
void gk_repack_iq1_m(const void *src, void *dst, int64_t nblocks);
void gk_repack_iq2_xxs(const void *src, void *dst, int64_t nblocks);
void gk_repack_iq2_xs(const void *src, void *dst, int64_t nblocks);
void gk_repack_iq2_s(const void *src, void *dst, int64_t nblocks);
void gk_repack_iq3_xxs(const void *src, void *dst, int64_t nblocks);
void gk_repack_iq3_s(const void *src, void *dst, int64_t nblocks);

#ifdef __cplusplus
}
#endif
#endif
