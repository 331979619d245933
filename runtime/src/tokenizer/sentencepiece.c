/* sentencepiece.c — SentencePiece-unigram tokenization (see sentencepiece.h for the semantics). */
#include "tokenizer/sentencepiece.h"

#include <float.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokenizer/sentencepiece_albert.h"
#include "tokenizer/utf8.h"

/* sentencepiece's ModelProto::SentencePiece::Type numbering. */
enum { SP_NORMAL = 1, SP_UNKNOWN = 2, SP_CONTROL = 3, SP_USER_DEFINED = 4, SP_UNUSED = 5, SP_BYTE = 6 };

static const uint8_t SPACE_SYMBOL[3] = {0xE2, 0x96, 0x81}; /* U+2581, sentencepiece's kSpaceSymbol */
#define SP_UNK_PENALTY 10.0f                                /* unigram kUnkPenalty */

/* A byte trie over pieces: root children in a dense table, deeper edges in an open-addressing hash
 * keyed by (node << 8 | byte). */
typedef struct sp_trie {
  uint32_t root[256];       /* 0 = no child */
  uint32_t *edge_keys;      /* UINT32_MAX = empty slot */
  uint32_t *edge_children;
  uint32_t edge_mask;
  int32_t *node_value;      /* piece id ending at this node, or -1 */
  uint32_t node_count;
} sp_trie;

struct tern_sp_model {
  uint32_t vocab_size;
  const float *scores;
  uint8_t *types;           /* copy: validated 1..6 */
  int32_t unk_id;
  float min_score;          /* over NORMAL pieces: <unk> scores min_score - 10 */
  sp_trie pieces;           /* NORMAL, USER_DEFINED, UNUSED: what unigram's Viterbi trie holds */
  sp_trie user_defined;     /* the normalizer's prefix matcher (node_count 0 when there are none) */
  int32_t byte_ids[256];
  /* precompiled charsmap: Darts-clone double array + NUL-terminated replacement strings */
  uint32_t *darts;
  uint32_t darts_units;
  const char *replacements;
  uint32_t replacements_size;
  size_t normalize_max_ratio; /* normalized bytes per input byte, worst case */
  int add_dummy_prefix, remove_extra_whitespaces, escape_whitespaces, treat_whitespace_as_suffix, byte_fallback;
  int albert;
  tern_albert_options albert_options;
  /* ALBERT path only: the special tokens (unk, cls, sep, pad, mask pieces) matched verbatim in the raw text. */
  tern_str specials[5];
  int32_t special_ids[5];
  uint32_t special_count;
};

static tern_status fail(char *err, size_t err_size, const char *fmt, ...) {
  if (err && err_size) {
    va_list args;
    va_start(args, fmt);
    vsnprintf(err, err_size, fmt, args);
    va_end(args);
  }
  return TERN_ERR_BAD_TOKENIZER;
}

/* ---- piece trie ---------------------------------------------------------------------------------- */

static uint32_t hash_key(uint32_t key, uint32_t mask) { return (key * 0x9E3779B1u >> 7) & mask; }

static uint32_t trie_child(const sp_trie *t, uint32_t node, uint8_t byte) {
  if (node == 0) return t->root[byte];
  uint32_t key = node << 8 | byte;
  for (uint32_t slot = hash_key(key, t->edge_mask);; slot = (slot + 1) & t->edge_mask) {
    uint32_t k = t->edge_keys[slot];
    if (k == key) return t->edge_children[slot];
    if (k == UINT32_MAX) return 0;
  }
}

static void trie_free(sp_trie *t) {
  free(t->edge_keys);
  free(t->edge_children);
  free(t->node_value);
  memset(t, 0, sizeof *t);
}

/* Builds a trie over the pieces whose type bit is set in type_mask. total_bytes bounds the node count. */
static tern_status trie_build(sp_trie *t, const tern_tokenizer_spec *spec, unsigned type_mask, size_t total_bytes,
                              char *err, size_t err_size) {
  memset(t, 0, sizeof *t);
  if (total_bytes >= (1u << 23)) return fail(err, err_size, "sentencepiece: pieces too long in total (%zu bytes)", total_bytes);
  uint32_t max_nodes = (uint32_t)total_bytes + 1;
  uint32_t slots = 16;
  while (slots < 2 * max_nodes) slots <<= 1;
  t->edge_keys = malloc(sizeof(uint32_t) * slots);
  t->edge_children = malloc(sizeof(uint32_t) * slots);
  t->node_value = malloc(sizeof(int32_t) * max_nodes);
  if (!t->edge_keys || !t->edge_children || !t->node_value) {
    trie_free(t);
    if (err && err_size) snprintf(err, err_size, "sentencepiece: out of memory");
    return TERN_ERR_OUT_OF_MEMORY;
  }
  memset(t->edge_keys, 0xFF, sizeof(uint32_t) * slots);
  t->edge_mask = slots - 1;
  t->node_value[0] = -1;
  t->node_count = 1;
  for (uint32_t id = 0; id < spec->vocab_size; id++) {
    if (!(type_mask & (1u << spec->piece_types[id]))) continue;
    const uint8_t *piece = (const uint8_t *)spec->pieces[id].ptr;
    uint32_t node = 0;
    for (uint32_t i = 0; i < spec->pieces[id].len; i++) {
      uint32_t child = trie_child(t, node, piece[i]);
      if (!child) {
        child = t->node_count++;
        t->node_value[child] = -1;
        if (node == 0) {
          t->root[piece[i]] = child;
        } else {
          uint32_t key = node << 8 | piece[i];
          uint32_t slot = hash_key(key, t->edge_mask);
          while (t->edge_keys[slot] != UINT32_MAX) slot = (slot + 1) & t->edge_mask;
          t->edge_keys[slot] = key;
          t->edge_children[slot] = child;
        }
      }
      node = child;
    }
    if (t->node_value[node] >= 0) {
      tern_status s = fail(err, err_size, "sentencepiece: piece %u \"%.*s\" duplicates piece %d", id,
                           (int)spec->pieces[id].len, spec->pieces[id].ptr, t->node_value[node]);
      trie_free(t);
      return s;
    }
    t->node_value[node] = (int32_t)id;
  }
  return TERN_OK;
}

/* ---- precompiled charsmap ------------------------------------------------------------------------ */
/* Darts-clone unit layout (darts.h, DoubleArrayUnit). A value unit has bit 31 set, so its label never
 * equals a byte and traversal cannot enter it. */
static uint32_t darts_has_leaf(uint32_t unit) { return (unit >> 8) & 1; }
static uint32_t darts_value(uint32_t unit) { return unit & 0x7FFFFFFFu; }
static uint32_t darts_label(uint32_t unit) { return unit & (0x80000000u | 0xFFu); }
static uint32_t darts_offset(uint32_t unit) { return (unit >> 10) << ((unit & (1u << 9)) >> 6); }

static size_t escaped_length(const char *s, size_t len) {
  size_t n = len;
  for (size_t i = 0; i < len; i++) n += s[i] == ' ' ? 2 : 0;
  return n;
}

/* Checks every node reachable from the root: each child and leaf index inside the array, each value
 * inside the replacement blob. Also finds the largest growth (escaped replacement bytes per key byte).
 * A visited bitmap bounds the work on hostile arrays with cycles. */
static tern_status charsmap_validate(tern_sp_model *m, char *err, size_t err_size) {
  uint32_t n = m->darts_units;
  uint8_t *visited = calloc((n + 7) / 8, 1);
  uint32_t *stack = malloc(sizeof(uint32_t) * 2 * (size_t)n);
  if (!visited || !stack) {
    free(visited);
    free(stack);
    if (err && err_size) snprintf(err, err_size, "sentencepiece: out of memory");
    return TERN_ERR_OUT_OF_MEMORY;
  }
  tern_status status = TERN_OK;
  size_t top = 0, max_ratio = 3;
  stack[top++] = 0; /* (position, depth) */
  stack[top++] = 0;
  visited[0] = 1;
  while (top && status == TERN_OK) {
    uint32_t depth = stack[--top], pos = stack[--top];
    uint32_t base = pos ^ darts_offset(m->darts[pos]);
    for (uint32_t c = 1; c < 256; c++) {
      uint32_t child = base ^ c;
      if (child >= n || darts_label(m->darts[child]) != c) continue;
      if (visited[child / 8] & (1u << (child % 8))) continue;
      visited[child / 8] |= (uint8_t)(1u << (child % 8));
      uint32_t unit = m->darts[child];
      if (darts_has_leaf(unit)) {
        uint32_t leaf = child ^ darts_offset(unit);
        if (leaf >= n) {
          status = fail(err, err_size, "sentencepiece: charsmap leaf index %u out of range (%u units)", leaf, n);
          break;
        }
        uint32_t value = darts_value(m->darts[leaf]);
        if (value >= m->replacements_size) {
          status = fail(err, err_size, "sentencepiece: charsmap value %u outside the %u-byte replacement blob",
                        value, m->replacements_size);
          break;
        }
        const char *s = m->replacements + value;
        size_t ratio = (escaped_length(s, strlen(s)) + depth) / (depth + 1);
        if (ratio > max_ratio) max_ratio = ratio;
      }
      stack[top++] = child;
      stack[top++] = depth + 1;
    }
  }
  free(visited);
  free(stack);
  m->normalize_max_ratio = max_ratio;
  return status;
}

static tern_status charsmap_load(tern_sp_model *m, const uint8_t *blob, uint32_t size, char *err, size_t err_size) {
  m->normalize_max_ratio = 3; /* ' ' -> U+2581, one invalid byte -> U+FFFD */
  if (size == 0) return TERN_OK;
  if (size <= 4) return fail(err, err_size, "sentencepiece: charsmap of %u bytes is too short", size);
  uint32_t trie_size = (uint32_t)blob[0] | (uint32_t)blob[1] << 8 | (uint32_t)blob[2] << 16 | (uint32_t)blob[3] << 24;
  if (trie_size >= size - 4 || trie_size < 4)
    return fail(err, err_size, "sentencepiece: charsmap trie size %u does not fit the %u-byte blob", trie_size, size);
  m->darts_units = trie_size / 4;
  m->darts = malloc(sizeof(uint32_t) * m->darts_units);
  if (!m->darts) {
    if (err && err_size) snprintf(err, err_size, "sentencepiece: out of memory");
    return TERN_ERR_OUT_OF_MEMORY;
  }
  for (uint32_t i = 0; i < m->darts_units; i++) {
    const uint8_t *u = blob + 4 + 4 * (size_t)i;
    m->darts[i] = (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
  }
  m->replacements = (const char *)blob + 4 + trie_size;
  m->replacements_size = size - 4 - trie_size;
  if (m->replacements[m->replacements_size - 1] != '\0')
    return fail(err, err_size, "sentencepiece: charsmap replacement blob is not NUL-terminated");
  return charsmap_validate(m, err, err_size);
}

/* Longest charsmap rule that is a prefix of text (Darts commonPrefixSearch). Returns the key length, 0
 * for none; *value receives the replacement offset. Every index is bounds-checked. */
static size_t charsmap_longest(const tern_sp_model *m, const uint8_t *text, size_t len, uint32_t *value) {
  if (!m->darts) return 0;
  uint32_t n = m->darts_units, pos = darts_offset(m->darts[0]);
  size_t longest = 0;
  for (size_t i = 0; i < len; i++) {
    pos ^= text[i];
    if (pos >= n) break;
    uint32_t unit = m->darts[pos];
    if (darts_label(unit) != text[i]) break;
    pos ^= darts_offset(unit);
    if (darts_has_leaf(unit)) {
      if (pos >= n) break;
      uint32_t v = darts_value(m->darts[pos]);
      if (v >= m->replacements_size) break;
      longest = i + 1;
      *value = v;
    }
  }
  return longest;
}

/* ---- create / free ------------------------------------------------------------------------------- */

void tern_sp_free(tern_sp_model *model) {
  if (!model) return;
  trie_free(&model->pieces);
  trie_free(&model->user_defined);
  free(model->darts);
  free(model->types);
  free(model);
}

static int parse_byte_piece(const tern_str *piece) {
  static const char hex[] = "0123456789ABCDEF";
  if (piece->len != 6 || memcmp(piece->ptr, "<0x", 3) != 0 || piece->ptr[5] != '>') return -1;
  const char *hi = memchr(hex, piece->ptr[3], 16), *lo = memchr(hex, piece->ptr[4], 16);
  if (!hi || !lo || !piece->ptr[3] || !piece->ptr[4]) return -1;
  return (int)((hi - hex) * 16 + (lo - hex));
}

tern_status tern_sp_create(const tern_tokenizer_spec *spec, tern_sp_model **out, char *err, size_t err_size) {
  if (out) *out = NULL;
  if (!spec || !out) {
    if (err && err_size) snprintf(err, err_size, "tern_sp_create: NULL argument");
    return TERN_ERR_INVALID_ARGUMENT;
  }
  if (spec->vocab_size == 0 || !spec->pieces || !spec->scores || !spec->piece_types)
    return fail(err, err_size, "sentencepiece: vocabulary, scores or piece types missing");
  if (spec->precompiled_charsmap_size && !spec->precompiled_charsmap)
    return fail(err, err_size, "sentencepiece: charsmap size %u without data", spec->precompiled_charsmap_size);
  tern_sp_model *m = calloc(1, sizeof *m);
  if (!m) {
    if (err && err_size) snprintf(err, err_size, "sentencepiece: out of memory");
    return TERN_ERR_OUT_OF_MEMORY;
  }
  m->vocab_size = spec->vocab_size;
  m->scores = spec->scores;
  m->unk_id = -1;
  m->min_score = FLT_MAX;
  m->types = malloc(spec->vocab_size);
  tern_status status = TERN_OK;
  if (!m->types) {
    tern_sp_free(m);
    if (err && err_size) snprintf(err, err_size, "sentencepiece: out of memory");
    return TERN_ERR_OUT_OF_MEMORY;
  }
  size_t trie_bytes = 0, user_bytes = 0;
  for (uint32_t id = 0; id < spec->vocab_size && status == TERN_OK; id++) {
    uint8_t type = spec->piece_types[id];
    m->types[id] = type;
    if (type < SP_NORMAL || type > SP_BYTE) {
      status = fail(err, err_size, "sentencepiece: piece %u has type %u (expected 1..6)", id, type);
    } else if (!spec->pieces[id].ptr || spec->pieces[id].len == 0) {
      status = fail(err, err_size, "sentencepiece: piece %u is empty", id);
    } else if (type == SP_UNKNOWN) {
      if (m->unk_id >= 0) status = fail(err, err_size, "sentencepiece: pieces %d and %u are both <unk>", m->unk_id, id);
      m->unk_id = (int32_t)id;
    } else if (type == SP_NORMAL) {
      float s = spec->scores[id];
      if (s != s) status = fail(err, err_size, "sentencepiece: piece %u has a NaN score", id);
      if (s < m->min_score) m->min_score = s;
    }
    if (type == SP_NORMAL || type == SP_USER_DEFINED || type == SP_UNUSED) trie_bytes += spec->pieces[id].len;
    if (type == SP_USER_DEFINED) user_bytes += spec->pieces[id].len;
  }
  if (status == TERN_OK && m->unk_id < 0) status = fail(err, err_size, "sentencepiece: no <unk> piece (type 2)");
  if (status == TERN_OK && trie_bytes == 0) status = fail(err, err_size, "sentencepiece: no normal pieces");
  if (status == TERN_OK)
    status = trie_build(&m->pieces, spec, 1u << SP_NORMAL | 1u << SP_USER_DEFINED | 1u << SP_UNUSED, trie_bytes, err,
                        err_size);
  if (status == TERN_OK && user_bytes)
    status = trie_build(&m->user_defined, spec, 1u << SP_USER_DEFINED, user_bytes, err, err_size);
  if (status == TERN_OK) {
    /* PieceToId("<0xXX>"): reserved (non-normal) pieces first, then the normal trie, else <unk>. */
    for (int b = 0; b < 256; b++) m->byte_ids[b] = -1;
    for (int pass = 0; pass < 2; pass++) {
      for (uint32_t id = 0; id < spec->vocab_size; id++) {
        uint8_t type = m->types[id];
        int reserved = !(type == SP_NORMAL || type == SP_USER_DEFINED || type == SP_UNUSED);
        int b = parse_byte_piece(&spec->pieces[id]);
        if (b >= 0 && reserved == (pass == 0) && m->byte_ids[b] < 0) m->byte_ids[b] = (int32_t)id;
      }
    }
    for (int b = 0; b < 256; b++)
      if (m->byte_ids[b] < 0) m->byte_ids[b] = m->unk_id;
    status = charsmap_load(m, spec->precompiled_charsmap, spec->precompiled_charsmap_size, err, err_size);
  }
  if (status != TERN_OK) {
    tern_sp_free(m);
    return status;
  }
  m->add_dummy_prefix = spec->add_dummy_prefix != 0;
  m->remove_extra_whitespaces = spec->remove_extra_whitespaces != 0;
  m->escape_whitespaces = spec->escape_whitespaces != 0;
  m->treat_whitespace_as_suffix = spec->treat_whitespace_as_suffix != 0;
  m->byte_fallback = spec->byte_fallback != 0;
  m->albert_options.remove_space = spec->remove_space != 0;
  m->albert_options.keep_accents = spec->keep_accents != 0;
  m->albert_options.do_lower_case = spec->do_lower_case != 0;
  m->albert = m->albert_options.remove_space || !m->albert_options.keep_accents || m->albert_options.do_lower_case;
  if (m->albert) {
    const int32_t special_ids[5] = {spec->unk_id, spec->cls_id, spec->sep_id, spec->pad_id, spec->mask_id};
    for (int i = 0; i < 5; i++) {
      int32_t id = special_ids[i];
      if (id < 0 || (uint32_t)id >= spec->vocab_size) continue;
      int duplicate = 0;
      for (uint32_t j = 0; j < m->special_count; j++) duplicate |= m->special_ids[j] == id;
      if (duplicate) continue;
      m->specials[m->special_count] = spec->pieces[id];
      m->special_ids[m->special_count++] = id;
    }
  }
  *out = m;
  return TERN_OK;
}

/* ---- encode -------------------------------------------------------------------------------------- */

/* Viterbi state per normalized byte position (unigram EncodeOptimized's BestPathNode). */
typedef struct sp_node {
  float score;
  int32_t starts_at;
  int32_t id;
} sp_node;

static size_t mul_or_max(size_t a, size_t b) { return (b && a > SIZE_MAX / b) ? SIZE_MAX : a * b; }
static size_t add_or_max(size_t a, size_t b) { return a > SIZE_MAX - b ? SIZE_MAX : a + b; }

size_t tern_sp_scratch_size(const tern_sp_model *m, size_t max_text_bytes) {
  if (!m) return 0;
  size_t text_bytes = mul_or_max(max_text_bytes, m->albert ? tern_albert_max_ratio(&m->albert_options) : 3);
  size_t work_bytes = m->albert && m->albert_options.do_lower_case ? text_bytes : 0;
  size_t normalized = add_or_max(mul_or_max(text_bytes, m->normalize_max_ratio), 3);
  size_t nodes = mul_or_max(add_or_max(normalized, 1), sizeof(sp_node));
  return add_or_max(add_or_max(add_or_max(text_bytes, work_bytes), normalized), add_or_max(nodes, 2 * _Alignof(sp_node)));
}

/* sentencepiece string_util::OneCharLen: the length the lead byte announces, not validated. */
static size_t one_char_len(uint8_t lead) {
  static const uint8_t table[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
  return table[lead >> 4];
}

/* Normalizer::NormalizePrefix: what the next input characters become and how many bytes they use. */
static size_t normalize_prefix(const tern_sp_model *m, const uint8_t *in, size_t len, const uint8_t **repl,
                               size_t *repl_len) {
  if (m->user_defined.node_count) {
    uint32_t node = 0;
    size_t longest = 0;
    for (size_t i = 0; i < len; i++) {
      node = trie_child(&m->user_defined, node, in[i]);
      if (!node) break;
      if (m->user_defined.node_value[node] >= 0) longest = i + 1;
    }
    if (longest) {
      *repl = in;
      *repl_len = longest;
      return longest;
    }
  }
  uint32_t value = 0;
  size_t key_len = charsmap_longest(m, in, len, &value);
  if (key_len) {
    *repl = (const uint8_t *)m->replacements + value;
    *repl_len = strlen(m->replacements + value);
    return key_len;
  }
  size_t pos = 0;
  uint32_t cp = tern_utf8_decode(in, len, &pos);
  if (cp == TERN_UTF8_REPLACEMENT && !(pos == 3 && in[0] == 0xEF && in[1] == 0xBF && in[2] == 0xBD)) {
    static const uint8_t replacement[3] = {0xEF, 0xBF, 0xBD}; /* malformed: U+FFFD for one byte */
    *repl = replacement;
    *repl_len = 3;
    return 1;
  }
  *repl = in;
  *repl_len = pos;
  return pos;
}

typedef struct out_buffer {
  uint8_t *data;
  size_t cap, len;
  int overflow;
} out_buffer;

static void out_append(out_buffer *o, const uint8_t *bytes, size_t n) {
  if (o->cap - o->len < n) {
    o->overflow = 1;
    return;
  }
  memcpy(o->data + o->len, bytes, n);
  o->len += n;
}

static int ends_with(const out_buffer *o, const uint8_t *s, size_t n) {
  return o->len >= n && memcmp(o->data + o->len - n, s, n) == 0;
}

/* Normalizer::Normalize without the norm_to_orig bookkeeping. */
static tern_status normalize(const tern_sp_model *m, const uint8_t *in, size_t len, out_buffer *o) {
  const uint8_t *repl;
  size_t repl_len;
  if (m->remove_extra_whitespaces) {
    while (len) {
      size_t used = normalize_prefix(m, in, len, &repl, &repl_len);
      if (!(repl_len == 1 && repl[0] == ' ')) break;
      in += used;
      len -= used;
    }
  }
  if (len == 0) return TERN_OK;
  const uint8_t *space = m->escape_whitespaces ? SPACE_SYMBOL : (const uint8_t *)" ";
  size_t space_len = m->escape_whitespaces ? 3 : 1;
  if (!m->treat_whitespace_as_suffix && m->add_dummy_prefix) out_append(o, space, space_len);
  int is_prev_space = m->remove_extra_whitespaces;
  while (len && !o->overflow) {
    size_t used = normalize_prefix(m, in, len, &repl, &repl_len);
    while (is_prev_space && repl_len && repl[0] == ' ') repl++, repl_len--;
    if (repl_len) {
      for (size_t i = 0; i < repl_len; i++) {
        if (m->escape_whitespaces && repl[i] == ' ') out_append(o, SPACE_SYMBOL, 3);
        else out_append(o, repl + i, 1);
      }
      is_prev_space = repl[repl_len - 1] == ' ';
    }
    in += used;
    len -= used;
    if (!m->remove_extra_whitespaces) is_prev_space = 0;
  }
  if (o->overflow) return TERN_ERR_TOO_LONG;
  if (m->remove_extra_whitespaces) {
    while (ends_with(o, space, space_len)) o->len -= space_len;
  }
  if (m->treat_whitespace_as_suffix && m->add_dummy_prefix) out_append(o, space, space_len);
  return o->overflow ? TERN_ERR_TOO_LONG : TERN_OK;
}

/* The score unigram's encoder gives a user-defined piece of `length` bytes. Measured on the sentencepiece
 * 0.2.3 wheel (the oracle), not taken from the source we could read: Encode scores such a piece
 * 0.1 * (bytes - 1) whatever the model's scores are (scaling or shifting every normal score leaves it
 * unchanged; a 4-byte, 2-character piece scores 0.3), in float like the normal pieces. The older
 * published source says length * max_score - 0.1 computed in double; that fails tie cases such as
 * "linux...." and "x:::" (tests/tokenizer/sentencepiece, issue note). */
static float user_defined_score(size_t length) { return (float)((double)length * 0.1 - 0.1); }

/* unigram Model::EncodeOptimized, forward pass, in float (score + best score so far), as the 0.2.3 wheel
 * behaves; the comparison is strict, so among equal candidates for an end position the one starting
 * earliest wins (and a piece beats <unk>). */
static void viterbi(const tern_sp_model *m, const uint8_t *text, size_t size, sp_node *nodes) {
  for (size_t i = 0; i <= size; i++) {
    nodes[i].score = 0.0f;
    nodes[i].starts_at = -1;
    nodes[i].id = -1;
  }
  const float unk_score = m->min_score - SP_UNK_PENALTY;
  const sp_trie *t = &m->pieces;
  size_t starts_at = 0;
  while (starts_at < size) {
    const float best_till_here = nodes[starts_at].score;
    int has_single_node = 0;
    size_t mblen = one_char_len(text[starts_at]);
    if (mblen > size - starts_at) mblen = size - starts_at;
    uint32_t node = 0;
    for (size_t key_pos = starts_at; key_pos < size;) {
      node = trie_child(t, node, text[key_pos]);
      key_pos++;
      if (!node) break;
      int32_t id = t->node_value[node];
      if (id < 0 || m->types[id] == SP_UNUSED) continue;
      sp_node *target = &nodes[key_pos];
      size_t length = key_pos - starts_at;
      float score = m->types[id] == SP_USER_DEFINED ? user_defined_score(length) : m->scores[id];
      float candidate = score + best_till_here;
      if (target->starts_at == -1 || candidate > target->score) {
        target->score = candidate;
        target->starts_at = (int32_t)starts_at;
        target->id = id;
      }
      if (length == mblen) has_single_node = 1;
    }
    if (!has_single_node) {
      sp_node *target = &nodes[starts_at + mblen];
      float candidate = unk_score + best_till_here;
      if (target->starts_at == -1 || candidate > target->score) {
        target->score = candidate;
        target->starts_at = (int32_t)starts_at;
        target->id = m->unk_id;
      }
    }
    starts_at += mblen;
  }
}

/* Walks the best path backwards. Pass 1 (ids == NULL) counts the output ids; pass 2 writes id number k
 * (0-based from the front) when k < cap. Runs of <unk> merge (SentencePieceProcessor), or, with byte
 * fallback, each <unk> piece becomes its bytes. Merging a run is symmetric, so walking backwards keeps
 * the first <unk> of each run in front-to-back order. */
static size_t emit_backwards(const tern_sp_model *m, const uint8_t *text, size_t size, const sp_node *nodes,
                             int32_t *ids, size_t cap, size_t total) {
  size_t count = 0;
  size_t end = size;
  while (end > 0) {
    const sp_node *n = &nodes[end];
    size_t start = (size_t)n->starts_at;
    int is_unk = n->id == m->unk_id;
    if (is_unk && m->byte_fallback) {
      for (size_t i = end; i > start; i--) {
        size_t k = total - 1 - count++;
        if (ids && k < cap) ids[k] = m->byte_ids[text[i - 1]];
      }
    } else {
      int merged = is_unk && start > 0 && nodes[start].id == m->unk_id;
      if (!merged) {
        size_t k = total - 1 - count++;
        if (ids && k < cap) ids[k] = n->id;
      }
    }
    end = start;
  }
  return count;
}

/* One text without special tokens: pre-steps, normalization, Viterbi, output. */
static tern_status encode_plain(const tern_sp_model *m, const char *text, size_t text_len, void *scratch,
                                size_t scratch_size, int32_t *ids, size_t cap, size_t *n_total) {
  *n_total = 0;
  if (text_len == 0) return TERN_OK;
  uint8_t *base = scratch;
  size_t used = 0;
  const uint8_t *clean = (const uint8_t *)text;
  size_t clean_len = text_len;
  if (m->albert) {
    /* The intermediate buffer takes half of the space; the output the rest. */
    size_t half = scratch_size / 2;
    tern_status s = tern_albert_preprocess(&m->albert_options, (const uint8_t *)text, text_len, base + half,
                                           scratch_size - half, base, half, &clean_len);
    if (s != TERN_OK) return s;
    clean = base;
    used = clean_len;
  } else {
    size_t pos = 0;
    int valid = 1;
    while (pos < text_len && valid) {
      size_t before = pos;
      if (tern_utf8_decode(clean, text_len, &pos) == TERN_UTF8_REPLACEMENT &&
          !(pos - before == 3 && (uint8_t)text[before] == 0xEF && (uint8_t)text[before + 1] == 0xBF && (uint8_t)text[before + 2] == 0xBD))
        valid = 0;
    }
    if (!valid) { /* Python errors="replace" into scratch */
      out_buffer o = {base, scratch_size, 0, 0};
      pos = 0;
      while (pos < text_len && !o.overflow) {
        uint8_t bytes[4];
        out_append(&o, bytes, tern_utf8_encode(tern_utf8_decode(clean, text_len, &pos), bytes));
      }
      if (o.overflow) return TERN_ERR_TOO_LONG;
      clean = base;
      clean_len = used = o.len;
    }
  }
  out_buffer normalized = {base + used, scratch_size - used, 0, 0};
  tern_status s = normalize(m, clean, clean_len, &normalized);
  if (s != TERN_OK) return s;
  used += normalized.len;
  size_t align = _Alignof(sp_node);
  uintptr_t node_addr = ((uintptr_t)(base + used) + align - 1) & ~(uintptr_t)(align - 1);
  size_t node_offset = (size_t)(node_addr - (uintptr_t)base);
  size_t node_count = normalized.len + 1;
  if (node_offset > scratch_size || (scratch_size - node_offset) / sizeof(sp_node) < node_count) return TERN_ERR_TOO_LONG;
  sp_node *nodes = (sp_node *)(void *)(base + node_offset);
  if (normalized.len == 0) return TERN_OK;
  viterbi(m, normalized.data, normalized.len, nodes);
  size_t total = emit_backwards(m, normalized.data, normalized.len, nodes, NULL, 0, SIZE_MAX);
  emit_backwards(m, normalized.data, normalized.len, nodes, ids, cap, total);
  *n_total = total;
  return TERN_OK;
}

/* Length of the special token starting at text[pos] (the longest if several), 0 if none. */
static size_t match_special(const tern_sp_model *m, const char *text, size_t len, size_t pos, int32_t *id) {
  size_t best = 0;
  for (uint32_t i = 0; i < m->special_count; i++) {
    const tern_str t = m->specials[i];
    if (t.len > best && t.len <= len - pos && memcmp(text + pos, t.ptr, t.len) == 0) {
      best = t.len;
      *id = m->special_ids[i];
    }
  }
  return best;
}

/* transformers' AlbertTokenizer splits the raw text at its special tokens first (tokens_trie in 4.x, added
 * tokens in 5.x) and tokenizes each piece in between on its own, so each gets its own dummy prefix. */
tern_status tern_sp_encode(const tern_sp_model *m, const char *text, size_t text_len, void *scratch,
                           size_t scratch_size, int32_t *ids, size_t cap, size_t *n_total) {
  if (n_total) *n_total = 0;
  if (!m || !n_total || (!text && text_len) || (!ids && cap) || (!scratch && scratch_size)) return TERN_ERR_INVALID_ARGUMENT;
  if (text_len == 0) return TERN_OK;
  size_t total = 0, segment_start = 0, pos = 0;
  while (pos <= text_len) {
    int32_t id = -1;
    size_t matched = pos < text_len && m->special_count ? match_special(m, text, text_len, pos, &id) : 0;
    if (!matched && pos < text_len) {
      pos++;
      continue;
    }
    size_t written = total < cap ? total : cap, n = 0;
    tern_status s = encode_plain(m, text + segment_start, pos - segment_start, scratch, scratch_size,
                                 ids ? ids + written : NULL, cap - written, &n);
    if (s != TERN_OK) return s;
    total += n;
    if (!matched) break;
    if (total < cap) ids[total] = id;
    total++;
    pos += matched;
    segment_start = pos;
  }
  *n_total = total;
  return TERN_OK;
}
