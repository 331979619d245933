/* threadpool.h — the session's worker threads (internal): pthreadpool where the build links it.
 *
 * Work is split into tasks whose results do not depend on which thread runs them or on how many threads
 * there are (rows, 16-aligned output-column blocks, (text, head) pairs; never the K dimension), so outputs
 * are bit-identical for every thread count. Without pthreadpool (TERN_HAVE_PTHREADPOOL unset) or with a
 * NULL pool every call runs its tasks in order on the calling thread.
 */
#ifndef TERN_THREADPOOL_H
#define TERN_THREADPOOL_H

#include <stddef.h>
#include <stdint.h>

typedef struct tern_threadpool tern_threadpool;

/* The thread count 0 stands for: the cores of the fastest cluster (cpuinfo), at most TERN_MAX_DEFAULT_THREADS. */
#define TERN_MAX_DEFAULT_THREADS 4
uint32_t tern_threadpool_default_threads(void);

/* 1 when this build can run more than one thread (it links pthreadpool). */
int tern_threadpool_available(void);

/* A pool of `threads` threads (the caller's included: threads - 1 workers), or NULL when threads < 2, the
 * build has no pthreadpool, or creation fails. Its memory (a few hundred bytes, and each worker's stack)
 * comes from the C library: pthreadpool has no allocator hook. */
tern_threadpool *tern_threadpool_create(uint32_t threads);
void tern_threadpool_free(tern_threadpool *pool);
/* Threads that run tasks (1 for NULL). */
uint32_t tern_threadpool_threads(const tern_threadpool *pool);
/* The underlying pthreadpool_t (for XNNPACK), NULL for NULL. */
void *tern_threadpool_native(tern_threadpool *pool);

/* task(context, i) for i in [0, range). */
typedef void (*tern_task_1d)(void *context, size_t i);
void tern_parallelize_1d(tern_threadpool *pool, tern_task_1d task, void *context, size_t range);

/* task(context, i, j, tile_i, tile_j) over [0, range_i) x [0, range_j) in tiles of tile_i x tile_j (the last
 * tile of each dimension may be smaller). */
typedef void (*tern_task_2d_tile_2d)(void *context, size_t i, size_t j, size_t tile_i, size_t tile_j);
void tern_parallelize_2d_tile_2d(tern_threadpool *pool, tern_task_2d_tile_2d task, void *context, size_t range_i,
                                 size_t range_j, size_t tile_i, size_t tile_j);

#endif /* TERN_THREADPOOL_H */
