/* The scalar 7-bit quantizer (tern_quantize_qd7__scalar) against the definition in kernels.h, written out
 * again here step by step and double-checked against what it must mean: bytes in [-128, -1] (q + 128 in
 * [0, 127]), the row's low maps to -128 and 0 exactly to the zero point, every value is reconstructed within
 * one step, scale = range / 127; zero rows, all-NaN rows, rows with an infinity and rows so tiny that
 * 127 / range overflows give scale 0, zero point 0 and zero bytes; padding bytes are 0 and bytes past the
 * padded row untouched. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "test_util.h"

/* kernels.h "quantize_qd7", in f32 as specified, with rint (nearest, ties to even). */
static void expected_row(size_t k, const float *x, int8_t *q, float *scale, int32_t *zero_point) {
  float low = 0.0f, high = 0.0f;
  for (size_t i = 0; i < k; i++) {
    if (x[i] < low) low = x[i];
    if (x[i] > high) high = x[i];
  }
  const float range = high - low, inv = 127.0f / range;
  memset(q, 0, k);
  if (range == 0.0f || !isfinite(range) || !isfinite(inv)) {
    *scale = 0.0f, *zero_point = 0;
    return;
  }
  *scale = range / 127.0f;
  double zp = -128.0 - rint((double)(low * inv));
  zp = zp < -128.0 ? -128.0 : zp > -1.0 ? -1.0 : zp;
  *zero_point = (int32_t)zp;
  for (size_t i = 0; i < k; i++) {
    double v = rint((double)(x[i] * inv)) + zp;
    v = v < -128.0 ? -128.0 : v > -1.0 ? -1.0 : v;
    q[i] = (int8_t)v;
  }
}

static void check_row(const float *x, size_t k, const char *what) {
  const size_t kp = tern_round_up(k, TERN_PACK_KR), stride = kp + 4;
  int8_t *q = malloc(stride), *q_expected = malloc(k + 1);
  float scale, scale_expected;
  int32_t zero_point, zero_point_expected;
  memset(q, 0x55, stride);
  tern_quantize_qd7__scalar(1, k, x, k, q, stride, &scale, &zero_point);
  expected_row(k, x, q_expected, &scale_expected, &zero_point_expected);
  EXPECT(memcmp(&scale, &scale_expected, sizeof scale) == 0, "%s k%zu: scale %.9g vs %.9g", what, k, scale,
         scale_expected);
  EXPECT(zero_point == zero_point_expected, "%s k%zu: zero point %d vs %d", what, k, zero_point, zero_point_expected);
  for (size_t i = 0; i < k; i++)
    EXPECT(q[i] == q_expected[i], "%s k%zu [%zu]: %d vs %d", what, k, i, q[i], q_expected[i]);
  for (size_t i = k; i < kp; i++) EXPECT(q[i] == 0, "%s k%zu: padding byte %zu is %d", what, k, i, q[i]);
  for (size_t i = kp; i < stride; i++) EXPECT(q[i] == 0x55, "%s k%zu: wrote past the padded row", what, k);
  /* What the numbers must mean. */
  if (scale == 0.0f) {
    EXPECT(zero_point == 0, "%s: zero row with zero point %d", what, zero_point);
    for (size_t i = 0; i < k; i++) EXPECT(q[i] == 0, "%s: zero row byte %zu is %d", what, i, q[i]);
  } else {
    float low = 0.0f, high = 0.0f;
    for (size_t i = 0; i < k; i++) low = x[i] < low ? x[i] : low, high = x[i] > high ? x[i] : high;
    EXPECT(fabs((double)scale * 127.0 - ((double)high - low)) <= 1e-6 * ((double)high - low), "%s: scale %g for %g..%g",
           what, scale, low, high);
    EXPECT(zero_point >= -128 && zero_point <= -1, "%s: zero point %d", what, zero_point);
    int saw_lowest = 0;
    for (size_t i = 0; i < k; i++) {
      EXPECT(q[i] >= -128 && q[i] <= -1, "%s: byte %zu is %d, outside [-128, -1]", what, i, q[i]);
      saw_lowest |= q[i] == -128;
      /* Two roundings of at most half a step each (the zero point's and the value's). */
      const double back = ((double)q[i] - zero_point) * scale;
      EXPECT(fabs(back - x[i]) <= 1.0001 * scale + 1e-30, "%s: x %.9g comes back as %.9g (step %g)", what, x[i], back,
             scale);
      if (x[i] == 0.0f) EXPECT(q[i] == zero_point, "%s: 0 quantizes to %d, zero point %d", what, q[i], zero_point);
    }
    if (low < 0.0f) EXPECT(saw_lowest, "%s: the row's low does not reach -128", what);
  }
  free(q), free(q_expected);
}

int main(void) {
  /* A hand-checked row: low -1, high 1.54, range 2.54, inv 50 (to f32 rounding): zero point -128 - (-50) = -78;
   * -1 -> -128, 0.5 -> 25 - 78 = -53, 1.54 -> 77 - 78 = -1, 0 -> -78. */
  {
    const float x[6] = {-1.0f, 0.5f, 1.54f, 0.0f, 0.2f, -0.2f};
    int8_t q[8];
    float scale;
    int32_t zero_point;
    tern_quantize_qd7__scalar(1, 6, x, 6, q, 8, &scale, &zero_point);
    EXPECT(zero_point == -78, "hand row zero point %d", zero_point);
    EXPECT(q[0] == -128 && q[1] == -53 && q[2] == -1 && q[3] == -78 && q[6] == 0 && q[7] == 0,
           "hand row: %d %d %d %d pad %d %d", q[0], q[1], q[2], q[3], q[6], q[7]);
    EXPECT(fabsf(scale - 2.54f / 127.0f) < 1e-9f, "hand row scale %g", scale);
  }
  float x[400];
  for (size_t k = 1; k <= 400; k += k < 20 ? 1 : 37) {
    for (int trial = 0; trial < 40; trial++) {
      const float magnitude = powf(10.0f, test_rand_float(-30.0f, 30.0f));
      const int shape = trial % 4; /* two-signed, positive only, negative only, skewed like GELU */
      for (size_t i = 0; i < k; i++) {
        float v = test_rand_float(-magnitude, magnitude);
        if (shape == 1) v = fabsf(v);
        if (shape == 2) v = -fabsf(v);
        if (shape == 3) v = v < 0.0f ? v * 0.05f : v;
        x[i] = v;
      }
      check_row(x, k, "random");
    }
    for (size_t i = 0; i < k; i++) x[i] = (float)((int)(test_rand_u32() % 128)) - 64.0f + 0.5f; /* ties */
    x[0] = -63.5f, x[k > 1 ? 1 : 0] = 63.5f; /* range 127: inv 1, so the .5 are exact ties */
    check_row(x, k, "ties");
    memset(x, 0, k * sizeof(float));
    check_row(x, k, "zero");
    for (size_t i = 0; i < k; i++) x[i] = NAN;
    check_row(x, k, "all NaN");
    for (size_t i = 0; i < k; i++) x[i] = test_rand_float(-1.0f, 1.0f);
    x[k / 2] = INFINITY;
    check_row(x, k, "inf");
    x[k / 2] = -INFINITY;
    check_row(x, k, "-inf");
    for (size_t i = 0; i < k; i++) x[i] = test_rand_float(-1.0f, 1.0f) * 3e38f;
    x[0] = 3.4e38f, x[k - 1] = -3.4e38f; /* range overflows to inf when k > 1 */
    check_row(x, k, "overflowing range");
    for (size_t i = 0; i < k; i++) x[i] = test_rand_float(-1.0f, 1.0f) * 1e-37f;
    x[0] = -1e-37f;
    check_row(x, k, "tiny (127 / range overflows)");
  }
  return test_report("quantize_qd7_matches_definition");
}
