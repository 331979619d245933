/* int8_epilogue.h — the f32 epilogue of the ARM int8 GEMMs (neon, neondot, i8mm), in Advanced SIMD:
 * y = act((float)(acc - zero_point * w_sum) * (a_scale * w_scale) + bias), in exactly the scalar kernel's
 * order, one multiply and one add each (the including files are compiled with -ffp-contract=off).
 *
 * armv7: Advanced SIMD float arithmetic always runs with the "standard FPSCR value": subnormal inputs and
 * results are flushed to zero (the scalar VFP code keeps them). A vector of 4 outputs is kept only when
 * flushing cannot have changed it: the scale product and the output are at least 2^-125 in magnitude
 * (then the product (float)acc * scale, an integer times a normal number, is normal or 0) and the bias is
 * normal or zero; otherwise (all-zero rows with scale 0, exact zeros, NaN, subnormal scales) those 4
 * outputs are recomputed in scalar code. AArch64 Advanced SIMD honours FPCR.FZ (off), so no check there. */
#ifndef TERN_ARM_INT8_EPILOGUE_H
#define TERN_ARM_INT8_EPILOGUE_H

#include <arm_neon.h>

#include "arm/kernels_arm_f32.h"
#include "kernels.h"

/* GELU and tanh run the NEON f32 activation kernel over each finished output block: GELU within its
 * documented error (kernels.h), not bit-identical to the scalar one; tanh (scalar tanhf there), identity
 * and ReLU are exact. */
#define TERN_ARM_BLOCK_ACTIVATION tern_activation_f32__neon

/* One output, the scalar kernel's formula; w_sum NULL: symmetric rows. */
static inline float tern_arm_dequantize_one(int32_t acc, float a_scale, int32_t zero_point, float w_scale,
                                            const int32_t *w_sum, const float *bias) {
  const int32_t centered = w_sum != NULL ? acc - zero_point * *w_sum : acc;
  float value = (float)centered * (a_scale * w_scale);
  if (bias != NULL) value += *bias;
  return value;
}

#ifndef __aarch64__
/* Whether flush-to-zero cannot have changed any of these 4 outputs (see the top of this file). */
static inline int tern_arm_flush_safe(float32x4_t scale, float32x4_t value, const float *bias) {
  const float32x4_t smallest = vdupq_n_f32(0x1p-125f);
  uint32x4_t ok = vandq_u32(vcageq_f32(scale, smallest), vcageq_f32(value, smallest));
  if (bias != NULL) {
    const uint32x4_t bits = vreinterpretq_u32_f32(vld1q_f32(bias));
    const uint32x4_t has_exponent = vtstq_u32(bits, vdupq_n_u32(0x7F800000u));
    const uint32x4_t is_zero = vceqq_u32(vandq_u32(bits, vdupq_n_u32(0x7FFFFFFFu)), vdupq_n_u32(0));
    ok = vandq_u32(ok, vorrq_u32(has_exponent, is_zero));
  }
  const uint32x2_t halves = vand_u32(vget_low_u32(ok), vget_high_u32(ok));
  return (vget_lane_u32(halves, 0) & vget_lane_u32(halves, 1)) != 0;
}
#endif

/* y[0..cols) of one row from the int32 products acc (16 channels in order) of a 16-channel block;
 * w_scale, w_sums and bias point at the block's first channel; w_sums NULL: symmetric rows. */
static inline void tern_arm_int8_epilogue(size_t cols, const int32x4_t acc[4], float a_scale, int32_t zero_point,
                                          const float *w_scale, const int32_t *w_sums, const float *bias, float *y,
                                          tern_activation act) {
  if (cols < TERN_PACK_NR) {
    int32_t lanes[TERN_PACK_NR];
    for (size_t v = 0; v < 4; v++) vst1q_s32(lanes + 4 * v, acc[v]);
    const tern_activation exact_act = act == TERN_ACT_RELU ? act : TERN_ACT_IDENTITY;
    for (size_t c = 0; c < cols; c++)
      y[c] = tern_apply_activation(tern_arm_dequantize_one(lanes[c], a_scale, zero_point, w_scale[c],
                                                           w_sums != NULL ? w_sums + c : NULL,
                                                           bias != NULL ? bias + c : NULL),
                                   exact_act);
    if (act != TERN_ACT_IDENTITY && act != TERN_ACT_RELU) TERN_ARM_BLOCK_ACTIVATION(cols, y, act);
    return;
  }
  const float32x4_t row_scale = vdupq_n_f32(a_scale), zero = vdupq_n_f32(0.0f);
  for (size_t v = 0; v < 4; v++) {
    int32x4_t centered = acc[v];
    if (w_sums != NULL) centered = vmlsq_s32(centered, vld1q_s32(w_sums + 4 * v), vdupq_n_s32(zero_point));
    const float32x4_t scale = vmulq_f32(row_scale, vld1q_f32(w_scale + 4 * v));
    float32x4_t value = vmulq_f32(vcvtq_f32_s32(centered), scale);
    if (bias != NULL) value = vaddq_f32(value, vld1q_f32(bias + 4 * v));
#ifndef __aarch64__
    if (!tern_arm_flush_safe(scale, value, bias != NULL ? bias + 4 * v : NULL)) {
      int32_t lanes[4];
      vst1q_s32(lanes, acc[v]);
      for (size_t c = 0; c < 4; c++) {
        const size_t col = 4 * v + c;
        const float exact = tern_arm_dequantize_one(lanes[c], a_scale, zero_point, w_scale[col],
                                                    w_sums != NULL ? w_sums + col : NULL,
                                                    bias != NULL ? bias + col : NULL);
        y[col] = act == TERN_ACT_RELU ? tern_apply_activation(exact, act) : exact;
      }
      continue;
    }
#endif
    /* x > 0 ? x : 0 as the scalar ReLU (NaN and -0 give +0; vmaxq would keep NaN). */
    if (act == TERN_ACT_RELU) value = vbslq_f32(vcgtq_f32(value, zero), value, zero);
    vst1q_f32(y + 4 * v, value);
  }
  if (act != TERN_ACT_IDENTITY && act != TERN_ACT_RELU) TERN_ARM_BLOCK_ACTIVATION(TERN_PACK_NR, y, act);
}

#endif /* TERN_ARM_INT8_EPILOGUE_H */
