/* piece_hash.c — building the vocabulary hash table (see piece_hash.h). */
#include "tokenizer/piece_hash.h"

#include "allocator.h"

static int included(const uint8_t *types, uint32_t type_mask, uint32_t id) {
  return types == NULL || (types[id] < 32 && (type_mask >> types[id] & 1u));
}

/* About 8 filter bits per piece byte: a walk goes on past the last real prefix with probability ~1/8. */
static tern_status allocate_prefix_filter(const tern_allocator *allocator, uint64_t piece_bytes, tern_piece_hash *out) {
  uint32_t bits = 6;
  while (bits < 32 && ((uint64_t)1 << bits) < 8 * piece_bytes) bits++;
  out->prefix_bits = tern_allocate_zeroed(allocator, (size_t)1 << (bits - 6), sizeof(uint64_t));
  out->prefix_shift = 32 - bits;
  return out->prefix_bits != NULL ? TERN_OK : TERN_ERR_OUT_OF_MEMORY;
}

static void set_prefix_bit(tern_piece_hash *table, uint32_t hash) {
  const uint64_t bit = (uint64_t)(uint32_t)(hash * 0x85EBCA77u) >> table->prefix_shift;
  table->prefix_bits[bit >> 6] |= (uint64_t)1 << (bit & 63);
}

tern_status tern_piece_hash_build(const tern_allocator *allocator, const tern_str *pieces, uint32_t count,
                                  const uint8_t *types, uint32_t type_mask, uint32_t filter_type_mask, tern_piece_hash *out,
                                  uint32_t *duplicate, uint32_t *duplicate_of) {
  memset(out, 0, sizeof *out);
  uint32_t indexed = 0;
  uint64_t filtered_bytes = 0;
  for (uint32_t id = 0; id < count; id++) {
    indexed += (uint32_t)included(types, type_mask, id);
    if (filter_type_mask != 0 && included(types, filter_type_mask, id)) filtered_bytes += pieces[id].len;
  }
  if (indexed > (1u << 30)) return TERN_ERR_OUT_OF_MEMORY; /* ids are int32 and the table at most 2^31 slots */
  uint32_t bits = 4;
  while ((1u << bits) < 2u * indexed) bits++;
  const uint32_t slot_count = 1u << bits;
  tern_piece_slot *slots = tern_allocate_array(allocator, slot_count, sizeof *slots);
  if (slots == NULL) return TERN_ERR_OUT_OF_MEMORY;
  memset(slots, 0xFF, (size_t)slot_count * sizeof *slots); /* id -1 everywhere */
  out->slots = slots;
  out->shift = 32 - bits;
  out->mask = slot_count - 1;
  out->pieces = pieces;
  out->indexed = indexed;
  if (filter_type_mask != 0 && allocate_prefix_filter(allocator, filtered_bytes, out) != TERN_OK) {
    tern_piece_hash_free(allocator, out);
    return TERN_ERR_OUT_OF_MEMORY;
  }
  uint32_t longest = 0;
  for (uint32_t id = 0; id < count; id++) {
    if (!included(types, type_mask, id)) continue;
    const tern_str *piece = &pieces[id];
    if (piece->len > longest) longest = piece->len;
    uint32_t hash = TERN_PIECE_HASH_START;
    if (out->prefix_bits != NULL && included(types, filter_type_mask, id)) {
      for (uint32_t i = 0; i < piece->len; i++) set_prefix_bit(out, hash = tern_piece_hash_byte(hash, (uint8_t)piece->ptr[i]));
    } else {
      hash = tern_piece_hash_bytes(hash, (const uint8_t *)piece->ptr, piece->len);
    }
    uint32_t slot = tern_piece_hash_slot(out, hash);
    for (; slots[slot].id >= 0; slot = (slot + 1) & out->mask) {
      const tern_str *other = &pieces[slots[slot].id];
      if (slots[slot].hash == hash && other->len == piece->len &&
          (piece->len == 0 || memcmp(other->ptr, piece->ptr, piece->len) == 0)) {
        *duplicate = id;
        *duplicate_of = (uint32_t)slots[slot].id;
        tern_piece_hash_free(allocator, out);
        return TERN_ERR_BAD_TOKENIZER;
      }
    }
    slots[slot].hash = hash;
    slots[slot].id = (int32_t)id;
  }
  out->max_piece_bytes = longest;
  return TERN_OK;
}

void tern_piece_hash_free(const tern_allocator *allocator, tern_piece_hash *table) {
  tern_deallocate(allocator, table->slots);
  tern_deallocate(allocator, table->prefix_bits);
  memset(table, 0, sizeof *table);
}
