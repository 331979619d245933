/* Dynamic symmetric per-row int8 quantization of activations (the reference; see kernels.h). One scale
 * per row is what makes a row's result independent of the other rows of a batch, so a ragged batch gives
 * exactly the results of running its texts one by one. */
#include <math.h>
#include <string.h>

#include "kernels.h"

void tern_quantize_qs8__scalar(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                               float *scale) {
  const size_t k_padded = tern_round_up(k, TERN_PACK_KR);
  for (size_t row = 0; row < m; row++) {
    const float *x_row = x + row * x_stride;
    int8_t *q_row = q + row * q_stride;
    float amax = 0.0f;
    for (size_t i = 0; i < k; i++) {
      const float magnitude = fabsf(x_row[i]);
      if (magnitude > amax) amax = magnitude;
    }
    memset(q_row, 0, k_padded);
    if (amax == 0.0f || !isfinite(amax)) {
      /* An all-zero row quantizes to zeros with scale 0; a non-finite row cannot be represented and is
       * zeroed too rather than producing undefined conversions (upstream NaN already ruined the result). */
      scale[row] = 0.0f;
      continue;
    }
    const float inverse = 127.0f / amax;
    scale[row] = amax / 127.0f;
    for (size_t i = 0; i < k; i++) {
      long rounded = lrintf(x_row[i] * inverse); /* nearest, ties to even */
      if (rounded > 127) rounded = 127;
      if (rounded < -127) rounded = -127;
      q_row[i] = (int8_t)rounded;
    }
  }
}
