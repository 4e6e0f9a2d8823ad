/* The repack driver (see gk_repack.h): rows split over threads, each packed block by block. */
#include "ggufkit/gk_repack.h"
#include "ggufkit/gk_parallel.h"
#include "ggufkit/gk_types.h"
#include "blocks.h"

typedef void (*repack_fn)(const void *src, void *dst, int64_t nblocks);

static repack_fn packer(int type, size_t *block_bytes) {
    switch (type) {
    case GK_TYPE_IQ1_S: *block_bytes = sizeof(gk_block_iq1_rp); return gk_repack_iq1_s;
    case GK_TYPE_IQ1_M: *block_bytes = sizeof(gk_block_iq1_rp); return gk_repack_iq1_m;
    case GK_TYPE_IQ2_XXS: *block_bytes = sizeof(gk_block_iq2_rp); return gk_repack_iq2_xxs;
    case GK_TYPE_IQ2_XS: *block_bytes = sizeof(gk_block_iq2_rp); return gk_repack_iq2_xs;
    case GK_TYPE_IQ2_S: *block_bytes = sizeof(gk_block_iq2_rp); return gk_repack_iq2_s;
    case GK_TYPE_IQ3_XXS: *block_bytes = sizeof(gk_block_iq3_rp); return gk_repack_iq3_xxs;
    case GK_TYPE_IQ3_S: *block_bytes = sizeof(gk_block_iq3_rp); return gk_repack_iq3_s;
    default: return NULL;
    }
}

int64_t gk_repack_row_size(int type, int64_t k) {
    size_t bb;
    if (!packer(type, &bb) || k < 0 || k % GK_QK_K) return -1;
    return k / GK_QK_K * (int64_t)bb;
}

typedef struct {
    repack_fn fn;
    const char *w;
    size_t w_stride;
    char *out;
    int64_t out_row, nblocks;
} repack_job;

static void repack_rows(void *ctx, int64_t begin, int64_t end) {
    const repack_job *j = ctx;
    for (int64_t r = begin; r < end; r++) j->fn(j->w + r * j->w_stride, j->out + r * j->out_row, j->nblocks);
}

int gk_repack(int type, int64_t k, const void *w, size_t w_stride, int64_t n, void *out, int nthreads) {
    size_t bb;
    repack_fn fn = packer(type, &bb);
    const int64_t row = gk_repack_row_size(type, k);
    if (!fn || row < 0) return -1;
    if (n <= 0 || k == 0) return 0;
    repack_job job = {fn, w, w_stride, out, row, k / GK_QK_K};
    gk_parallel_for(n, 16, nthreads, repack_rows, &job);
    return 0;
}
