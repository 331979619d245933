/* wordpiece.c — BertTokenizerFast-exact WordPiece (see wordpiece.h for the pipeline). */
#include "tokenizer/wordpiece.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "tokenizer/piece_hash.h"
#include "tokenizer/unicode_tables.h"
#include "tokenizer/utf8.h"

#define MAX_SPECIALS 5

/* What an ASCII byte becomes after normalization, precomputed so plain text skips the tables. */
enum { ASCII_WORD = 0, ASCII_DROP = 1, ASCII_SPLIT = 2, ASCII_PUNCT = 3 };

/* The vocabulary is a hash table of whole pieces over the model's strings (piece_hash.h): building it is
 * one hash and one probe per piece, where a trie needed a sort and a node per byte. Greedy longest-match
 * hashes each prefix of the rest of the word once (bounded by the longest piece) and probes from the
 * longest down, so it usually stops at the first probe. */
struct tern_wordpiece {
  const tern_allocator *allocator;   /* the model's; outlives the tokenizer */
  tern_piece_hash vocab;
  tern_str continuation_prefix;      /* "##": the model's bytes */
  uint32_t continuation_hash;        /* the hash state after continuation_prefix */
  uint32_t max_first_bytes, max_continuation_bytes; /* longest piece, without the prefix for the second */
  int32_t unk_id;
  uint32_t max_chars_per_word;
  int lowercase, strip_accents, tokenize_chinese_chars, clean_text;
  uint8_t ascii_class[128];
  uint8_t ascii_byte[128];
  uint32_t special_count;
  tern_str specials[MAX_SPECIALS];
  int32_t special_ids[MAX_SPECIALS];
};

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
  for (uint32_t i = 0; i < spec->vocab_size; i++) {
    if (!spec->pieces[i].ptr && spec->pieces[i].len) {
      snprintf(err, err_size, "wordpiece: piece %u has a length but no bytes", i);
      return TERN_ERR_BAD_TOKENIZER;
    }
  }
  const tern_allocator *allocator = spec->allocator != NULL ? spec->allocator : &tern_libc_allocator;
  tern_wordpiece *wp = tern_allocate_zeroed(allocator, 1, sizeof *wp);
  if (!wp) {
    snprintf(err, err_size, "wordpiece: out of memory");
    return TERN_ERR_OUT_OF_MEMORY;
  }
  uint32_t duplicate = 0, duplicate_of = 0;
  tern_status status =
      tern_piece_hash_build(allocator, spec->pieces, spec->vocab_size, NULL, 0, 0, &wp->vocab, &duplicate, &duplicate_of);
  if (status != TERN_OK) {
    tern_deallocate(allocator, wp);
    if (status == TERN_ERR_BAD_TOKENIZER)
      snprintf(err, err_size, "wordpiece: pieces %u and %u are both '%.*s'", duplicate_of, duplicate,
               (int)spec->pieces[duplicate].len, spec->pieces[duplicate].ptr ? spec->pieces[duplicate].ptr : "");
    else
      snprintf(err, err_size, "wordpiece: out of memory");
    return status;
  }
  wp->allocator = allocator;
  wp->continuation_prefix = spec->continuing_subword_prefix;
  wp->continuation_hash = tern_piece_hash_bytes(TERN_PIECE_HASH_START, (const uint8_t *)wp->continuation_prefix.ptr,
                                                wp->continuation_prefix.len);
  wp->max_first_bytes = wp->vocab.max_piece_bytes;
  wp->max_continuation_bytes = wp->vocab.max_piece_bytes > wp->continuation_prefix.len
                                   ? wp->vocab.max_piece_bytes - wp->continuation_prefix.len
                                   : 0;
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
    int seen = 0;
    for (uint32_t j = 0; j < wp->special_count; j++) seen |= wp->special_ids[j] == id;
    if (seen) continue;
    wp->specials[wp->special_count] = spec->pieces[id];
    wp->special_ids[wp->special_count++] = id;
  }
  *out = wp;
  return TERN_OK;
}

void tern_wordpiece_free(tern_wordpiece *wp) {
  if (!wp) return;
  const tern_allocator *allocator = wp->allocator;
  tern_piece_hash_free(allocator, &wp->vocab);
  tern_deallocate(allocator, wp);
}

/* Scratch: the word buffer, at most max_chars_per_word + 1 characters (one more tells "too long" ->
 * [UNK]; the rest of such a word is only counted), then one hash per byte of the longest candidate piece
 * (no longer than the word nor the longest piece). SIZE_MAX when it does not fit in size_t. */
static size_t word_capacity(const tern_wordpiece *wp) {
  const size_t chars = (size_t)wp->max_chars_per_word + 1;
  return chars > (SIZE_MAX - 16) / 4 ? SIZE_MAX : chars * 4 + 16;
}

static size_t hash_count(const tern_wordpiece *wp) {
  const size_t longest = wp->max_first_bytes > wp->max_continuation_bytes ? wp->max_first_bytes
                                                                          : wp->max_continuation_bytes;
  return longest < word_capacity(wp) ? longest : word_capacity(wp);
}

/* The hash array follows the word, aligned for uint32_t wherever the caller's scratch starts. */
static uint32_t *hashes_in(const tern_wordpiece *wp, void *scratch) {
  const uintptr_t after_word = (uintptr_t)scratch + word_capacity(wp);
  return (uint32_t *)(void *)((uint8_t *)scratch + word_capacity(wp) + ((0u - after_word) & 3u));
}

size_t tern_wordpiece_scratch_size(const tern_wordpiece *wp, size_t max_text_bytes) {
  (void)max_text_bytes;
  if (!wp) return 0;
  const size_t word = word_capacity(wp), count = hash_count(wp);
  if (word == SIZE_MAX || count > (SIZE_MAX - word - 3) / sizeof(uint32_t) - 1) return SIZE_MAX;
  return word + 3 + (count + 1) * sizeof(uint32_t);
}

typedef struct encoder {
  const tern_wordpiece *wp;
  uint8_t *word;
  uint32_t *hashes;      /* hash of each prefix of the rest of the word: hashes[k] covers k + 1 bytes */
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
  static const tern_str no_prefix = {"", 0};
  const size_t first = e->count;
  size_t start = 0;
  while (start < length) {
    const int continuation = start > 0;
    const tern_str *prefix = continuation ? &wp->continuation_prefix : &no_prefix;
    uint32_t hash = continuation ? wp->continuation_hash : TERN_PIECE_HASH_START;
    const size_t longest = continuation ? wp->max_continuation_bytes : wp->max_first_bytes;
    const size_t limit = length - start < longest ? length - start : longest;
    const uint8_t *rest = e->word + start;
    for (size_t k = 0; k < limit; k++) e->hashes[k] = hash = tern_piece_hash_byte(hash, rest[k]);
    /* Longest first, at character boundaries only (pieces are valid UTF-8, so no other prefix can match). */
    int32_t best_id = -1;
    size_t best_length = 0;
    for (size_t k = limit; k > 0; k--) {
      if (k < length - start && (rest[k] & 0xC0) == 0x80) continue;
      best_id = tern_piece_hash_find(&wp->vocab, e->hashes[k - 1], prefix, rest, k);
      if (best_id >= 0) {
        best_length = k;
        break;
      }
    }
    if (best_id < 0) {
      e->count = first;  /* the whole word becomes [UNK] */
      emit(e, wp->unk_id);
      return;
    }
    emit(e, best_id);
    start += best_length;
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
  encoder e = {wp, scratch, hashes_in(wp, scratch), 0, 0, 0, ids, cap, 0};
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
