/* charsmap.c — loading, checking and searching a precompiled charsmap (see charsmap.h). */
#include "tokenizer/charsmap.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "allocator.h"


/* Escaped replacements are counted in uint32_t (' ' counts 3). */
#define MAX_REPLACEMENT_BYTES (1u << 30)

tern_status tern_sentencepiece_fail(char *err, size_t err_size, const char *format, ...) {
  if (err && err_size) {
    va_list args;
    va_start(args, format);
    vsnprintf(err, err_size, format, args);
    va_end(args);
  }
  return TERN_ERR_BAD_TOKENIZER;
}

static tern_status out_of_memory(char *err, size_t err_size) {
  if (err && err_size) snprintf(err, err_size, "sentencepiece: out of memory checking the charsmap");
  return TERN_ERR_OUT_OF_MEMORY;
}

/* A child of node p is a unit u with byte label c (1..255) at u = base(p) ^ c, base(p) = p ^ offset(p).
 * Inverted: unit u answers to the one base u ^ label(u). Bucketing the units by that base (a counting
 * sort) lists every node's children in O(units), where asking each node for its 255 possible labels cost
 * 255 probes per node (30 ms per load for ALBERT's charsmap). */
typedef struct child_index {
  const uint32_t *units;
  uint32_t unit_count;
  uint32_t base_count;      /* bases that can have a child: unit_count rounded up to 256 */
  uint32_t *bucket_start;   /* base_count + 2: children of base b are bucket_units[start[b], start[b + 1]) */
  uint32_t *bucket_units;
} child_index;

static void index_children(child_index *index) {
  uint32_t *start = index->bucket_start;
  memset(start, 0, ((size_t)index->base_count + 2) * sizeof *start);
  for (uint32_t u = 0; u < index->unit_count; u++) {
    const uint32_t label = tern_darts_label(index->units[u]);
    if (label - 1u < 255u) start[(u ^ label) + 2]++;
  }
  for (uint32_t b = 2; b < index->base_count + 2; b++) start[b] += start[b - 1];
  for (uint32_t u = 0; u < index->unit_count; u++) {
    const uint32_t label = tern_darts_label(index->units[u]);
    if (label - 1u < 255u) index->bucket_units[start[(u ^ label) + 1]++] = u;
  }
}

static void children_of(const child_index *index, uint32_t node, uint32_t *begin, uint32_t *end) {
  const uint32_t base = node ^ tern_darts_offset(index->units[node]);
  *begin = *end = 0;
  if (base < index->base_count) *begin = index->bucket_start[base], *end = index->bucket_start[base + 1];
}

typedef struct check_memory {
  uint32_t *bucket_start, *bucket_units;
  uint32_t *depth;     /* unit_count */
  uint32_t *stack;     /* 2 x unit_count: the breadth-first queue, then depth-first frames */
  uint32_t *escaped;   /* replacements_size: escaped bytes from each offset to its NUL */
  uint8_t *state;      /* unit_count */
} check_memory;

/* One block for all the scratch: NULL when it does not fit in size_t or the allocator fails. */
static void *allocate_check_memory(const tern_allocator *allocator, uint32_t unit_count, uint32_t base_count,
                                   uint32_t replacements_size, check_memory *memory) {
  const uint64_t words = (uint64_t)base_count + 2 + unit_count + unit_count + 2 * (uint64_t)unit_count +
                         replacements_size;
  const uint64_t bytes = words * sizeof(uint32_t) + unit_count;
  if (bytes > SIZE_MAX) return NULL;
  uint32_t *block = tern_allocate_array(allocator, (size_t)bytes, 1);
  if (block == NULL) return NULL;
  memory->bucket_start = block;
  memory->bucket_units = memory->bucket_start + base_count + 2;
  memory->depth = memory->bucket_units + unit_count;
  memory->stack = memory->depth + unit_count;
  memory->escaped = memory->stack + 2 * (size_t)unit_count;
  memory->state = (uint8_t *)(memory->escaped + replacements_size);
  return block;
}

/* Breadth first: each reachable node's shortest key (nodes are entered once, when first seen), its leaf
 * checked, and the largest growth over leaves. */
static tern_status check_leaves(tern_charsmap *m, const child_index *index, check_memory *w, char *err,
                                size_t err_size) {
  const uint32_t n = m->unit_count;
  size_t head = 0, tail = 0, max_ratio = 0;
  w->stack[tail++] = 0;
  w->state[0] = 1;
  w->depth[0] = 0;
  while (head < tail) {
    const uint32_t pos = w->stack[head++];
    uint32_t begin, end;
    children_of(index, pos, &begin, &end);
    for (uint32_t i = begin; i < end; i++) {
      const uint32_t child = index->bucket_units[i];
      if (w->state[child]) continue;
      w->state[child] = 1;
      w->depth[child] = w->depth[pos] + 1;
      w->stack[tail++] = child;
      const uint32_t unit = m->units[child];
      if (!tern_darts_has_leaf(unit)) continue;
      const uint32_t leaf = child ^ tern_darts_offset(unit);
      if (leaf >= n) return tern_sentencepiece_fail(err, err_size, "sentencepiece: charsmap leaf index %u out of range (%u units)", leaf, n);
      const uint32_t value = tern_darts_value(m->units[leaf]);
      if (value >= m->replacements_size)
        return tern_sentencepiece_fail(err, err_size, "sentencepiece: charsmap value %u outside the %u-byte replacement blob", value,
                    m->replacements_size);
      const size_t ratio = ((size_t)w->escaped[value] + w->depth[child] - 1) / w->depth[child];
      if (ratio > max_ratio) max_ratio = ratio;
    }
  }
  m->max_ratio = max_ratio;
  return TERN_OK;
}

/* Depth first: state 1 = not entered, 2 = on the stack, 3 = done; depth = the longest key below the node.
 * A frame is (node, next child slot) in stack[2k], stack[2k + 1]; a node is on the stack at most once. */
static tern_status check_cycles(tern_charsmap *m, const child_index *index, check_memory *w, char *err,
                                size_t err_size) {
  uint32_t *stack = w->stack, begin, end;
  size_t top = 1;
  children_of(index, 0, &begin, &end);
  stack[0] = 0, stack[1] = begin;
  w->state[0] = 2;
  w->depth[0] = 0;
  while (top) {
    uint32_t *frame = &stack[2 * (top - 1)];
    const uint32_t pos = frame[0];
    children_of(index, pos, &begin, &end);
    if (frame[1] == end) {
      w->state[pos] = 3;
      top--;
      if (top && w->depth[pos] + 1 > w->depth[stack[2 * (top - 1)]]) w->depth[stack[2 * (top - 1)]] = w->depth[pos] + 1;
      continue;
    }
    const uint32_t child = index->bucket_units[frame[1]++];
    if (w->state[child] == 2) return tern_sentencepiece_fail(err, err_size, "sentencepiece: charsmap trie has a cycle through unit %u", child);
    if (w->state[child] == 3) {
      if (w->depth[child] + 1 > w->depth[pos]) w->depth[pos] = w->depth[child] + 1;
    } else {
      w->state[child] = 2;
      w->depth[child] = 0;
      children_of(index, child, &begin, &end);
      stack[2 * top] = child, stack[2 * top + 1] = begin;
      top++;
    }
  }
  m->max_key_bytes = w->depth[0];
  return TERN_OK;
}

static tern_status check(const tern_allocator *allocator, tern_charsmap *m, char *err, size_t err_size) {
  child_index index = {m->units, m->unit_count, (m->unit_count + 255u) & ~255u, NULL, NULL};
  check_memory w;
  void *block = allocate_check_memory(allocator, m->unit_count, index.base_count, m->replacements_size, &w);
  if (block == NULL) return out_of_memory(err, err_size);
  index.bucket_start = w.bucket_start;
  index.bucket_units = w.bucket_units;
  index_children(&index);
  memset(w.state, 0, m->unit_count);
  /* The blob ends with a NUL (checked), so every offset's string ends inside it. */
  w.escaped[m->replacements_size - 1] = 0;
  for (uint32_t i = m->replacements_size - 1; i-- > 0;) {
    const char c = m->replacements[i];
    w.escaped[i] = c == '\0' ? 0 : w.escaped[i + 1] + (c == ' ' ? 3 : 1);
  }
  tern_status status = check_leaves(m, &index, &w, err, err_size);
  if (status == TERN_OK) status = check_cycles(m, &index, &w, err, err_size);
  tern_deallocate(allocator, block);
  return status;
}

static int host_is_little_endian(void) {
  const uint32_t one = 1;
  uint8_t first;
  memcpy(&first, &one, 1);
  return first == 1;
}

tern_status tern_charsmap_load(const tern_allocator *allocator, const uint8_t *blob, uint32_t size,
                               tern_charsmap *out, char *err, size_t err_size) {
  memset(out, 0, sizeof *out);
  if (size == 0) return TERN_OK;
  if (size <= 4) return tern_sentencepiece_fail(err, err_size, "sentencepiece: charsmap of %u bytes is too short", size);
  const uint32_t trie_size = (uint32_t)blob[0] | (uint32_t)blob[1] << 8 | (uint32_t)blob[2] << 16 | (uint32_t)blob[3] << 24;
  if (trie_size >= size - 4 || trie_size < 4)
    return tern_sentencepiece_fail(err, err_size, "sentencepiece: charsmap trie size %u does not fit the %u-byte blob", trie_size, size);
  tern_charsmap m;
  memset(&m, 0, sizeof m);
  m.unit_count = trie_size / 4;
  m.replacements = (const char *)blob + 4 + trie_size;
  m.replacements_size = size - 4 - trie_size;
  if (m.replacements[m.replacements_size - 1] != '\0')
    return tern_sentencepiece_fail(err, err_size, "sentencepiece: charsmap replacement blob is not NUL-terminated");
  if (m.replacements_size > MAX_REPLACEMENT_BYTES)
    return tern_sentencepiece_fail(err, err_size, "sentencepiece: charsmap replacement blob of %u bytes is too large", m.replacements_size);
  if (host_is_little_endian() && (uintptr_t)(blob + 4) % _Alignof(uint32_t) == 0) {
    m.units = (const uint32_t *)(const void *)(blob + 4);
  } else {
    m.units_copy = tern_allocate_array(allocator, m.unit_count, sizeof(uint32_t));
    if (m.units_copy == NULL) return out_of_memory(err, err_size);
    for (uint32_t i = 0; i < m.unit_count; i++) {
      const uint8_t *u = blob + 4 + 4 * (size_t)i;
      m.units_copy[i] = (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
    }
    m.units = m.units_copy;
  }
  const tern_status status = check(allocator, &m, err, err_size);
  if (status != TERN_OK) {
    tern_charsmap_free(allocator, &m);
    return status;
  }
  *out = m;
  return TERN_OK;
}

void tern_charsmap_free(const tern_allocator *allocator, tern_charsmap *charsmap) {
  tern_deallocate(allocator, charsmap->units_copy);
  memset(charsmap, 0, sizeof *charsmap);
}
