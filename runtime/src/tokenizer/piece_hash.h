/* piece_hash.h — a vocabulary as one open-addressing hash table of piece ids (internal).
 *
 * Built at model load in one allocation, sized once (a power of two at least twice the piece count), with
 * no copy of the piece bytes: a slot holds the piece's 32-bit hash and its id, and the bytes are compared
 * in the tern_str array the table was built from (the model's, pointing into the mapped file), which must
 * outlive the table. The hash is defined byte by byte (FNV-1a), so a tokenizer can extend it over a word
 * one byte at a time and probe every prefix for the price of one multiply per byte, and can start from the
 * state after a prefix such as WordPiece's "##".
 */
#ifndef TERN_TOKENIZER_PIECE_HASH_H
#define TERN_TOKENIZER_PIECE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "model.h"

typedef struct tern_piece_slot {
  uint32_t hash;
  int32_t id; /* -1: empty */
} tern_piece_slot;

typedef struct tern_piece_hash {
  tern_piece_slot *slots;
  uint32_t shift;          /* slot = mix(hash) >> shift */
  uint32_t mask;
  const tern_str *pieces;  /* not owned */
  uint32_t indexed;        /* pieces in the table */
  uint32_t max_piece_bytes;
  /* Optional prefix filter: a bit per hash of every prefix of every piece (a one-hash Bloom filter, about
   * 8 bits per piece byte), so a walk over the text can stop where no piece goes on, as a trie walk stops
   * at a missing child. NULL when not asked for. */
  uint64_t *prefix_bits;
  uint32_t prefix_shift;
} tern_piece_hash;

#define TERN_PIECE_HASH_START 2166136261u

static inline uint32_t tern_piece_hash_byte(uint32_t hash, uint8_t byte) { return (hash ^ byte) * 16777619u; }

static inline uint32_t tern_piece_hash_bytes(uint32_t hash, const uint8_t *bytes, size_t count) {
  for (size_t i = 0; i < count; i++) hash = tern_piece_hash_byte(hash, bytes[i]);
  return hash;
}

/* FNV's low bits mix poorly; the slot comes from the high bits of a multiplicative mix. */
static inline uint32_t tern_piece_hash_slot(const tern_piece_hash *table, uint32_t hash) {
  return (uint32_t)((hash * 0x9E3779B1u) >> table->shift) & table->mask;
}

/* 0 when no piece starts with the bytes whose hash this is; 1 when one may (always without a filter). */
static inline int tern_piece_hash_may_continue(const tern_piece_hash *table, uint32_t hash) {
  if (table->prefix_bits == NULL) return 1;
  const uint64_t bit = (uint64_t)(uint32_t)(hash * 0x85EBCA77u) >> table->prefix_shift;
  return (int)(table->prefix_bits[bit >> 6] >> (bit & 63) & 1u);
}

/* Indexes the pieces of pieces[0, count) whose type bit is set in type_mask (all of them when types is
 * NULL). With filter_type_mask != 0 it builds the prefix filter over the pieces of those types (a walk
 * only needs to go on towards pieces it can use: SentencePiece's unused pieces are indexed, so they count
 * as duplicates, but never scored). Pieces must be distinct: at the first piece equal to an earlier one it stops with
 * TERN_ERR_BAD_TOKENIZER, *duplicate = its id and *duplicate_of = the earlier id (nothing to free).
 * TERN_ERR_OUT_OF_MEMORY (nothing to free) or TERN_OK. */
tern_status tern_piece_hash_build(const tern_allocator *allocator, const tern_str *pieces, uint32_t count,
                                  const uint8_t *types, uint32_t type_mask, uint32_t filter_type_mask, tern_piece_hash *out,
                                  uint32_t *duplicate, uint32_t *duplicate_of);
void tern_piece_hash_free(const tern_allocator *allocator, tern_piece_hash *table);

/* Pieces are short: a loop beats a call to memcmp on the lookup path. */
static inline int tern_piece_bytes_equal(const char *piece, const uint8_t *bytes, size_t count) {
  for (size_t i = 0; i < count; i++)
    if ((uint8_t)piece[i] != bytes[i]) return 0;
  return 1;
}

/* The id of the piece prefix + bytes (hash: of those bytes, from TERN_PIECE_HASH_START), or -1. */
static inline int32_t tern_piece_hash_find(const tern_piece_hash *table, uint32_t hash, const tern_str *prefix,
                                           const uint8_t *bytes, size_t count) {
  const size_t length = prefix->len + count;
  for (uint32_t slot = tern_piece_hash_slot(table, hash);; slot = (slot + 1) & table->mask) {
    const tern_piece_slot *s = &table->slots[slot];
    if (s->id < 0) return -1;
    if (s->hash != hash) continue;
    const tern_str *piece = &table->pieces[s->id];
    if (piece->len == length && tern_piece_bytes_equal(piece->ptr, (const uint8_t *)prefix->ptr, prefix->len) &&
        tern_piece_bytes_equal(piece->ptr + prefix->len, bytes, count))
      return s->id;
  }
}

#endif /* TERN_TOKENIZER_PIECE_HASH_H */
