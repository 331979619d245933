/* gemm_epilogue.h — the f32 epilogue of the AVX2-width int8 GEMMs, whatever makes their int32 products (the
 * avx2 sign trick, the avx2 7-bit u8 x s8, the avxvnni vpdpbusd; the loops around: x86/gemm_driver.h).
 * For files compiled with AVX2 (avx2/, avxvnni/) and -ffp-contract=off. */
#ifndef TERN_X86_GEMM_EPILOGUE_H
#define TERN_X86_GEMM_EPILOGUE_H

#include <immintrin.h>

#include "kernels.h"

/* y[0..cols) = (float)(acc - zero_point * w_sums) * (a_scale * w_scale) + bias (ReLU applied when asked),
 * as the scalar kernel; w_sums NULL means zero point 0 (the symmetric qs8 kernel). */
static inline void gemm_epilogue_avx2(size_t cols, const __m256i acc[2], float a_scale, int32_t zero_point,
                                      const float *w_scale, const int32_t *w_sums, const float *bias, float *y,
                                      int relu) {
  if (cols == TERN_PACK_NR) {
    const __m256 row_scale = _mm256_set1_ps(a_scale);
    const __m256i zp = _mm256_set1_epi32(zero_point);
    for (size_t half = 0; half < 2; half++) {
      __m256i centered = acc[half];
      if (w_sums != NULL)
        centered = _mm256_sub_epi32(centered,
                                    _mm256_mullo_epi32(zp, _mm256_loadu_si256((const __m256i *)(w_sums + 8 * half))));
      const __m256 scale = _mm256_mul_ps(row_scale, _mm256_loadu_ps(w_scale + 8 * half));
      __m256 value = _mm256_mul_ps(_mm256_cvtepi32_ps(centered), scale);
      if (bias != NULL) value = _mm256_add_ps(value, _mm256_loadu_ps(bias + 8 * half));
      /* maxps returns its second operand for NaN and for +-0, matching x > 0 ? x : 0. */
      if (relu) value = _mm256_max_ps(value, _mm256_setzero_ps());
      _mm256_storeu_ps(y + 8 * half, value);
    }
    return;
  }
  int32_t sums[TERN_PACK_NR];
  _mm256_storeu_si256((__m256i *)sums, acc[0]);
  _mm256_storeu_si256((__m256i *)(sums + 8), acc[1]);
  for (size_t c = 0; c < cols; c++) {
    const int32_t centered = w_sums != NULL ? sums[c] - zero_point * w_sums[c] : sums[c];
    float value = (float)centered * (a_scale * w_scale[c]);
    if (bias != NULL) value += bias[c];
    y[c] = relu ? (value > 0.0f ? value : 0.0f) : value;
  }
}

#endif /* TERN_X86_GEMM_EPILOGUE_H */
