/* threadpool.c — pthreadpool behind tern's task interface, or a serial loop without it. */
#include "threadpool.h"

#include "cpu_features.h"

#ifdef TERN_HAVE_PTHREADPOOL
#include <pthreadpool.h>
#endif

/* pthreadpool (a system library, not instrumented) synchronizes with atomics ThreadSanitizer cannot see.
 * Under TSan each task acquires what the caller released before the call, and the caller acquires what
 * every task released: the happens-before edges pthreadpool really provides. */
#if defined(__SANITIZE_THREAD__)
#define TERN_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TERN_TSAN 1
#endif
#endif
#ifdef TERN_TSAN
void __tsan_acquire(void *address);
void __tsan_release(void *address);
#define TSAN_ACQUIRE(address) __tsan_acquire(address)
#define TSAN_RELEASE(address) __tsan_release(address)
#else
#define TSAN_ACQUIRE(address) ((void)(address))
#define TSAN_RELEASE(address) ((void)(address))
#endif

uint32_t tern_threadpool_default_threads(void) {
  const uint32_t big_cores = tern_cpu_info_get()->num_big_cores;
  if (big_cores == 0) return 1;
  return big_cores < TERN_MAX_DEFAULT_THREADS ? big_cores : TERN_MAX_DEFAULT_THREADS;
}

#ifdef TERN_HAVE_PTHREADPOOL

/* Workers sleep (futex) as soon as a call ends instead of spinning for it: a session's calls come in
 * bursts from one thread, and spinning workers starve the caller when sessions outnumber cores (and crawl
 * under valgrind); measured in docs/THREADS.md. */
#define POOL_FLAGS PTHREADPOOL_FLAG_YIELD_WORKERS

int tern_threadpool_available(void) { return 1; }

tern_threadpool *tern_threadpool_create(uint32_t threads) {
  if (threads < 2) return NULL;
  return (tern_threadpool *)pthreadpool_create(threads);
}

void tern_threadpool_free(tern_threadpool *pool) {
  if (pool != NULL) pthreadpool_destroy((pthreadpool_t)pool);
}

uint32_t tern_threadpool_threads(const tern_threadpool *pool) {
  return pool != NULL ? (uint32_t)pthreadpool_get_threads_count((pthreadpool_t)pool) : 1;
}

void *tern_threadpool_native(tern_threadpool *pool) { return pool; }

typedef struct call_1d {
  tern_task_1d task;
  void *context;
} call_1d;

static void run_1d(void *argument, size_t i) {
  call_1d *call = argument;
  TSAN_ACQUIRE(call);
  call->task(call->context, i);
  TSAN_RELEASE(call);
}

void tern_parallelize_1d(tern_threadpool *pool, tern_task_1d task, void *context, size_t range) {
  if (pool == NULL || range <= 1) {
    for (size_t i = 0; i < range; i++) task(context, i);
    return;
  }
  call_1d call = {task, context};
  TSAN_RELEASE(&call);
  pthreadpool_parallelize_1d((pthreadpool_t)pool, run_1d, &call, range, POOL_FLAGS);
  TSAN_ACQUIRE(&call);
}

typedef struct call_2d {
  tern_task_2d_tile_2d task;
  void *context;
} call_2d;

static void run_2d(void *argument, size_t i, size_t j, size_t tile_i, size_t tile_j) {
  call_2d *call = argument;
  TSAN_ACQUIRE(call);
  call->task(call->context, i, j, tile_i, tile_j);
  TSAN_RELEASE(call);
}

void tern_parallelize_2d_tile_2d(tern_threadpool *pool, tern_task_2d_tile_2d task, void *context, size_t range_i,
                                 size_t range_j, size_t tile_i, size_t tile_j) {
  if (pool == NULL || (range_i <= tile_i && range_j <= tile_j)) {
    for (size_t i = 0; i < range_i; i += tile_i)
      for (size_t j = 0; j < range_j; j += tile_j)
        task(context, i, j, range_i - i < tile_i ? range_i - i : tile_i, range_j - j < tile_j ? range_j - j : tile_j);
    return;
  }
  call_2d call = {task, context};
  TSAN_RELEASE(&call);
  pthreadpool_parallelize_2d_tile_2d((pthreadpool_t)pool, run_2d, &call, range_i, range_j, tile_i, tile_j,
                                     POOL_FLAGS);
  TSAN_ACQUIRE(&call);
}

#else /* no pthreadpool: every call runs in order on the caller's thread */

int tern_threadpool_available(void) { return 0; }
tern_threadpool *tern_threadpool_create(uint32_t threads) {
  (void)threads;
  return NULL;
}
void tern_threadpool_free(tern_threadpool *pool) { (void)pool; }
uint32_t tern_threadpool_threads(const tern_threadpool *pool) {
  (void)pool;
  return 1;
}
void *tern_threadpool_native(tern_threadpool *pool) {
  (void)pool;
  return NULL;
}

void tern_parallelize_1d(tern_threadpool *pool, tern_task_1d task, void *context, size_t range) {
  (void)pool;
  for (size_t i = 0; i < range; i++) task(context, i);
}

void tern_parallelize_2d_tile_2d(tern_threadpool *pool, tern_task_2d_tile_2d task, void *context, size_t range_i,
                                 size_t range_j, size_t tile_i, size_t tile_j) {
  (void)pool;
  for (size_t i = 0; i < range_i; i += tile_i)
    for (size_t j = 0; j < range_j; j += tile_j)
      task(context, i, j, range_i - i < tile_i ? range_i - i : tile_i, range_j - j < tile_j ? range_j - j : tile_j);
}

#endif
