/* The XNNPACK path for float files (issue 6, threads):
 * 1. f32 models give the same last hidden state through XNNPACK's fully-connected operators as through
 *    tern's own f32 kernels ($TERN_XNNPACK=0), within TOLERANCE (summation order differs; FMA);
 * 2. with XNNPACK and 2 threads, inference calls no allocation function of the C library (counted by
 *    interposing malloc & co. in this executable; skipped under ASan, which owns them).
 *
 *   test_threads_xnnpack MODELS_DIR
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_features.h"
#include "session.h"
#include "tern.h"
#include "xnnpack_fc.h"
#include "../kernels/test_util.h"
#include "test_models.h"

/* |xnnpack - tern| <= TOLERANCE * max(1, |tern|): measured worst 2.7e-6 (MiniLM f32, 6 layers). */
#define TOLERANCE 1e-5

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define UNDER_ASAN 1
#endif

#if defined(__GLIBC__) && !defined(UNDER_ASAN)
#define COUNT_ALLOCATIONS 1
static atomic_long allocations;
static atomic_int counting;
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
static void count(void) {
  if (atomic_load(&counting)) atomic_fetch_add(&allocations, 1);
}
void *malloc(size_t size) {
  count();
  return __libc_malloc(size);
}
void *calloc(size_t count_, size_t size) {
  count();
  return __libc_calloc(count_, size);
}
void *realloc(void *pointer, size_t size) {
  count();
  return __libc_realloc(pointer, size);
}
int posix_memalign(void **out, size_t alignment, size_t size) {
  count();
  *out = __libc_memalign(alignment, size);
  return *out != NULL ? 0 : 12 /* ENOMEM */;
}
void *aligned_alloc(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
void *memalign(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
#endif

enum { TEXTS = 3, MAX_LEN = 64 };
static const size_t lengths[TEXTS] = {64, 7, 30};

static tern_session *create(const tern_model *model, uint32_t threads, const char *xnnpack) {
  setenv("TERN_XNNPACK", xnnpack, 1);
  tern_session_options options = tern_session_default_options();
  options.num_threads = threads;
  options.max_seq_len = MAX_LEN;
  options.max_batch_texts = TEXTS;
  options.max_batch_tokens = 128;
  tern_session *session = NULL;
  EXPECT(tern_session_create(model, &options, &session) == TERN_OK, "create");
  unsetenv("TERN_XNNPACK");
  return session;
}

static void check_model(const char *dir, const char *name) {
  tern_model *model = test_model_load(dir, name);
  if (model == NULL) return;
  tern_model_info info = {.struct_size = sizeof info};
  tern_model_get_info(model, &info);
  int32_t ids[128];
  size_t total = 0;
  for (size_t t = 0; t < TEXTS; t++) total += lengths[t];
  for (size_t i = 0; i < total; i++) ids[i] = (int32_t)(test_rand_u32() % info.vocab_size);
  const size_t floats = total * info.hidden_size;
  float *with = calloc(floats, sizeof(float)), *without = calloc(floats, sizeof(float));
  tern_session *fast = create(model, 2, "1"), *plain = create(model, 1, "0");
  if (fast != NULL && plain != NULL) {
    EXPECT(tern_xnnpack_operators(fast->xnnpack) > 0, "%s: XNNPACK holds no operator", name);
    EXPECT(plain->xnnpack == NULL, "%s: TERN_XNNPACK=0 still made operators", name);
    tern_outputs a = {with, floats, 0, NULL, 0, 0, NULL, 0, 0}, b = {without, floats, 0, NULL, 0, 0, NULL, 0, 0};
#ifdef COUNT_ALLOCATIONS
    atomic_store(&allocations, 0);
    atomic_store(&counting, 1);
    void *probe = malloc(16); /* the counter sees an allocation */
    EXPECT(atomic_load(&allocations) == 1, "malloc interposition does not count");
    free(probe);
    atomic_store(&allocations, 0);
#endif
    EXPECT(tern_run_ids(fast, ids, NULL, lengths, TEXTS, &a) == TERN_OK, "%s: run (XNNPACK)", name);
    EXPECT(tern_run_ids(fast, ids, NULL, lengths, TEXTS, &a) == TERN_OK, "%s: run (XNNPACK)", name);
#ifdef COUNT_ALLOCATIONS
    atomic_store(&counting, 0);
    EXPECT(atomic_load(&allocations) == 0, "%s: %ld C library allocations during inference", name,
           atomic_load(&allocations));
#endif
    EXPECT(tern_run_ids(plain, ids, NULL, lengths, TEXTS, &b) == TERN_OK, "%s: run (tern kernels)", name);
    double worst = 0;
    for (size_t i = 0; i < floats; i++) {
      const double error = fabs((double)with[i] - without[i]) / fmax(1.0, fabs((double)without[i]));
      if (!(error <= worst)) worst = error; /* NaN sticks */
    }
    EXPECT(worst <= TOLERANCE, "%s: XNNPACK vs tern kernels: relative error %.3g > %g", name, worst, TOLERANCE);
    printf("%s: %zu XNNPACK operators (%.1f MiB packed), worst relative difference %.3g\n", name,
           tern_xnnpack_operators(fast->xnnpack), (double)tern_xnnpack_packed_bytes(fast->xnnpack) / 1048576.0, worst);
  }
  tern_session_free(fast);
  tern_session_free(plain);
  free(with);
  free(without);
  tern_model_free(model);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s MODELS_DIR\n", argv[0]);
    return 2;
  }
#ifndef TERN_HAVE_XNNPACK
  (void)argv, (void)check_model;
  printf("skip: built without XNNPACK\n");
  return 77;
#else
  if (!tern_cpu_info_get()->from_cpuinfo) {
    /* e.g. under qemu-user, whose /proc/cpuinfo is the host's: cpuinfo (and so XNNPACK) is not started. */
    printf("skip: cpuinfo did not start on this machine, so XNNPACK is off\n");
    return 77;
  }
  static const char *const models[] = {"albert-tiny-f32.tern", "bert-tiny-f32.tern", "minilm-f32.tern", "bert-tiny-f16.tern"};
  for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) check_model(argv[1], models[m]);
  return test_report("threads_xnnpack");
#endif
}
