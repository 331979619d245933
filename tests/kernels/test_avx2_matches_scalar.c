/* The avx2 kernel set against the scalar reference (the oracle), bit for bit: quantized bytes, scales and
 * zero points (qs8, qd8 and the 7-bit qd7), GEMM outputs (qs8, qd8, and the qd7 GEMM against the scalar qd8
 * one on 7-bit rows with weights down to -128; memcmp of the f32 bits for identity, ReLU and tanh, GELU within
 * 4e-6 relative, see gelu_close), over shapes that are not multiples of the tile (M, N, K), K = 1, extreme
 * values (-128, +127, all-zero rows, NaN/inf inputs, huge and tiny scales), and output strides with guard
 * values that must stay untouched. The int32 accumulators are also checked exactly against an int64 dense
 * product where they are exactly representable in f32.
 * Exit 77 (SKIP) when the build has no avx2 set or the CPU lacks AVX2. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "kernels.h"
#include "packing.h"
#include "test_util.h"
#ifdef TERN_HAVE_AVX2_KERNELS
#include "x86/kernels_x86.h"
#include "int8_compare.h"

/* One GEMM shape, both kernels (qs8 and qd8), every activation, with and without bias. */
static void gemms_match(size_t m, size_t n, size_t k, int value_pattern, float scale_magnitude) {
  const size_t kp = tern_round_up(k, TERN_PACK_KR), y_stride = n + 3;
  int8_t *a = calloc(m * kp, 1), *w = malloc(n * k + 1), *packed = calloc(tern_round_up(n, 16) * kp, 1);
  float *a_scale = malloc(m * sizeof(float)), *w_scale = malloc(n * sizeof(float)), *bias = malloc(n * sizeof(float));
  int32_t *zp = malloc(m * sizeof(int32_t)), *sums = calloc(n, sizeof(int32_t));
  float *y_ref = malloc(m * y_stride * sizeof(float)), *y_simd = malloc(m * y_stride * sizeof(float));
  for (size_t r = 0; r < m; r++) {
    const int row_pattern = r == 1 ? 3 : value_pattern; /* row 1 is all zero */
    for (size_t i = 0; i < k; i++) a[r * kp + i] = extreme_or_random(row_pattern, -128);
    a_scale[r] = test_rand_float(0.5f, 2.0f) * scale_magnitude;
    zp[r] = (int32_t)(test_rand_u32() % 256) - 128;
  }
  for (size_t i = 0; i < n * k; i++) w[i] = extreme_or_random(value_pattern, -127), sums[i / k] += w[i];
  for (size_t j = 0; j < n; j++) w_scale[j] = test_rand_float(0.5f, 2.0f) * scale_magnitude, bias[j] = test_rand_float(-1, 1);
  tern_pack_16x4(w, n, k, packed);
  const tern_activation acts[] = {TERN_ACT_IDENTITY, TERN_ACT_RELU, TERN_ACT_GELU_ERF, TERN_ACT_GELU_TANH, TERN_ACT_TANH};
  for (size_t act_index = 0; act_index < sizeof acts / sizeof acts[0]; act_index++)
    for (int kernel = 0; kernel < 2; kernel++)
      for (int with_bias = 0; with_bias < 2; with_bias++) {
        const float *b = with_bias ? bias : NULL;
        for (size_t i = 0; i < m * y_stride; i++) y_ref[i] = y_simd[i] = guard_value;
        if (kernel == 0) {
          tern_gemm_qd8_f32_16x4__scalar(m, n, k, a, kp, a_scale, zp, packed, w_scale, sums, b, y_ref, y_stride,
                                         acts[act_index]);
          tern_gemm_qd8_f32_4x16c4__avx2(m, n, k, a, kp, a_scale, zp, packed, w_scale, sums, b, y_simd, y_stride,
                                       acts[act_index]);
        } else {
          tern_gemm_qs8_f32_16x4__scalar(m, n, k, a, kp, a_scale, packed, w_scale, b, y_ref, y_stride, acts[act_index]);
          tern_gemm_qs8_f32_4x16c4__avx2(m, n, k, a, kp, a_scale, packed, w_scale, b, y_simd, y_stride, acts[act_index]);
        }
        size_t mismatches = 0;
        const int gelu = acts[act_index] == TERN_ACT_GELU_ERF || acts[act_index] == TERN_ACT_GELU_TANH;
        for (size_t i = 0; i < m * y_stride; i++) {
          if (!(gelu ? gelu_close(y_ref[i], y_simd[i]) : memcmp(&y_ref[i], &y_simd[i], sizeof(float)) == 0) &&
              mismatches++ == 0)
            EXPECT(0, "%s m%zu n%zu k%zu pattern %d scale %g act %d bias %d: [%zu][%zu] %.9g vs %.9g",
                   kernel ? "qs8" : "qd8", m, n, k, value_pattern, scale_magnitude, (int)acts[act_index], with_bias,
                   i / y_stride, i % y_stride, y_ref[i], y_simd[i]);
        }
        for (size_t r = 0; r < m; r++)
          for (size_t i = n; i < y_stride; i++)
            EXPECT(y_simd[r * y_stride + i] == guard_value, "m%zu n%zu k%zu: wrote past n", m, n, k);
      }
  /* The integer part alone, against an int64 oracle: scales 1, no bias, so y is (float)acc, exact while
   * |acc| <= 2^24, which k <= 1024 guarantees (1024 * 128 * 128). */
  if (k <= 1024) {
    for (size_t r = 0; r < m; r++) a_scale[r] = 1.0f;
    for (size_t j = 0; j < n; j++) w_scale[j] = 1.0f;
    tern_gemm_qs8_f32_4x16c4__avx2(m, n, k, a, kp, a_scale, packed, w_scale, NULL, y_simd, y_stride, TERN_ACT_IDENTITY);
    for (size_t r = 0; r < m; r++)
      for (size_t j = 0; j < n; j++) {
        int64_t expected = 0;
        for (size_t i = 0; i < k; i++) expected += (int64_t)a[r * kp + i] * w[j * k + i];
        EXPECT(y_simd[r * y_stride + j] == (float)expected, "int32 m%zu n%zu k%zu [%zu][%zu]: %.1f vs %lld", m, n, k,
               r, j, y_simd[r * y_stride + j], (long long)expected);
      }
  }
  free(a), free(w), free(packed), free(a_scale), free(w_scale), free(bias), free(zp), free(sums), free(y_ref),
      free(y_simd);
}

/* The 7-bit GEMM (u8 x s8, no vpsignb) against the scalar qd8 GEMM on 7-bit rows, bit for bit (GELU as
 * above). Rows: bytes in [-128, -1] as quantize_qd7 gives (random, all -128, all -1, a mix of both), row 1
 * all zero with scale 0 and zero point 0 (a zero row), row 2 all zero with a real scale (0 is the kernel's
 * documented upper bound, u = 128); or, with `from_floats`, the avx2 quantize_qd7 of random floats. Weights
 * over all of [-128, 127], with -128 and 127 extremes. Then the int32 part alone against an int64 oracle. */
static int8_t qd7_byte(int pattern) {
  switch (pattern) {
    case 1: return -128;
    case 2: return -1;
    case 4: return test_rand_u32() % 2 ? -1 : -128;
    default: return (int8_t)(-1 - (int)(test_rand_u32() % 128));
  }
}

static void gemms_qd7_match(size_t m, size_t n, size_t k, int value_pattern, float scale_magnitude, int from_floats) {
  const size_t kp = tern_round_up(k, TERN_PACK_KR), y_stride = n + 3;
  int8_t *a = calloc(m * kp + 1, 1), *w = malloc(n * k + 1), *packed = calloc(tern_round_up(n, 16) * kp + 1, 1);
  float *x = malloc(m * k * sizeof(float) + 1);
  float *a_scale = malloc(m * sizeof(float)), *w_scale = malloc(n * sizeof(float)), *bias = malloc(n * sizeof(float));
  int32_t *zp = malloc(m * sizeof(int32_t)), *sums = calloc(n, sizeof(int32_t));
  float *y_ref = malloc(m * y_stride * sizeof(float)), *y_simd = malloc(m * y_stride * sizeof(float));
  if (from_floats) {
    for (size_t r = 0; r < m; r++) fill_row(x + r * k, k, (int)(r % 7)); /* finite patterns (no NaN / inf) */
    tern_quantize_qd7__avx2(m, k, x, k, a, kp, a_scale, zp);
  } else {
    for (size_t r = 0; r < m; r++) {
      const int zero_row = r == 1 || r == 2;
      for (size_t i = 0; i < k; i++) a[r * kp + i] = zero_row ? 0 : qd7_byte(value_pattern);
      a_scale[r] = r == 1 ? 0.0f : test_rand_float(0.5f, 2.0f) * scale_magnitude;
      zp[r] = r == 1 ? 0 : -1 - (int32_t)(test_rand_u32() % 128);
    }
  }
  for (size_t i = 0; i < n * k; i++) w[i] = extreme_or_random(value_pattern, -128), sums[i / k] += w[i];
  for (size_t j = 0; j < n; j++) w_scale[j] = test_rand_float(0.5f, 2.0f) * scale_magnitude, bias[j] = test_rand_float(-1, 1);
  tern_pack_16x4(w, n, k, packed);
  const tern_activation acts[] = {TERN_ACT_IDENTITY, TERN_ACT_RELU, TERN_ACT_GELU_ERF, TERN_ACT_GELU_TANH, TERN_ACT_TANH};
  for (size_t act_index = 0; act_index < sizeof acts / sizeof acts[0]; act_index++)
    for (int with_bias = 0; with_bias < 2; with_bias++) {
      const float *b = with_bias ? bias : NULL;
      for (size_t i = 0; i < m * y_stride; i++) y_ref[i] = y_simd[i] = guard_value;
      tern_gemm_qd8_f32_16x4__scalar(m, n, k, a, kp, a_scale, zp, packed, w_scale, sums, b, y_ref, y_stride,
                                     acts[act_index]);
      tern_gemm_qd7_f32_4x16c4__avx2(m, n, k, a, kp, a_scale, zp, packed, w_scale, sums, b, y_simd, y_stride,
                                     acts[act_index]);
      size_t mismatches = 0;
      const int gelu = acts[act_index] == TERN_ACT_GELU_ERF || acts[act_index] == TERN_ACT_GELU_TANH;
      for (size_t i = 0; i < m * y_stride; i++)
        if (!(gelu ? gelu_close(y_ref[i], y_simd[i]) : memcmp(&y_ref[i], &y_simd[i], sizeof(float)) == 0) &&
            mismatches++ == 0)
          EXPECT(0, "qd7 m%zu n%zu k%zu pattern %d scale %g floats %d act %d bias %d: [%zu][%zu] %.9g vs %.9g", m, n,
                 k, value_pattern, scale_magnitude, from_floats, (int)acts[act_index], with_bias, i / y_stride,
                 i % y_stride, y_ref[i], y_simd[i]);
      for (size_t r = 0; r < m; r++)
        for (size_t i = n; i < y_stride; i++)
          EXPECT(y_simd[r * y_stride + i] == guard_value, "qd7 m%zu n%zu k%zu: wrote past n", m, n, k);
    }
  /* Scales 1, zero points 0, no bias: y is (float)dot, exact while |dot| <= 2^24 (k <= 1024). */
  if (k <= 1024) {
    for (size_t r = 0; r < m; r++) a_scale[r] = 1.0f, zp[r] = 0;
    for (size_t j = 0; j < n; j++) w_scale[j] = 1.0f;
    tern_gemm_qd7_f32_4x16c4__avx2(m, n, k, a, kp, a_scale, zp, packed, w_scale, sums, NULL, y_simd, y_stride,
                                   TERN_ACT_IDENTITY);
    for (size_t r = 0; r < m; r++)
      for (size_t j = 0; j < n; j++) {
        int64_t expected = 0;
        for (size_t i = 0; i < k; i++) expected += (int64_t)a[r * kp + i] * w[j * k + i];
        EXPECT(y_simd[r * y_stride + j] == (float)expected, "qd7 int32 m%zu n%zu k%zu [%zu][%zu]: %.1f vs %lld", m, n,
               k, r, j, y_simd[r * y_stride + j], (long long)expected);
      }
  }
  free(a), free(w), free(packed), free(x), free(a_scale), free(w_scale), free(bias), free(zp), free(sums),
      free(y_ref), free(y_simd);
}

int main(void) {
  const tern_kernels *avx2 = tern_kernels_by_name("avx2");
  if (avx2 == NULL) {
    printf("avx2_matches_scalar: SKIP (this CPU has no AVX2)\n");
    return 77;
  }
  const size_t ks[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 384, 1536};
  for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) quantizers_match(avx2, 2 * patterns + 1, ks[i]);

  const size_t ms[] = {1, 2, 3, 4, 5, 7, 9};
  const size_t ns[] = {1, 3, 15, 16, 17, 33, 48};
  const size_t gemm_ks[] = {1, 2, 3, 4, 5, 13, 64, 65, 130};
  for (size_t mi = 0; mi < sizeof ms / sizeof ms[0]; mi++)
    for (size_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++)
      for (size_t ki = 0; ki < sizeof gemm_ks / sizeof gemm_ks[0]; ki++)
        gemms_match(ms[mi], ns[ni], gemm_ks[ki], (int)((mi + ni + ki) % 5), 0.01f);
  /* Extremes: saturated rows and weights at the largest k with exact int32, huge and tiny scales. */
  for (int pattern = 0; pattern < 5; pattern++) {
    gemms_match(5, 37, 1024, pattern, 0.01f);
    gemms_match(4, 20, 1536, pattern, 1e18f);  /* products overflow to inf in both */
    gemms_match(3, 18, 384, pattern, 1e-22f);  /* scale products subnormal or 0 */
  }
  gemms_match(128, 384, 384, 0, 0.003f); /* a MiniLM shape */
  gemms_match(9, 400, 1536, 0, 0.003f);  /* several L2 panels, the last one ragged; 2 + 1 row groups */
  gemms_match(6, 20, 4100, 4, 0.003f);   /* beyond the kernel's stack buffer of |a| (4096 inputs) */
  gemms_match(9, 20, 0, 0, 0.01f);        /* no inputs: y = bias */

  for (size_t mi = 0; mi < sizeof ms / sizeof ms[0]; mi++)
    for (size_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++)
      for (size_t ki = 0; ki < sizeof gemm_ks / sizeof gemm_ks[0]; ki++)
        gemms_qd7_match(ms[mi], ns[ni], gemm_ks[ki], (int)((mi + ni + ki) % 5), 0.01f, (mi + ni + ki) % 3 == 0);
  for (int pattern = 0; pattern < 5; pattern++) {
    gemms_qd7_match(5, 37, 1024, pattern, 0.01f, 0);
    gemms_qd7_match(4, 20, 1536, pattern, 1e18f, 0); /* products overflow to inf in both */
    gemms_qd7_match(3, 18, 384, pattern, 1e-22f, 0); /* scale products subnormal or 0 */
  }
  gemms_qd7_match(128, 384, 384, 0, 0.003f, 1); /* a MiniLM shape, rows from the quantizer */
  gemms_qd7_match(9, 400, 1536, 0, 0.003f, 0);  /* several L2 panels, the last one ragged; 2 + 1 row groups */
  gemms_qd7_match(6, 20, 4100, 4, 0.003f, 0);   /* beyond the kernel's stack buffer of a + 128 (4096 inputs) */
  gemms_qd7_match(9, 20, 0, 0, 0.01f, 0);       /* no inputs: y = bias */
  return test_report("avx2_matches_scalar");
}
#else
int main(void) {
  printf("avx2_matches_scalar: SKIP (this build has no avx2 kernel set)\n");
  return 77;
}
#endif
