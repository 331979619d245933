/* gemm_driver.h — the loops every x86 int8 GEMM shares around its microkernel (as arm/gemm_driver.h does for
 * ARM): L2 column panels (../gemm_panel.h), row tiles of MR rows and then one tile of the 1..MR-1 left (a
 * switch, so the count is a compile-time constant and the tile unrolls into registers), and, for the kernels
 * with 4-input x 16-channel ymm tiles, the column loop with the f32 epilogue and the activation pass.
 *
 * A template in the XNNPACK manner. A kernel file defines MR (1..8), PANEL_BLOCKS (16-channel blocks per
 * tile, the multiple a panel's width is rounded to) and a type row_group (what a row tile prepares once for
 * all its columns: |a|, a + 128, row sums), then either
 *   - TERN_X86_GEMM_OWN_ROWS and gemm_rows(rows, row, first_col, end_col, g, group) (avx512vnni), or
 *   - for ymm tiles: row_group_prepare(rows, a_rows, a_stride, kp, group), tile_dot(rows, group, k_blocks,
 *     a_rows, a_stride, w_block, acc[MR][2]) (acc[r][0]: channels 0..7 of row r, acc[r][1]: 8..15) and
 *     dot_finish(group, r, acc[2]) (what turns the row's accumulators into the int32 dot products), and
 *     optionally ZERO_POINT_OFFSET (added to every row's zero point in the epilogue; 0 by default);
 * includes this header and exports its entry points with TERN_X86_GEMM_QD_ENTRY / TERN_X86_GEMM_QS_ENTRY. Everything is static, so each kernel
 * file gets its own copy, compiled with its own ISA flags (and -ffp-contract=off, for the epilogue). */
#ifndef TERN_X86_GEMM_DRIVER_H
#define TERN_X86_GEMM_DRIVER_H

#include "gemm_panel.h"
#include "kernels.h"
#include "x86/kernels_x86.h"

typedef struct gemm_args {
  size_t n, k_blocks, a_stride, y_stride;
  const int8_t *a;
  const float *a_scale;
  const int32_t *a_zero_point; /* NULL: symmetric rows */
  const int8_t *w_packed;
  const float *w_scale;
  const int32_t *w_sums; /* NULL: symmetric rows */
  const float *bias;
  float *y;
  tern_activation act;
} gemm_args;

/* GELU and tanh run the avx2 f32 activation kernel over each finished row segment (GELU within the f32
 * kernels' tolerance of the scalar libm-based one, kernels.h; tanh bit-identical); identity and ReLU are done
 * exactly in the epilogue. */
static inline void activation_pass(size_t rows, size_t row, size_t first_col, size_t end_col, const gemm_args *g) {
  if (g->act == TERN_ACT_IDENTITY || g->act == TERN_ACT_RELU) return;
  const size_t end = end_col < g->n ? end_col : g->n;
  for (size_t r = 0; r < rows; r++)
    tern_activation_f32__avx2(end - first_col, g->y + (row + r) * g->y_stride + first_col, g->act);
}

#ifdef TERN_X86_GEMM_OWN_ROWS
/* Rows [row, row + rows) x columns [first_col, end_col): defined by the kernel file, after this header. */
static inline __attribute__((always_inline)) void gemm_rows(size_t rows, size_t row, size_t first_col,
                                                            size_t end_col, const gemm_args *g, row_group *group);
#else
#include "x86/avx2/gemm_epilogue.h"

#ifndef ZERO_POINT_OFFSET
#define ZERO_POINT_OFFSET 0
#endif

/* Rows [row, row + rows) x columns [first_col, end_col) (whole 16-channel blocks, the last one possibly ragged
 * at n): the row tile's preparation once, then per block its dot products and the epilogue. */
static inline __attribute__((always_inline)) void gemm_rows(size_t rows, size_t row, size_t first_col,
                                                            size_t end_col, const gemm_args *g, row_group *group) {
  const size_t block_bytes = TERN_PACK_NR * TERN_PACK_KR;
  const int relu = g->act == TERN_ACT_RELU;
  const int8_t *a_rows = g->a + row * g->a_stride;
  row_group_prepare(rows, a_rows, g->a_stride, g->k_blocks * TERN_PACK_KR, group);
  for (size_t col = first_col; col < end_col; col += TERN_PACK_NR) {
    __m256i acc[MR][2];
    tile_dot(rows, group, g->k_blocks, a_rows, g->a_stride, g->w_packed + (col / TERN_PACK_NR) * g->k_blocks * block_bytes,
             acc);
    const size_t cols = g->n - col < TERN_PACK_NR ? g->n - col : TERN_PACK_NR;
    for (size_t r = 0; r < rows; r++) {
      dot_finish(group, r, acc[r]);
      const int32_t zero_point = (g->a_zero_point != NULL ? g->a_zero_point[row + r] : 0) + ZERO_POINT_OFFSET;
      gemm_epilogue_avx2(cols, acc[r], g->a_scale[row + r], zero_point, g->w_scale + col,
                         g->w_sums != NULL ? g->w_sums + col : NULL, g->bias != NULL ? g->bias + col : NULL,
                         g->y + (row + r) * g->y_stride + col, relu);
    }
  }
  activation_pass(rows, row, first_col, end_col, g);
}
#endif

/* The whole GEMM: panel by panel, every row tile over the panel's columns (one row tile: a single panel,
 * there is nothing to reuse). */
static void gemm_panels(size_t m, const gemm_args *g) {
  const size_t panel = m > MR ? tern_gemm_panel_columns(g->k_blocks, PANEL_BLOCKS) : g->n;
  row_group group;
  for (size_t first_col = 0; first_col < g->n; first_col += panel) {
    /* end_col: a multiple of 16 inside the matrix, or n for the last panel. */
    const size_t end_col = g->n - first_col < panel ? g->n : first_col + panel;
    size_t row = 0;
    for (; row + MR <= m; row += MR) gemm_rows(MR, row, first_col, end_col, g, &group);
    switch (m - row) {
#if MR > 7
      case 7: gemm_rows(7, row, first_col, end_col, g, &group); break;
#endif
#if MR > 6
      case 6: gemm_rows(6, row, first_col, end_col, g, &group); break;
#endif
#if MR > 5
      case 5: gemm_rows(5, row, first_col, end_col, g, &group); break;
#endif
#if MR > 4
      case 4: gemm_rows(4, row, first_col, end_col, g, &group); break;
#endif
#if MR > 3
      case 3: gemm_rows(3, row, first_col, end_col, g, &group); break;
#endif
#if MR > 2
      case 2: gemm_rows(2, row, first_col, end_col, g, &group); break;
#endif
#if MR > 1
      case 1: gemm_rows(1, row, first_col, end_col, g, &group); break;
#endif
      default: break;
    }
  }
}

/* The exported entry points (kernels.h signatures) of a kernel file over gemm_panels: rows from quantize_qd8
 * (or qd7) with their zero points and the weight's channel sums, or symmetric qs8 rows. */
#define TERN_X86_GEMM_QD_ENTRY(name)                                                                           \
  void name(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride, const float *a_scale,               \
            const int32_t *a_zero_point, const int8_t *w_packed, const float *w_scale, const int32_t *w_sums,   \
            const float *bias, float *y, size_t y_stride, tern_activation act) {                                \
    const gemm_args g = {n, tern_round_up(k, TERN_PACK_KR) / TERN_PACK_KR, a_stride, y_stride, a, a_scale,      \
                         a_zero_point, w_packed, w_scale, w_sums, bias, y, act};                                 \
    gemm_panels(m, &g);                                                                                         \
  }
#define TERN_X86_GEMM_QS_ENTRY(name)                                                                           \
  void name(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride, const float *a_scale,               \
            const int8_t *w_packed, const float *w_scale, const float *bias, float *y, size_t y_stride,          \
            tern_activation act) {                                                                              \
    const gemm_args g = {n, tern_round_up(k, TERN_PACK_KR) / TERN_PACK_KR, a_stride, y_stride, a, a_scale,      \
                         NULL, w_packed, w_scale, NULL, bias, y, act};                                           \
    gemm_panels(m, &g);                                                                                         \
  }

#endif /* TERN_X86_GEMM_DRIVER_H */
