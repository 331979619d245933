/* gemm_panel.h — cache blocking shared by the ARM int8 GEMMs: the columns are taken in panels whose packed
 * weights fill about half of L2, and every row tile passes over a panel before the next one, so with many
 * rows the weights are read from L2 instead of DRAM once per row tile (ALBERT-base's FFN weights, 2.4 MB,
 * exceed the L2 of every Pi: 512 KB on the Pi 3, 1 MB on the Pi 4, 2 MB on the Pi 5). */
#ifndef TERN_ARM_GEMM_PANEL_H
#define TERN_ARM_GEMM_PANEL_H

#include "cpu_features.h"
#include "kernels.h"

/* Columns per panel: whole 16-channel blocks. */
static inline size_t tern_arm_panel_columns(size_t k_blocks) {
  size_t l2_bytes = tern_cpu_info_get()->l2_bytes;
  if (l2_bytes == 0) l2_bytes = 512 * 1024; /* unknown: the smallest Pi L2 */
  const size_t block_bytes = k_blocks * TERN_PACK_NR * TERN_PACK_KR;
  const size_t blocks = l2_bytes / 2 / block_bytes;
  return (blocks > 0 ? blocks : 1) * TERN_PACK_NR;
}

#endif /* TERN_ARM_GEMM_PANEL_H */
