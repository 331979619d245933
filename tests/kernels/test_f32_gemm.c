/* Every SIMD set's f32 GEMM (row-major f32 weights) against the scalar kernel, within the tolerance of
 * kernels.h: m, n, k from 1 up, not multiples of the vector width, with and without bias, every activation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "test_util.h"

static double worst;

static void check(const tern_kernels *kernels, size_t m, size_t n, size_t k, int with_bias, tern_activation act) {
  const size_t x_stride = k + 3, y_stride = n + 1;
  float *x = malloc(m * x_stride * sizeof *x), *w = malloc(n * k * sizeof *w), *bias = malloc(n * sizeof *bias);
  float *y = malloc(m * y_stride * sizeof *y), *want = malloc(m * y_stride * sizeof *y);
  for (size_t i = 0; i < m * x_stride; i++) x[i] = test_rand_float(-2.0f, 2.0f);
  for (size_t i = 0; i < n * k; i++) w[i] = test_rand_float(-0.5f, 0.5f);
  for (size_t i = 0; i < n; i++) bias[i] = test_rand_float(-1.0f, 1.0f);
  for (size_t i = 0; i < m * y_stride; i++) y[i] = want[i] = 99.0f;
  tern_gemm_f32_f32__scalar(m, n, k, x, x_stride, w, with_bias ? bias : NULL, want, y_stride, act);
  kernels->gemm_f32_f32(m, n, k, x, x_stride, w, with_bias ? bias : NULL, y, y_stride, act);
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
      EXPECT(error <= bound, "%s m=%zu n=%zu k=%zu act=%d [%zu][%zu]: %.9g vs %.9g", kernels->isa, m, n, k, (int)act,
             row, col, y[at], want[at]);
    }
  }
  free(x), free(w), free(bias), free(y), free(want);
}

int main(void) {
  const tern_activation acts[] = {TERN_ACT_IDENTITY, TERN_ACT_GELU_ERF, TERN_ACT_GELU_TANH, TERN_ACT_RELU, TERN_ACT_TANH};
  for (const char *const *name = tern_kernels_names(); *name != NULL; name++) {
    const tern_kernels *kernels = tern_kernels_by_name(*name);
    if (kernels == NULL || strcmp(*name, "scalar") == 0) continue;
    for (size_t m = 1; m <= 5; m += 2)
      for (size_t n = 1; n <= 19; n += 3)
        for (size_t k = 1; k <= 41; k += 4) check(kernels, m, n, k, (int)((m + n + k) % 2), acts[(m + n + k) % 5]);
    for (size_t a = 0; a < sizeof acts / sizeof acts[0]; a++) check(kernels, 9, 67, 384, 1, acts[a]);
    check(kernels, 4, 40, 1536, 1, TERN_ACT_IDENTITY);
  }
  printf("worst f32 GEMM error / bound %.3g\n", worst);
  return test_report("f32_gemm");
}
