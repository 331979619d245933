/* int8 GEMMs over the Packed16x4 weight layout with SMMLA (aarch64 Armv8.6 i8mm: Cortex-A710/X2,
 * Neoverse V1/N2, Graviton 3), qd8 (asymmetric rows) and qs8 (symmetric rows).
 *
 * vmmlaq_s32(acc, a, b) adds the 2x2 int32 product of a (2 rows x 8 inputs) and b^T (2 channels x 8
 * inputs): exact, so the accumulators are bit-identical to the scalar kernel's (kernels.h). SMMLA wants 8
 * consecutive inputs per channel, the file stores 4 (Packed16x4, fixed): two consecutive k-blocks kb,
 * kb+1 are combined at run time. Their first 16 bytes are channels 0..3 x 4 inputs each; zip1 of the two
 * as 32-bit lanes gives (c0: k0-3, c0: k4-7, c1: k0-3, c1: k4-7) = b for channels (0, 1), zip2 for (2, 3).
 * An odd last k-block pairs with zero weights and zero inputs (4-byte loads: no read past the row).
 * acc[p][j] holds rows (2p, 2p+1) x channels (2j, 2j+1) as (r0 c, r0 c+1, r1 c, r1 c+1); 64-bit zips
 * put each row's channels in order at the end. Tile: 4 rows x 16 channels = 16 accumulators, 8 weight
 * and 2 activation vectors of the 32 q registers. GCC 12 hot loop: 38 instructions (16 of them smmla) per
 * 4 rows x 16 channels x 8 inputs (13.5 MACs per instruction). The epilogue is arm/int8_epilogue.h. */
#include <arm_neon.h>
#include <string.h>

#include "arm/kernels_arm.h"

#define ROWS 4
#define PAIRS (ROWS / 2)

/* 4 bytes at p as the low half of 8 bytes, the high half zero. */
static inline int8x8_t load_quad_low(const int8_t *p) {
  uint32_t bits;
  memcpy(&bits, p, sizeof bits);
  return vcreate_s8((uint64_t)bits);
}

/* Weight operands of one k-block pair for the 16 channels: b[j] = channels (2j, 2j+1) x 8 inputs. */
static inline void weight_pairs(int8x16_t first, int8x16_t second, int8x16_t *b_even, int8x16_t *b_odd) {
  const int32x4_t x = vreinterpretq_s32_s8(first), y = vreinterpretq_s32_s8(second);
  *b_even = vreinterpretq_s8_s32(vzip1q_s32(x, y));
  *b_odd = vreinterpretq_s8_s32(vzip2q_s32(x, y));
}

/* int32 products of `rows` (1..ROWS) rows with a 16-channel weight block: out[r][v] = channels 4v..4v+3 of
 * row r. A 1-row tile pairs the row with itself (the second result is dropped); a 3-row tile is 2 + 1. */
static inline __attribute__((always_inline)) void dot_block(size_t rows, size_t k_blocks, const int8_t *a,
                                                            size_t a_stride, const int8_t *w_block,
                                                            int32x4_t out[ROWS][4]) {
  const size_t pairs = (rows + 1) / 2;
  const int8_t *row_ptr[ROWS];
  for (size_t r = 0; r < ROWS; r++) row_ptr[r] = a + (r < rows ? r : rows - 1) * a_stride;
  int32x4_t acc[PAIRS][8];
  for (size_t p = 0; p < pairs; p++)
    for (size_t j = 0; j < 8; j++) acc[p][j] = vdupq_n_s32(0);
  const size_t sub_bytes = TERN_PACK_NR * TERN_PACK_KR;
  size_t kb = 0;
  for (; kb + 2 <= k_blocks; kb += 2) {
    int8x16_t act[PAIRS];
    for (size_t p = 0; p < pairs; p++)
      act[p] = vcombine_s8(vld1_s8(row_ptr[2 * p] + kb * TERN_PACK_KR),
                           vld1_s8(row_ptr[2 * p + 1] + kb * TERN_PACK_KR));
    const int8_t *w = w_block + kb * sub_bytes;
    for (size_t v = 0; v < 4; v++) {
      int8x16_t b_even, b_odd;
      weight_pairs(vld1q_s8(w + 16 * v), vld1q_s8(w + sub_bytes + 16 * v), &b_even, &b_odd);
      for (size_t p = 0; p < pairs; p++) {
        acc[p][2 * v] = vmmlaq_s32(acc[p][2 * v], act[p], b_even);
        acc[p][2 * v + 1] = vmmlaq_s32(acc[p][2 * v + 1], act[p], b_odd);
      }
    }
  }
  if (kb < k_blocks) { /* odd count: the last k-block against zeros */
    int8x16_t act[PAIRS];
    for (size_t p = 0; p < pairs; p++)
      act[p] = vcombine_s8(load_quad_low(row_ptr[2 * p] + kb * TERN_PACK_KR),
                           load_quad_low(row_ptr[2 * p + 1] + kb * TERN_PACK_KR));
    const int8_t *w = w_block + kb * sub_bytes;
    for (size_t v = 0; v < 4; v++) {
      int8x16_t b_even, b_odd;
      weight_pairs(vld1q_s8(w + 16 * v), vdupq_n_s8(0), &b_even, &b_odd);
      for (size_t p = 0; p < pairs; p++) {
        acc[p][2 * v] = vmmlaq_s32(acc[p][2 * v], act[p], b_even);
        acc[p][2 * v + 1] = vmmlaq_s32(acc[p][2 * v + 1], act[p], b_odd);
      }
    }
  }
  for (size_t p = 0; p < pairs; p++)
    for (size_t v = 0; v < 4; v++) {
      const int64x2_t even = vreinterpretq_s64_s32(acc[p][2 * v]), odd = vreinterpretq_s64_s32(acc[p][2 * v + 1]);
      out[2 * p][v] = vreinterpretq_s32_s64(vzip1q_s64(even, odd));
      if (2 * p + 1 < rows) out[2 * p + 1][v] = vreinterpretq_s32_s64(vzip2q_s64(even, odd));
    }
}

#define TERN_ARM_GEMM_DOT_BLOCK
#include "arm/gemm_driver.h"

void tern_gemm_qd8_f32_4x16c4__i8mm(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                    const float *a_scale, const int32_t *a_zero_point, const int8_t *w_packed,
                                    const float *w_scale, const int32_t *w_sums, const float *bias, float *y,
                                    size_t y_stride, tern_activation act) {
  gemm_panels(m, n, k, a, a_stride, a_scale, a_zero_point, w_packed, w_scale, w_sums, bias, y, y_stride, act);
}

void tern_gemm_qs8_f32_4x16c4__i8mm(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                    const float *a_scale, const int8_t *w_packed, const float *w_scale,
                                    const float *bias, float *y, size_t y_stride, tern_activation act) {
  gemm_panels(m, n, k, a, a_stride, a_scale, NULL, w_packed, w_scale, NULL, bias, y, y_stride, act);
}
