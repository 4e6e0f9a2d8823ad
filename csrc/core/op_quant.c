/* The quantize driver: NaN / Inf check fused with the row loop, split over the thread pool. */
#include <string.h>
#include "ggufkit/gk_op_quant.h"
#include "ggufkit/gk_parallel.h"

/* Rows are checked and quantized in batches of about this many elements, so the check reads the
 * data into cache just before the kernel reads it again. */
#define GK_QUANT_BATCH_ELEMS 8192

/* Non-zero iff one of x[0..n) is NaN or +-Inf: an all-ones exponent carries into bit 31 when the
 * lowest exponent bit is added, any other exponent does not. Integer-only so it vectorizes. */
static int has_nonfinite(const float *x, int64_t n) {
    uint32_t acc = 0;
    int64_t j = 0;
    for (; j + 8 <= n; j += 8) {
        uint32_t u[8];
        memcpy(u, x + j, sizeof u);
        for (int k = 0; k < 8; ++k) acc |= (u[k] & 0x7f800000u) + 0x00800000u;
    }
    for (; j < n; ++j) {
        uint32_t u;
        memcpy(&u, x + j, 4);
        acc |= (u & 0x7f800000u) + 0x00800000u;
    }
    return (acc >> 31) != 0;
}

int64_t gk_first_nonfinite_row(const float *x, int64_t nrows, int64_t n_per_row) {
    for (int64_t r = 0; r < nrows; ++r)
        if (has_nonfinite(x + r * n_per_row, n_per_row)) return r;
    return -1;
}

typedef struct {
    gk_quant_fn fn;
    const float *x;
    uint8_t *y;
    int64_t n_per_row;
    size_t row_bytes;
    const float *imatrix;
    int64_t batch_rows;
    int64_t first_bad; /* smallest bad row seen, INT64_MAX if none (updated atomically) */
} quant_job;

static void record_bad(quant_job *job, int64_t row) {
    int64_t cur = __atomic_load_n(&job->first_bad, __ATOMIC_RELAXED);
    while (row < cur &&
           !__atomic_compare_exchange_n(&job->first_bad, &cur, row, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
}

static void quant_task(void *ctx, int64_t begin, int64_t end) {
    quant_job *job = (quant_job *)ctx;
    for (int64_t r = begin; r < end; r += job->batch_rows) {
        int64_t nr = end - r < job->batch_rows ? end - r : job->batch_rows;
        const float *x = job->x + r * job->n_per_row;
        int64_t bad = gk_first_nonfinite_row(x, nr, job->n_per_row);
        if (bad >= 0) {
            record_bad(job, r + bad);
            return; /* the call fails anyway: stop this chunk */
        }
        job->fn(x, job->y + (size_t)r * job->row_bytes, nr, job->n_per_row, job->imatrix);
    }
}

int64_t gk_quantize_rows(gk_quant_fn fn, const float *x, void *y, int64_t nrows, int64_t n_per_row,
                         size_t row_bytes, const float *imatrix, int nthreads) {
    if (nrows <= 0 || n_per_row <= 0) return -1;
    quant_job job = {fn, x, (uint8_t *)y, n_per_row, row_bytes, imatrix, 1, INT64_MAX};
    job.batch_rows = GK_QUANT_BATCH_ELEMS / n_per_row;
    if (job.batch_rows < 1) job.batch_rows = 1;
    /* Chunks of at least ~64K elements so that small calls do not pay for waking threads. */
    int64_t min_chunk = 65536 / n_per_row;
    if (min_chunk < 1) min_chunk = 1;
    gk_parallel_for(nrows, min_chunk, nthreads, quant_task, &job);
    return job.first_bad == INT64_MAX ? -1 : job.first_bad;
}
