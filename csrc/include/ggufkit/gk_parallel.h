/* A small persistent thread pool. Work is split into contiguous chunks of [0, n); no result ever
 * depends on how many threads ran it. */
#ifndef GK_PARALLEL_H
#define GK_PARALLEL_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Process items [begin, end) of the job. */
typedef void (*gk_task_fn)(void *ctx, int64_t begin, int64_t end);

/* Run fn over [0, n) on up to nthreads threads (the caller is one of them), in chunks of at least
 * min_chunk items. Returns when every item is done. If the pool is busy (another call in flight),
 * the work runs on the calling thread. */
void gk_parallel_for(int64_t n, int64_t min_chunk, int nthreads, gk_task_fn fn, void *ctx);

/* Default thread count: GGUFKIT_NUM_THREADS, else the number of online CPUs. */
int gk_default_threads(void);

#ifdef __cplusplus
}
#endif
#endif
