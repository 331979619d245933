/* Asymmetric activations (quantize_qd8 + gemm_qd8): the quantizer's exact grid on hand-made rows, and the
 * GEMM against a dense oracle that dequantizes a = (q - zero_point) * scale and multiplies in double, over
 * shapes that are not multiples of the tile, skewed and one-signed rows, and an all-zero row. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "packing.h"
#include "test_util.h"

static void quantizer_grid(void) {
  /* [-1, 3]: range 4, scale 4/255, zero point -128 - rint(-1 * 255/4) = -128 + 64 = -64. */
  const float x[5] = {-1.0f, 0.0f, 3.0f, 1.0f, 2.0f};
  int8_t q[8];
  float scale;
  int32_t zero_point;
  tern_quantize_qd8__scalar(1, 5, x, 5, q, 8, &scale, &zero_point);
  EXPECT(scale == 4.0f / 255.0f, "scale %g", scale);
  EXPECT(zero_point == -64, "zero point %d", zero_point);
  EXPECT(q[0] == -128 && q[1] == -64 && q[2] == 127, "ends %d %d %d", q[0], q[1], q[2]);
  EXPECT(q[5] == 0 && q[6] == 0 && q[7] == 0, "padding");
  /* All positive: the range still starts at 0, so 0 maps to -128 exactly. */
  const float positive[3] = {0.5f, 1.0f, 2.0f};
  tern_quantize_qd8__scalar(1, 3, positive, 3, q, 4, &scale, &zero_point);
  EXPECT(zero_point == -128 && q[2] == 127, "positive row zp %d top %d", zero_point, q[2]);
  /* All zero: scale 0, zero point 0, zeros. */
  const float zeros[3] = {0};
  tern_quantize_qd8__scalar(1, 3, zeros, 3, q, 4, &scale, &zero_point);
  EXPECT(scale == 0.0f && zero_point == 0 && q[0] == 0, "zero row");
  /* Every value within half a step of its original. */
  float row[37];
  int8_t qrow[40];
  for (int i = 0; i < 37; i++) row[i] = test_rand_float(-0.3f, 5.0f);
  tern_quantize_qd8__scalar(1, 37, row, 37, qrow, 40, &scale, &zero_point);
  for (int i = 0; i < 37; i++) {
    const float back = (float)(qrow[i] - zero_point) * scale;
    EXPECT(fabsf(back - row[i]) <= 0.5001f * scale, "element %d: %g vs %g", i, back, row[i]);
  }
}

static void gemm_case(size_t m, size_t n, size_t k) {
  const size_t kp = tern_round_up(k, TERN_PACK_KR);
  float *x = malloc(m * k * sizeof(float)), *w_scale = malloc(n * sizeof(float)), *bias = malloc(n * sizeof(float));
  float *a_scale = malloc(m * sizeof(float)), *y = malloc(m * n * sizeof(float));
  int8_t *a = malloc(m * kp), *w = malloc(n * k), *packed = calloc(tern_round_up(n, 16) * kp, 1);
  int32_t *zp = malloc(m * sizeof(int32_t)), *sums = calloc(n, sizeof(int32_t));
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < k; j++) x[i * k + j] = i == 1 ? 0.0f : test_rand_float(i % 3 ? -0.2f : -4.0f, 6.0f);
  for (size_t i = 0; i < n * k; i++) w[i] = test_rand_i8(), sums[i / k] += w[i];
  for (size_t j = 0; j < n; j++) w_scale[j] = test_rand_float(0.001f, 0.02f), bias[j] = test_rand_float(-1, 1);
  tern_pack_16x4(w, n, k, packed);
  tern_quantize_qd8__scalar(m, k, x, k, a, kp, a_scale, zp);
  tern_gemm_qd8_f32_16x4__scalar(m, n, k, a, kp, a_scale, zp, packed, w_scale, sums, bias, y, n, TERN_ACT_IDENTITY);
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < n; j++) {
      double expected = bias[j];
      for (size_t t = 0; t < k; t++)
        expected += (double)(a[i * kp + t] - zp[i]) * a_scale[i] * (double)w[j * k + t] * w_scale[j];
      EXPECT(fabs(y[i * n + j] - expected) <= 1e-5 * (1 + fabs(expected)), "m%zu n%zu k%zu [%zu][%zu]: %g vs %g",
             m, n, k, i, j, y[i * n + j], expected);
    }
  free(x), free(w_scale), free(bias), free(a_scale), free(y), free(a), free(w), free(packed), free(zp), free(sums);
}

int main(void) {
  quantizer_grid();
  const size_t shapes[][3] = {{1, 1, 1}, {3, 17, 5}, {4, 16, 4}, {5, 33, 70}, {2, 384, 1536}};
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) gemm_case(shapes[s][0], shapes[s][1], shapes[s][2]);
  return test_report("qd8_matches_dense_reference");
}
