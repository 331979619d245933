/* Dynamic per-row int8 quantization of activations with AVX2 (qs8 symmetric, qd8 and qd7 asymmetric), identical
 * to the scalar kernels (kernels.h).
 *
 * Exactness: min, max and |x| are exact in any order. minps/maxps return their second operand when the
 * first is NaN, so with the running value second they skip NaNs exactly like the scalar `if (x < low)`.
 * x * inv is one rounded multiply (no FMA: -ffp-contract=off); roundps to nearest-even is lrintf in the
 * default FP environment. Rounding, the zero-point shift and the clamp are done in f32, where every value
 * involved is a small integer (exact); only then are the values converted and packed to int8.
 *
 * Two inputs the scalar reference leaves to lrintf on non-finite values (platform-specific, and signed
 * overflow in its zero-point arithmetic): a NaN element, and a row so tiny (|x| < ~4e-37) that the inverse
 * scale overflows to inf (qs8 only: the asymmetric references make it the zero row themselves, kernels.h).
 * Here a NaN element quantizes to the zero point (the value 0) and such a row to the zero row (scale 0,
 * zero point 0); the tests compare these rows with that rule, not with scalar. */
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "row_range.h"
#include "x86/kernels_x86.h"

/* Rounds x[0..k) * inverse to nearest-even, adds shift, clamps to [low, high] and stores as int8. */
static void quantize_row(size_t k, const float *x, float inverse, float shift, float low, float high, int8_t *q) {
  const __m256 inv = _mm256_set1_ps(inverse), add = _mm256_set1_ps(shift);
  const __m256 lo = _mm256_set1_ps(low), hi = _mm256_set1_ps(high);
  size_t i = 0;
  for (; i + 32 <= k; i += 32) {
    __m256i ints[4];
    for (size_t part = 0; part < 4; part++) {
      const __m256 scaled = _mm256_mul_ps(_mm256_loadu_ps(x + i + 8 * part), inv);
      __m256 v = _mm256_add_ps(_mm256_round_ps(scaled, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), add);
      v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
      v = _mm256_blendv_ps(add, v, _mm256_cmp_ps(scaled, scaled, _CMP_ORD_Q)); /* NaN -> the zero point */
      ints[part] = _mm256_cvtps_epi32(v);
    }
    /* packs works per 128-bit lane: the two packs interleave lanes as 0 2 4 6 1 3 5 7 (32-bit groups),
     * which the final permute undoes. */
    const __m256i words01 = _mm256_packs_epi32(ints[0], ints[1]);
    const __m256i words23 = _mm256_packs_epi32(ints[2], ints[3]);
    const __m256i bytes = _mm256_packs_epi16(words01, words23);
    const __m256i ordered = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256((__m256i *)(q + i), ordered);
  }
  for (; i < k; i++) {
    const float scaled = x[i] * inverse;
    float v = isnan(scaled) ? shift : nearbyintf(scaled) + shift;
    v = v >= low ? v : low;
    v = v <= high ? v : high;
    q[i] = (int8_t)v;
  }
}

/* Running min and max of x[0..k) starting from 0 (NaNs skipped). */
static void row_range(size_t k, const float *x, float *low, float *high) {
  __m256 vlow = _mm256_setzero_ps(), vhigh = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= k; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    vlow = _mm256_min_ps(v, vlow);
    vhigh = _mm256_max_ps(v, vhigh);
  }
  float lows[8], highs[8];
  _mm256_storeu_ps(lows, vlow);
  _mm256_storeu_ps(highs, vhigh);
  tern_row_range_finish(8, lows, highs, x + i, k - i, low, high);
}

void tern_quantize_qs8__avx2(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                             float *scale) {
  const size_t k_padded = tern_round_up(k, TERN_PACK_KR);
  for (size_t row = 0; row < m; row++) {
    const float *x_row = x + row * x_stride;
    int8_t *q_row = q + row * q_stride;
    /* max |x| = max(max x, -min x), exact. */
    float low, high;
    row_range(k, x_row, &low, &high);
    const float amax = -low > high ? -low : high;
    memset(q_row, 0, k_padded);
    const float inverse = 127.0f / amax;
    if (amax == 0.0f || !isfinite(amax) || !isfinite(inverse)) {
      scale[row] = 0.0f;
      continue;
    }
    scale[row] = amax / 127.0f;
    quantize_row(k, x_row, inverse, 0.0f, -127.0f, 127.0f, q_row);
  }
}

/* Both asymmetric quantizers (kernels.h): `levels` 255 (qd8) or 127 (qd7), q in [-128, levels - 128]. */
static void quantize_asymmetric(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                                float *scale, int32_t *zero_point, float levels) {
  const size_t k_padded = tern_round_up(k, TERN_PACK_KR);
  const long highest = (long)levels - 128;
  for (size_t row = 0; row < m; row++) {
    const float *x_row = x + row * x_stride;
    int8_t *q_row = q + row * q_stride;
    float low, high;
    row_range(k, x_row, &low, &high);
    memset(q_row, 0, k_padded);
    const float range = high - low;
    const float inverse = levels / range;
    if (range == 0.0f || !isfinite(range) || !isfinite(inverse)) {
      scale[row] = 0.0f;
      zero_point[row] = 0;
      continue;
    }
    scale[row] = range / levels;
    long zp = -128 - lrintf(low * inverse);
    if (zp > highest) zp = highest;
    if (zp < -128) zp = -128;
    zero_point[row] = (int32_t)zp;
    quantize_row(k, x_row, inverse, (float)zp, -128.0f, (float)highest, q_row);
  }
}

void tern_quantize_qd8__avx2(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                             float *scale, int32_t *zero_point) {
  quantize_asymmetric(m, k, x, x_stride, q, q_stride, scale, zero_point, 255.0f);
}

void tern_quantize_qd7__avx2(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                             float *scale, int32_t *zero_point) {
  quantize_asymmetric(m, k, x, x_stride, q, q_stride, scale, zero_point, 127.0f);
}
