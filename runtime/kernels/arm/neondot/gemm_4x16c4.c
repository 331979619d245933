/* int8 GEMMs over the Packed16x4 weight layout with SDOT (aarch64 Armv8.2 dotprod: Cortex-A76 / Pi 5,
 * A55, Neoverse), qd8 (asymmetric rows) and qs8 (symmetric rows).
 *
 * The layout is SDOT's: 16 bytes of a Packed16x4 sub-block are 4 channels x 4 inputs, and
 * vdotq_laneq_s32 adds to each channel's int32 lane the dot product of its 4 weights with one 4-byte
 * group of the activation vector. Each product and each 4-product sum is exact in int32, so the
 * accumulators are bit-identical to the scalar kernel's (kernels.h). A 16-byte activation load covers 4
 * k-blocks (lanes 0..3); a k remainder of 1..3 blocks uses 4-byte loads, never reading past the row's
 * round_up(k, 4) bytes. Tile: 4 rows x 16 channels = 16 accumulators + 4 weight + 4 activation vectors
 * of the 32 q registers. GCC 12 hot loop (-fno-schedule-insns: the first scheduling pass hoisted all 16
 * weight loads and spilled an accumulator): 88 instructions per 4 rows x 16 channels x 16 inputs (11.6
 * MACs per instruction). The epilogue is arm/int8_epilogue.h (the scalar formula). */
#include <arm_neon.h>
#include <string.h>

#include "arm/kernels_arm.h"

#define ROWS 4

/* acc[r][v] += the 4 sub-blocks' weights of channels 4v..4v+3, each against its 4-byte lane of act[r].
 * Channel group by channel group, so only 4 weight vectors are live (16 accumulators + 4 activation
 * vectors + 4 weights fit the 32 registers; loading all 16 weights first spills accumulators). */
#define DOT_CHANNEL_GROUP(v)                                                                   \
  do {                                                                                         \
    const int8x16_t w0 = vld1q_s8(w + 16 * (v)), w1 = vld1q_s8(w + sub_bytes + 16 * (v));      \
    const int8x16_t w2 = vld1q_s8(w + 2 * sub_bytes + 16 * (v)), w3 = vld1q_s8(w + 3 * sub_bytes + 16 * (v)); \
    for (size_t r = 0; r < rows; r++) {                                                        \
      acc[r][v] = vdotq_laneq_s32(acc[r][v], w0, act[r], 0);                                   \
      acc[r][v] = vdotq_laneq_s32(acc[r][v], w1, act[r], 1);                                   \
      acc[r][v] = vdotq_laneq_s32(acc[r][v], w2, act[r], 2);                                   \
      acc[r][v] = vdotq_laneq_s32(acc[r][v], w3, act[r], 3);                                   \
    }                                                                                          \
  } while (0)

static inline __attribute__((always_inline)) void dot_block(size_t rows, size_t k_blocks, const int8_t *a,
                                                            size_t a_stride, const int8_t *w_block,
                                                            int32x4_t acc[ROWS][4]) {
  for (size_t r = 0; r < rows; r++)
    for (size_t v = 0; v < 4; v++) acc[r][v] = vdupq_n_s32(0);
  const size_t sub_bytes = TERN_PACK_NR * TERN_PACK_KR;
  size_t kb = 0;
  for (; kb + 4 <= k_blocks; kb += 4) {
    int8x16_t act[ROWS];
    for (size_t r = 0; r < rows; r++) act[r] = vld1q_s8(a + r * a_stride + kb * TERN_PACK_KR);
    const int8_t *w = w_block + kb * sub_bytes;
    DOT_CHANNEL_GROUP(0);
    DOT_CHANNEL_GROUP(1);
    DOT_CHANNEL_GROUP(2);
    DOT_CHANNEL_GROUP(3);
  }
  for (; kb < k_blocks; kb++) {
    const int8_t *w_sub = w_block + kb * sub_bytes;
    int8x16_t quad[ROWS];
    for (size_t r = 0; r < rows; r++) {
      int32_t bits;
      memcpy(&bits, a + r * a_stride + kb * TERN_PACK_KR, sizeof bits);
      quad[r] = vreinterpretq_s8_s32(vdupq_n_s32(bits));
    }
    for (size_t v = 0; v < 4; v++) {
      const int8x16_t weights = vld1q_s8(w_sub + 16 * v);
      for (size_t r = 0; r < rows; r++) acc[r][v] = vdotq_s32(acc[r][v], weights, quad[r]);
    }
  }
}

#define TERN_ARM_GEMM_DOT_BLOCK
#include "arm/gemm_driver.h"

void tern_gemm_qd8_f32_4x16c4__neondot(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                       const float *a_scale, const int32_t *a_zero_point, const int8_t *w_packed,
                                       const float *w_scale, const int32_t *w_sums, const float *bias, float *y,
                                       size_t y_stride, tern_activation act) {
  gemm_panels(m, n, k, a, a_stride, a_scale, a_zero_point, w_packed, w_scale, w_sums, bias, y, y_stride, act);
}

void tern_gemm_qs8_f32_4x16c4__neondot(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                       const float *a_scale, const int8_t *w_packed, const float *w_scale,
                                       const float *bias, float *y, size_t y_stride, tern_activation act) {
  gemm_panels(m, n, k, a, a_stride, a_scale, NULL, w_packed, w_scale, NULL, bias, y, y_stride, act);
}
