/* The dequantize driver: whole tensors, split by blocks over the thread pool. */
#include <string.h>
#include "ggufkit/gk_op_dequant.h"
#include "ggufkit/gk_parallel.h"
#include "ggufkit/gk_types.h"
#include "fp16.h"

/* float16 output goes through a float32 scratch of this many elements per step (a multiple of every
 * block size, small enough to stay in L1). */
#define GK_F16_STEP 4096

typedef struct {
    gk_dequant_fn dequant;
    gk_quant_fn to_f16;      /* the tier's F16 quantizer (RNE), or NULL: scalar conversion */
    const uint8_t *src;
    uint8_t *dst;
    int64_t block_size, type_size;
    int out_dtype;
} dequant_job;

static void dequant_task(void *vctx, int64_t begin, int64_t end) {
    const dequant_job *job = (const dequant_job *)vctx;
    const uint8_t *src = job->src + begin * job->type_size;
    const int64_t n = (end - begin) * job->block_size;
    if (job->out_dtype == GK_DEQUANT_OUT_F32) {
        job->dequant(src, (float *)job->dst + begin * job->block_size, n);
        return;
    }
    uint16_t *dst = (uint16_t *)job->dst + begin * job->block_size;
    float tmp[GK_F16_STEP];
    const int64_t step_blocks = GK_F16_STEP / job->block_size;
    for (int64_t done = 0; done < n;) {
        int64_t m = n - done;
        if (m > step_blocks * job->block_size) m = step_blocks * job->block_size;
        job->dequant(src + done / job->block_size * job->type_size, tmp, m);
        if (job->to_f16) {
            job->to_f16(tmp, dst + done, 1, m, NULL);
        } else {
            for (int64_t i = 0; i < m; i++) dst[done + i] = gk_fp32_to_fp16(tmp[i]);
        }
        done += m;
    }
}

int gk_dequantize(const gk_kernel_set *ks, int type, const void *src, void *dst, int64_t n,
                  int out_dtype, int nthreads) {
    const gk_type_info *t = gk_type_get(type);
    if (!t) return GK_DEQUANT_EBADTYPE;
    if (!ks->dequant[type]) return GK_DEQUANT_ENOKERNEL;
    if (n < 0 || n % t->block_size) return GK_DEQUANT_EBADSIZE;
    if (out_dtype != GK_DEQUANT_OUT_F32 && out_dtype != GK_DEQUANT_OUT_F16) return GK_DEQUANT_EBADDTYPE;
    if (n == 0) return GK_DEQUANT_OK;
    dequant_job job = {
        .dequant = ks->dequant[type],
        .to_f16 = ks->quant[GK_TYPE_F16],
        .src = (const uint8_t *)src,
        .dst = (uint8_t *)dst,
        .block_size = t->block_size,
        .type_size = t->type_size,
        .out_dtype = out_dtype,
    };
    /* chunks of at least 64K outputs: enough work per task to hide the hand-off */
    int64_t min_chunk = 65536 / t->block_size;
    gk_parallel_for(n / t->block_size, min_chunk, nthreads, dequant_task, &job);
    return GK_DEQUANT_OK;
}
