/* sentencepiece_albert.h — AlbertTokenizer.preprocess_text as a code point stream (internal; see
 * sentencepiece.h, step 2). Streaming keeps the tokenizer's scratch independent of the text length. */
#ifndef TERN_TOKENIZER_SENTENCEPIECE_ALBERT_H
#define TERN_TOKENIZER_SENTENCEPIECE_ALBERT_H

#include <stddef.h>
#include <stdint.h>

#include "tern.h"

typedef struct tern_albert_options {
  int remove_space, keep_accents, do_lower_case;
} tern_albert_options;

#define TERN_ALBERT_END UINT32_MAX

/* The pre-steps before lowering: decoding, remove_space, ``/'' pairing, decomposition. A run of quotes
 * is held as a count, so the state stays small whatever the text. */
typedef struct tern_albert_decomposer {
  const tern_albert_options *options;
  const uint8_t *text;
  size_t len, pos;
  uint32_t quote;          /* the quote character of the pending run */
  size_t quote_count;      /* length of the pending run, not emitted yet */
  size_t pairs_to_emit;    /* '"' still to emit for a run being flushed (before queue) */
  int pending_space, seen_word;
  uint32_t queue[24];      /* an odd quote, a space and one character's decomposition (<= 18) */
  unsigned queue_head, queue_len;
} tern_albert_decomposer;

typedef struct tern_albert_stream {
  tern_albert_decomposer decomposer;
  int prev_cased; /* Final_Sigma look-behind: the last character that is not case-ignorable is cased */
  uint32_t lowered[4];
  unsigned lowered_head, lowered_len;
} tern_albert_stream;

/* Largest number of output bytes (UTF-8 of the stream) per input byte over every input, computed from
 * the tables by composing the steps per character (not by multiplying each step's worst case). The
 * exhaustive walk over every code point is what the constant tern_albert_max_growth returns was taken
 * from (tests check they agree); only remove_space does not matter. */
size_t tern_albert_max_growth(const tern_albert_options *options);
size_t tern_albert_max_growth_exhaustive(const tern_albert_options *options);

void tern_albert_stream_init(tern_albert_stream *stream, const tern_albert_options *options, const uint8_t *text,
                             size_t text_len);

/* The next code point of preprocess_text(text) (invalid UTF-8 decoded like Python's errors="replace"),
 * or TERN_ALBERT_END. Never allocates. */
uint32_t tern_albert_stream_next(tern_albert_stream *stream);

#endif /* TERN_TOKENIZER_SENTENCEPIECE_ALBERT_H */
