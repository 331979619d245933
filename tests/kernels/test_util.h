/* Small helpers shared by the kernel tests: a deterministic RNG and a failure counter. */
#ifndef TERN_TEST_KERNELS_UTIL_H
#define TERN_TEST_KERNELS_UTIL_H

#include <stdint.h>
#include <stdio.h>

static int test_failures;

#define EXPECT(condition, ...)                                          \
  do {                                                                  \
    if (!(condition)) {                                                 \
      if (test_failures++ < 20) {                                       \
        fprintf(stderr, "%s:%d: expected %s: ", __FILE__, __LINE__, #condition); \
        fprintf(stderr, __VA_ARGS__);                                   \
        fprintf(stderr, "\n");                                          \
      }                                                                 \
    }                                                                   \
  } while (0)

static uint64_t test_rng_state = 0x9E3779B97F4A7C15ull;

static inline uint32_t test_rand_u32(void) {
  test_rng_state ^= test_rng_state << 13;
  test_rng_state ^= test_rng_state >> 7;
  test_rng_state ^= test_rng_state << 17;
  return (uint32_t)(test_rng_state >> 16);
}

/* Uniform in [lo, hi). */
static inline float test_rand_float(float lo, float hi) {
  return lo + (hi - lo) * (float)(test_rand_u32() & 0xFFFFFF) / 16777216.0f;
}

static inline int8_t test_rand_i8(void) { return (int8_t)((int)(test_rand_u32() % 255) - 127); }

static inline int test_report(const char *name) {
  if (test_failures) {
    fprintf(stderr, "%s: %d failure(s)\n", name, test_failures);
    return 1;
  }
  printf("%s: ok\n", name);
  return 0;
}

#endif
