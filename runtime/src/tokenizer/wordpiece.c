/* wordpiece.c — BertTokenizerFast-exact WordPiece (see wordpiece.h for the pipeline). */
#include "tokenizer/wordpiece.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "tokenizer/unicode_tables.h"
#include "tokenizer/utf8.h"

#define NO_NODE UINT32_MAX
#define MAX_SPECIALS 5

/* Vocabulary trie in breadth-first order: a node's children are contiguous in the edge arrays, sorted
 * by byte, so a lookup is a short scan (or a binary search on wide nodes). */
typedef struct trie_node {
  uint32_t first_edge;
  uint32_t edge_count;
  int32_t token_id;  /* -1: no piece ends here */
} trie_node;

/* What an ASCII byte becomes after normalization, precomputed so plain text skips the tables. */
enum { ASCII_WORD = 0, ASCII_DROP = 1, ASCII_SPLIT = 2, ASCII_PUNCT = 3 };

struct tern_wordpiece {
  const tern_allocator *allocator;   /* the model's; outlives the tokenizer */
  trie_node *nodes;
  uint8_t *edge_bytes;
  uint32_t *edge_targets;
  uint32_t root, continuation_root;  /* continuation_root: after the "##" prefix, NO_NODE if absent */
  int32_t unk_id;
  uint32_t max_chars_per_word;
  int lowercase, strip_accents, tokenize_chinese_chars, clean_text;
  uint8_t ascii_class[128];
  uint8_t ascii_byte[128];
  uint32_t special_count;
  tern_str specials[MAX_SPECIALS];
  int32_t special_ids[MAX_SPECIALS];
};

typedef struct piece_ref {
  const uint8_t *bytes;
  uint32_t length;
  int32_t id;
} piece_ref;

static int compare_pieces(const void *a, const void *b) {
  const piece_ref *x = a, *y = b;
  uint32_t n = x->length < y->length ? x->length : y->length;
  int c = memcmp(x->bytes, y->bytes, n);
  if (c) return c;
  if (x->length != y->length) return x->length < y->length ? -1 : 1;
  return x->id < y->id ? -1 : (x->id > y->id);
}

static uint32_t trie_child(const tern_wordpiece *wp, uint32_t node, uint8_t byte) {
  const trie_node *n = &wp->nodes[node];
  const uint8_t *labels = wp->edge_bytes + n->first_edge;
  uint32_t lo = 0, hi = n->edge_count;
  while (hi - lo > 8) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (labels[mid] <= byte) lo = mid;
    else hi = mid;
  }
  for (uint32_t i = lo; i < hi; i++) {
    if (labels[i] == byte) return wp->edge_targets[n->first_edge + i];
    if (labels[i] > byte) break;
  }
  return NO_NODE;
}

/* Builds the trie from pieces sorted by bytes: a queue of (range of pieces sharing a prefix of length
 * depth, node) processed breadth first, so no recursion however long a piece is. */
static tern_status build_trie(tern_wordpiece *wp, piece_ref *pieces, uint32_t count, char *err, size_t err_size) {
  size_t total_bytes = 0;
  for (uint32_t i = 0; i < count; i++) total_bytes += pieces[i].length;
  if (total_bytes >= UINT32_MAX - 2) {
    snprintf(err, err_size, "wordpiece: vocabulary too large (%zu bytes)", total_bytes);
    return TERN_ERR_BAD_TOKENIZER;
  }
  size_t max_nodes = total_bytes + 1;
  typedef struct range { uint32_t lo, hi, depth; } range;
  range *queue = tern_allocate_array(wp->allocator, max_nodes, sizeof *queue);
  wp->nodes = tern_allocate_array(wp->allocator, max_nodes, sizeof *wp->nodes);
  wp->edge_bytes = tern_allocate_array(wp->allocator, max_nodes, 1);
  wp->edge_targets = tern_allocate_array(wp->allocator, max_nodes, sizeof *wp->edge_targets);
  if (!queue || !wp->nodes || !wp->edge_bytes || !wp->edge_targets) {
    tern_deallocate(wp->allocator, queue);
    snprintf(err, err_size, "wordpiece: out of memory building the vocabulary trie");
    return TERN_ERR_OUT_OF_MEMORY;
  }
  uint32_t node_count = 1, edge_count = 0;
  queue[0] = (range){0, count, 0};
  for (uint32_t node = 0; node < node_count; node++) {
    range r = queue[node];
    trie_node *n = &wp->nodes[node];
    n->token_id = -1;
    /* Pieces that end exactly here come first in sorted order; the last duplicate wins (as a map would). */
    while (r.lo < r.hi && pieces[r.lo].length == r.depth) n->token_id = pieces[r.lo++].id;
    n->first_edge = edge_count;
    n->edge_count = 0;
    while (r.lo < r.hi) {
      uint8_t byte = pieces[r.lo].bytes[r.depth];
      uint32_t end = r.lo + 1;
      while (end < r.hi && pieces[end].bytes[r.depth] == byte) end++;
      wp->edge_bytes[edge_count] = byte;
      wp->edge_targets[edge_count] = node_count;
      edge_count++;
      n->edge_count++;
      queue[node_count++] = (range){r.lo, end, r.depth + 1};
      r.lo = end;
    }
  }
  tern_deallocate(wp->allocator, queue);
  wp->root = 0;
  return TERN_OK;
}

static void fill_ascii_tables(tern_wordpiece *wp) {
  for (uint32_t c = 0; c < 128; c++) {
    uint8_t flags = tern_unicode_lookup(c)->flags;
    uint8_t cls = ASCII_WORD;
    if (wp->clean_text && (flags & TERN_UC_CLEAN_DROP)) cls = ASCII_DROP;
    else if ((flags & TERN_UC_SPLIT_SPACE) || (wp->clean_text && (flags & TERN_UC_CLEAN_SPACE))) cls = ASCII_SPLIT;
    else if (flags & TERN_UC_PUNCT) cls = ASCII_PUNCT;
    wp->ascii_class[c] = cls;
    wp->ascii_byte[c] = (uint8_t)(wp->lowercase && c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
}

tern_status tern_wordpiece_create(const tern_tokenizer_spec *spec, tern_wordpiece **out, char *err, size_t err_size) {
  char ignored[1];
  if (!err || !err_size) {
    err = ignored;
    err_size = sizeof ignored;
  }
  if (out) *out = NULL;
  if (!spec || !out) {
    snprintf(err, err_size, "wordpiece: NULL argument");
    return TERN_ERR_INVALID_ARGUMENT;
  }
  if (spec->vocab_size == 0 || !spec->pieces) {
    snprintf(err, err_size, "wordpiece: empty vocabulary");
    return TERN_ERR_BAD_TOKENIZER;
  }
  if (spec->unk_id < 0 || (uint32_t)spec->unk_id >= spec->vocab_size) {
    snprintf(err, err_size, "wordpiece: unk_id %d not in the vocabulary (size %u)", spec->unk_id, spec->vocab_size);
    return TERN_ERR_BAD_TOKENIZER;
  }
  if (spec->continuing_subword_prefix.len && !spec->continuing_subword_prefix.ptr) {
    snprintf(err, err_size, "wordpiece: continuing_subword_prefix has a length but no bytes");
    return TERN_ERR_BAD_TOKENIZER;
  }
  const tern_allocator *allocator = spec->allocator != NULL ? spec->allocator : &tern_libc_allocator;
  tern_wordpiece *wp = tern_allocate_zeroed(allocator, 1, sizeof *wp);
  piece_ref *pieces = tern_allocate_array(allocator, spec->vocab_size, sizeof *pieces);
  if (wp) wp->allocator = allocator;
  if (!wp || !pieces) {
    tern_deallocate(allocator, wp);
    tern_deallocate(allocator, pieces);
    snprintf(err, err_size, "wordpiece: out of memory");
    return TERN_ERR_OUT_OF_MEMORY;
  }
  for (uint32_t i = 0; i < spec->vocab_size; i++) {
    if (!spec->pieces[i].ptr && spec->pieces[i].len) {
      tern_deallocate(allocator, pieces);
      tern_wordpiece_free(wp);
      snprintf(err, err_size, "wordpiece: piece %u has a length but no bytes", i);
      return TERN_ERR_BAD_TOKENIZER;
    }
    pieces[i] = (piece_ref){(const uint8_t *)spec->pieces[i].ptr, spec->pieces[i].len, (int32_t)i};
  }
  qsort(pieces, spec->vocab_size, sizeof *pieces, compare_pieces);
  tern_status status = build_trie(wp, pieces, spec->vocab_size, err, err_size);
  tern_deallocate(allocator, pieces);
  if (status != TERN_OK) {
    tern_wordpiece_free(wp);
    return status;
  }
  wp->continuation_root = wp->root;
  for (uint32_t i = 0; i < spec->continuing_subword_prefix.len && wp->continuation_root != NO_NODE; i++)
    wp->continuation_root =
        trie_child(wp, wp->continuation_root, (uint8_t)spec->continuing_subword_prefix.ptr[i]);
  wp->unk_id = spec->unk_id;
  wp->max_chars_per_word = spec->max_input_chars_per_word;
  wp->lowercase = spec->lowercase != 0;
  wp->strip_accents = spec->strip_accents != 0;
  wp->tokenize_chinese_chars = spec->tokenize_chinese_chars != 0;
  wp->clean_text = spec->clean_text != 0;
  fill_ascii_tables(wp);
  /* The special tokens are the "added tokens" of tokenizer.json: matched verbatim in the raw text. */
  const int32_t special_ids[MAX_SPECIALS] = {spec->unk_id, spec->cls_id, spec->sep_id, spec->pad_id, spec->mask_id};
  for (int i = 0; i < MAX_SPECIALS; i++) {
    int32_t id = special_ids[i];
    if (id < 0 || (uint32_t)id >= spec->vocab_size || spec->pieces[id].len == 0) continue;
    int duplicate = 0;
    for (uint32_t j = 0; j < wp->special_count; j++) duplicate |= wp->special_ids[j] == id;
    if (duplicate) continue;
    wp->specials[wp->special_count] = spec->pieces[id];
    wp->special_ids[wp->special_count++] = id;
  }
  *out = wp;
  return TERN_OK;
}

void tern_wordpiece_free(tern_wordpiece *wp) {
  if (!wp) return;
  const tern_allocator *allocator = wp->allocator;
  tern_deallocate(allocator, wp->nodes);
  tern_deallocate(allocator, wp->edge_bytes);
  tern_deallocate(allocator, wp->edge_targets);
  tern_deallocate(allocator, wp);
}

/* The word buffer holds at most max_chars_per_word + 1 characters: one more tells "too long" (-> [UNK])
 * and the rest of such a word is only counted. */
size_t tern_wordpiece_scratch_size(const tern_wordpiece *wp, size_t max_text_bytes) {
  (void)max_text_bytes;
  if (!wp) return 0;
  return ((size_t)wp->max_chars_per_word + 1) * 4 + 16;
}

typedef struct encoder {
  const tern_wordpiece *wp;
  uint8_t *word;
  size_t word_capacity;  /* bytes */
  size_t word_bytes;
  size_t word_chars;
  int word_overflow;
  int32_t *ids;
  size_t cap;
  size_t count;
} encoder;

static inline void emit(encoder *e, int32_t id) {
  if (e->count < e->cap) e->ids[e->count] = id;
  e->count++;
}

/* Greedy longest-match-first over the buffered word, as HF WordPiece::tokenize. */
static void flush_word(encoder *e) {
  if (e->word_chars == 0) return;
  const tern_wordpiece *wp = e->wp;
  const size_t length = e->word_bytes;
  const int too_long = e->word_overflow || e->word_chars > wp->max_chars_per_word;
  e->word_bytes = e->word_chars = 0;
  e->word_overflow = 0;
  if (too_long) {
    emit(e, wp->unk_id);
    return;
  }
  const size_t first = e->count;
  size_t start = 0;
  while (start < length) {
    uint32_t node = start == 0 ? wp->root : wp->continuation_root;
    size_t best_end = 0;
    int32_t best_id = -1;
    for (size_t i = start; i < length && node != NO_NODE; i++) {
      node = trie_child(wp, node, e->word[i]);
      if (node != NO_NODE && wp->nodes[node].token_id >= 0) {
        best_end = i + 1;
        best_id = wp->nodes[node].token_id;
      }
    }
    if (best_id < 0) {
      e->count = first;  /* the whole word becomes [UNK] */
      emit(e, wp->unk_id);
      return;
    }
    emit(e, best_id);
    start = best_end;
  }
}

static inline void append_char(encoder *e, uint32_t cp) {
  if (e->word_chars > e->wp->max_chars_per_word) {
    e->word_overflow = 1;  /* already too long: count nothing more, it is [UNK] anyway */
    return;
  }
  e->word_bytes += tern_utf8_encode(cp, e->word + e->word_bytes);
  e->word_chars++;
}

/* One normalized character into the pre-tokenizer: split on whitespace, isolate punctuation. */
static inline void pretokenize_char(encoder *e, uint32_t cp, uint8_t flags) {
  if (flags & TERN_UC_SPLIT_SPACE) {
    flush_word(e);
  } else if (flags & TERN_UC_PUNCT) {
    flush_word(e);
    append_char(e, cp);
    flush_word(e);
  } else {
    append_char(e, cp);
  }
}

static void lowercase_char(encoder *e, uint32_t cp, const tern_unicode_record *rec) {
  if (e->wp->lowercase && rec->lower_length) {
    for (uint32_t i = 0; i < rec->lower_length; i++) {
      uint32_t lower = tern_unicode_pool[rec->lower_offset + i];
      pretokenize_char(e, lower, tern_unicode_lookup(lower)->flags);
    }
  } else {
    pretokenize_char(e, cp, rec->flags);
  }
}

/* strip_accents: NFD, drop marks; then lowercase. */
static void strip_and_lower_char(encoder *e, uint32_t cp, const tern_unicode_record *rec) {
  if (!e->wp->strip_accents) {
    lowercase_char(e, cp, rec);
    return;
  }
  uint32_t hangul[3];
  unsigned n_hangul = rec->nfd_length ? 0 : tern_unicode_hangul_nfd(cp, hangul);
  if (!rec->nfd_length && !n_hangul) {
    if (!(rec->flags & TERN_UC_MARK)) lowercase_char(e, cp, rec);
    return;
  }
  const uint32_t *parts = n_hangul ? hangul : tern_unicode_pool + rec->nfd_offset;
  unsigned count = n_hangul ? n_hangul : rec->nfd_length;
  for (unsigned i = 0; i < count; i++) {
    const tern_unicode_record *part = tern_unicode_lookup(parts[i]);
    if (!(part->flags & TERN_UC_MARK)) lowercase_char(e, parts[i], part);
  }
}

/* Length of the special token starting at text[pos] (the longest if several), 0 if none. */
static size_t match_special(const tern_wordpiece *wp, const uint8_t *text, size_t len, size_t pos, int32_t *id) {
  size_t best = 0;
  for (uint32_t i = 0; i < wp->special_count; i++) {
    const tern_str s = wp->specials[i];
    if (s.len > best && s.len <= len - pos && memcmp(text + pos, s.ptr, s.len) == 0) {
      best = s.len;
      *id = wp->special_ids[i];
    }
  }
  return best;
}

tern_status tern_wordpiece_encode(const tern_wordpiece *wp, const char *text, size_t text_len, void *scratch,
                                  size_t scratch_size, int32_t *ids, size_t cap, size_t *n_total) {
  if (n_total) *n_total = 0;
  if (!wp || !n_total || (!text && text_len) || (!ids && cap)) return TERN_ERR_INVALID_ARGUMENT;
  if (text_len == 0) return TERN_OK;
  if (!scratch || scratch_size < tern_wordpiece_scratch_size(wp, text_len)) return TERN_ERR_TOO_LONG;
  encoder e = {wp, scratch, scratch_size, 0, 0, 0, ids, cap, 0};
  const uint8_t *bytes = (const uint8_t *)text;
  /* Added tokens all start with one of these bytes (usually '['): a cheap pre-check per position. */
  uint8_t special_first[256] = {0};
  for (uint32_t i = 0; i < wp->special_count; i++) special_first[(uint8_t)wp->specials[i].ptr[0]] = 1;
  size_t pos = 0;
  while (pos < text_len) {
    uint8_t b = bytes[pos];
    if (special_first[b]) {
      int32_t id;
      size_t matched = match_special(wp, bytes, text_len, pos, &id);
      if (matched) {
        flush_word(&e);
        emit(&e, id);
        pos += matched;
        continue;
      }
    }
    if (b < 0x80) {
      pos++;
      switch (wp->ascii_class[b]) {
        case ASCII_WORD:
          if (e.word_chars <= wp->max_chars_per_word) {
            e.word[e.word_bytes++] = wp->ascii_byte[b];
            e.word_chars++;
          } else {
            e.word_overflow = 1;
          }
          break;
        case ASCII_SPLIT:
          flush_word(&e);
          break;
        case ASCII_PUNCT:
          flush_word(&e);
          append_char(&e, b);
          flush_word(&e);
          break;
        default:
          break; /* dropped by clean_text */
      }
      continue;
    }
    uint32_t cp = tern_utf8_decode(bytes, text_len, &pos);
    const tern_unicode_record *rec = tern_unicode_lookup(cp);
    if (wp->clean_text) {
      if (rec->flags & TERN_UC_CLEAN_DROP) continue;
      if (rec->flags & TERN_UC_CLEAN_SPACE) {
        flush_word(&e);  /* becomes ' ', which splits */
        continue;
      }
    }
    if (wp->tokenize_chinese_chars && (rec->flags & TERN_UC_CJK)) {
      flush_word(&e);
      strip_and_lower_char(&e, cp, rec);
      flush_word(&e);
      continue;
    }
    strip_and_lower_char(&e, cp, rec);
  }
  flush_word(&e);
  *n_total = e.count;
  return TERN_OK;
}
