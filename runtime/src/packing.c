/* packing.c — tern_pack_16x4, the C twin of the converter's pack_16x4 (layout: tern.fbs, Packed16x4). */
#include "packing.h"

#include <string.h>

#include "kernels.h"

size_t tern_packed_16x4_size(size_t n, size_t k) {
  return tern_round_up(n, TERN_PACK_NR) * tern_round_up(k, TERN_PACK_KR);
}

void tern_pack_16x4(const int8_t *w, size_t n, size_t k, int8_t *out) {
  const size_t k_padded = tern_round_up(k, TERN_PACK_KR);
  memset(out, 0, tern_packed_16x4_size(n, k));
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < k; j++) {
      const size_t block = (i / TERN_PACK_NR) * (k_padded / TERN_PACK_KR) + j / TERN_PACK_KR;
      out[block * (TERN_PACK_NR * TERN_PACK_KR) + (i % TERN_PACK_NR) * TERN_PACK_KR + j % TERN_PACK_KR] =
          w[i * k + j];
    }
  }
}
