/* Every SIMD set's softmax, LayerNorm and residual add + LayerNorm against the scalar reference, within the
 * tolerances of kernels.h: lengths 1..70 and the model widths (128, 312, 384, 768), rows with strides,
 * large and small magnitudes, rows of equal values, and +-inf / NaN propagation in softmax. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "test_util.h"

static double worst_softmax, worst_norm;

static void check_softmax(const tern_kernels *kernels, size_t n, float spread) {
  float *x = malloc(n * sizeof *x), *want = malloc(n * sizeof *want);
  for (size_t i = 0; i < n; i++) x[i] = test_rand_float(-spread, spread);
  memcpy(want, x, n * sizeof *x);
  tern_softmax_f32__scalar(n, want);
  kernels->softmax_f32(n, x);
  for (size_t i = 0; i < n; i++) {
    const double error = fabs((double)x[i] - want[i]);
    if (error > worst_softmax) worst_softmax = error;
    EXPECT(error <= 1e-6 + 1e-5 * want[i], "%s softmax n=%zu spread=%g [%zu]: %g vs %g", kernels->isa, n, spread, i,
           x[i], want[i]);
  }
  free(x);
  free(want);
}

static void check_softmax_specials(const tern_kernels *kernels) {
  float x[9] = {1.0f, 2.0f, -INFINITY, 3.0f, -INFINITY, 0.5f, 1.0f, 2.0f, 3.0f}, want[9];
  memcpy(want, x, sizeof x);
  tern_softmax_f32__scalar(9, want);
  kernels->softmax_f32(9, x);
  for (size_t i = 0; i < 9; i++) EXPECT(fabsf(x[i] - want[i]) <= 1e-6f, "%s softmax -inf [%zu]", kernels->isa, i);
  float with_nan[5] = {1.0f, NAN, 0.0f, 2.0f, 3.0f};
  kernels->softmax_f32(5, with_nan);
  EXPECT(isnan(with_nan[0]) || isnan(with_nan[4]), "%s softmax keeps NaN visible", kernels->isa);
  float single = 123.0f;
  kernels->softmax_f32(1, &single);
  EXPECT(single == 1.0f, "%s softmax of one value = %g", kernels->isa, single);
}

/* kind 0: random, 1: all equal, 2: large offset, 3: tiny values */
static void check_norm(const tern_kernels *kernels, size_t m, size_t n, int kind, int fused) {
  const size_t stride = n + 3;
  float *x = malloc(m * stride * sizeof *x), *want = malloc(m * stride * sizeof *x);
  float *branch = malloc(m * stride * sizeof *x), *gamma = malloc(n * sizeof *x), *beta = malloc(n * sizeof *x);
  for (size_t i = 0; i < n; i++) {
    gamma[i] = test_rand_float(0.5f, 1.5f);
    beta[i] = test_rand_float(-0.5f, 0.5f);
  }
  for (size_t i = 0; i < m * stride; i++) {
    switch (kind) {
      case 1: x[i] = 3.25f, branch[i] = -1.0f; break;
      case 2: x[i] = 1000.0f + test_rand_float(-2.0f, 2.0f), branch[i] = test_rand_float(-1.0f, 1.0f); break;
      case 3: x[i] = test_rand_float(-1e-3f, 1e-3f), branch[i] = test_rand_float(-1e-3f, 1e-3f); break;
      default: x[i] = test_rand_float(-4.0f, 4.0f), branch[i] = test_rand_float(-4.0f, 4.0f); break;
    }
  }
  memcpy(want, x, m * stride * sizeof *x);
  float *original = malloc(m * stride * sizeof *x); /* what is normalized: x, or x + branch */
  for (size_t i = 0; i < m * stride; i++) original[i] = fused ? branch[i] + x[i] : x[i];
  const float eps = kind == 3 ? 1e-12f : 1e-5f;
  if (fused) {
    tern_add_layer_norm_f32__scalar(m, n, want, stride, branch, stride, gamma, beta, eps);
    kernels->add_layer_norm_f32(m, n, x, stride, branch, stride, gamma, beta, eps);
  } else {
    tern_layer_norm_f32__scalar(m, n, want, stride, gamma, beta, eps);
    kernels->layer_norm_f32(m, n, x, stride, gamma, beta, eps);
  }
  for (size_t row = 0; row < m; row++) {
    /* The row's mean and spread (of what is normalized), for the conditioning term of the bound. */
    double mean = 0.0, variance = 0.0;
    for (size_t i = 0; i < n; i++) mean += (double)original[row * stride + i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) variance += pow(original[row * stride + i] - mean, 2.0);
    const double conditioning = fabs(mean) / sqrt(variance / (double)n + eps);
    for (size_t i = 0; i < stride; i++) {
      const size_t at = row * stride + i;
      if (i >= n) { /* outside the row: untouched */
        EXPECT(x[at] == want[at], "%s norm wrote past the row", kernels->isa);
        continue;
      }
      const double error = fabs((double)x[at] - want[at]);
      if (kind == 1) {
        EXPECT(x[at] == beta[i], "%s %s equal row: %g, want beta %g", kernels->isa, fused ? "add+norm" : "norm", x[at],
               beta[i]);
        continue;
      }
      const double bound = 1e-5 * (fabs(want[at]) + fabs(beta[i]) + 1.0) +
                           1.2e-7 * (sqrt((double)n) + 2.0) * fabs(gamma[i]) * conditioning;
      if (error / bound > worst_norm) worst_norm = error / bound;
      EXPECT(error <= bound, "%s %s m=%zu n=%zu kind=%d [%zu][%zu]: %.9g vs %.9g", kernels->isa,
             fused ? "add+norm" : "norm", m, n, kind, row, i, x[at], want[at]);
    }
  }
  free(x), free(want), free(branch), free(gamma), free(beta), free(original);
}

int main(void) {
  for (const char *const *name = tern_kernels_names(); *name != NULL; name++) {
    const tern_kernels *kernels = tern_kernels_by_name(*name);
    if (kernels == NULL) continue;
    EXPECT(kernels->add_layer_norm_f32 != NULL || strcmp(*name, "scalar") != 0, "scalar has add_layer_norm");
    for (size_t n = 1; n <= 70; n++) {
      check_softmax(kernels, n, 5.0f);
      for (int kind = 0; kind < 4; kind++) {
        check_norm(kernels, 3, n, kind, 0);
        if (kernels->add_layer_norm_f32 != NULL) check_norm(kernels, 3, n, kind, 1);
      }
    }
    const size_t widths[] = {128, 300, 312, 384, 768};
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
      check_softmax(kernels, widths[w], 30.0f);
      check_softmax(kernels, widths[w], 0.01f);
      for (int kind = 0; kind < 4; kind++) {
        check_norm(kernels, 5, widths[w], kind, 0);
        if (kernels->add_layer_norm_f32 != NULL) check_norm(kernels, 5, widths[w], kind, 1);
      }
    }
    check_softmax_specials(kernels);
  }
  printf("worst softmax error %.3g; worst norm error / bound %.3g\n", worst_softmax, worst_norm);
  return test_report("f32_norm");
}
