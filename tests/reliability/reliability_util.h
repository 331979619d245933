/* reliability_util.h — shared by the reliability tests: a failure counter, a counting allocator that can
 * fail its k-th allocation, and file reading into a 64-byte aligned buffer of exactly the file's size. */
#ifndef TERN_TEST_RELIABILITY_UTIL_H
#define TERN_TEST_RELIABILITY_UTIL_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern.h"

static int test_failures;

#define EXPECT(condition, ...)                                                       \
  do {                                                                               \
    if (!(condition)) {                                                              \
      if (test_failures++ < 30) {                                                    \
        fprintf(stderr, "%s:%d: expected %s: ", __FILE__, __LINE__, #condition);     \
        fprintf(stderr, __VA_ARGS__);                                                \
        fprintf(stderr, "\n");                                                       \
      }                                                                              \
    }                                                                                \
  } while (0)

static inline int test_report(const char *name) {
  if (test_failures) {
    fprintf(stderr, "%s: %d failure(s)\n", name, test_failures);
    return 1;
  }
  printf("%s: ok\n", name);
  return 0;
}

/* Exit code ctest reads as "skipped" (SKIP_RETURN_CODE 77): a converted test model is missing. */
#define TEST_SKIP 77

/* Counts allocations and frees through the tern_allocator hook; fail_at = k makes the k-th allocation
 * (1-based, counting both kinds) return NULL, 0 never fails; fail_all_from makes every allocation from
 * that index on fail. Atomic so sessions on several threads may share one. */
typedef struct counting_allocator {
  atomic_long allocations;  /* successful */
  atomic_long frees;
  atomic_long attempts;
  long fail_at;
  long fail_all_from;
} counting_allocator;

static void *counting_allocate(void *context, size_t size) {
  counting_allocator *c = context;
  long attempt = atomic_fetch_add(&c->attempts, 1) + 1;
  if (attempt == c->fail_at || (c->fail_all_from != 0 && attempt >= c->fail_all_from)) return NULL;
  void *p = malloc(size);
  if (p != NULL) atomic_fetch_add(&c->allocations, 1);
  return p;
}

static void *counting_aligned_allocate(void *context, size_t alignment, size_t size) {
  counting_allocator *c = context;
  long attempt = atomic_fetch_add(&c->attempts, 1) + 1;
  if (attempt == c->fail_at || (c->fail_all_from != 0 && attempt >= c->fail_all_from)) return NULL;
  if (size == 0 || size % alignment != 0 || (alignment & (alignment - 1)) != 0) {
    fprintf(stderr, "aligned_allocate contract broken: alignment %zu size %zu\n", alignment, size);
    abort();
  }
  void *p = aligned_alloc(alignment, size);
  if (p != NULL) atomic_fetch_add(&c->allocations, 1);
  return p;
}

static void counting_deallocate(void *context, void *pointer) {
  counting_allocator *c = context;
  if (pointer == NULL) {
    fprintf(stderr, "deallocate(NULL): contract broken\n");
    abort();
  }
  atomic_fetch_add(&c->frees, 1);
  free(pointer);
}

static inline void counting_reset(counting_allocator *c) {
  atomic_store(&c->allocations, 0);
  atomic_store(&c->frees, 0);
  atomic_store(&c->attempts, 0);
  c->fail_at = 0;
  c->fail_all_from = 0;
}

static inline tern_allocator counting_hook(counting_allocator *c) {
  tern_allocator hook = {c, counting_allocate, counting_deallocate, counting_aligned_allocate, counting_deallocate};
  return hook;
}

static inline long counting_live(counting_allocator *c) {
  return atomic_load(&c->allocations) - atomic_load(&c->frees);
}

/* The whole file in a 64-byte aligned buffer of exactly its size rounded up (reads past size are caught
 * by ASan only beyond the rounding; callers that need exact bounds copy). NULL if unreadable. */
static inline uint8_t *read_file_aligned(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  if (n < 0) {
    fclose(f);
    return NULL;
  }
  uint8_t *buffer = aligned_alloc(64, ((size_t)n + 64) / 64 * 64);
  if (buffer != NULL && fread(buffer, 1, (size_t)n, f) != (size_t)n) {
    free(buffer);
    buffer = NULL;
  }
  fclose(f);
  *size = (size_t)n;
  return buffer;
}

#endif
