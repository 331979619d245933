/* int8_compare.h — what the int8 kernel tests (test_avx2_matches_scalar.c, test_arm_matches_scalar.c and
 * the VNNI tests through vnni_shapes.h) share: value patterns for quantizer rows and int8 operands, the
 * quantizer comparison against the scalar oracle through a kernel set's table, and the GELU allowance of
 * SIMD epilogues. */
#ifndef TERN_TEST_INT8_COMPARE_H
#define TERN_TEST_INT8_COMPARE_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "kernels.h"
#include "test_util.h"

static const float guard_value = -12345.5f;
/* Fills a row according to one of several value patterns. */
static inline void fill_row(float *x, size_t k, int pattern) {
  for (size_t i = 0; i < k; i++) {
    switch (pattern) {
      case 0: x[i] = test_rand_float(-3.0f, 3.0f); break;
      case 1: x[i] = 0.0f; break;                                                /* all zero */
      case 2: x[i] = test_rand_float(0.0f, 5.0f); break;                         /* one-signed */
      case 3: x[i] = test_rand_float(-5.0f, -0.001f); break;                     /* one-signed negative */
      case 4: x[i] = test_rand_float(-1.0f, 1.0f) * 1e30f; break;                /* huge */
      case 5: x[i] = test_rand_float(-1.0f, 1.0f) * 1e-38f; break;               /* tiny, subnormal */
      case 6: x[i] = (float)((int)(test_rand_u32() % 254) - 127) + 0.5f; break;  /* ties at half steps */
      case 7: x[i] = i == k / 2 ? NAN : test_rand_float(-2.0f, 2.0f); break;      /* a NaN inside */
      case 8: x[i] = i == 0 ? INFINITY : test_rand_float(-2.0f, 2.0f); break;     /* non-finite range */
      case 9: x[i] = i % 7 == 0 ? test_rand_float(-80.0f, 80.0f) : test_rand_float(-0.1f, 0.1f); break;
      case 10: x[i] = i % 3 == 0 ? 3e-39f : test_rand_float(-1.0f, 1.0f); break;  /* subnormals in a normal row */
      case 11: x[i] = i == 1 ? -1e-36f : (i % 2 ? 2e-39f : 0.0f); break;          /* range near the overflow edge */
      default: x[i] = i % 2 ? -0.0f : 0.0f; break;                                /* signed zeros */
    }
  }
  if (pattern == 6 && k > 0) x[0] = 127.0f; /* qs8: amax 127, inverse 1: the half steps are ties */
}

enum { patterns = 13 };

/* The scalar reference leaves two inputs to lrintf of a non-finite value; the SIMD rule (as avx2): a NaN
 * element quantizes like 0 (the oracle is the scalar kernel on the row with NaNs replaced by 0, which
 * leaves the range unchanged as it always contains 0), and a row whose inverse scale overflows is the
 * zero row. */
static inline int inverse_overflows(const float *x, size_t k, int asymmetric, float levels) {
  float low = 0.0f, high = 0.0f;
  for (size_t i = 0; i < k; i++) {
    if (x[i] < low) low = x[i];
    if (x[i] > high) high = x[i];
  }
  const float span = asymmetric ? high - low : (-low > high ? -low : high);
  return span != 0.0f && isfinite(span) && !isfinite(levels / span);
}

/* The set's three quantizers (qs8, qd8, qd7) against the scalar ones on m rows of k floats, every value
 * pattern: bytes (also the padding up to q_stride, which must stay untouched), scales and zero points bit
 * for bit. */
static inline void quantizers_match(const tern_kernels *simd, size_t m, size_t k) {
  const size_t kp = tern_round_up(k, TERN_PACK_KR), q_stride = kp + 4;
  float *x = malloc(m * k * sizeof(float) + 1), *x_oracle = malloc(m * k * sizeof(float) + 1);
  int8_t *q_ref = malloc(m * q_stride), *q_simd = malloc(m * q_stride);
  float *s_ref = malloc(m * sizeof(float)), *s_simd = malloc(m * sizeof(float));
  int32_t *zp_ref = malloc(m * sizeof(int32_t)), *zp_simd = malloc(m * sizeof(int32_t));
  for (size_t r = 0; r < m; r++) fill_row(x + r * k, k, (int)(r % patterns));
  for (size_t i = 0; i < m * k; i++) x_oracle[i] = isnan(x[i]) ? 0.0f : x[i];
  /* mode 0: qs8, 1: qd8, 2: qd7 (127 levels) */
  for (int mode = 0; mode < 3; mode++) {
    const int asymmetric = mode > 0;
    const char *name = mode == 0 ? "qs8" : mode == 1 ? "qd8" : "qd7";
    memset(q_ref, 0x55, m * q_stride), memset(q_simd, 0x55, m * q_stride); /* bytes past kp must stay */
    if (mode == 1) {
      tern_quantize_qd8__scalar(m, k, x_oracle, k, q_ref, q_stride, s_ref, zp_ref);
      simd->quantize_qd8(m, k, x, k, q_simd, q_stride, s_simd, zp_simd);
    } else if (mode == 2) {
      tern_quantize_qd7__scalar(m, k, x_oracle, k, q_ref, q_stride, s_ref, zp_ref);
      simd->quantize_qd7(m, k, x, k, q_simd, q_stride, s_simd, zp_simd);
    } else {
      tern_quantize_qs8__scalar(m, k, x_oracle, k, q_ref, q_stride, s_ref);
      simd->quantize_qs8(m, k, x, k, q_simd, q_stride, s_simd);
    }
    for (size_t r = 0; r < m; r++)
      if (inverse_overflows(x + r * k, k, asymmetric, mode == 1 ? 255.0f : 127.0f)) {
        s_ref[r] = 0.0f, zp_ref[r] = 0;
        memset(q_ref + r * q_stride, 0, kp);
      }
    EXPECT(memcmp(s_ref, s_simd, m * sizeof(float)) == 0, "%s m%zu k%zu scales", name, m, k);
    if (asymmetric) EXPECT(memcmp(zp_ref, zp_simd, m * sizeof(int32_t)) == 0, "%s m%zu k%zu zero points", name, m, k);
    for (size_t r = 0; r < m; r++)
      for (size_t i = 0; i < q_stride; i++)
        EXPECT(q_ref[r * q_stride + i] == q_simd[r * q_stride + i], "%s k%zu row %zu (pattern %zu) [%zu]: %d vs %d",
               name, k, r, r % patterns, i, q_ref[r * q_stride + i], q_simd[r * q_stride + i]);
  }
  free(x), free(x_oracle), free(q_ref), free(q_simd), free(s_ref), free(s_simd), free(zp_ref), free(zp_simd);
}

/* Activations span [-128, 127]; weights [-127, 127] (kernels.h: the format's int8 weights). */
static inline int8_t extreme_or_random(int pattern, int8_t lowest) {
  switch (pattern) {
    case 1: return lowest;
    case 2: return 127;
    case 3: return 0;
    case 4: return test_rand_u32() % 2 ? 127 : lowest;
    default: {
      const int8_t value = (int8_t)(test_rand_u32() & 0xFF);
      return value < lowest ? lowest : value;
    }
  }
}

/* GELU epilogues run the SIMD activation kernel (tested against libm by the f32 kernel tests); everything
 * before the activation is bit-identical. Against the scalar GELU, whose 1 + erf(x / sqrt 2) cancels in the
 * negative tail (a few 1e-6 relative there), the allowance is 4e-6 relative plus 1e-12 absolute. */
static inline int gelu_close(float expected, float actual) {
  /* gelu(-inf): the scalar formula gives -inf * 0 = NaN, the SIMD kernel the limit -0. */
  if (isnan(expected) && actual == 0.0f && signbit(actual)) return 1;
  if (isnan(expected) || isnan(actual)) return isnan(expected) && isnan(actual);
  if (isinf(expected) || isinf(actual)) return expected == actual;
  return fabsf(actual - expected) <= 4e-6f * fabsf(expected) + 1e-12f;
}

#endif /* TERN_TEST_INT8_COMPARE_H */
