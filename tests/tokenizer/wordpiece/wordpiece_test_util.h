/* wordpiece_test_util.h — builds a WordPiece tern_tokenizer_spec straight from vocab.txt (no loader) and
 * reads the shared corpus format (tests/data/tokenizer_corpus/README.md). Test-only; exits on I/O errors. */
#ifndef TERN_TEST_WORDPIECE_UTIL_H
#define TERN_TEST_WORDPIECE_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

typedef struct test_vocab {
  char *data;
  tern_str *pieces;
  uint32_t count;
} test_vocab;

static inline char *test_read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *data = malloc((size_t)n + 1);
  if (!data || fread(data, 1, (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  data[n] = 0;
  fclose(f);
  *size = (size_t)n;
  return data;
}

/* Splits data in place into LF-terminated lines; returns the count. */
static inline size_t test_split_lines(char *data, size_t size, char ***lines_out, size_t **lengths_out) {
  size_t count = 0;
  for (size_t i = 0; i < size; i++) count += data[i] == '\n';
  char **lines = malloc((count + 1) * sizeof *lines);
  size_t *lengths = malloc((count + 1) * sizeof *lengths);
  size_t start = 0, k = 0;
  for (size_t i = 0; i < size; i++) {
    if (data[i] == '\n') {
      data[i] = 0;
      lines[k] = data + start;
      lengths[k++] = i - start;
      start = i + 1;
    }
  }
  *lines_out = lines;
  *lengths_out = lengths;
  return count;
}

/* Undoes the corpus escapes (\xHH for 00 0a 0d 5c) in place; returns the new length. */
static inline size_t test_unescape(char *line, size_t length) {
  size_t out = 0;
  for (size_t i = 0; i < length; i++) {
    if (line[i] == '\\' && i + 3 < length && line[i + 1] == 'x') {
      char hex[3] = {line[i + 2], line[i + 3], 0};
      line[out++] = (char)strtol(hex, NULL, 16);
      i += 3;
    } else {
      line[out++] = line[i];
    }
  }
  return out;
}

static inline test_vocab test_load_vocab(const char *path) {
  test_vocab v;
  size_t size;
  v.data = test_read_file(path, &size);
  char **lines;
  size_t *lengths;
  v.count = (uint32_t)test_split_lines(v.data, size, &lines, &lengths);
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
