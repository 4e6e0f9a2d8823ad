/* The quantize driver: NaN / Inf check fused with the row loop, split over the thread pool. */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "ggufkit/gk_op_quant.h"
#include "ggufkit/gk_parallel.h"

/* Rows are checked and quantized in batches of about this many elements, so the check reads the
 * data into cache just before the kernel reads it again. */
#define GK_QUANT_BATCH_ELEMS 8192

/* Non-zero iff one of x[0..n) is NaN or +-Inf: an all-ones exponent carries into bit 31 when the
 * lowest exponent bit is added, any other exponent does not. Integer-only, four accumulators. */
static int has_nonfinite(const float *x, int64_t n) {
    int64_t j = 0;
    uint32_t acc = 0;
#if defined(__SSE2__)
    const __m128i exp_mask = _mm_set1_epi32(0x7f800000), one_exp = _mm_set1_epi32(0x00800000);
    __m128i a0 = _mm_setzero_si128(), a1 = a0, a2 = a0, a3 = a0;
    for (; j + 16 <= n; j += 16) {
        a0 = _mm_or_si128(a0, _mm_add_epi32(_mm_and_si128(_mm_loadu_si128((const __m128i *)(x + j)), exp_mask), one_exp));
        a1 = _mm_or_si128(a1, _mm_add_epi32(_mm_and_si128(_mm_loadu_si128((const __m128i *)(x + j + 4)), exp_mask), one_exp));
        a2 = _mm_or_si128(a2, _mm_add_epi32(_mm_and_si128(_mm_loadu_si128((const __m128i *)(x + j + 8)), exp_mask), one_exp));
        a3 = _mm_or_si128(a3, _mm_add_epi32(_mm_and_si128(_mm_loadu_si128((const __m128i *)(x + j + 12)), exp_mask), one_exp));
    }
    if (_mm_movemask_ps(_mm_castsi128_ps(_mm_or_si128(_mm_or_si128(a0, a1), _mm_or_si128(a2, a3))))) return 1;
#endif
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
