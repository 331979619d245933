/* Dynamic asymmetric per-row int8 quantization of activations (the reference; see kernels.h): qd8 with 255
 * levels, qd7 with 127 (bytes in [-128, -1], for the avx2 set's faster u8 x s8 GEMM).
 *
 * Why asymmetric: LayerNorm outputs carry per-channel offsets and GELU outputs are skewed (almost nothing
 * below -0.17), so a symmetric [-amax, amax] grid wastes up to half its 255 levels. A per-row zero point
 * spends all of them on [min, max]; on all-MiniLM-L6-v2 this is the largest single accuracy gain. The
 * zero point costs one multiply-subtract per output in the GEMM epilogue (acc - zp * channel_sum). */
#include <math.h>
#include <string.h>

#include "kernels.h"

/* Both quantizers: `levels` steps between the row's low and high (255 or 127), q in [-128, levels - 128]. */
static void quantize_asymmetric(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                                float *scale, int32_t *zero_point, float levels) {
  const size_t k_padded = tern_round_up(k, TERN_PACK_KR);
  const long highest = (long)levels - 128;
  for (size_t row = 0; row < m; row++) {
    const float *x_row = x + row * x_stride;
    int8_t *q_row = q + row * q_stride;
    /* The range always contains 0, so 0 is exactly representable and the zero point is in [-128, highest]. */
    float low = 0.0f, high = 0.0f;
    for (size_t i = 0; i < k; i++) {
      if (x_row[i] < low) low = x_row[i];
      if (x_row[i] > high) high = x_row[i];
    }
    memset(q_row, 0, k_padded);
    const float range = high - low;
    const float inverse = levels / range;
    if (range == 0.0f || !isfinite(range) || !isfinite(inverse)) {
      /* An all-zero row (or a non-finite one, already ruined upstream) contributes nothing; so does a row so
       * tiny (range < ~4e-37) that the inverse overflows, whose values would be left to lrintf(inf). */
      scale[row] = 0.0f;
      zero_point[row] = 0;
      continue;
    }
    scale[row] = range / levels;
    long zp = -128 - lrintf(low * inverse); /* low * inverse in [-levels, 0] */
    if (zp > highest) zp = highest;
    if (zp < -128) zp = -128;
    zero_point[row] = (int32_t)zp;
    for (size_t i = 0; i < k; i++) {
      long rounded = lrintf(x_row[i] * inverse) + zp; /* nearest, ties to even, then shifted */
      if (rounded > highest) rounded = highest;
      if (rounded < -128) rounded = -128;
      q_row[i] = (int8_t)rounded;
    }
  }
}

void tern_quantize_qd8__scalar(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                               float *scale, int32_t *zero_point) {
  quantize_asymmetric(m, k, x, x_stride, q, q_stride, scale, zero_point, 255.0f);
}

void tern_quantize_qd7__scalar(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                               float *scale, int32_t *zero_point) {
  quantize_asymmetric(m, k, x, x_stride, q, q_stride, scale, zero_point, 127.0f);
}
