/* row_range.h — the scalar end of the SIMD quantizers' row min / max (x86/avx2/quantize.c,
 * arm/neon/quantize.c): merges the vector lanes and then the elements after the last whole vector, starting
 * from 0 (a quantization range always contains 0). A NaN never wins a comparison, so NaNs are skipped, as
 * the vector min / max steps before it skip them. */
#ifndef TERN_KERNELS_ROW_RANGE_H
#define TERN_KERNELS_ROW_RANGE_H

#include <stddef.h>

static inline void tern_row_range_finish(size_t lanes, const float *lows, const float *highs, const float *tail,
                                         size_t tail_count, float *low, float *high) {
  float l = 0.0f, h = 0.0f;
  for (size_t j = 0; j < lanes; j++) {
    if (lows[j] < l) l = lows[j];
    if (highs[j] > h) h = highs[j];
  }
  for (size_t i = 0; i < tail_count; i++) {
    if (tail[i] < l) l = tail[i];
    if (tail[i] > h) h = tail[i];
  }
  *low = l, *high = h;
}

#endif /* TERN_KERNELS_ROW_RANGE_H */
