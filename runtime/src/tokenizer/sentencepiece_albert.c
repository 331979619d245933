/* sentencepiece_albert.c — AlbertTokenizer.preprocess_text with Python's str semantics.
 *
 * Reference (transformers <= 4.x AlbertTokenizer, ALBERT's tokenization.py):
 *   if remove_space: outputs = " ".join(inputs.strip().split())
 *   outputs = outputs.replace("``", '"').replace("''", '"')
 *   if not keep_accents: NFKD, then drop unicodedata.combining(c) != 0
 *   if do_lower_case: outputs = outputs.lower()
 * Pass 1 does the first three steps in one streaming pass: split()/strip() only look at str.isspace, and
 * the two replace() calls pair runs of ` and of ' left to right independently (neither creates or splits
 * the other's runs). Pass 2 lowers; it is separate because Final_Sigma looks ahead.
 */
#include "tokenizer/sentencepiece_albert.h"

#include "tokenizer/sentencepiece_albert_tables.h"
#include "tokenizer/utf8.h"

size_t tern_albert_max_ratio(const tern_albert_options *options) {
  /* An invalid byte becomes U+FFFD (3 bytes); a valid character grows by at most DECOMP_MAX_RATIO. */
  size_t pass1 = options->keep_accents ? 3 : (TERN_ALBERT_DECOMP_MAX_RATIO > 3 ? TERN_ALBERT_DECOMP_MAX_RATIO : 3);
  return options->do_lower_case ? pass1 * (TERN_ALBERT_LOWER_MAX_RATIO + 1) : pass1;
}

typedef struct writer {
  uint8_t *out;
  size_t cap, len;
  int overflow;
} writer;

static void put_cp(writer *w, uint32_t cp) {
  uint8_t bytes[4];
  size_t n = tern_utf8_encode(cp, bytes);
  if (w->cap - w->len < n) {
    w->overflow = 1;
    return;
  }
  for (size_t i = 0; i < n; i++) w->out[w->len++] = bytes[i];
}

/* Pass 1 emits a character after the ``/'' pairing and decomposition. */
static void put_decomposed(writer *w, uint32_t cp, int keep_accents) {
  if (keep_accents) {
    put_cp(w, cp);
    return;
  }
  const tern_albert_record *rec = tern_albert_lookup(cp);
  if (rec->decomp_length == TERN_ALBERT_IDENTITY) {
    put_cp(w, cp);
    return;
  }
  for (unsigned i = 0; i < rec->decomp_length; i++) put_cp(w, tern_albert_pool[rec->decomp_offset + i]);
}

/* A run of `count` equal quote characters q (` or '): pairs become '"', an odd one stays. */
static void flush_quotes(writer *w, uint32_t q, size_t count, int keep_accents) {
  for (size_t i = 0; i + 1 < count; i += 2) put_cp(w, '"');
  if (count & 1) put_decomposed(w, q, keep_accents);
}

static void pass1(const tern_albert_options *o, const uint8_t *text, size_t len, writer *w) {
  size_t pos = 0, quote_count = 0;
  uint32_t quote = 0;
  int pending_space = 0, seen_word = 0;
  while (pos < len && !w->overflow) {
    uint32_t cp = tern_utf8_decode(text, len, &pos);
    if (o->remove_space && (tern_albert_lookup(cp)->flags & TERN_ALBERT_SPACE)) {
      if (quote_count) flush_quotes(w, quote, quote_count, o->keep_accents), quote_count = 0;
      pending_space = seen_word;
      continue;
    }
    if (pending_space) put_cp(w, ' '), pending_space = 0;
    seen_word = 1;
    if (cp == '`' || cp == '\'') {
      if (quote_count && cp != quote) flush_quotes(w, quote, quote_count, o->keep_accents), quote_count = 0;
      quote = cp;
      quote_count++;
      continue;
    }
    if (quote_count) flush_quotes(w, quote, quote_count, o->keep_accents), quote_count = 0;
    put_decomposed(w, cp, o->keep_accents);
  }
  if (quote_count && !w->overflow) flush_quotes(w, quote, quote_count, o->keep_accents);
}

/* Python's handle_capital_sigma: final when preceded by a cased character (case-ignorables skipped) and
 * not followed by one. prev_cased carries the look-behind state, so the whole pass stays linear: each
 * look-ahead stops at the first character that is not case-ignorable. */
static uint32_t lower_sigma(const uint8_t *text, size_t len, size_t after, int prev_cased) {
  if (!prev_cased) return 0x3C3;
  size_t pos = after;
  while (pos < len) {
    uint32_t cp = tern_utf8_decode(text, len, &pos);
    uint8_t flags = tern_albert_lookup(cp)->flags;
    if (flags & TERN_ALBERT_CASE_IGNORABLE) continue;
    return (flags & TERN_ALBERT_CASED) ? 0x3C3 : 0x3C2;
  }
  return 0x3C2;
}

static void pass2_lower(const uint8_t *text, size_t len, writer *w) {
  size_t pos = 0;
  int prev_cased = 0; /* the last character that is not case-ignorable is cased */
  while (pos < len && !w->overflow) {
    uint32_t cp = tern_utf8_decode(text, len, &pos);
    const tern_albert_record *rec = tern_albert_lookup(cp);
    if (cp == 0x3A3) {
      put_cp(w, lower_sigma(text, len, pos, prev_cased));
    } else if (rec->lower_length == TERN_ALBERT_IDENTITY) {
      put_cp(w, cp);
    } else {
      for (unsigned i = 0; i < rec->lower_length; i++) put_cp(w, tern_albert_pool[rec->lower_offset + i]);
    }
    if (!(rec->flags & TERN_ALBERT_CASE_IGNORABLE)) prev_cased = (rec->flags & TERN_ALBERT_CASED) != 0;
  }
}

tern_status tern_albert_preprocess(const tern_albert_options *options, const uint8_t *text, size_t text_len,
                                   uint8_t *work, size_t work_cap, uint8_t *out, size_t out_cap, size_t *out_len) {
  *out_len = 0;
  if (!options->do_lower_case) {
    writer w = {out, out_cap, 0, 0};
    pass1(options, text, text_len, &w);
    if (w.overflow) return TERN_ERR_TOO_LONG;
    *out_len = w.len;
    return TERN_OK;
  }
  writer first = {work, work_cap, 0, 0};
  pass1(options, text, text_len, &first);
  if (first.overflow) return TERN_ERR_TOO_LONG;
  writer second = {out, out_cap, 0, 0};
  pass2_lower(work, first.len, &second);
  if (second.overflow) return TERN_ERR_TOO_LONG;
  *out_len = second.len;
  return TERN_OK;
}
