/* wordpiece_test_util.h — builds a WordPiece tern_tokenizer_spec straight from vocab.txt (no loader) and
 * reads the shared corpus format (tests/data/tokenizer_corpus/README.md). Test-only; exits on I/O errors. */
#ifndef TERN_TEST_WORDPIECE_UTIL_H
#define TERN_TEST_WORDPIECE_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "../corpus_util.h"

typedef struct test_vocab {
  char *data;
  tern_str *pieces;
  uint32_t count;
} test_vocab;




static inline test_vocab test_load_vocab(const char *path) {
  test_vocab v;
  size_t size;
  v.data = corpus_read_file(path, &size);
  char **lines;
  size_t *lengths;
  v.count = (uint32_t)corpus_split_lines(v.data, size, &lines, &lengths);
  v.pieces = malloc(v.count * sizeof *v.pieces);
  for (uint32_t i = 0; i < v.count; i++) v.pieces[i] = (tern_str){lines[i], (uint32_t)lengths[i]};
  free(lines);
  free(lengths);
  return v;
}

static inline int32_t test_vocab_id(const test_vocab *v, const char *piece) {
  for (uint32_t i = 0; i < v->count; i++)
    if (v->pieces[i].len == strlen(piece) && memcmp(v->pieces[i].ptr, piece, v->pieces[i].len) == 0) return (int32_t)i;
  return -1;
}

/* BertTokenizer defaults for all-MiniLM-L6-v2 (uncased). */
static inline tern_tokenizer_spec test_wordpiece_spec(const test_vocab *v, int lowercase, int strip_accents) {
  tern_tokenizer_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.kind = TERN_TOKENIZER_WORDPIECE;
  spec.vocab_size = v->count;
  spec.pieces = v->pieces;
  spec.max_length = 0;
  spec.unk_id = test_vocab_id(v, "[UNK]");
  spec.cls_id = test_vocab_id(v, "[CLS]");
  spec.sep_id = test_vocab_id(v, "[SEP]");
  spec.pad_id = test_vocab_id(v, "[PAD]");
  spec.mask_id = test_vocab_id(v, "[MASK]");
  spec.lowercase = lowercase;
  spec.strip_accents = strip_accents;
  spec.tokenize_chinese_chars = 1;
  spec.clean_text = 1;
  spec.max_input_chars_per_word = 100;
  spec.continuing_subword_prefix = (tern_str){"##", 2};
  return spec;
}

#endif /* TERN_TEST_WORDPIECE_UTIL_H */
