/* int8_block_dot.h — the integer core shared by the scalar int8 GEMMs (qs8 and qd8): the int32 products of
 * one activation row with one 16-channel output block of the Packed16x4 layout (see tern.fbs). Padding
 * weights are 0, so the padding inputs (also 0 after quantization) add nothing. */
#ifndef TERN_INT8_BLOCK_DOT_H
#define TERN_INT8_BLOCK_DOT_H

#include "kernels.h"

static inline void tern_int8_block_dot__scalar(const int8_t *a_row, const int8_t *w_block, size_t k_blocks,
                                               int32_t acc[TERN_PACK_NR]) {
  const size_t block_bytes = TERN_PACK_NR * TERN_PACK_KR;
  for (size_t c = 0; c < TERN_PACK_NR; c++) acc[c] = 0;
  for (size_t kb = 0; kb < k_blocks; kb++) {
    const int8_t *a_quad = a_row + kb * TERN_PACK_KR;
    const int8_t *w_sub = w_block + kb * block_bytes;
    for (size_t c = 0; c < TERN_PACK_NR; c++)
      for (size_t j = 0; j < TERN_PACK_KR; j++) acc[c] += (int32_t)a_quad[j] * (int32_t)w_sub[c * TERN_PACK_KR + j];
  }
}

#endif /* TERN_INT8_BLOCK_DOT_H */
