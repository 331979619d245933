/* An ARM kernel set (argv[1]: neon, neondot or i8mm) against the scalar reference (the oracle), through
 * the set's dispatch table: quantized bytes, scales and zero points bit for bit (qs8, qd8, 7-bit qd7), GEMM
 * outputs (qs8, qd8, and the 7-bit pair quantize_qd7 + gemm_qd7_f32 against the scalar ones; memcmp of
 * the f32 bits for identity, ReLU and tanh; GELU, which runs the NEON f32 activation kernel, within its
 * documented error of the exact GELU of the bit-identical pre-activation value), over shapes that are not
 * multiples of the tiles (M, N, K; odd and even k-block counts for SMMLA's pairs, 1..3 left over for SDOT's
 * 4-block loads), K = 1, extreme values (activations -128 and +127, weights -127 and +127, all-zero rows,
 * NaN/inf inputs, subnormal and huge scales: armv7 flushes subnormals in NEON), and output strides with
 * guard values that must stay untouched. The int32 accumulators are also checked exactly against an int64
 * dense product where they are exactly representable in f32.
 * Exit 77 (SKIP) when the build has no such set or the CPU (or qemu's -cpu) lacks the ISA. Shapes are
 * kept small: CI runs this under qemu-user. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "kernels.h"
#include "packing.h"
#include "test_util.h"
#include "int8_compare.h"

static const tern_kernels *simd;

/* The exact GELU of a float in double (forms without cancellation in the negative tail). */
static double gelu_exact(float x, tern_activation act) {
  if (isinf(x)) return x > 0 ? (double)INFINITY : -0.0;
  const double v = x;
  if (act == TERN_ACT_GELU_ERF) return 0.5 * v * erfc(-v / sqrt(2.0));
  const double u = 0.79788456080286535588 /* sqrt(2 / pi) */ * (v + 0.044715 * v * v * v);
  return v / (1.0 + exp(-2.0 * u));
}

/* Identity, ReLU and tanh bit for bit. GELU runs the NEON f32 activation kernel: against the exact GELU of
 * the (bit-identical) pre-activation value, within that kernel's documented error (kernels.h: 1e-6
 * relative + 2^-149; armv7 flushes subnormal results to 0). */
static int outputs_match(float expected, float actual, float pre_activation, tern_activation act) {
  if (act != TERN_ACT_GELU_ERF && act != TERN_ACT_GELU_TANH) return memcmp(&expected, &actual, sizeof expected) == 0;
  if (isnan(pre_activation)) return isnan(actual);
  const double exact = gelu_exact(pre_activation, act);
  if (isinf(exact)) return actual == exact;
#ifndef __aarch64__
  if (fabs(exact) < 0x1p-126 && actual == 0.0f) return 1;
#endif
  return fabs((double)actual - exact) <= 1e-6 * fabs(exact) + 0x1p-149;
}

/* One GEMM shape, both kernels (qs8 and qd8), every activation, with and without bias. */
static void gemms_match(size_t m, size_t n, size_t k, int value_pattern, float scale_magnitude, int all_acts) {
  const size_t kp = tern_round_up(k, TERN_PACK_KR), y_stride = n + 3;
  int8_t *a = calloc(m * kp, 1), *w = malloc(n * k + 1), *packed = calloc(tern_packed_16x4_size(n, k), 1);
  float *a_scale = malloc(m * sizeof(float)), *w_scale = malloc(n * sizeof(float)), *bias = malloc(n * sizeof(float));
  int32_t *zp = malloc(m * sizeof(int32_t)), *sums = calloc(n, sizeof(int32_t));
  float *y_ref = malloc(m * y_stride * sizeof(float)), *y_simd = malloc(m * y_stride * sizeof(float));
  float *y_pre = malloc(m * y_stride * sizeof(float)); /* the scalar kernel's output before the activation */
  for (size_t r = 0; r < m; r++) {
    const int row_pattern = r == 1 ? 3 : value_pattern; /* row 1 is all zero */
    for (size_t i = 0; i < k; i++) a[r * kp + i] = extreme_or_random(row_pattern, -128);
    a_scale[r] = r == 2 ? 0.0f : test_rand_float(0.5f, 2.0f) * scale_magnitude; /* row 2: a zero row's scale */
    zp[r] = (int32_t)(test_rand_u32() % 256) - 128;
  }
  for (size_t i = 0; i < n * k; i++) w[i] = extreme_or_random(value_pattern, -127), sums[i / k] += w[i];
  for (size_t j = 0; j < n; j++) {
    w_scale[j] = test_rand_float(0.5f, 2.0f) * scale_magnitude;
    bias[j] = j % 5 == 4 ? 1e-39f * (float)(j % 3) : test_rand_float(-1, 1); /* some subnormal and zero */
  }
  tern_pack_16x4(w, n, k, packed);
  const tern_activation acts[] = {TERN_ACT_IDENTITY, TERN_ACT_RELU, TERN_ACT_GELU_ERF, TERN_ACT_GELU_TANH,
                                  TERN_ACT_TANH};
  const size_t act_count = all_acts ? sizeof acts / sizeof acts[0] : 2;
  for (size_t act_index = 0; act_index < act_count; act_index++)
    for (int kernel = 0; kernel < 2; kernel++)
      for (int with_bias = 0; with_bias < 2; with_bias++) {
        const tern_activation act = acts[act_index];
        const float *b = with_bias ? bias : NULL;
        for (size_t i = 0; i < m * y_stride; i++) y_ref[i] = y_simd[i] = guard_value;
        if (kernel == 0) {
          tern_gemm_qd8_f32_16x4__scalar(m, n, k, a, kp, a_scale, zp, packed, w_scale, sums, b, y_pre, y_stride,
                                         TERN_ACT_IDENTITY);
          tern_gemm_qd8_f32_16x4__scalar(m, n, k, a, kp, a_scale, zp, packed, w_scale, sums, b, y_ref, y_stride, act);
          simd->gemm_qd8_f32(m, n, k, a, kp, a_scale, zp, packed, w_scale, sums, b, y_simd, y_stride, act);
        } else {
          tern_gemm_qs8_f32_16x4__scalar(m, n, k, a, kp, a_scale, packed, w_scale, b, y_pre, y_stride,
                                         TERN_ACT_IDENTITY);
          tern_gemm_qs8_f32_16x4__scalar(m, n, k, a, kp, a_scale, packed, w_scale, b, y_ref, y_stride, act);
          simd->gemm_qs8_f32(m, n, k, a, kp, a_scale, packed, w_scale, b, y_simd, y_stride, act);
        }
        size_t mismatches = 0;
        for (size_t i = 0; i < m * y_stride; i++)
          if (!(i % y_stride < n ? outputs_match(y_ref[i], y_simd[i], y_pre[i], act) /* else a guard */
                                 : memcmp(&y_ref[i], &y_simd[i], sizeof(float)) == 0) &&
              mismatches++ == 0)
            EXPECT(0, "%s %s m%zu n%zu k%zu pattern %d scale %g act %d bias %d: [%zu][%zu] %.9g vs %.9g", simd->isa,
                   kernel ? "qs8" : "qd8", m, n, k, value_pattern, scale_magnitude, (int)act, with_bias,
                   i / y_stride, i % y_stride, y_ref[i], y_simd[i]);
      }
  /* The integer part alone, against an int64 oracle: scales 1, no bias, so y is (float)acc, exact while
   * |acc| <= 2^24, which k <= 1024 guarantees (1024 * 128 * 128). */
  if (k <= 1024) {
    for (size_t r = 0; r < m; r++) a_scale[r] = 1.0f;
    for (size_t j = 0; j < n; j++) w_scale[j] = 1.0f;
    simd->gemm_qs8_f32(m, n, k, a, kp, a_scale, packed, w_scale, NULL, y_simd, y_stride, TERN_ACT_IDENTITY);
    for (size_t r = 0; r < m; r++)
      for (size_t j = 0; j < n; j++) {
        int64_t expected = 0;
        for (size_t i = 0; i < k; i++) expected += (int64_t)a[r * kp + i] * w[j * k + i];
        EXPECT(y_simd[r * y_stride + j] == (float)expected, "int32 m%zu n%zu k%zu [%zu][%zu]: %.1f vs %lld", m, n, k,
               r, j, y_simd[r * y_stride + j], (long long)expected);
      }
  }
  free(a), free(w), free(packed), free(a_scale), free(w_scale), free(bias), free(zp), free(sums), free(y_ref),
      free(y_simd), free(y_pre);
}

/* The set's 7-bit pair (quantize_qd7, gemm_qd7_f32) on rows of floats against the scalar quantize_qd7 +
 * qd8 GEMM, bit for bit (identity and ReLU), weights down to -128. */
static void qd7_pair_matches(size_t m, size_t n, size_t k) {
  const size_t kp = tern_round_up(k, TERN_PACK_KR), y_stride = n + 3;
  float *x = malloc(m * k * sizeof(float) + 1), *a_scale = malloc(m * sizeof(float)), *w_scale = malloc(n * sizeof(float));
  int8_t *a = calloc(m * kp + 1, 1), *w = malloc(n * k + 1), *packed = calloc(tern_packed_16x4_size(n, k), 1);
  int32_t *zp = malloc(m * sizeof(int32_t)), *sums = calloc(n, sizeof(int32_t));
  float *y_ref = malloc(m * y_stride * sizeof(float)), *y_simd = malloc(m * y_stride * sizeof(float));
  for (size_t r = 0; r < m; r++) fill_row(x + r * k, k, (int)(r % 7) == 1 ? 1 : (int)(r % 4)); /* finite rows */
  for (size_t i = 0; i < n * k; i++) w[i] = (int8_t)(test_rand_u32() & 0xFF), sums[i / k] += w[i];
  for (size_t j = 0; j < n; j++) w_scale[j] = test_rand_float(0.5f, 2.0f) * 0.01f;
  tern_pack_16x4(w, n, k, packed);
  for (int relu = 0; relu < 2; relu++) {
    const tern_activation act = relu ? TERN_ACT_RELU : TERN_ACT_IDENTITY;
    for (size_t i = 0; i < m * y_stride; i++) y_ref[i] = y_simd[i] = guard_value;
    tern_quantize_qd7__scalar(m, k, x, k, a, kp, a_scale, zp);
    tern_gemm_qd8_f32_16x4__scalar(m, n, k, a, kp, a_scale, zp, packed, w_scale, sums, NULL, y_ref, y_stride, act);
    memset(a, 0x55, m * kp);
    simd->quantize_qd7(m, k, x, k, a, kp, a_scale, zp);
    simd->gemm_qd7_f32(m, n, k, a, kp, a_scale, zp, packed, w_scale, sums, NULL, y_simd, y_stride, act);
    EXPECT(memcmp(y_ref, y_simd, m * y_stride * sizeof(float)) == 0, "%s qd7 m%zu n%zu k%zu act %d", simd->isa, m, n,
           k, (int)act);
  }
  free(x), free(a_scale), free(w_scale), free(a), free(w), free(packed), free(zp), free(sums), free(y_ref),
      free(y_simd);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s neon|neondot|i8mm\n", argv[0]);
    return 2;
  }
  simd = tern_kernels_by_name(argv[1]);
  if (simd == NULL) {
    printf("arm_matches_scalar: SKIP (no %s set on this build/CPU)\n", argv[1]);
    return 77;
  }
  const size_t ks[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 100, 384};
  for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) quantizers_match(simd, 2 * patterns + 1, ks[i]);

  const size_t ms[] = {1, 2, 3, 4, 5, 7, 9};
  const size_t ns[] = {1, 15, 16, 17, 48};
  /* k-blocks: 1, 1, 1, 2, 2, 3, 4, 6, 7, 17, 33 */
  const size_t gemm_ks[] = {1, 3, 4, 5, 8, 12, 13, 24, 28, 65, 130};
  size_t shape = 0;
  for (size_t mi = 0; mi < sizeof ms / sizeof ms[0]; mi++)
    for (size_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++)
      for (size_t ki = 0; ki < sizeof gemm_ks / sizeof gemm_ks[0]; ki++, shape++)
        gemms_match(ms[mi], ns[ni], gemm_ks[ki], (int)((mi + ni + ki) % 5), 0.01f, shape % 4 == 0);
  /* Extremes: saturated rows and weights at a large k with exact int32, huge and tiny scales. */
  for (int pattern = 0; pattern < 5; pattern++) {
    gemms_match(5, 37, 1024, pattern, 0.01f, 0);
    gemms_match(4, 20, 1536, pattern, 1e18f, 1); /* products overflow to inf in both */
    gemms_match(3, 18, 384, pattern, 1e-22f, 1); /* scale products subnormal or 0 */
    gemms_match(7, 33, 64, pattern, 1e-19f, 1);  /* scale products near 2^-125, the armv7 flush edge */
  }
  gemms_match(6, 384, 384, 0, 0.003f, 1);  /* a MiniLM shape (fewer rows: qemu) */
  gemms_match(5, 400, 1536, 0, 0.003f, 0); /* several L2 panels (m > 4 rows), the last one ragged */
  const size_t qd7_ks[] = {1, 5, 13, 64, 130, 384};
  for (size_t i = 0; i < sizeof qd7_ks / sizeof qd7_ks[0]; i++) qd7_pair_matches(7, 33, qd7_ks[i]);
  return test_report("arm_matches_scalar");
}
