/* corpus_util.h — reading files and the shared tokenizer corpus format (tests/data/tokenizer_corpus/README.md)
 * for the tokenizer tests. Test-only; exits on I/O errors. */
#ifndef TERN_TEST_CORPUS_UTIL_H
#define TERN_TEST_CORPUS_UTIL_H

#include <stdio.h>
#include <stdlib.h>

static inline char *corpus_read_file(const char *path, size_t *size) {
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
static inline size_t corpus_split_lines(char *data, size_t size, char ***lines_out, size_t **lengths_out) {
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
static inline size_t corpus_unescape(char *line, size_t length) {
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

#endif /* TERN_TEST_CORPUS_UTIL_H */
