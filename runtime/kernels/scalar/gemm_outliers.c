/* The f32 part of an int8 linear with activation outlier channels (the reference; see kernels.h).
 *
 * Why: a few LayerNorm/FFN input channels carry activations 5-25x larger than the rest, for every token.
 * Quantizing a row with them in spends the int8 range on them; the linear zeroes them before quantizing
 * and this kernel adds their exact contribution, reading the weight column from the int8 weight itself
 * (the converter stores only the channel indices). */
#include "kernels.h"

void tern_gemm_outliers_f32__scalar(size_t m, size_t n, size_t k, size_t count, const uint32_t *channels,
                                    const float *x, size_t x_stride, const int8_t *w_packed, const float *w_scale,
                                    float *y, size_t y_stride, tern_activation act) {
  const size_t k_blocks = tern_round_up(k, TERN_PACK_KR) / TERN_PACK_KR;
  const size_t block_bytes = TERN_PACK_NR * TERN_PACK_KR;
  for (size_t row = 0; row < m; row++) {
    const float *x_row = x + row * x_stride;
    for (size_t col = 0; col < n; col++) {
      /* W[col][c] in Packed16x4: block (col / 16, c / 4), row col % 16, lane c % 4. */
      const int8_t *w_block = w_packed + (col / TERN_PACK_NR) * k_blocks * block_bytes + (col % TERN_PACK_NR) * TERN_PACK_KR;
      float sum = 0.0f;
      for (size_t i = 0; i < count; i++) {
        const size_t c = channels[i];
        sum += x_row[c] * (float)w_block[(c / TERN_PACK_KR) * block_bytes + c % TERN_PACK_KR];
      }
      float *out = y + row * y_stride + col;
      *out = tern_apply_activation(*out + sum * w_scale[col], act);
    }
  }
}
