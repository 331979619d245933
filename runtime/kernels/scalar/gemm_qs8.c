/* int8 x int8 -> int32 GEMM over the Packed16x4 weight layout (the reference; see kernels.h, tern.fbs).
 * Written for clarity: it walks the layout in storage order, one 16-channel output block at a time,
 * each block a run of Kp/4 sub-blocks of 16 channels x 4 inputs (64 bytes). */
#include "int8_block_dot.h"

void tern_gemm_qs8_f32_16x4__scalar(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                    const float *a_scale, const int8_t *w_packed, const float *w_scale,
                                    const float *bias, float *y, size_t y_stride, tern_activation act) {
  const size_t k_blocks = tern_round_up(k, TERN_PACK_KR) / TERN_PACK_KR;
  const size_t block_bytes = TERN_PACK_NR * TERN_PACK_KR;
  for (size_t row = 0; row < m; row++) {
    const int8_t *a_row = a + row * a_stride;
    for (size_t first_col = 0; first_col < n; first_col += TERN_PACK_NR) {
      const int8_t *w_block = w_packed + (first_col / TERN_PACK_NR) * k_blocks * block_bytes;
      int32_t acc[TERN_PACK_NR];
      tern_int8_block_dot__scalar(a_row, w_block, k_blocks, acc);
      const size_t cols = n - first_col < TERN_PACK_NR ? n - first_col : TERN_PACK_NR;
      for (size_t c = 0; c < cols; c++) {
        const size_t col = first_col + c;
        float value = (float)acc[c] * (a_scale[row] * w_scale[col]);
        if (bias != NULL) value += bias[col];
        y[row * y_stride + col] = tern_apply_activation(value, act);
      }
    }
  }
}
