/* charsmap.h — sentencepiece's precompiled charsmap: a Darts-clone double array of byte keys whose leaves
 * point at NUL-terminated replacement strings (internal; used by sentencepiece.c's normalizer).
 *
 * Blob layout: uint32 little-endian trie size in bytes, the double array (trie size / 4 uint32 units),
 * then the replacement strings. The units are read in place when the blob is 4-byte aligned and the host
 * little-endian (a .tern file keeps it aligned), otherwise from a copy.
 *
 * tern_charsmap_load checks every node reachable from the root (each child and leaf index inside the
 * array, each value inside the replacement strings, no cycle) in time linear in the array: one pass buckets
 * each unit under the parent base it answers to, then a breadth-first pass (shortest key per node: the
 * largest growth, escaped replacement bytes per key byte) and a depth-first pass (longest key: the
 * normalizer's look-ahead; a cycle would make it unbounded) walk only real edges. Darts-clone shares
 * subtrees (it builds from a DAWG), so a node may be reached by keys of several lengths.
 */
#ifndef TERN_TOKENIZER_CHARSMAP_H
#define TERN_TOKENIZER_CHARSMAP_H

#include <stddef.h>
#include <stdint.h>

#include "tern.h"

typedef struct tern_charsmap {
  const uint32_t *units;      /* NULL: no charsmap */
  uint32_t *units_copy;       /* owned; NULL when units points into the blob */
  uint32_t unit_count;
  const char *replacements;   /* into the blob */
  uint32_t replacements_size;
  size_t max_key_bytes;       /* longest key reachable from the root */
  size_t max_ratio;           /* max over keys of ceil(escaped replacement bytes / key bytes); ' ' escapes to 3 */
} tern_charsmap;

/* Writes a printf-style message to err (when err_size > 0) and returns TERN_ERR_BAD_TOKENIZER: the one
 * error helper of the SentencePiece tokenizer (sentencepiece.c) and its charsmap check. */
tern_status tern_sentencepiece_fail(char *err, size_t err_size, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* size 0: an empty charsmap (max_ratio 0). TERN_ERR_BAD_TOKENIZER with a message on a malformed blob,
 * TERN_ERR_OUT_OF_MEMORY; on failure nothing is left to free. */
tern_status tern_charsmap_load(const tern_allocator *allocator, const uint8_t *blob, uint32_t size,
                               tern_charsmap *out, char *err, size_t err_size);
void tern_charsmap_free(const tern_allocator *allocator, tern_charsmap *charsmap);

/* Darts-clone unit layout (darts.h, DoubleArrayUnit). A value unit has bit 31 set, so its label never
 * equals a byte and traversal cannot enter it. */
static inline uint32_t tern_darts_has_leaf(uint32_t unit) { return (unit >> 8) & 1; }
static inline uint32_t tern_darts_value(uint32_t unit) { return unit & 0x7FFFFFFFu; }
static inline uint32_t tern_darts_label(uint32_t unit) { return unit & (0x80000000u | 0xFFu); }
static inline uint32_t tern_darts_offset(uint32_t unit) { return (unit >> 10) << ((unit & (1u << 9)) >> 6); }

/* Longest rule that is a prefix of text (Darts commonPrefixSearch): its key length, 0 for none; *value
 * receives the replacement's offset in replacements. Every index is bounds-checked. Inline: it runs once
 * per input character. */
static inline size_t tern_charsmap_longest(const tern_charsmap *m, const uint8_t *text, size_t len, uint32_t *value) {
  if (!m->units) return 0;
  const uint32_t n = m->unit_count;
  uint32_t pos = tern_darts_offset(m->units[0]);
  size_t longest = 0;
  for (size_t i = 0; i < len; i++) {
    pos ^= text[i];
    if (pos >= n) break;
    const uint32_t unit = m->units[pos];
    if (tern_darts_label(unit) != text[i]) break;
    pos ^= tern_darts_offset(unit);
    if (tern_darts_has_leaf(unit)) {
      if (pos >= n) break;
      const uint32_t v = tern_darts_value(m->units[pos]);
      if (v >= m->replacements_size) break;
      longest = i + 1;
      *value = v;
    }
  }
  return longest;
}

#endif /* TERN_TOKENIZER_CHARSMAP_H */
