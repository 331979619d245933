/* packing.h — the Packed16x4 int8 weight layout of tern.fbs, C side (internal). */
#ifndef TERN_PACKING_H
#define TERN_PACKING_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of the packed form of an [n, k] weight: round_up(n, 16) * round_up(k, 4). */
size_t tern_packed_16x4_size(size_t n, size_t k);

/* Packs a dense row-major int8 weight w[n][k] into out (tern_packed_16x4_size(n, k) bytes):
 *   out[((i / 16) * (Kp / 4) + j / 4) * 64 + (i % 16) * 4 + (j % 4)] = w[i][j], padding bytes 0.
 * The C twin of tools/convert/tern_convert/packing.py:pack_16x4; the runtime never packs at load (files
 * are pre-packed), this serves tests and tools. */
void tern_pack_16x4(const int8_t *w, size_t n, size_t k, int8_t *out);

#endif /* TERN_PACKING_H */
