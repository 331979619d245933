/* Outlier channels (kernels.h "outliers"): an int8 linear whose listed input channels are zeroed before
 * asymmetric quantization and added back in f32 from the int8 weight's own columns, checked against a
 * dense double oracle that computes exactly that decomposition, over shapes that are not multiples of the
 * tile, with an activation applied after the outlier part. Also checks that the decomposition is what it
 * is for: with a few huge channels in x it is much closer to the exact product than plain int8. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "packing.h"
#include "test_util.h"

typedef struct outlier_case {
  size_t m, n, k, count;
  uint32_t channels[4];
} outlier_case;

static double gelu_erf_double(double v) { return 0.5 * v * (1.0 + erf(v / sqrt(2.0))); }

static void run_case(const outlier_case *c) {
  const size_t m = c->m, n = c->n, k = c->k, kp = tern_round_up(k, TERN_PACK_KR);
  float *x = malloc(m * k * sizeof(float)), *zeroed = malloc(m * k * sizeof(float));
  float *w_scale = malloc(n * sizeof(float)), *bias = malloc(n * sizeof(float));
  float *a_scale = malloc(m * sizeof(float)), *y = malloc(m * n * sizeof(float)), *y_plain = malloc(m * n * sizeof(float));
  int8_t *a = malloc(m * kp), *w = malloc(n * k), *packed = calloc(tern_round_up(n, 16) * kp, 1);
  int32_t *zp = malloc(m * sizeof(int32_t)), *sums = calloc(n, sizeof(int32_t));
  char *is_outlier = calloc(k, 1);
  for (size_t i = 0; i < c->count; i++) is_outlier[c->channels[i]] = 1;
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < k; j++)
      x[i * k + j] = is_outlier[j] ? test_rand_float(-40.0f, 60.0f) : test_rand_float(-1.0f, 1.5f);
  for (size_t i = 0; i < n * k; i++) w[i] = test_rand_i8(), sums[i / k] += w[i];
  for (size_t j = 0; j < n; j++) w_scale[j] = test_rand_float(0.001f, 0.02f), bias[j] = test_rand_float(-1, 1);
  tern_pack_16x4(w, n, k, packed);

  /* What linear.c does: zero the channels in a copy, quantize, GEMM (identity), add the outliers + act. */
  memcpy(zeroed, x, m * k * sizeof(float));
  for (size_t i = 0; i < m; i++)
    for (size_t t = 0; t < c->count; t++) zeroed[i * k + c->channels[t]] = 0.0f;
  tern_quantize_qd8__scalar(m, k, zeroed, k, a, kp, a_scale, zp);
  tern_gemm_qd8_f32_16x4__scalar(m, n, k, a, kp, a_scale, zp, packed, w_scale, sums, bias, y, n, TERN_ACT_IDENTITY);
  tern_gemm_outliers_f32__scalar(m, n, k, c->count, c->channels, x, k, packed, w_scale, y, n, TERN_ACT_GELU_ERF);

  /* Plain int8 (no outlier handling) for the accuracy comparison. */
  int8_t *a_plain = malloc(m * kp);
  float *s_plain = malloc(m * sizeof(float));
  int32_t *zp_plain = malloc(m * sizeof(int32_t));
  tern_quantize_qd8__scalar(m, k, x, k, a_plain, kp, s_plain, zp_plain);
  tern_gemm_qd8_f32_16x4__scalar(m, n, k, a_plain, kp, s_plain, zp_plain, packed, w_scale, sums, bias, y_plain, n,
                                 TERN_ACT_IDENTITY);

  double error = 0, error_plain = 0, norm = 0;
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < n; j++) {
      double pre = bias[j], exact = bias[j];
      for (size_t t = 0; t < k; t++) {
        const double wv = (double)w[j * k + t] * w_scale[j];
        exact += (double)x[i * k + t] * wv;
        pre += is_outlier[t] ? (double)x[i * k + t] * wv : (double)(a[i * kp + t] - zp[i]) * a_scale[i] * wv;
      }
      const double expected = gelu_erf_double(pre), got = y[i * n + j];
      EXPECT(fabs(got - expected) <= 2e-5 * (1 + fabs(expected)), "m%zu n%zu k%zu [%zu][%zu]: %g vs %g", m, n, k, i,
             j, got, expected);
      const double tolerance_check = fabs(pre - exact);
      error += tolerance_check * tolerance_check;
      error_plain += (y_plain[i * n + j] - exact) * (y_plain[i * n + j] - exact);
      norm += exact * exact;
    }
  if (c->count > 0 && k >= 64)
    EXPECT(error * 4 < error_plain, "k%zu: outlier split error %g not well below plain int8 %g (norm %g)", k, error,
           error_plain, norm);
  free(x), free(zeroed), free(w_scale), free(bias), free(a_scale), free(y), free(y_plain), free(a), free(w);
  free(packed), free(zp), free(sums), free(is_outlier), free(a_plain), free(s_plain), free(zp_plain);
}

int main(void) {
  const outlier_case cases[] = {
      {1, 1, 1, 1, {0}},
      {3, 17, 5, 2, {1, 4}},
      {2, 16, 4, 0, {0}},
      {5, 33, 70, 3, {0, 37, 69}},
      {4, 40, 384, 4, {3, 100, 255, 383}},
      {2, 384, 1536, 3, {7, 800, 1535}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) run_case(&cases[i]);
  return test_report("outliers_match_dense_reference");
}
