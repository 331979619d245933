/* gemm_driver.h — the loops every ARM int8 GEMM shares around its microkernel: L2 column panels
 * (../gemm_panel.h), row tiles of ROWS, then 2 and 1 rows, and per 16-column block the epilogue.
 *
 * A template in the XNNPACK manner: a kernel file defines ROWS and either its own gemm_rows, or a
 * dot_block(rows, k_blocks, a, a_stride, w_block, int32x4_t acc[ROWS][4]) plus TERN_ARM_GEMM_DOT_BLOCK,
 * then includes this header and exports gemm_panels under its own names. Everything is static, so each
 * kernel file gets its own copy, compiled with its own ISA flags. */
#ifndef TERN_ARM_GEMM_DRIVER_H
#define TERN_ARM_GEMM_DRIVER_H

#include "gemm_panel.h"
#include "arm/int8_epilogue.h"

#if defined(TERN_ARM_GEMM_DOT_BLOCK)
/* One row tile over n columns: dot_block per 16-column block, then the epilogue row by row. */
static inline __attribute__((always_inline)) void gemm_rows(size_t rows, size_t row, size_t n, size_t k_blocks,
                                                            const int8_t *a, size_t a_stride, const float *a_scale,
                                                            const int32_t *a_zero_point, const int8_t *w_packed,
                                                            const float *w_scale, const int32_t *w_sums,
                                                            const float *bias, float *y, size_t y_stride,
                                                            tern_activation act) {
  const size_t block_bytes = TERN_PACK_NR * TERN_PACK_KR;
  for (size_t first_col = 0; first_col < n; first_col += TERN_PACK_NR) {
    int32x4_t acc[ROWS][4];
    dot_block(rows, k_blocks, a + row * a_stride, a_stride,
              w_packed + (first_col / TERN_PACK_NR) * k_blocks * block_bytes, acc);
    const size_t cols = n - first_col < TERN_PACK_NR ? n - first_col : TERN_PACK_NR;
    for (size_t r = 0; r < rows; r++)
      tern_arm_int8_epilogue(cols, acc[r], a_scale[row + r], a_zero_point != NULL ? a_zero_point[row + r] : 0,
                             w_scale + first_col, w_sums != NULL ? w_sums + first_col : NULL,
                             bias != NULL ? bias + first_col : NULL, y + (row + r) * y_stride + first_col, act);
  }
}
#endif

/* Rows tile by tile over n columns; the remainder runs a 2-row tile (when ROWS > 2) and 1-row tiles. */
static void row_tiles(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride, const float *a_scale,
                      const int32_t *a_zero_point, const int8_t *w_packed, const float *w_scale, const int32_t *w_sums,
                      const float *bias, float *y, size_t y_stride, tern_activation act) {
  const size_t k_blocks = tern_round_up(k, TERN_PACK_KR) / TERN_PACK_KR;
  size_t row = 0;
  for (; row + ROWS <= m; row += ROWS)
    gemm_rows(ROWS, row, n, k_blocks, a, a_stride, a_scale, a_zero_point, w_packed, w_scale, w_sums, bias, y,
              y_stride, act);
#if ROWS > 2
  if (row + 2 <= m) {
    gemm_rows(2, row, n, k_blocks, a, a_stride, a_scale, a_zero_point, w_packed, w_scale, w_sums, bias, y, y_stride,
              act);
    row += 2;
  }
#endif
  for (; row < m; row++)
    gemm_rows(1, row, n, k_blocks, a, a_stride, a_scale, a_zero_point, w_packed, w_scale, w_sums, bias, y, y_stride,
              act);
}

/* Both GEMMs, panel by panel; a_zero_point and w_sums NULL for symmetric rows. */
static void gemm_panels(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride, const float *a_scale,
                        const int32_t *a_zero_point, const int8_t *w_packed, const float *w_scale,
                        const int32_t *w_sums, const float *bias, float *y, size_t y_stride, tern_activation act) {
  const size_t k_blocks = tern_round_up(k, TERN_PACK_KR) / TERN_PACK_KR;
  const size_t panel = m > ROWS ? tern_gemm_panel_columns(k_blocks, 1) : n; /* one row tile: nothing to reuse */
  for (size_t first_col = 0; first_col < n; first_col += panel) {
    const size_t cols = n - first_col < panel ? n - first_col : panel;
    row_tiles(m, cols, k, a, a_stride, a_scale, a_zero_point,
              w_packed + (first_col / TERN_PACK_NR) * k_blocks * TERN_PACK_NR * TERN_PACK_KR, w_scale + first_col,
              w_sums != NULL ? w_sums + first_col : NULL, bias != NULL ? bias + first_col : NULL, y + first_col,
              y_stride, act);
  }
}

#endif /* TERN_ARM_GEMM_DRIVER_H */
