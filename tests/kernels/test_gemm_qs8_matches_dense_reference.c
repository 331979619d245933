/* The packed int8 GEMM equals a dense int8 reference on many shapes: integer accumulators exactly, and
 * the f32 epilogue bit-for-bit (it is specified as one formula, see kernels.h). Shapes cover M, N, K not
 * multiples of the tile, K = 1, +-127 extremes, all-zero rows, tiny and huge scales. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "packing.h"
#include "test_util.h"

enum { FILL_RANDOM, FILL_EXTREME_POS, FILL_EXTREME_MIXED, FILL_ZERO_ROWS };

static void run_case(size_t m, size_t n, size_t k, int fill, float scale_magnitude, tern_activation act, int with_bias) {
  const size_t k_padded = tern_round_up(k, 4);
  int8_t *a = calloc(m * k_padded, 1);
  int8_t *w = malloc(n * k);
  int8_t *packed = malloc(tern_packed_16x4_size(n, k));
  float *a_scale = malloc(m * sizeof(float));
  float *w_scale = malloc(n * sizeof(float));
  float *bias = malloc(n * sizeof(float));
  float *y = malloc(m * n * sizeof(float));
  for (size_t i = 0; i < m; i++) {
    for (size_t j = 0; j < k; j++) {
      int8_t value = test_rand_i8();
      if (fill == FILL_EXTREME_POS) value = 127;
      if (fill == FILL_EXTREME_MIXED) value = (int8_t)(((i + j) & 1) ? -127 : 127);
      if (fill == FILL_ZERO_ROWS && i % 2 == 0) value = 0;
      a[i * k_padded + j] = value;
    }
    a_scale[i] = scale_magnitude * test_rand_float(0.5f, 2.0f);
  }
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < k; j++) w[i * k + j] = fill == FILL_EXTREME_POS ? 127 : fill == FILL_EXTREME_MIXED ? -127 : test_rand_i8();
    w_scale[i] = scale_magnitude * test_rand_float(0.5f, 2.0f);
    bias[i] = test_rand_float(-1.0f, 1.0f);
  }
  tern_pack_16x4(w, n, k, packed);
  tern_gemm_qs8_f32_16x4__scalar(m, n, k, a, k_padded, a_scale, packed, w_scale, with_bias ? bias : NULL, y, n, act);
  for (size_t i = 0; i < m; i++) {
    for (size_t j = 0; j < n; j++) {
      int64_t acc = 0;
      for (size_t t = 0; t < k; t++) acc += (int64_t)a[i * k_padded + t] * w[j * k + t];
      float expected = (float)(int32_t)acc * (a_scale[i] * w_scale[j]);
      if (with_bias) expected += bias[j];
      expected = tern_apply_activation(expected, act);
      const float got = y[i * n + j];
      EXPECT(memcmp(&got, &expected, sizeof got) == 0 || (isnan(got) && isnan(expected)),
             "m=%zu n=%zu k=%zu fill=%d at [%zu][%zu]: got %.9g expected %.9g", m, n, k, fill, i, j, got, expected);
      /* The integer part exactly: recover acc from an identity, unit-scale run below. */
    }
  }
  /* Integer accumulators bit-exact: with unit scales, no bias and identity, y == (float)acc, and |acc| <
   * 2^24 here keeps the conversion exact. */
  if (k * 127 * 127 < (1u << 24)) {
    for (size_t i = 0; i < m; i++) a_scale[i] = 1.0f;
    for (size_t j = 0; j < n; j++) w_scale[j] = 1.0f;
    tern_gemm_qs8_f32_16x4__scalar(m, n, k, a, k_padded, a_scale, packed, w_scale, NULL, y, n, TERN_ACT_IDENTITY);
    for (size_t i = 0; i < m; i++)
      for (size_t j = 0; j < n; j++) {
        int32_t acc = 0;
        for (size_t t = 0; t < k; t++) acc += (int32_t)a[i * k_padded + t] * w[j * k + t];
        EXPECT(y[i * n + j] == (float)acc, "acc m=%zu n=%zu k=%zu [%zu][%zu]: %.1f vs %d", m, n, k, i, j, y[i * n + j],
               (int)acc);
      }
  }
  free(a), free(w), free(packed), free(a_scale), free(w_scale), free(bias), free(y);
}

int main(void) {
  const size_t sizes_m[] = {1, 2, 3, 7, 16, 17};
  const size_t sizes_n[] = {1, 5, 15, 16, 17, 33, 64};
  const size_t sizes_k[] = {1, 2, 3, 4, 5, 7, 8, 31, 64, 385};
  const tern_activation acts[] = {TERN_ACT_IDENTITY, TERN_ACT_GELU_ERF, TERN_ACT_GELU_TANH, TERN_ACT_RELU, TERN_ACT_TANH};
  size_t case_index = 0;
  for (size_t im = 0; im < sizeof sizes_m / sizeof *sizes_m; im++)
    for (size_t in = 0; in < sizeof sizes_n / sizeof *sizes_n; in++)
      for (size_t ik = 0; ik < sizeof sizes_k / sizeof *sizes_k; ik++, case_index++)
        run_case(sizes_m[im], sizes_n[in], sizes_k[ik], (int)(case_index % 4), 0.01f, acts[case_index % 5],
                 (int)(case_index % 3 != 0));
  /* Extreme scales: tiny (subnormal products) and huge (overflow to inf is the specified result). */
  run_case(5, 19, 37, FILL_EXTREME_MIXED, 1e-20f, TERN_ACT_IDENTITY, 1);
  run_case(5, 19, 37, FILL_EXTREME_POS, 1e18f, TERN_ACT_IDENTITY, 0);
  run_case(3, 16, 4096, FILL_EXTREME_POS, 1e-3f, TERN_ACT_IDENTITY, 1); /* acc near 2^26 */
  return test_report("gemm_qs8_matches_dense_reference");
}
