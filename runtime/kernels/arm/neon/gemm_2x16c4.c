/* int8 GEMMs over the Packed16x4 weight layout with Advanced SIMD and no dot product (armv7 NEON and
 * aarch64 without dotprod: Cortex-A53/A72, Pi 3/4), qd8 (asymmetric rows) and qs8 (symmetric rows).
 *
 * Exactness: vmull_s8 gives exact int16 products, vmlal_s8 adds the product of the next k-block to each
 * (|a * w| <= 128 * 127 with weights in [-127, 127], kernels.h, so two fit int16), and vpadalq_s16 adds
 * adjacent pairs of those into int32 lanes, which cannot overflow while the true sum fits in int32; so the
 * accumulators are bit-identical to the scalar kernel's in any order.
 *
 * One Packed16x4 sub-block is 16 channels x 4 inputs; 8 bytes are 2 channels x 4 inputs, which one
 * vmull_s8 multiplies by the row's 4 inputs (duplicated to 8 bytes), and vmlal_s8 adds the same 8 bytes of
 * the next sub-block times the next 4 inputs. vpadalq_s16 then leaves per int32 lane (channel, pair of
 * inputs); the two pair sums of each channel are kept apart over the whole k loop and joined once at the
 * end (vpadd). Two rows share every weight load (register blocking): on aarch64 (32 q registers) a pass
 * covers all 16 channels (2 x 8 accumulators); on armv7 (16 q registers) two passes of 8 channels each
 * keep the accumulators in registers. GCC 12 hot loop (built with -fno-schedule-insns, no spills):
 * aarch64 68 instructions per 2 rows x 16 channels x 8 inputs (3.8 MACs per instruction), armv7 42 per
 * 2 x 8 x 8 (3.0); the single-product form (vmull + vpadal per k-block) needed a third more.
 * The epilogue is arm/int8_epilogue.h (the scalar formula, with armv7's flush-to-zero handled). */
#include <arm_neon.h>
#include <string.h>

#include "arm/int8_epilogue.h"
#include "arm/kernels_arm.h"

#define ROWS 2
#if defined(__aarch64__)
#define PASS_CHANNELS 16
#else
#define PASS_CHANNELS 8
#endif
#define PASS_VECTORS (PASS_CHANNELS / 4) /* 16-byte weight vectors (4 channels each) per sub-block and pass */

/* A row's inputs of one k-block (4 bytes) or of two (8 bytes) as int8 vectors: the 4 bytes of each block
 * duplicated into every 32-bit lane (the 4 inputs every channel of a weight vector multiplies). */
typedef struct {
#if defined(__aarch64__)
  int8x16_t first, second; /* 16 bytes: smull2 / smlal2 take the high halves directly */
#else
  int8x8_t first, second;
#endif
} quads;

static inline quads load_quad_pair(const int8_t *inputs) {
  const int32x2_t both = vreinterpret_s32_s8(vld1_s8(inputs));
  quads q;
#if defined(__aarch64__)
  q.first = vreinterpretq_s8_s32(vdupq_lane_s32(both, 0));
  q.second = vreinterpretq_s8_s32(vdupq_lane_s32(both, 1));
#else
  q.first = vreinterpret_s8_s32(vdup_lane_s32(both, 0));
  q.second = vreinterpret_s8_s32(vdup_lane_s32(both, 1));
#endif
  return q;
}

static inline quads load_quad(const int8_t *inputs) {
  int32_t bits;
  memcpy(&bits, inputs, sizeof bits);
  quads q;
#if defined(__aarch64__)
  q.first = q.second = vreinterpretq_s8_s32(vdupq_n_s32(bits));
#else
  q.first = q.second = vreinterpret_s8_s32(vdup_n_s32(bits));
#endif
  return q;
}

/* Products of one weight vector's low 8 bytes (2 channels x 4 inputs) and high 8 bytes with a quad. */
#if defined(__aarch64__)
#define PRODUCTS_LOW(weights, quad) vmull_s8(vget_low_s8(weights), vget_low_s8(quad))
#define PRODUCTS_HIGH(weights, quad) vmull_high_s8(weights, quad)
#define ADD_PRODUCTS_LOW(sum, weights, quad) vmlal_s8(sum, vget_low_s8(weights), vget_low_s8(quad))
#define ADD_PRODUCTS_HIGH(sum, weights, quad) vmlal_high_s8(sum, weights, quad)
#else
#define PRODUCTS_LOW(weights, quad) vmull_s8(vget_low_s8(weights), quad)
#define PRODUCTS_HIGH(weights, quad) vmull_s8(vget_high_s8(weights), quad)
#define ADD_PRODUCTS_LOW(sum, weights, quad) vmlal_s8(sum, vget_low_s8(weights), quad)
#define ADD_PRODUCTS_HIGH(sum, weights, quad) vmlal_s8(sum, vget_high_s8(weights), quad)
#endif

/* Pairwise sums of each lane pair of x then of y: (x0+x1, x2+x3, y0+y1, y2+y3). */
static inline int32x4_t add_pairs(int32x4_t x, int32x4_t y) {
#if defined(__aarch64__)
  return vpaddq_s32(x, y);
#else
  return vcombine_s32(vpadd_s32(vget_low_s32(x), vget_high_s32(x)), vpadd_s32(vget_low_s32(y), vget_high_s32(y)));
#endif
}

/* int32 products of `rows` (1..ROWS) rows with PASS_CHANNELS channels of a weight block, starting at byte
 * `channel_offset` of each sub-block: acc[r][v] holds channels 4v..4v+3 of the pass, in order. Inlined
 * with constant arguments so the loops unroll into registers. */
static inline __attribute__((always_inline)) void dot_pass(size_t rows, size_t k_blocks, const int8_t *a,
                                                           size_t a_stride, const int8_t *w_block,
                                                           size_t channel_offset,
                                                           int32x4_t acc[ROWS][PASS_VECTORS]) {
  const size_t sub_bytes = TERN_PACK_NR * TERN_PACK_KR;
  int32x4_t pairs[ROWS][2 * PASS_VECTORS];
  for (size_t r = 0; r < rows; r++)
    for (size_t p = 0; p < 2 * PASS_VECTORS; p++) pairs[r][p] = vdupq_n_s32(0);
  const int8_t *w = w_block + channel_offset;
  size_t kb = 0;
  /* Two k-blocks at a time: their products are first added in int16 (at most 2 x 128 x 127 = 32512 with
   * weights in [-127, 127], kernels.h), which saves a quarter of the instructions. */
  for (; kb + 2 <= k_blocks; kb += 2, w += 2 * sub_bytes) {
    quads quad[ROWS];
    for (size_t r = 0; r < rows; r++) quad[r] = load_quad_pair(a + r * a_stride + kb * TERN_PACK_KR);
    for (size_t v = 0; v < PASS_VECTORS; v++) {
      const int8x16_t first = vld1q_s8(w + 16 * v), second = vld1q_s8(w + sub_bytes + 16 * v);
      for (size_t r = 0; r < rows; r++) {
        const int16x8_t low = ADD_PRODUCTS_LOW(PRODUCTS_LOW(first, quad[r].first), second, quad[r].second);
        const int16x8_t high = ADD_PRODUCTS_HIGH(PRODUCTS_HIGH(first, quad[r].first), second, quad[r].second);
        pairs[r][2 * v] = vpadalq_s16(pairs[r][2 * v], low);
        pairs[r][2 * v + 1] = vpadalq_s16(pairs[r][2 * v + 1], high);
      }
    }
  }
  if (kb < k_blocks) { /* an odd last k-block */
    quads quad[ROWS];
    for (size_t r = 0; r < rows; r++) quad[r] = load_quad(a + r * a_stride + kb * TERN_PACK_KR);
    for (size_t v = 0; v < PASS_VECTORS; v++) {
      const int8x16_t weights = vld1q_s8(w + 16 * v);
      for (size_t r = 0; r < rows; r++) {
        pairs[r][2 * v] = vpadalq_s16(pairs[r][2 * v], PRODUCTS_LOW(weights, quad[r].first));
        pairs[r][2 * v + 1] = vpadalq_s16(pairs[r][2 * v + 1], PRODUCTS_HIGH(weights, quad[r].first));
      }
    }
  }
  for (size_t r = 0; r < rows; r++)
    for (size_t v = 0; v < PASS_VECTORS; v++) acc[r][v] = add_pairs(pairs[r][2 * v], pairs[r][2 * v + 1]);
}

static inline __attribute__((always_inline)) void gemm_rows(size_t rows, size_t row, size_t n, size_t k_blocks,
                                                            const int8_t *a, size_t a_stride, const float *a_scale,
                                                            const int32_t *a_zero_point, const int8_t *w_packed,
                                                            const float *w_scale, const int32_t *w_sums,
                                                            const float *bias, float *y, size_t y_stride,
                                                            tern_activation act) {
  const size_t block_bytes = TERN_PACK_NR * TERN_PACK_KR;
  const int8_t *a_rows = a + row * a_stride;
  for (size_t first_col = 0; first_col < n; first_col += TERN_PACK_NR) {
    const int8_t *w_block = w_packed + (first_col / TERN_PACK_NR) * k_blocks * block_bytes;
    int32x4_t acc[ROWS][4];
    for (size_t pass = 0; pass < TERN_PACK_NR / PASS_CHANNELS; pass++) {
      int32x4_t part[ROWS][PASS_VECTORS];
      dot_pass(rows, k_blocks, a_rows, a_stride, w_block, pass * PASS_CHANNELS * TERN_PACK_KR, part);
      for (size_t r = 0; r < rows; r++)
        for (size_t v = 0; v < PASS_VECTORS; v++) acc[r][pass * PASS_VECTORS + v] = part[r][v];
    }
    const size_t cols = n - first_col < TERN_PACK_NR ? n - first_col : TERN_PACK_NR;
    for (size_t r = 0; r < rows; r++)
      tern_arm_int8_epilogue(cols, acc[r], a_scale[row + r], a_zero_point != NULL ? a_zero_point[row + r] : 0,
                             w_scale + first_col, w_sums != NULL ? w_sums + first_col : NULL,
                             bias != NULL ? bias + first_col : NULL, y + (row + r) * y_stride + first_col, act);
  }
}

#include "arm/gemm_driver.h"

void tern_gemm_qd8_f32_2x16c4__neon(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                    const float *a_scale, const int32_t *a_zero_point, const int8_t *w_packed,
                                    const float *w_scale, const int32_t *w_sums, const float *bias, float *y,
                                    size_t y_stride, tern_activation act) {
  gemm_panels(m, n, k, a, a_stride, a_scale, a_zero_point, w_packed, w_scale, w_sums, bias, y, y_stride, act);
}

void tern_gemm_qs8_f32_2x16c4__neon(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                    const float *a_scale, const int8_t *w_packed, const float *w_scale,
                                    const float *bias, float *y, size_t y_stride, tern_activation act) {
  gemm_panels(m, n, k, a, a_stride, a_scale, NULL, w_packed, w_scale, NULL, bias, y, y_stride, act);
}
