/* sentencepiece.c — SentencePiece-unigram tokenization (see sentencepiece.h for the semantics). */
#include "tokenizer/sentencepiece.h"

#include <float.h>
#include <stdio.h>
#include <string.h>

#include "allocator.h"
#include "tokenizer/charsmap.h"
#include "tokenizer/piece_hash.h"
#include "tokenizer/sentencepiece_albert.h"
#include "tokenizer/utf8.h"

/* sentencepiece's ModelProto::SentencePiece::Type numbering. */
enum { SP_NORMAL = 1, SP_UNKNOWN = 2, SP_CONTROL = 3, SP_USER_DEFINED = 4, SP_UNUSED = 5, SP_BYTE = 6 };

static const uint8_t SPACE_SYMBOL[3] = {0xE2, 0x96, 0x81}; /* U+2581, sentencepiece's kSpaceSymbol */
#define SP_UNK_PENALTY 10.0f                                /* unigram kUnkPenalty */

struct tern_sp_model {
  const tern_allocator *allocator; /* the model's (outlives the tokenizer): every block below comes from it */
  uint32_t vocab_size;
  const float *scores;
  const uint8_t *types;     /* the spec's, validated 1..6 */
  int32_t unk_id;
  float min_score;          /* over NORMAL pieces: <unk> scores min_score - 10 */
  tern_piece_hash pieces;       /* NORMAL, USER_DEFINED, UNUSED: what unigram's Viterbi trie holds */
  tern_piece_hash user_defined; /* the normalizer's prefix matcher (indexed 0 when there are none) */
  int32_t byte_ids[256];
  tern_charsmap charsmap;
  size_t normalize_max_ratio; /* normalized bytes per input byte, worst case */
  size_t lookahead_bytes;     /* input bytes the normalizer may look at for one step */
  size_t growth;              /* normalized bytes per raw input byte, worst case over the whole pipeline */
  int split_words;            /* no piece crosses a space symbol: Viterbi may run word by word */
  int add_dummy_prefix, remove_extra_whitespaces, escape_whitespaces, treat_whitespace_as_suffix, byte_fallback;
  int albert;
  tern_albert_options albert_options;
  /* ALBERT path only: the special tokens (unk, cls, sep, pad, mask pieces) matched verbatim in the raw text. */
  tern_str specials[5];
  int32_t special_ids[5];
  uint32_t special_count;
};

/* Pieces are looked up whole (piece_hash.h): a walk from one text position hashes one more byte per
 * step and probes where the candidate ends a character, which is where a trie walk would test a node. */
static const tern_str no_prefix = {"", 0};

static tern_status index_pieces(const tern_allocator *allocator, const tern_tokenizer_spec *spec, uint32_t type_mask,
                                tern_piece_hash *out, char *err, size_t err_size) {
  uint32_t duplicate = 0, duplicate_of = 0;
  const uint32_t scored = type_mask & ~(1u << SP_UNUSED); /* the walk need not go on towards unused pieces */
  tern_status status = tern_piece_hash_build(allocator, spec->pieces, spec->vocab_size, spec->piece_types, type_mask,
                                             scored, out, &duplicate, &duplicate_of);
  if (status == TERN_ERR_BAD_TOKENIZER)
    return tern_sentencepiece_fail(err, err_size, "sentencepiece: piece %u \"%.*s\" duplicates piece %u", duplicate,
                (int)spec->pieces[duplicate].len, spec->pieces[duplicate].ptr, duplicate_of);
  if (status != TERN_OK && err && err_size) snprintf(err, err_size, "sentencepiece: out of memory");
  return status;
}

/* ---- create / free ------------------------------------------------------------------------------- */

void tern_sp_free(tern_sp_model *model) {
  if (!model) return;
  const tern_allocator *allocator = model->allocator;
  tern_piece_hash_free(allocator, &model->pieces);
  tern_piece_hash_free(allocator, &model->user_defined);
  tern_charsmap_free(allocator, &model->charsmap);
  tern_deallocate(allocator, model);
}

static int parse_byte_piece(const tern_str *piece) {
  static const char hex[] = "0123456789ABCDEF";
  if (piece->len != 6 || memcmp(piece->ptr, "<0x", 3) != 0 || piece->ptr[5] != '>') return -1;
  const char *hi = memchr(hex, piece->ptr[3], 16), *lo = memchr(hex, piece->ptr[4], 16);
  if (!hi || !lo || !piece->ptr[3] || !piece->ptr[4]) return -1;
  return (int)((hi - hex) * 16 + (lo - hex));
}

/* Whether the piece has the space symbol anywhere but first (last with treat_whitespace_as_suffix): then a
 * match could cross a word boundary and the Viterbi cannot be split there. */
static int piece_crosses_space(const tern_sp_model *m, const tern_str *piece) {
  const uint8_t *space = m->escape_whitespaces ? SPACE_SYMBOL : (const uint8_t *)" ";
  size_t space_len = m->escape_whitespaces ? 3 : 1;
  for (size_t i = 0; i + space_len <= piece->len; i++) {
    if (memcmp(piece->ptr + i, space, space_len) != 0) continue;
    if (m->treat_whitespace_as_suffix ? i + space_len < piece->len : i > 0) return 1;
  }
  return 0;
}

tern_status tern_sp_create(const tern_tokenizer_spec *spec, tern_sp_model **out, char *err, size_t err_size) {
  if (out) *out = NULL;
  if (!spec || !out) {
    if (err && err_size) snprintf(err, err_size, "tern_sp_create: NULL argument");
    return TERN_ERR_INVALID_ARGUMENT;
  }
  if (spec->vocab_size == 0 || !spec->pieces || !spec->scores || !spec->piece_types)
    return tern_sentencepiece_fail(err, err_size, "sentencepiece: vocabulary, scores or piece types missing");
  if (spec->precompiled_charsmap_size && !spec->precompiled_charsmap)
    return tern_sentencepiece_fail(err, err_size, "sentencepiece: charsmap size %u without data", spec->precompiled_charsmap_size);
  const tern_allocator *allocator = spec->allocator != NULL ? spec->allocator : &tern_libc_allocator;
  tern_sp_model *m = tern_allocate_zeroed(allocator, 1, sizeof *m);
  if (!m) {
    if (err && err_size) snprintf(err, err_size, "sentencepiece: out of memory");
    return TERN_ERR_OUT_OF_MEMORY;
  }
  m->allocator = allocator;
  m->add_dummy_prefix = spec->add_dummy_prefix != 0;
  m->remove_extra_whitespaces = spec->remove_extra_whitespaces != 0;
  m->escape_whitespaces = spec->escape_whitespaces != 0;
  m->treat_whitespace_as_suffix = spec->treat_whitespace_as_suffix != 0;
  m->byte_fallback = spec->byte_fallback != 0;
  m->vocab_size = spec->vocab_size;
  m->scores = spec->scores;
  m->unk_id = -1;
  m->min_score = FLT_MAX;
  m->types = spec->piece_types;
  tern_status status = TERN_OK;
  size_t piece_bytes = 0, user_bytes = 0, longest_user_defined = 0;
  for (uint32_t id = 0; id < spec->vocab_size && status == TERN_OK; id++) {
    uint8_t type = spec->piece_types[id];
    if (type < SP_NORMAL || type > SP_BYTE) {
      status = tern_sentencepiece_fail(err, err_size, "sentencepiece: piece %u has type %u (expected 1..6)", id, type);
    } else if (!spec->pieces[id].ptr || spec->pieces[id].len == 0) {
      status = tern_sentencepiece_fail(err, err_size, "sentencepiece: piece %u is empty", id);
    } else if (type == SP_UNKNOWN) {
      if (m->unk_id >= 0) status = tern_sentencepiece_fail(err, err_size, "sentencepiece: pieces %d and %u are both <unk>", m->unk_id, id);
      m->unk_id = (int32_t)id;
    } else if (type == SP_NORMAL) {
      float s = spec->scores[id];
      if (s != s) status = tern_sentencepiece_fail(err, err_size, "sentencepiece: piece %u has a NaN score", id);
      if (s < m->min_score) m->min_score = s;
    }
    if (type == SP_NORMAL || type == SP_USER_DEFINED || type == SP_UNUSED) piece_bytes += spec->pieces[id].len;
    if (type == SP_USER_DEFINED) user_bytes += spec->pieces[id].len;
    if (type == SP_USER_DEFINED && spec->pieces[id].len > longest_user_defined) longest_user_defined = spec->pieces[id].len;
  }
  if (status == TERN_OK && m->unk_id < 0) status = tern_sentencepiece_fail(err, err_size, "sentencepiece: no <unk> piece (type 2)");
  if (status == TERN_OK && piece_bytes == 0) status = tern_sentencepiece_fail(err, err_size, "sentencepiece: no normal pieces");
  if (status == TERN_OK)
    status = index_pieces(allocator, spec, 1u << SP_NORMAL | 1u << SP_USER_DEFINED | 1u << SP_UNUSED, &m->pieces, err,
                          err_size);
  if (status == TERN_OK && user_bytes)
    status = index_pieces(allocator, spec, 1u << SP_USER_DEFINED, &m->user_defined, err, err_size);
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
    status = tern_charsmap_load(allocator, spec->precompiled_charsmap, spec->precompiled_charsmap_size, &m->charsmap,
                                err, err_size);
  }
  if (status != TERN_OK) {
    tern_sp_free(m);
    return status;
  }
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
  /* ' ' -> U+2581 and one invalid byte -> U+FFFD grow 3x whatever the charsmap says. */
  m->normalize_max_ratio = m->charsmap.max_ratio > 3 ? m->charsmap.max_ratio : 3;
  const size_t max_key_bytes = m->charsmap.max_key_bytes;
  m->lookahead_bytes = max_key_bytes > longest_user_defined ? max_key_bytes : longest_user_defined;
  if (m->lookahead_bytes < 4) m->lookahead_bytes = 4;
  /* An invalid byte becomes U+FFFD (3 bytes) before the normalizer; the ALBERT steps are composed per
   * character from their tables; the normalizer's growth is per byte of its input (keys span characters). */
  size_t before_normalizer = m->albert ? tern_albert_max_growth(&m->albert_options) : 3;
  m->growth = before_normalizer * m->normalize_max_ratio;
  m->split_words = 1;
  for (uint32_t id = 0; id < spec->vocab_size && m->split_words; id++)
    if (m->types[id] == SP_NORMAL || m->types[id] == SP_USER_DEFINED)
      m->split_words = !piece_crosses_space(m, &spec->pieces[id]);
  *out = m;
  return TERN_OK;
}

/* ---- encode ------------------------------------------------------------------------------------ */

/* Viterbi state per normalized byte position (unigram EncodeOptimized's BestPathNode). */
typedef struct sp_node {
  float score;
  int32_t starts_at;
  int32_t id;
} sp_node;

/* tern_sp_scratch_size's word budget: normalized bytes of one word per byte of max_text_bytes. A word as
 * long as the whole text fits when its characters at most quadruple through the steps: ASCII, the
 * letters of every script through NFKC/NFKD, case folding and lowering, invalid bytes (U+FFFD: 3). */
#define SP_WORD_BYTES_PER_TEXT_BYTE 4

static size_t mul_or_max(size_t a, size_t b) { return (b && a > SIZE_MAX / b) ? SIZE_MAX : a * b; }
static size_t add_or_max(size_t a, size_t b) { return a > SIZE_MAX - b ? SIZE_MAX : a + b; }

static size_t window_capacity(const tern_sp_model *m) { return 2 * m->lookahead_bytes + 16; }

/* Layout: [alignment][nodes: word_bytes + 1][normalized words: word_bytes][input window]. */
static size_t scratch_for_word(const tern_sp_model *m, size_t word_bytes) {
  size_t nodes = mul_or_max(add_or_max(word_bytes, 1), sizeof(sp_node));
  return add_or_max(add_or_max(nodes, word_bytes), window_capacity(m) + _Alignof(sp_node));
}

/* The whole normalized text: growth per input byte, plus a dummy prefix or suffix. */
static size_t normalized_bound(const tern_sp_model *m, size_t max_text_bytes) {
  return add_or_max(mul_or_max(max_text_bytes, m->growth), 3);
}

size_t tern_sp_scratch_size(const tern_sp_model *m, size_t max_text_bytes) {
  if (!m) return 0;
  size_t word = normalized_bound(m, max_text_bytes);
  if (m->split_words) {
    size_t budget = add_or_max(mul_or_max(max_text_bytes, SP_WORD_BYTES_PER_TEXT_BYTE), 3);
    if (budget < word) word = budget;
  }
  return scratch_for_word(m, word);
}

size_t tern_sp_scratch_size_any_word(const tern_sp_model *m, size_t max_text_bytes) {
  return m ? scratch_for_word(m, normalized_bound(m, max_text_bytes)) : 0;
}

size_t tern_sp_growth(const tern_sp_model *m) { return m ? m->growth : 0; }
int tern_sp_splits_words(const tern_sp_model *m) { return m ? m->split_words : 0; }

/* sentencepiece string_util::OneCharLen: the length the lead byte announces, not validated. */
static size_t one_char_len(uint8_t lead) {
  static const uint8_t table[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
  return table[lead >> 4];
}

/* Normalizer::NormalizePrefix: what the next input characters become and how many bytes they use. */
static size_t normalize_prefix(const tern_sp_model *m, const uint8_t *in, size_t len, const uint8_t **repl,
                               size_t *repl_len) {
  if (m->user_defined.indexed) {
    const size_t limit = len < m->user_defined.max_piece_bytes ? len : m->user_defined.max_piece_bytes;
    uint32_t hash = TERN_PIECE_HASH_START;
    unsigned pending = 0;
    size_t longest = 0;
    for (size_t i = 0; i < limit && tern_utf8_extend(&pending, in[i]); i++) {
      hash = tern_piece_hash_byte(hash, in[i]);
      if (!tern_piece_hash_may_continue(&m->user_defined, hash)) break;
      if (!pending && tern_piece_hash_find(&m->user_defined, hash, &no_prefix, in, i + 1) >= 0) longest = i + 1;
    }
    if (longest) {
      *repl = in;
      *repl_len = longest;
      return longest;
    }
  }
  uint32_t value = 0;
  size_t key_len = tern_charsmap_longest(&m->charsmap, in, len, &value);
  if (key_len) {
    *repl = (const uint8_t *)m->charsmap.replacements + value;
    *repl_len = strlen(m->charsmap.replacements + value);
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

/* The score unigram's encoder gives a user-defined piece of `length` bytes. Measured on the sentencepiece
 * 0.2.3 wheel (the oracle), not taken from the source we could read: Encode scores such a piece
 * 0.1 * (bytes - 1) whatever the model's scores are (scaling or shifting every normal score leaves it
 * unchanged; a 4-byte, 2-character piece scores 0.3), in float like the normal pieces. The older
 * published source says length * max_score - 0.1 computed in double; that fails tie cases such as
 * "linux...." and "x:::" (tests/tokenizer/sentencepiece, issue note). */
static float user_defined_score(size_t length) { return (float)((double)length * 0.1 - 0.1); }

/* unigram Model::EncodeOptimized, forward pass, in float (score + best score so far), as the 0.2.3 wheel
 * behaves; the comparison is strict, so among equal candidates for an end position the one starting
 * earliest wins (and a piece beats <unk>). Runs on one stretch of words at a time, starting from the
 * score the stretches before reached: every path passes through a word boundary (split_words), so this
 * adds exactly what the whole-text pass adds. */
static void viterbi(const tern_sp_model *m, const uint8_t *text, size_t size, float start_score, sp_node *nodes) {
  for (size_t i = 0; i <= size; i++) {
    nodes[i].score = 0.0f;
    nodes[i].starts_at = -1;
    nodes[i].id = -1;
  }
  nodes[0].score = start_score; /* the best score of the words before (float sums are not associative) */
  const float unk_score = m->min_score - SP_UNK_PENALTY;
  /* A local copy: the node stores below cannot alias it, so its fields stay in registers. */
  const tern_piece_hash table = m->pieces, *t = &table;
  const uint8_t *types = m->types;
  const float *scores = m->scores;
  size_t starts_at = 0;
  while (starts_at < size) {
    const float best_till_here = nodes[starts_at].score;
    int has_single_node = 0;
    size_t mblen = one_char_len(text[starts_at]);
    if (mblen > size - starts_at) mblen = size - starts_at;
    const size_t limit = size - starts_at < t->max_piece_bytes ? size - starts_at : t->max_piece_bytes;
    uint32_t hash = TERN_PIECE_HASH_START;
    unsigned pending = 0;
    for (size_t length = 1; length <= limit && tern_utf8_extend(&pending, text[starts_at + length - 1]); length++) {
      hash = tern_piece_hash_byte(hash, text[starts_at + length - 1]);
      if (!tern_piece_hash_may_continue(t, hash)) break;
      if (pending) continue;
      int32_t id = tern_piece_hash_find(t, hash, &no_prefix, text + starts_at, length);
      if (id < 0 || types[id] == SP_UNUSED) continue;
      const size_t key_pos = starts_at + length;
      sp_node *target = &nodes[key_pos];
      float score = types[id] == SP_USER_DEFINED ? user_defined_score(length) : scores[id];
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

/* Walks the best path backwards. Pass 1 (ids == NULL) counts the output ids; pass 2 writes id number
 * first + k (k 0-based from the front of this stretch) when first + k < cap. Runs of <unk> merge
 * (SentencePieceProcessor), also with a run ending the stretch before (prev_unk), or, with byte fallback,
 * each <unk> piece becomes its bytes. Merging a run is symmetric, so walking backwards keeps the first
 * <unk> of each run in front-to-back order. */
static size_t emit_backwards(const tern_sp_model *m, const uint8_t *text, size_t size, const sp_node *nodes,
                             int prev_unk, int32_t *ids, size_t cap, size_t first, size_t count_here) {
  size_t count = 0;
  size_t end = size;
  while (end > 0) {
    const sp_node *n = &nodes[end];
    size_t start = (size_t)n->starts_at;
    int is_unk = n->id == m->unk_id;
    if (is_unk && m->byte_fallback) {
      for (size_t i = end; i > start; i--) {
        size_t k = first + count_here - 1 - count++;
        if (ids && k < cap) ids[k] = m->byte_ids[text[i - 1]];
      }
    } else {
      int merged = is_unk && (start > 0 ? nodes[start].id == m->unk_id : prev_unk);
      if (!merged) {
        size_t k = first + count_here - 1 - count++;
        if (ids && k < cap) ids[k] = n->id;
      }
    }
    end = start;
  }
  return count;
}

/* One text (no special tokens) streamed through the steps: the pre-steps produce code points into a
 * small input window, the normalizer appends to the pending words, and each completed stretch of words
 * is tokenized and dropped, so the scratch holds about one word, not the text. A stretch ends before a
 * space symbol (after one with treat_whitespace_as_suffix) at a character start of unigram's walk; with
 * remove_extra_whitespaces only once a character other than the space symbol follows, because trailing
 * spaces are removed at the end. */
typedef struct sp_encoder {
  const tern_sp_model *m;
  tern_albert_stream albert;
  const uint8_t *raw;
  size_t raw_len, raw_pos;
  int source_done;
  uint8_t *window;          /* pre-processed input bytes [head, tail) */
  size_t window_cap, head, tail;
  uint8_t *word;            /* normalized text not tokenized yet */
  size_t word_cap, word_len;
  sp_node *nodes;           /* word_cap + 1 */
  size_t walk;              /* next character start of unigram's walk in word, not classified yet */
  size_t cut;               /* latest space symbol at a character start (prefix mode), 0 = none */
  int prev_char_space;      /* suffix mode: the last classified character is the space symbol */
  float score;              /* Viterbi score at word[0] */
  int prev_unk;             /* the last piece tokenized is <unk> (runs merge) */
  int32_t *ids;
  size_t cap, total;
  int overflow;
} sp_encoder;

static uint32_t next_input(sp_encoder *e) {
  if (e->m->albert) return tern_albert_stream_next(&e->albert);
  if (e->raw_pos >= e->raw_len) return TERN_ALBERT_END;
  return tern_utf8_decode(e->raw, e->raw_len, &e->raw_pos); /* invalid -> U+FFFD like Python */
}

/* Keeps at least lookahead_bytes in the window (the longest charsmap key or user-defined symbol), so
 * each normalizer step sees what it would see in the whole text. */
static void fill_window(sp_encoder *e) {
  if (e->source_done || e->tail - e->head >= e->m->lookahead_bytes) return;
  memmove(e->window, e->window + e->head, e->tail - e->head);
  e->tail -= e->head;
  e->head = 0;
  while (e->tail + 4 <= e->window_cap) {
    uint32_t cp = next_input(e);
    if (cp == TERN_ALBERT_END) {
      e->source_done = 1;
      break;
    }
    e->tail += tern_utf8_encode(cp, e->window + e->tail);
  }
}

static void word_append(sp_encoder *e, const uint8_t *bytes, size_t n) {
  if (e->word_cap - e->word_len < n) {
    e->overflow = 1;
    return;
  }
  memcpy(e->word + e->word_len, bytes, n);
  e->word_len += n;
}

/* Tokenizes word[0, end) and drops it. */
static void flush_words(sp_encoder *e, size_t end) {
  if (end == 0) return;
  const tern_sp_model *m = e->m;
  viterbi(m, e->word, end, e->score, e->nodes);
  size_t n = emit_backwards(m, e->word, end, e->nodes, e->prev_unk, NULL, 0, 0, SIZE_MAX);
  emit_backwards(m, e->word, end, e->nodes, e->prev_unk, e->ids, e->cap, e->total, n);
  e->total += n;
  e->score = e->nodes[end].score;
  e->prev_unk = e->nodes[end].id == m->unk_id;
  memmove(e->word, e->word + end, e->word_len - end);
  e->word_len -= end;
  e->walk = e->walk > end ? e->walk - end : 0;
  e->cut = 0;
}

static void find_word_ends(sp_encoder *e, const uint8_t *space, size_t space_len) {
  const tern_sp_model *m = e->m;
  while (e->walk < e->word_len) {
    size_t start = e->walk, length = one_char_len(e->word[start]);
    if (length > e->word_len - start) return; /* the rest of the character is still to come */
    int is_space = length == space_len && memcmp(e->word + start, space, space_len) == 0;
    e->walk = start + length;
    if (!m->split_words) continue;
    if (!m->treat_whitespace_as_suffix) {
      if (is_space && !m->remove_extra_whitespaces) flush_words(e, start);
      else if (is_space) e->cut = start;
      else if (e->cut) flush_words(e, e->cut);
    } else {
      if (e->prev_char_space && (!is_space || !m->remove_extra_whitespaces)) flush_words(e, start);
      e->prev_char_space = is_space;
    }
  }
}

/* Normalizer::Normalize (without the norm_to_orig bookkeeping) feeding the word-by-word Viterbi. */
static tern_status encode_plain(const tern_sp_model *m, const char *text, size_t text_len, void *scratch,
                                size_t scratch_size, int32_t *ids, size_t cap, size_t *n_total) {
  *n_total = 0;
  if (text_len == 0) return TERN_OK;
  sp_encoder e;
  memset(&e, 0, sizeof e);
  e.m = m;
  e.ids = ids;
  e.cap = cap;
  e.raw = (const uint8_t *)text;
  e.raw_len = text_len;
  if (m->albert) tern_albert_stream_init(&e.albert, &m->albert_options, e.raw, text_len);
  uintptr_t base = (uintptr_t)scratch, align = _Alignof(sp_node);
  size_t skip = (size_t)(((base + align - 1) & ~(uintptr_t)(align - 1)) - base);
  e.window_cap = window_capacity(m);
  if (scratch_size < skip + e.window_cap + 2 * sizeof(sp_node)) return TERN_ERR_TOO_LONG;
  size_t room = scratch_size - skip - e.window_cap - sizeof(sp_node);
  e.word_cap = room / (sizeof(sp_node) + 1);
  e.nodes = (sp_node *)(void *)((uint8_t *)scratch + skip);
  e.word = (uint8_t *)(e.nodes + e.word_cap + 1);
  e.window = e.word + e.word_cap;

  const uint8_t *space = m->escape_whitespaces ? SPACE_SYMBOL : (const uint8_t *)" ";
  size_t space_len = m->escape_whitespaces ? 3 : 1;
  const uint8_t *repl;
  size_t repl_len;
  if (m->remove_extra_whitespaces) {
    for (fill_window(&e); e.head < e.tail; fill_window(&e)) {
      size_t used = normalize_prefix(m, e.window + e.head, e.tail - e.head, &repl, &repl_len);
      if (!(repl_len == 1 && repl[0] == ' ')) break;
      e.head += used;
    }
  }
  fill_window(&e);
  if (e.head == e.tail) return TERN_OK;
  if (!m->treat_whitespace_as_suffix && m->add_dummy_prefix) word_append(&e, space, space_len);
  int is_prev_space = m->remove_extra_whitespaces;
  for (fill_window(&e); e.head < e.tail && !e.overflow; fill_window(&e)) {
    size_t used = normalize_prefix(m, e.window + e.head, e.tail - e.head, &repl, &repl_len);
    while (is_prev_space && repl_len && repl[0] == ' ') repl++, repl_len--;
    if (repl_len) {
      for (size_t i = 0; i < repl_len; i++) {
        if (m->escape_whitespaces && repl[i] == ' ') word_append(&e, SPACE_SYMBOL, 3);
        else word_append(&e, repl + i, 1);
      }
      is_prev_space = repl[repl_len - 1] == ' ';
    }
    e.head += used;
    if (!m->remove_extra_whitespaces) is_prev_space = 0;
    find_word_ends(&e, space, space_len);
  }
  if (e.overflow) return TERN_ERR_TOO_LONG;
  if (m->remove_extra_whitespaces) {
    while (e.word_len >= space_len && memcmp(e.word + e.word_len - space_len, space, space_len) == 0)
      e.word_len -= space_len;
  }
  if (m->treat_whitespace_as_suffix && m->add_dummy_prefix) word_append(&e, space, space_len);
  if (e.overflow) return TERN_ERR_TOO_LONG;
  flush_words(&e, e.word_len);
  *n_total = e.total;
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
