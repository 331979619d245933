/* gemm_panel.h — cache blocking shared by the int8 GEMMs of every SIMD set: the columns are taken in panels
 * whose packed weights fill about half of L2, and every row tile passes over a panel before the next one,
 * so with many rows the weights are read from L2 instead of DRAM once per row tile (ALBERT-base's FFN
 * weights, 2.4 MB, exceed the L2 of every Pi — 512 KB on the Pi 3, 1 MB on the Pi 4, 2 MB on the Pi 5 —
 * and the 512 KB of a Zen 3 core). */
#ifndef TERN_GEMM_PANEL_H
#define TERN_GEMM_PANEL_H

#include "cpu_features.h"
#include "kernels.h"

/* Columns per panel: whole 16-channel blocks, a multiple of block_multiple (the kernel's tile width in
 * blocks) and at least one tile; k_blocks 0 counts as 1. An unknown L2 counts as 512 KiB. */
static inline size_t tern_gemm_panel_columns(size_t k_blocks, size_t block_multiple) {
  size_t l2_bytes = tern_cpu_info_get()->l2_bytes;
  if (l2_bytes == 0) l2_bytes = 512 * 1024;
  const size_t block_bytes = (k_blocks > 0 ? k_blocks : 1) * TERN_PACK_NR * TERN_PACK_KR;
  const size_t blocks = l2_bytes / 2 / block_bytes / block_multiple * block_multiple;
  return (blocks > 0 ? blocks : block_multiple) * TERN_PACK_NR;
}

#endif /* TERN_GEMM_PANEL_H */
