/* Persistent worker threads, started on first use and re-created after fork(). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>
#include "ggufkit/gk_parallel.h"

#define GK_MAX_THREADS 256

typedef struct {
    gk_task_fn fn;
    void *ctx;
    int64_t n;
    int nchunks;
    atomic_int next;      /* next chunk to take */
    atomic_int remaining; /* chunks not finished */
} gk_job;

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;   /* one job at a time */
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
static gk_job *current;
static unsigned long generation;
static int n_workers;
static int job_users;   /* workers still inside the current job (it lives on the caller's stack) */
static pid_t pool_pid;

static void run_chunks(gk_job *job) {
    for (;;) {
        int c = atomic_fetch_add(&job->next, 1);
        if (c >= job->nchunks) break;
        int64_t b = job->n * c / job->nchunks, e = job->n * (c + 1) / job->nchunks;
        job->fn(job->ctx, b, e);
        if (atomic_fetch_sub(&job->remaining, 1) == 1) {
            pthread_mutex_lock(&state_lock);
            pthread_cond_broadcast(&done_cv);
            pthread_mutex_unlock(&state_lock);
        }
    }
}

static void *worker(void *arg) {
    (void)arg;
    unsigned long seen = 0;
    pthread_mutex_lock(&state_lock);
    seen = generation;
    for (;;) {
        while (generation == seen) pthread_cond_wait(&work_cv, &state_lock);
        seen = generation;
        gk_job *job = current;
        if (!job) continue;
        job_users++;
        pthread_mutex_unlock(&state_lock);
        run_chunks(job);
        pthread_mutex_lock(&state_lock);
        if (--job_users == 0) pthread_cond_broadcast(&done_cv);
    }
    return NULL;
}

/* Caller holds pool_lock. */
static void ensure_workers(int want) {
    if (pool_pid != getpid()) { n_workers = 0; pool_pid = getpid(); } /* threads do not survive fork */
    while (n_workers < want && n_workers < GK_MAX_THREADS - 1) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&t, &attr, worker, NULL);
        pthread_attr_destroy(&attr);
        if (rc != 0) break;
        n_workers++;
    }
}

void gk_parallel_for(int64_t n, int64_t min_chunk, int nthreads, gk_task_fn fn, void *ctx) {
    if (n <= 0) return;
    if (min_chunk < 1) min_chunk = 1;
    int64_t max_chunks = n / min_chunk;
    if (nthreads > GK_MAX_THREADS) nthreads = GK_MAX_THREADS;
    if (nthreads <= 1 || max_chunks <= 1 || pthread_mutex_trylock(&pool_lock) != 0) {
        fn(ctx, 0, n);
        return;
    }
    ensure_workers(nthreads - 1);
    int nt = n_workers + 1 < nthreads ? n_workers + 1 : nthreads;
    /* A few chunks per thread balances uneven rows without making chunks tiny. */
    int64_t nchunks = (int64_t)nt * 4;
    if (nchunks > max_chunks) nchunks = max_chunks;
    gk_job job = {.fn = fn, .ctx = ctx, .n = n, .nchunks = (int)nchunks};
    atomic_init(&job.next, 0);
    atomic_init(&job.remaining, (int)nchunks);
    pthread_mutex_lock(&state_lock);
    current = &job;
    generation++;
    pthread_cond_broadcast(&work_cv);
    pthread_mutex_unlock(&state_lock);
    run_chunks(&job);
    pthread_mutex_lock(&state_lock);
    current = NULL; /* late wakers must not pick up this job */
    while (atomic_load(&job.remaining) > 0 || job_users > 0) pthread_cond_wait(&done_cv, &state_lock);
    pthread_mutex_unlock(&state_lock);
    pthread_mutex_unlock(&pool_lock);
}

int gk_default_threads(void) {
    const char *env = getenv("GGUFKIT_NUM_THREADS");
    if (env && *env) {
        long v = strtol(env, NULL, 10);
        if (v >= 1 && v <= GK_MAX_THREADS) return (int)v;
    }
    /* sysconf reads /sys on every call (about 5 us, more than a small matmul): ask once. A race only
     * repeats the question. */
    static volatile long online = 0;
    long n = online;
    if (n == 0) online = n = sysconf(_SC_NPROCESSORS_ONLN);
    return n >= 1 ? (n > GK_MAX_THREADS ? GK_MAX_THREADS : (int)n) : 1;
}
