/* Every SIMD set's f32 GEMMs (row-major f32 and f16 weights) against the scalar kernels, within the
 * tolerance of kernels.h: m, n, k from 1 up, not multiples of the vector width, with and without bias, every
 * activation; f16 weights include subnormal halves, +-0 and the largest half. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "test_util.h"

static double worst;

#if defined(__arm__) && !defined(__aarch64__)
#define FLUSHES_SUBNORMALS 1 /* armv7 NEON: subnormal halves read as 0 */
#else
#define FLUSHES_SUBNORMALS 0
#endif

static uint16_t random_half(void) {
  const uint32_t r = test_rand_u32();
  switch (r % 16) {
    case 0: return (uint16_t)(r >> 8 & 0x83FF); /* subnormal or zero */
    case 1: return (uint16_t)(r >> 8 & 0x8000); /* +-0 */
    case 2: return (uint16_t)(0x7BFF | (r >> 8 & 0x8000)); /* +-65504 */
    default: return (uint16_t)((r >> 8 & 0x8000) | (0x2C00 + (r >> 12) % 0x1000)); /* about 2^-4 .. 2^-2 */
  }
}

static void check(const tern_kernels *kernels, size_t m, size_t n, size_t k, int with_bias, tern_activation act,
                  int f16) {
  const size_t x_stride = k + 3, y_stride = n + 1;
  float *x = malloc(m * x_stride * sizeof *x), *w = malloc(n * k * sizeof *w), *bias = malloc(n * sizeof *bias);
  float *y = malloc(m * y_stride * sizeof *y), *want = malloc(m * y_stride * sizeof *y);
  for (size_t i = 0; i < m * x_stride; i++) x[i] = test_rand_float(-2.0f, 2.0f);
  uint16_t *w_half = malloc(n * k * sizeof *w_half);
  for (size_t i = 0; i < n * k; i++) {
    w[i] = test_rand_float(-0.5f, 0.5f);
    w_half[i] = random_half();
    if (f16 && (w_half[i] & 0x7FFF) == 0x7BFF && k > 1) w_half[i] = 0x3C00; /* 65504 only when k = 1 */
    if (f16) w[i] = tern_f16_to_f32(w_half[i]); /* the magnitudes for the bound */
    if (f16 && FLUSHES_SUBNORMALS && (w_half[i] & 0x7C00) == 0) w_half[i] &= 0x8000, w[i] = 0.0f;
  }
  for (size_t i = 0; i < n; i++) bias[i] = test_rand_float(-1.0f, 1.0f);
  for (size_t i = 0; i < m * y_stride; i++) y[i] = want[i] = 99.0f;
  if (f16) {
    tern_gemm_f32_f16__scalar(m, n, k, x, x_stride, w_half, with_bias ? bias : NULL, want, y_stride, act);
    kernels->gemm_f32_f16(m, n, k, x, x_stride, w_half, with_bias ? bias : NULL, y, y_stride, act);
  } else {
    tern_gemm_f32_f32__scalar(m, n, k, x, x_stride, w, with_bias ? bias : NULL, want, y_stride, act);
    kernels->gemm_f32_f32(m, n, k, x, x_stride, w, with_bias ? bias : NULL, y, y_stride, act);
  }
  for (size_t row = 0; row < m; row++) {
    for (size_t col = 0; col < y_stride; col++) {
      const size_t at = row * y_stride + col;
      if (col >= n) {
        EXPECT(y[at] == 99.0f, "%s wrote past the row", kernels->isa);
        continue;
      }
      double magnitude = with_bias ? fabs(bias[col]) : 0.0;
      for (size_t i = 0; i < k; i++) magnitude += fabs((double)x[row * x_stride + i] * w[col * k + i]);
      const double bound = (1e-6 + 2.4e-7 * sqrt((double)k)) * magnitude * 1.2 + 1e-6 * fabs(want[at]) + 1e-30;
      const double error = fabs((double)y[at] - want[at]);
      if (error / bound > worst) worst = error / bound;
      EXPECT(error <= bound, "%s %s m=%zu n=%zu k=%zu act=%d [%zu][%zu]: %.9g vs %.9g", kernels->isa,
             f16 ? "f16" : "f32", m, n, k, (int)act, row, col, y[at], want[at]);
    }
  }
  free(x), free(w), free(w_half), free(bias), free(y), free(want);
}

int main(void) {
  const tern_activation acts[] = {TERN_ACT_IDENTITY, TERN_ACT_GELU_ERF, TERN_ACT_GELU_TANH, TERN_ACT_RELU, TERN_ACT_TANH};
  for (const char *const *name = tern_kernels_names(); *name != NULL; name++) {
    const tern_kernels *kernels = tern_kernels_by_name(*name);
    if (kernels == NULL || strcmp(*name, "scalar") == 0) continue;
    for (int f16 = 0; f16 <= 1; f16++) {
      for (size_t m = 1; m <= 5; m += 2)
        for (size_t n = 1; n <= 19; n += 3)
          for (size_t k = 1; k <= 41; k += 4)
            check(kernels, m, n, k, (int)((m + n + k) % 2), acts[(m + n + k) % 5], f16);
      for (size_t a = 0; a < sizeof acts / sizeof acts[0]; a++) check(kernels, 9, 67, 384, 1, acts[a], f16);
      check(kernels, 4, 40, 1536, 1, TERN_ACT_IDENTITY, f16);
    }
  }
  printf("worst f32 GEMM error / bound %.3g\n", worst);
  return test_report("f32_gemm");
}
