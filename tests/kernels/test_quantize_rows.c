/* Per-row activation quantization: scale = max|x| / 127, ties to even, clamping, zero rows, padding. */
#include <math.h>
#include <string.h>

#include "kernels.h"
#include "test_util.h"

int main(void) {
  /* Ties to even: amax 127 makes inv exactly 1, so x.5 values show the rounding rule. */
  {
    const float x[6] = {127.0f, 0.5f, 1.5f, 2.5f, -2.5f, -0.5f};
    int8_t q[8];
    float scale;
    memset(q, 0x55, sizeof q);
    tern_quantize_qs8__scalar(1, 6, x, 6, q, 8, &scale);
    const int8_t expected[8] = {127, 0, 2, 2, -2, 0, 0, 0};
    EXPECT(memcmp(q, expected, 8) == 0, "ties-to-even or padding wrong: %d %d %d %d %d %d %d %d", q[0], q[1], q[2],
           q[3], q[4], q[5], q[6], q[7]);
    EXPECT(scale == 1.0f, "scale %g", scale);
  }
  /* A zero row: scale 0 and all-zero bytes; another row in the same call is unaffected. */
  {
    const float x[2][3] = {{0, 0, 0}, {-3.0f, 1.0f, 0.25f}};
    int8_t q[2][4];
    float scale[2];
    tern_quantize_qs8__scalar(2, 3, &x[0][0], 3, &q[0][0], 4, scale);
    EXPECT(scale[0] == 0.0f && q[0][0] == 0 && q[0][1] == 0 && q[0][2] == 0, "zero row");
    EXPECT(q[1][0] == -127 && q[1][3] == 0, "row 1: %d pad %d", q[1][0], q[1][3]);
    EXPECT(fabsf(scale[1] - 3.0f / 127.0f) < 1e-9f, "row 1 scale %g", scale[1]);
  }
  /* Random rows: max element maps to +-127, and reconstruction error is at most half a step. */
  for (int trial = 0; trial < 200; trial++) {
    const size_t k = 1 + test_rand_u32() % 300;
    float x[300];
    int8_t q[300];
    float scale;
    const float magnitude = powf(10.0f, test_rand_float(-6.0f, 6.0f));
    for (size_t i = 0; i < k; i++) x[i] = test_rand_float(-magnitude, magnitude);
    tern_quantize_qs8__scalar(1, k, x, k, q, 300, &scale);
    int saw_extreme = 0;
    for (size_t i = 0; i < k; i++) {
      EXPECT(q[i] >= -127 && q[i] <= 127, "q out of range");
      saw_extreme |= q[i] == 127 || q[i] == -127;
      EXPECT(fabsf((float)q[i] * scale - x[i]) <= 0.5f * scale * 1.0001f, "trial %d k %zu i %zu: %g vs %g", trial, k, i,
             (float)q[i] * scale, x[i]);
    }
    EXPECT(saw_extreme, "trial %d: no element reached 127", trial);
  }
  return test_report("quantize_rows");
}
