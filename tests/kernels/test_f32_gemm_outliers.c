/* Every SIMD set's gemm_outliers_f32 (the f32 part of an int8 linear's outlier channels, then the
 * activation) against the scalar kernel, within the tolerance of kernels.h: n not a multiple of 16, one to
 * 70 channels (more than one 32-channel chunk), k not a multiple of 4, every activation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "test_util.h"

static double worst;

static void check(const tern_kernels *kernels, size_t m, size_t n, size_t k, size_t count, tern_activation act) {
  const size_t k_blocks = tern_round_up(k, TERN_PACK_KR) / TERN_PACK_KR;
  const size_t packed_bytes = tern_round_up(n, TERN_PACK_NR) * k_blocks * TERN_PACK_KR;
  int8_t *w = malloc(packed_bytes);
  for (size_t i = 0; i < packed_bytes; i++) w[i] = test_rand_i8();
  uint32_t *channels = malloc(count * sizeof *channels);
  for (size_t i = 0; i < count; i++) channels[i] = (uint32_t)((i * 7 + 3) % k); /* repeats allowed */
  const size_t x_stride = k + 1, y_stride = n + 2;
  float *x = malloc(m * x_stride * sizeof *x), *y = malloc(m * y_stride * sizeof *y);
  float *want = malloc(m * y_stride * sizeof *y), *scale = malloc(n * sizeof *scale);
  for (size_t i = 0; i < m * x_stride; i++) x[i] = test_rand_float(-20.0f, 20.0f);
  for (size_t i = 0; i < m * y_stride; i++) y[i] = want[i] = test_rand_float(-3.0f, 3.0f);
  for (size_t i = 0; i < n; i++) scale[i] = test_rand_float(1e-4f, 2e-3f);
  tern_gemm_outliers_f32__scalar(m, n, k, count, channels, x, x_stride, w, scale, want, y_stride, act);
  kernels->gemm_outliers_f32(m, n, k, count, channels, x, x_stride, w, scale, y, y_stride, act);
  for (size_t row = 0; row < m; row++) {
    for (size_t col = 0; col < y_stride; col++) {
      const size_t at = row * y_stride + col;
      if (col >= n) {
        EXPECT(y[at] == want[at], "%s wrote past the row", kernels->isa);
        continue;
      }
      /* The sum's magnitude bounds the rounding differences (order, FMA, chunks); the activation adds its own. */
      double magnitude = 0.0;
      const int8_t *w_block = w + (col / TERN_PACK_NR) * k_blocks * TERN_PACK_NR * TERN_PACK_KR + (col % TERN_PACK_NR) * TERN_PACK_KR;
      for (size_t i = 0; i < count; i++)
        magnitude += fabs(x[row * x_stride + channels[i]] *
                          (double)w_block[(channels[i] / TERN_PACK_KR) * TERN_PACK_NR * TERN_PACK_KR + channels[i] % TERN_PACK_KR]);
      const double bound = 1e-6 * (fabs(want[at]) + 3.0 + magnitude * scale[col]) * 2.0;
      const double error = fabs((double)y[at] - want[at]);
      if (error / bound > worst) worst = error / bound;
      EXPECT(error <= bound, "%s m=%zu n=%zu k=%zu count=%zu act=%d [%zu][%zu]: %.9g vs %.9g", kernels->isa, m, n, k,
             count, (int)act, row, col, y[at], want[at]);
    }
  }
  free(w), free(channels), free(x), free(y), free(want), free(scale);
}

int main(void) {
  const tern_activation acts[] = {TERN_ACT_IDENTITY, TERN_ACT_GELU_ERF, TERN_ACT_GELU_TANH, TERN_ACT_RELU};
  for (const char *const *name = tern_kernels_names(); *name != NULL; name++) {
    const tern_kernels *kernels = tern_kernels_by_name(*name);
    if (kernels == NULL || strcmp(*name, "scalar") == 0) continue;
    for (size_t a = 0; a < sizeof acts / sizeof acts[0]; a++) {
      const size_t counts[] = {1, 5, 32, 33, 70};
      for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        check(kernels, 5, 40, 37, counts[c], acts[a]);
        check(kernels, 3, 16, 384, counts[c], acts[a]);
        check(kernels, 1, 1, 4, counts[c], acts[a]);
        check(kernels, 7, 99, 130, counts[c], acts[a]);
      }
    }
  }
  printf("worst outlier error / bound %.3g\n", worst);
  return test_report("f32_gemm_outliers");
}
