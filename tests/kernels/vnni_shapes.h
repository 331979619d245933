/* vnni_shapes.h — the shapes and values the VNNI int8 GEMMs (real, emulated instruction, emulated algebra) are
 * checked on against the scalar kernels: output bits identical (GELU within the f32 activation kernel's
 * tolerance), guard values after each output row untouched. */
#ifndef TERN_TEST_VNNI_SHAPES_H
#define TERN_TEST_VNNI_SHAPES_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "packing.h"
#include "test_util.h"
#include "int8_compare.h" /* guard_value, gelu_close, extreme_or_random */

/* One shape: candidate qd8 and qs8 GEMMs against scalar, every activation, with and without bias. `exact_gelu`:
 * the candidate's GELU is the scalar function (the emulation). */
static void vnni_gemms_match(const char *name, tern_gemm_qd8_f32_fn qd8, tern_gemm_qs8_f32_fn qs8, int exact_gelu,
                        size_t m, size_t n, size_t k, int value_pattern, float scale_magnitude) {
  const size_t kp = tern_round_up(k, TERN_PACK_KR), y_stride = n + 3;
  int8_t *a = calloc(m * kp + 1, 1), *w = malloc(n * k + 1), *packed = calloc(tern_round_up(n, 16) * kp + 1, 1);
  float *a_scale = malloc(m * sizeof(float) + 1), *w_scale = malloc(n * sizeof(float) + 1);
  float *bias = malloc(n * sizeof(float) + 1);
  int32_t *zp = malloc(m * sizeof(int32_t) + 1), *sums = calloc(n + 1, sizeof(int32_t));
  float *y_ref = malloc(m * y_stride * sizeof(float) + 1), *y_test = malloc(m * y_stride * sizeof(float) + 1);
  for (size_t r = 0; r < m; r++) {
    const int row_pattern = r == 1 ? 3 : value_pattern; /* row 1 is all zero */
    for (size_t i = 0; i < k; i++) a[r * kp + i] = extreme_or_random(row_pattern, -128);
    a_scale[r] = test_rand_float(0.5f, 2.0f) * scale_magnitude;
    zp[r] = (int32_t)(test_rand_u32() % 256) - 128;
  }
  for (size_t i = 0; i < n * k; i++) w[i] = extreme_or_random(value_pattern, -128), sums[i / k] += w[i];
  for (size_t j = 0; j < n; j++) w_scale[j] = test_rand_float(0.5f, 2.0f) * scale_magnitude, bias[j] = test_rand_float(-1, 1);
  tern_pack_16x4(w, n, k, packed);
  const tern_activation acts[] = {TERN_ACT_IDENTITY, TERN_ACT_RELU, TERN_ACT_GELU_ERF, TERN_ACT_GELU_TANH, TERN_ACT_TANH};
  for (size_t act_index = 0; act_index < sizeof acts / sizeof acts[0]; act_index++)
    for (int kernel = 0; kernel < 2; kernel++)
      for (int with_bias = 0; with_bias < 2; with_bias++) {
        const float *b = with_bias ? bias : NULL;
        const tern_activation act = acts[act_index];
        for (size_t i = 0; i < m * y_stride; i++) y_ref[i] = y_test[i] = guard_value;
        if (kernel == 0) {
          tern_gemm_qd8_f32_16x4__scalar(m, n, k, a, kp, a_scale, zp, packed, w_scale, sums, b, y_ref, y_stride, act);
          qd8(m, n, k, a, kp, a_scale, zp, packed, w_scale, sums, b, y_test, y_stride, act);
        } else {
          tern_gemm_qs8_f32_16x4__scalar(m, n, k, a, kp, a_scale, packed, w_scale, b, y_ref, y_stride, act);
          qs8(m, n, k, a, kp, a_scale, packed, w_scale, b, y_test, y_stride, act);
        }
        const int gelu = !exact_gelu && (act == TERN_ACT_GELU_ERF || act == TERN_ACT_GELU_TANH);
        size_t mismatches = 0;
        for (size_t i = 0; i < m * y_stride; i++)
          if (!(gelu ? gelu_close(y_ref[i], y_test[i]) : memcmp(&y_ref[i], &y_test[i], sizeof(float)) == 0) &&
              mismatches++ == 0)
            EXPECT(0, "%s %s m%zu n%zu k%zu pattern %d scale %g act %d bias %d: [%zu][%zu] %.9g vs %.9g", name,
                   kernel ? "qs8" : "qd8", m, n, k, value_pattern, scale_magnitude, (int)act, with_bias, i / y_stride,
                   i % y_stride, y_ref[i], y_test[i]);
        for (size_t r = 0; r < m; r++)
          for (size_t i = n; i < y_stride; i++)
            EXPECT(y_test[r * y_stride + i] == guard_value, "%s m%zu n%zu k%zu: wrote past n", name, m, n, k);
      }
  free(a), free(w), free(packed), free(a_scale), free(w_scale), free(bias), free(zp), free(sums), free(y_ref),
      free(y_test);
}

/* Shapes around the 8x32 tile (rows 1..17, one or two 16-channel blocks, ragged), K = 1 and beyond one
 * 64-byte row-sum step, extremes at large K, huge and tiny scales, several L2 panels. `fast`: fewer shapes
 * (the emulation is slow). */
static void vnni_all_shapes(const char *name, tern_gemm_qd8_f32_fn qd8, tern_gemm_qs8_f32_fn qs8, int exact_gelu,
                       int fast) {
  const size_t ms[] = {1, 3, 7, 8, 9, 17};
  const size_t ns[] = {1, 15, 16, 17, 33, 48, 80};
  const size_t ks[] = {1, 3, 4, 13, 64, 65, 130};
  for (size_t mi = 0; mi < sizeof ms / sizeof ms[0]; mi++)
    for (size_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++)
      for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++)
        if (!fast || (mi + ni + ki) % 3 == 0)
          vnni_gemms_match(name, qd8, qs8, exact_gelu, ms[mi], ns[ni], ks[ki], (int)((mi + ni + ki) % 5), 0.01f);
  for (int pattern = 0; pattern < 5; pattern++) {
    vnni_gemms_match(name, qd8, qs8, exact_gelu, 9, 37, 1024, pattern, 0.01f);
    vnni_gemms_match(name, qd8, qs8, exact_gelu, 4, 20, 1536, pattern, 1e18f); /* products overflow to inf */
    vnni_gemms_match(name, qd8, qs8, exact_gelu, 3, 18, 384, pattern, 1e-22f); /* subnormal or 0 */
  }
  vnni_gemms_match(name, qd8, qs8, exact_gelu, 10, 400, 1536, 0, 0.003f); /* several panels, ragged */
  vnni_gemms_match(name, qd8, qs8, exact_gelu, 9, 20, 0, 0, 0.01f);      /* no inputs: y = bias */
}

#endif /* TERN_TEST_VNNI_SHAPES_H */
