/* sentencepiece_albert.c — AlbertTokenizer.preprocess_text with Python's str semantics, streamed.
 *
 * Reference (transformers <= 4.x AlbertTokenizer, ALBERT's tokenization.py):
 *   if remove_space: outputs = " ".join(inputs.strip().split())
 *   outputs = outputs.replace("``", '"').replace("''", '"')
 *   if not keep_accents: NFKD, then drop unicodedata.combining(c) != 0
 *   if do_lower_case: outputs = outputs.lower()
 * The decomposer does the first three steps in one pass: split()/strip() only look at str.isspace, and
 * the two replace() calls pair runs of ` and of ' left to right independently (neither creates or splits
 * the other's runs). Lowering runs on top of it; Final_Sigma's look-ahead runs a copy of the decomposer
 * forward, and stops at the first character that is not case-ignorable, so the whole stream stays linear.
 */
#include "tokenizer/sentencepiece_albert.h"

#include "tokenizer/sentencepiece_albert_tables.h"
#include "tokenizer/utf8.h"

static size_t utf8_length(uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

/* Bytes that one input character becomes (before lowering when lower is 0). */
static size_t output_bytes(const tern_albert_options *o, uint32_t cp) {
  const tern_albert_record *rec = tern_albert_lookup(cp);
  uint32_t buf[3] = {cp};
  const uint32_t *chars = buf;
  size_t count = o->keep_accents ? 1 : tern_albert_decomposition(cp, rec, buf, &chars);
  size_t bytes = 0;
  for (size_t i = 0; i < count; i++) {
    const tern_albert_record *r = tern_albert_lookup(chars[i]);
    if (!o->do_lower_case || r->lower_length == TERN_ALBERT_IDENTITY) {
      bytes += utf8_length(chars[i]);
    } else {
      for (unsigned k = 0; k < r->lower_length; k++) bytes += utf8_length(tern_albert_pool[r->lower_offset + k]);
    }
  }
  return bytes;
}

/* Per character: quote pairs and whitespace runs only shrink; Final_Sigma picks between two 2-byte
 * characters; an invalid byte is U+FFFD, which the steps leave at 3 bytes. */
size_t tern_albert_max_growth_exhaustive(const tern_albert_options *o) {
  size_t growth = output_bytes(o, 0xFFFD);
  for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
    if (cp == 0xD800) cp = 0xE000;
    size_t in = utf8_length(cp), out = output_bytes(o, cp);
    size_t ratio = (out + in - 1) / in;
    if (ratio > growth) growth = ratio;
  }
  return growth;
}

/* tern_albert_max_growth_exhaustive of the tables above, [keep_accents][do_lower_case]: the walk over all
 * 1.1M code points took 6 ms of every model load. tests/tokenizer/tables recomputes them. */
static const uint8_t max_growth_of_tables[2][2] = {{11, 11}, {3, 3}};

size_t tern_albert_max_growth(const tern_albert_options *o) {
  return max_growth_of_tables[o->keep_accents != 0][o->do_lower_case != 0];
}

static void push(tern_albert_decomposer *d, uint32_t cp) { d->queue[d->queue_len++] = cp; }

static void push_decomposed(tern_albert_decomposer *d, uint32_t cp) {
  if (d->options->keep_accents) {
    push(d, cp);
    return;
  }
  uint32_t buf[3];
  const uint32_t *chars;
  unsigned count = tern_albert_decomposition(cp, tern_albert_lookup(cp), buf, &chars);
  for (unsigned i = 0; i < count; i++) push(d, chars[i]);
}

/* A run of equal quote characters: pairs become '"', an odd one stays (after the pairs). */
static void flush_quotes(tern_albert_decomposer *d) {
  d->pairs_to_emit = d->quote_count / 2;
  if (d->quote_count & 1) push_decomposed(d, d->quote);
  d->quote_count = 0;
}

static uint32_t decomposer_next(tern_albert_decomposer *d) {
  for (;;) {
    if (d->pairs_to_emit) {
      d->pairs_to_emit--;
      return '"';
    }
    if (d->queue_head < d->queue_len) return d->queue[d->queue_head++];
    d->queue_head = d->queue_len = 0;
    if (d->pos >= d->len) {
      if (!d->quote_count) return TERN_ALBERT_END;
      flush_quotes(d);
      continue;
    }
    uint32_t cp = tern_utf8_decode(d->text, d->len, &d->pos);
    if (d->options->remove_space && (tern_albert_lookup(cp)->flags & TERN_ALBERT_SPACE)) {
      if (d->quote_count) flush_quotes(d);
      d->pending_space = d->seen_word;
      continue;
    }
    if (d->pending_space) push(d, ' '), d->pending_space = 0;
    d->seen_word = 1;
    if (cp == '`' || cp == '\'') {
      if (d->quote_count && cp != d->quote) flush_quotes(d);
      d->quote = cp;
      d->quote_count++;
      continue;
    }
    if (d->quote_count) flush_quotes(d);
    push_decomposed(d, cp);
  }
}

void tern_albert_stream_init(tern_albert_stream *s, const tern_albert_options *options, const uint8_t *text,
                             size_t text_len) {
  *s = (tern_albert_stream){0};
  s->decomposer.options = options;
  s->decomposer.text = text;
  s->decomposer.len = text_len;
}

/* Python's handle_capital_sigma: final when preceded by a cased character (case-ignorables skipped) and
 * not followed by one. */
static uint32_t lower_sigma(const tern_albert_decomposer *d, int prev_cased) {
  if (!prev_cased) return 0x3C3;
  tern_albert_decomposer ahead = *d;
  for (uint32_t cp = decomposer_next(&ahead); cp != TERN_ALBERT_END; cp = decomposer_next(&ahead)) {
    uint8_t flags = tern_albert_lookup(cp)->flags;
    if (flags & TERN_ALBERT_CASE_IGNORABLE) continue;
    return (flags & TERN_ALBERT_CASED) ? 0x3C3 : 0x3C2;
  }
  return 0x3C2;
}

uint32_t tern_albert_stream_next(tern_albert_stream *s) {
  for (;;) {
    if (s->lowered_head < s->lowered_len) return s->lowered[s->lowered_head++];
    uint32_t cp = decomposer_next(&s->decomposer);
    if (cp == TERN_ALBERT_END || !s->decomposer.options->do_lower_case) return cp;
    const tern_albert_record *rec = tern_albert_lookup(cp);
    int was_cased = s->prev_cased;
    if (!(rec->flags & TERN_ALBERT_CASE_IGNORABLE)) s->prev_cased = (rec->flags & TERN_ALBERT_CASED) != 0;
    if (cp == 0x3A3) return lower_sigma(&s->decomposer, was_cased);
    if (rec->lower_length == TERN_ALBERT_IDENTITY) return cp;
    s->lowered_head = s->lowered_len = 0;
    for (unsigned i = 0; i < rec->lower_length && i < 4; i++) s->lowered[s->lowered_len++] = tern_albert_pool[rec->lower_offset + i];
  }
}
