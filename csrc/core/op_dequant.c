/* The dequantize driver: whole tensors, split by blocks over the thread pool. */
#include <string.h>
#include <stdlib.h>
#include <stdint.h>
#include "ggufkit/gk_op_dequant.h"
#include "ggufkit/gk_parallel.h"
#include "ggufkit/gk_types.h"
#include "fp16.h"
#if defined(__x86_64__) || defined(_M_X64)
#include <emmintrin.h> /* SSE2: baseline on x86-64 */
#define GK_HAVE_STREAM 1
#endif

/* float16 output goes through a float32 scratch of this many elements per step (a multiple of every
 * block size, small enough to stay in L1). */
#define GK_F16_STEP 4096

/* Outputs at least this large are written with non-temporal stores: they do not fit in the cache
 * anyway, and streaming skips the read-for-ownership of every output line. */
#define GK_STREAM_MIN_BYTES (8 << 20)

typedef struct {
    gk_dequant_fn dequant;
    gk_quant_fn to_f16;      /* the tier's F16 quantizer (RNE), or NULL: scalar conversion */
    const uint8_t *src;
    uint8_t *dst;
    int64_t block_size, type_size;
    int out_dtype;
    int stream;              /* float32 output through an L1 scratch and non-temporal stores */
} dequant_job;

#ifdef GK_HAVE_STREAM
/* dst[0..n) = src[0..n) with non-temporal stores (dst float-aligned; src hot in L1). */
static void stream_copy(float *dst, const float *src, int64_t n) {
    while (n > 0 && ((uintptr_t)dst & 15)) { *dst++ = *src++; n--; }
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        _mm_stream_ps(dst + i + 0, _mm_loadu_ps(src + i + 0));
        _mm_stream_ps(dst + i + 4, _mm_loadu_ps(src + i + 4));
        _mm_stream_ps(dst + i + 8, _mm_loadu_ps(src + i + 8));
        _mm_stream_ps(dst + i + 12, _mm_loadu_ps(src + i + 12));
    }
    for (; i + 4 <= n; i += 4) _mm_stream_ps(dst + i, _mm_loadu_ps(src + i));
    for (; i < n; i++) dst[i] = src[i];
}
#endif

static void dequant_task(void *vctx, int64_t begin, int64_t end) {
    const dequant_job *job = (const dequant_job *)vctx;
    const uint8_t *src = job->src + begin * job->type_size;
    const int64_t n = (end - begin) * job->block_size;
    if (job->out_dtype == GK_DEQUANT_OUT_F32) {
        float *dst = (float *)job->dst + begin * job->block_size;
#ifdef GK_HAVE_STREAM
        if (job->stream) {
            float tmp[GK_F16_STEP];
            const int64_t step = GK_F16_STEP / job->block_size * job->block_size;
            for (int64_t done = 0; done < n; done += step) {
                const int64_t m = n - done < step ? n - done : step;
                job->dequant(src + done / job->block_size * job->type_size, tmp, m);
                stream_copy(dst + done, tmp, m);
            }
            _mm_sfence(); /* visible to the caller before the pool reports this chunk done */
            return;
        }
#endif
        job->dequant(src, dst, n);
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
        .stream = out_dtype == GK_DEQUANT_OUT_F32 && n * 4 >= GK_STREAM_MIN_BYTES && getenv("GK_NOSTREAM") == NULL,
    };
    /* chunks of at least 64K outputs: enough work per task to hide the hand-off */
    int64_t min_chunk = 65536 / t->block_size;
    gk_parallel_for(n / t->block_size, min_chunk, nthreads, dequant_task, &job);
    return GK_DEQUANT_OK;
}
