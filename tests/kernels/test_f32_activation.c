/* Every SIMD set's activation kernel (GELU erf and tanh forms, ReLU, tanh) against the exact function in
 * double precision over the whole float range: every binade from subnormals to FLT_MAX, both signs, a dense
 * sweep of [-16, 16], and +-0, +-inf, NaN. Tolerance (kernels.h): |y - exact| <= 1e-6 |exact| + 2^-149;
 * where the ISA flushes subnormals (armv7 NEON), a subnormal exact value may come out as 0.
 * The scalar reference is held to a looser bound (libm erfcf/expf in float). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "test_util.h"

#if defined(__arm__) && !defined(__aarch64__)
#define FLUSHES_SUBNORMALS 1 /* armv7 NEON arithmetic is flush-to-zero */
#else
#define FLUSHES_SUBNORMALS 0
#endif

/* The exact functions, written without cancellation (the textbook forms lose all digits for x < -5). */
static double gelu_erf_exact(double x) { return 0.5 * x * erfc(-x / sqrt(2.0)); }
static double gelu_tanh_exact(double x) {
  const double u = sqrt(2.0 / 3.14159265358979323846) * (x + 0.044715 * x * x * x);
  return x / (1.0 + exp(-2.0 * u));
}
static double exact(tern_activation act, float x) {
  if (isinf(x) && x < 0 && (act == TERN_ACT_GELU_ERF || act == TERN_ACT_GELU_TANH)) return 0.0; /* the limit */
  switch (act) {
    case TERN_ACT_GELU_ERF: return gelu_erf_exact(x);
    case TERN_ACT_GELU_TANH: return gelu_tanh_exact(x);
    case TERN_ACT_RELU: return x > 0 ? x : 0.0;
    case TERN_ACT_TANH: return tanh(x);
    default: return x;
  }
}

static size_t make_inputs(float *x, size_t cap) {
  size_t n = 0;
  const float specials[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, FLT_MAX, -FLT_MAX, FLT_MIN, -FLT_MIN,
                            1e-45f, -1e-45f, 1.0f, -1.0f, 15.0f, -15.0f, 11.5f, -11.5f};
  for (size_t i = 0; i < sizeof specials / sizeof specials[0]; i++) x[n++] = specials[i];
  for (int exponent = -149; exponent <= 127; exponent++) /* every binade, a few mantissas, both signs */
    for (int j = 0; j < 16; j++) {
      const float value = ldexpf(1.0f + (float)j / 16.0f + test_rand_float(0.0f, 1.0f / 16.0f), exponent);
      if (isinf(value)) continue;
      x[n++] = value;
      x[n++] = -value;
    }
  for (float value = -16.0f; value <= 16.0f && n < cap; value += 1.0f / 1024.0f) x[n++] = value + 1e-4f;
  while (n < cap) x[n++] = test_rand_float(-20.0f, 20.0f);
  return n;
}

static double worst_relative_error;

static void check(const tern_kernels *kernels, tern_activation act, const float *x, size_t n, double relative) {
  const int reference = strcmp(kernels->isa, "scalar") == 0;
  float *y = malloc(n * sizeof *y);
  memcpy(y, x, n * sizeof *y);
  kernels->activation_f32(n, y, act);
  for (size_t i = 0; i < n; i++) {
    const double want = exact(act, x[i]);
    if (act == TERN_ACT_RELU && isnan(x[i])) { /* ReLU as the scalar x > 0 ? x : 0 */
      EXPECT(y[i] == 0.0f, "%s relu(NaN) = %g, want 0", kernels->isa, y[i]);
      continue;
    }
    /* The reference is checked only where libm's float functions are: finite x, results above 1e-30. */
    if (reference && (isinf(x[i]) || fabs(want) < 1e-30)) continue;
    if (isnan(want)) {
      EXPECT(isnan(y[i]), "%s act %d x=%a: got %a, want NaN", kernels->isa, (int)act, x[i], y[i]);
      continue;
    }
    if (isinf(want)) {
      EXPECT(y[i] == want, "%s act %d x=%a: got %a, want %a", kernels->isa, (int)act, x[i], y[i], want);
      continue;
    }
    const double error = fabs((double)y[i] - want);
    int ok = error <= relative * fabs(want) + 0x1p-149;
    if (!ok && FLUSHES_SUBNORMALS) ok = fabs(want) < FLT_MIN * (1.0 + relative) && fabs((double)y[i]) <= FLT_MIN;
    if (!reference && fabs(want) >= FLT_MIN && error / fabs(want) > worst_relative_error) worst_relative_error = error / fabs(want);
    EXPECT(ok, "%s act %d x=%a (%g): got %a (%g), want %a, relative error %g", kernels->isa, (int)act, x[i], x[i],
           y[i], y[i], want, want != 0 ? error / fabs(want) : error);
  }
  free(y);
}

int main(void) {
  enum { CAPACITY = 60000 };
  float *x = malloc(CAPACITY * sizeof *x);
  const size_t count = make_inputs(x, CAPACITY);
  const tern_activation acts[] = {TERN_ACT_GELU_ERF, TERN_ACT_GELU_TANH, TERN_ACT_RELU, TERN_ACT_TANH,
                                  TERN_ACT_IDENTITY};
  for (const char *const *name = tern_kernels_names(); *name != NULL; name++) {
    const tern_kernels *kernels = tern_kernels_by_name(*name);
    if (kernels == NULL) continue; /* this CPU lacks the set */
    const int reference = strcmp(*name, "scalar") == 0;
    for (size_t a = 0; a < sizeof acts / sizeof acts[0]; a++) {
      /* The scalar reference rounds x/sqrt2 and 2u in float before erfcf/expf: 2z^2 ulps near underflow. */
      const double relative = reference ? 3e-5 : 1e-6;
      check(kernels, acts[a], x, count, relative);
      /* Every length 1..40 at every offset, so the vector tails are covered. */
      for (size_t length = 1; length <= 40; length++) check(kernels, acts[a], x + count - 100 + length % 7, length, relative);
    }
  }
  free(x);
  printf("worst relative error of the SIMD sets (normal results): %.3g\n", worst_relative_error);
  return test_report("f32_activation");
}
