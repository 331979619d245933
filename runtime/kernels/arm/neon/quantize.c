/* Dynamic per-row int8 quantization of activations with Advanced SIMD (qs8 symmetric, qd8 and qd7 asymmetric),
 * identical to the scalar kernels (kernels.h); shared by the neon, neondot and i8mm sets.
 *
 * Exactness: the range is a compare-and-select (x < low ? x : low), the scalar kernel's own test, so NaNs
 * are skipped and signed zeros kept exactly as there. x * inv is one rounded multiply (-ffp-contract=off);
 * rounding to nearest-even is FCVTNS on aarch64 and, on armv7 (no vector round instruction), the classic
 * (v + 1.5 * 2^23) - 1.5 * 2^23, exact for |v| < 2^22 (here |v| <= 255). The zero-point shift is an int32
 * add and the clamp is the saturating narrow to int8 plus a max and a min (at -127 for qs8, -1 for qd7).
 *
 * armv7 Advanced SIMD flushes subnormal inputs to zero: a row holding a subnormal value is done in scalar
 * code instead (same rules), found by an integer test of the exponent bits in the range loop.
 *
 * The two inputs the scalar reference leaves to lrintf of a non-finite value follow the avx2 rule
 * (x86/avx2/quantize.c): a NaN element quantizes to the zero point, and a row so tiny that the inverse
 * scale overflows is the zero row (scale 0, zero point 0; for qd8 and qd7 that is the reference's own rule). */
#include <arm_neon.h>
#include <math.h>
#include <string.h>

#include "row_range.h"
#include "arm/kernels_arm.h"

/* Running min and max of x[0..k) from 0, NaNs skipped, with the scalar kernel's comparisons. Returns 0
 * (armv7 only) when the row holds a subnormal value, which the vector code would see as 0. */
static int row_range(size_t k, const float *x, float *low, float *high) {
  float32x4_t vlow = vdupq_n_f32(0.0f), vhigh = vdupq_n_f32(0.0f);
#ifndef __aarch64__
  uint32x4_t subnormal = vdupq_n_u32(0);
  const uint32x4_t exponent_mask = vdupq_n_u32(0x7F800000u), mantissa_mask = vdupq_n_u32(0x007FFFFFu);
#endif
  size_t i = 0;
  for (; i + 4 <= k; i += 4) {
    const float32x4_t v = vld1q_f32(x + i);
    vlow = vbslq_f32(vcltq_f32(v, vlow), v, vlow);
    vhigh = vbslq_f32(vcgtq_f32(v, vhigh), v, vhigh);
#ifndef __aarch64__
    const uint32x4_t bits = vreinterpretq_u32_f32(v);
    subnormal = vorrq_u32(subnormal, vandq_u32(vceqq_u32(vandq_u32(bits, exponent_mask), vdupq_n_u32(0)),
                                               vtstq_u32(bits, mantissa_mask)));
#endif
  }
  float lows[4], highs[4];
  vst1q_f32(lows, vlow);
  vst1q_f32(highs, vhigh);
  tern_row_range_finish(4, lows, highs, x + i, k - i, low, high);
#ifndef __aarch64__
  const uint32x2_t halves = vorr_u32(vget_low_u32(subnormal), vget_high_u32(subnormal));
  if ((vget_lane_u32(halves, 0) | vget_lane_u32(halves, 1)) != 0) return 0;
  for (size_t j = k & ~(size_t)3; j < k; j++)
    if (x[j] != 0.0f && fabsf(x[j]) < 0x1p-126f) return 0;
#endif
  return 1;
}

/* Nearest-even integers of 4 floats (NaN gives 0, as FCVTNS / VCVT do). */
static inline int32x4_t round_to_int(float32x4_t v) {
#if defined(__aarch64__)
  return vcvtnq_s32_f32(v);
#else
  const float32x4_t magic = vdupq_n_f32(12582912.0f); /* 1.5 * 2^23 */
  return vcvtq_s32_f32(vsubq_f32(vaddq_f32(v, magic), magic));
#endif
}

/* 16 values: nearest-even(x * inverse) + shift, clamped to [lowest, highest]. */
static inline int8x16_t quantize_16(const float *x, float32x4_t inverse, int32x4_t shift, int8x16_t lowest,
                                    int8x16_t highest) {
  int16x4_t halves[4];
  for (size_t part = 0; part < 4; part++)
    halves[part] = vqmovn_s32(vaddq_s32(round_to_int(vmulq_f32(vld1q_f32(x + 4 * part), inverse)), shift));
  const int8x8_t low = vqmovn_s16(vcombine_s16(halves[0], halves[1]));
  const int8x8_t high = vqmovn_s16(vcombine_s16(halves[2], halves[3]));
  return vminq_s8(vmaxq_s8(vcombine_s8(low, high), lowest), highest);
}

static void quantize_row_simd(size_t k, const float *x, float inverse, int32_t shift, int8_t lowest, int8_t highest,
                              int8_t *q) {
  const float32x4_t inv = vdupq_n_f32(inverse);
  const int32x4_t add = vdupq_n_s32(shift);
  const int8x16_t low = vdupq_n_s8(lowest), high = vdupq_n_s8(highest);
  size_t i = 0;
  for (; i + 16 <= k; i += 16) vst1q_s8(q + i, quantize_16(x + i, inv, add, low, high));
  if (i < k) { /* the tail through a zero-padded copy, so it follows exactly the same rules */
    float tail[16] = {0};
    int8_t out[16];
    memcpy(tail, x + i, (k - i) * sizeof(float));
    vst1q_s8(out, quantize_16(tail, inv, add, low, high));
    memcpy(q + i, out, k - i);
  }
}

#ifndef __aarch64__
/* armv7 rows with subnormal values: the same rules in scalar (VFP) arithmetic, which keeps subnormals. */
static void quantize_row_scalar(size_t k, const float *x, float inverse, int32_t shift, int8_t lowest,
                                int8_t highest, int8_t *q) {
  for (size_t i = 0; i < k; i++) {
    const float scaled = x[i] * inverse;
    long rounded = (isnan(scaled) ? 0 : lrintf(scaled)) + shift;
    if (rounded > highest) rounded = highest;
    if (rounded < lowest) rounded = lowest;
    q[i] = (int8_t)rounded;
  }
}
#endif

/* Every quantizer: zero_point NULL for symmetric rows; asymmetric ones with `levels` 255 (qd8) or 127 (qd7),
 * q in [-128, levels - 128]. */
static void quantize_rows(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                          float *scale, int32_t *zero_point, float levels) {
  const size_t k_padded = tern_round_up(k, TERN_PACK_KR);
  for (size_t row = 0; row < m; row++) {
    const float *x_row = x + row * x_stride;
    int8_t *q_row = q + row * q_stride;
    float low, high;
    const int simd_safe = row_range(k, x_row, &low, &high);
    memset(q_row, 0, k_padded);
    float inverse;
    int32_t shift = 0;
    int8_t lowest, highest = 127;
    if (zero_point == NULL) {
      const float amax = -low > high ? -low : high; /* max |x|, exact */
      inverse = 127.0f / amax;
      if (amax == 0.0f || !isfinite(amax) || !isfinite(inverse)) {
        scale[row] = 0.0f;
        continue;
      }
      scale[row] = amax / 127.0f;
      lowest = -127;
    } else {
      const float range = high - low;
      inverse = levels / range;
      if (range == 0.0f || !isfinite(range) || !isfinite(inverse)) {
        scale[row] = 0.0f;
        zero_point[row] = 0;
        continue;
      }
      scale[row] = range / levels;
      highest = (int8_t)((int)levels - 128);
      long zp = -128 - lrintf(low * inverse);
      if (zp > highest) zp = highest;
      if (zp < -128) zp = -128;
      zero_point[row] = shift = (int32_t)zp;
      lowest = -128;
    }
#ifndef __aarch64__
    if (!simd_safe) {
      quantize_row_scalar(k, x_row, inverse, shift, lowest, highest, q_row);
      continue;
    }
#else
    (void)simd_safe;
#endif
    quantize_row_simd(k, x_row, inverse, shift, lowest, highest, q_row);
  }
}

void tern_quantize_qs8__neon(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                             float *scale) {
  quantize_rows(m, k, x, x_stride, q, q_stride, scale, NULL, 0.0f);
}

void tern_quantize_qd8__neon(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                             float *scale, int32_t *zero_point) {
  quantize_rows(m, k, x, x_stride, q, q_stride, scale, zero_point, 255.0f);
}

void tern_quantize_qd7__neon(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                             float *scale, int32_t *zero_point) {
  quantize_rows(m, k, x, x_stride, q, q_stride, scale, zero_point, 127.0f);
}
