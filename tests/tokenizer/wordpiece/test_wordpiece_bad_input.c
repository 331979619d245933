/* test_wordpiece_bad_input.c — defined results for hostile input: invalid UTF-8 (Python errors="replace"
 * counts), embedded NULs, empty text, 1 MB text, a 100 000-character word, too-small output capacity
 * (needed size reported, nothing written past cap), too-small scratch, NULL arguments, bad specs.
 * Usage: test_wordpiece_bad_input <dir with vocab.txt> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokenizer/tokenizer.h"
#include "tokenizer/utf8.h"
#include "wordpiece_test_util.h"

static int failures;
#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                     \
    }                                                                 \
  } while (0)

#define CANARY 0x7EADBEEF

static void test_invalid_utf8_counts(void) {
  /* Expected counts from Python: len(b.decode("utf-8", "replace")). */
  static const struct { const char *bytes; size_t len, chars; } cases[] = {
      {"\x80", 1, 1},         {"\xc0\x80", 2, 2},         {"\xc2", 1, 1},         {"\xe0\x80\x80", 3, 3},
      {"\xe0\xa0", 2, 1},     {"\xed\xa0\x80", 3, 3},     {"\xef\xbf", 2, 1},     {"\xf0\x80\x80\x80", 4, 4},
      {"\xf0\x90\x80", 3, 1}, {"\xf4\x90\x80\x80", 4, 4}, {"\xf5\x80", 2, 2},     {"\xff\xfe", 2, 2},
      {"\xe2\x28\xa1", 3, 3}, {"\xc3\x28", 2, 2},         {"a\xe2\x82" "b", 4, 3}, {"\xf0\x9f\x98\x80", 4, 1},
      {"\xf8\x88\x80\x80\x80", 5, 5}, {"\xe4\xb8\xad\xe6", 4, 2}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t got = tern_utf8_count(cases[i].bytes, cases[i].len);
    if (got != cases[i].chars) fprintf(stderr, "utf8 case %zu: %zu chars, want %zu\n", i, got, cases[i].chars);
    CHECK(got == cases[i].chars);
  }
  /* The decoder never reads past len: a truncated sequence at the very end of a buffer. */
  const uint8_t tail[2] = {'a', 0xF0};
  size_t pos = 1;
  CHECK(tern_utf8_decode(tail, 2, &pos) == TERN_UTF8_REPLACEMENT && pos == 2);
}

static size_t encode(const tern_tokenizer *tok, const char *text, size_t len, void *scratch, size_t scratch_size,
                     int32_t *ids, size_t cap, tern_status *status) {
  size_t n = 0;
  *status = tern_tokenizer_encode(tok, text, len, NULL, 0, 0, scratch, scratch_size, ids, NULL, cap, &n);
  return n;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s <dir with vocab.txt>\n", argv[0]);
    return 2;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/vocab.txt", argv[1]);
  test_vocab vocab = test_load_vocab(path);
  tern_tokenizer_spec spec = test_wordpiece_spec(&vocab, 1, 1);
  char err[256] = "";
  tern_tokenizer *tok = NULL;
  CHECK(tern_tokenizer_create(&spec, &tok, err, sizeof err) == TERN_OK);
  if (!tok) return 1;
  const size_t scratch_size = tern_tokenizer_scratch_size(tok, 1 << 20);
  void *scratch = malloc(scratch_size);
  const size_t big = 1u << 20;
  int32_t *ids = malloc((big + 16) * sizeof *ids), *ids2 = malloc((big + 16) * sizeof *ids2);
  tern_status st;

  test_invalid_utf8_counts();

  /* Empty text (NULL or not): [CLS] [SEP]. */
  size_t n = encode(tok, NULL, 0, scratch, scratch_size, ids, 16, &st);
  CHECK(st == TERN_OK && n == 2 && ids[0] == spec.cls_id && ids[1] == spec.sep_id);
  n = encode(tok, "", 0, scratch, scratch_size, ids, 16, &st);
  CHECK(st == TERN_OK && n == 2);

  /* Embedded NULs are removed by clean_text without splitting the word: "hel\0lo" == "hello". */
  size_t n1 = encode(tok, "hel\0lo wor\0\0ld\0", 15, scratch, scratch_size, ids, 64, &st);
  CHECK(st == TERN_OK);
  size_t n2 = encode(tok, "hello world", 11, scratch, scratch_size, ids2, 64, &st);
  CHECK(st == TERN_OK && n1 == n2 && n1 == 4 && memcmp(ids, ids2, n1 * sizeof *ids) == 0);

  /* Invalid bytes become U+FFFD, which clean_text drops: "a\xffb" == "ab". */
  n1 = encode(tok, "a\xff\xc0" "b", 4, scratch, scratch_size, ids, 64, &st);
  n2 = encode(tok, "ab", 2, scratch, scratch_size, ids2, 64, &st);
  CHECK(n1 == n2 && memcmp(ids, ids2, n1 * sizeof *ids) == 0);

  /* 1 MB of text: exactly the ids of one sentence repeated. */
  const char *sentence = "The quick brown fox jumps over the lazy dog, naïvely. ";
  const size_t sentence_len = strlen(sentence);
  size_t per_sentence = encode(tok, sentence, sentence_len, scratch, scratch_size, ids2, 64, &st) - 2;
  const size_t repeats = big / sentence_len;
  char *text = malloc(repeats * sentence_len);
  for (size_t i = 0; i < repeats; i++) memcpy(text + i * sentence_len, sentence, sentence_len);
  n = encode(tok, text, repeats * sentence_len, scratch, scratch_size, ids, big + 16, &st);
  CHECK(st == TERN_OK && n == 2 + repeats * per_sentence);
  int same = 1;
  for (size_t i = 0; i < repeats && same; i++) same = memcmp(ids + 1 + i * per_sentence, ids2 + 1, per_sentence * 4) == 0;
  CHECK(same);

  /* Output capacity smaller than needed: the needed size comes back, nothing is written past cap. */
  for (size_t i = 0; i < 64; i++) ids[i] = CANARY;
  n = encode(tok, text, repeats * sentence_len, scratch, scratch_size, ids, 5, &st);
  CHECK(st == TERN_ERR_BUFFER_TOO_SMALL && n == 2 + repeats * per_sentence);
  for (size_t i = 5; i < 64; i++) CHECK(ids[i] == CANARY);
  size_t total = 0;
  for (size_t i = 0; i < 64; i++) ids[i] = CANARY;
  CHECK(tern_tokenizer_encode_segment(tok, text, repeats * sentence_len, scratch, scratch_size, ids, 7, &total) ==
        TERN_OK);
  CHECK(total == repeats * per_sentence && memcmp(ids, ids2 + 1, 7 * sizeof *ids) == 0 && ids[7] == CANARY);
  CHECK(tern_tokenizer_encode_segment(tok, text, 100, scratch, scratch_size, NULL, 0, &total) == TERN_OK && total > 0);

  /* Truncation to max_length with cap == max_length. */
  for (size_t i = 0; i < 64; i++) ids[i] = CANARY;
  CHECK(tern_tokenizer_encode(tok, text, repeats * sentence_len, NULL, 0, 16, scratch, scratch_size, ids, NULL, 16,
                              &n) == TERN_OK);
  CHECK(n == 16 && ids[15] == spec.sep_id && ids[16] == CANARY && per_sentence < 14 &&
        memcmp(ids + 1, ids2 + 1, per_sentence * sizeof *ids) == 0 && ids[1 + per_sentence] == ids2[1]);
  CHECK(tern_tokenizer_encode(tok, "a", 1, "b", 1, 2, scratch, scratch_size, ids, NULL, 16, &n) ==
        TERN_ERR_INVALID_ARGUMENT);

  /* A 100 000-character word is one [UNK]; a word of exactly max_input_chars_per_word chars is not. */
  const size_t long_word = 100000;
  memset(text, 'a', long_word);
  n = encode(tok, text, long_word, scratch, scratch_size, ids, 16, &st);
  CHECK(st == TERN_OK && n == 3 && ids[1] == spec.unk_id);
  n = encode(tok, text, 100, scratch, scratch_size, ids, 64, &st);
  CHECK(st == TERN_OK && n > 3 && ids[1] != spec.unk_id);
  n = encode(tok, text, 101, scratch, scratch_size, ids, 64, &st);
  CHECK(st == TERN_OK && n == 3 && ids[1] == spec.unk_id);
  for (size_t i = 0; i + 2 <= long_word; i += 2) memcpy(text + i, "\xc3\xa9", 2); /* é: 50 000 chars */
  n = encode(tok, text, long_word, scratch, scratch_size, ids, 16, &st);
  CHECK(st == TERN_OK && n == 3 && ids[1] == spec.unk_id);
  for (size_t i = 0; i + 3 <= 99999; i += 3) memcpy(text + i, "\xe4\xb8\xad", 3); /* 中: each its own word */
  n = encode(tok, text, 99999, scratch, scratch_size, ids, 16, &st);
  CHECK(st == TERN_ERR_BUFFER_TOO_SMALL && n == 33333 + 2);

  /* Scratch too small, NULL arguments, bad specs. */
  CHECK(tern_tokenizer_encode_segment(tok, "abc", 3, scratch, 3, ids, 16, &total) == TERN_ERR_TOO_LONG);
  CHECK(tern_tokenizer_encode_segment(tok, "abc", 3, NULL, 0, ids, 16, &total) == TERN_ERR_TOO_LONG);
  CHECK(tern_tokenizer_encode_segment(NULL, "abc", 3, scratch, scratch_size, ids, 16, &total) ==
        TERN_ERR_INVALID_ARGUMENT);
  CHECK(tern_tokenizer_encode_segment(tok, NULL, 3, scratch, scratch_size, ids, 16, &total) ==
        TERN_ERR_INVALID_ARGUMENT);
  CHECK(tern_tokenizer_encode_segment(tok, "abc", 3, scratch, scratch_size, NULL, 16, &total) ==
        TERN_ERR_INVALID_ARGUMENT);
  CHECK(tern_tokenizer_encode(tok, "abc", 3, NULL, 0, 0, scratch, scratch_size, ids, NULL, 16, NULL) ==
        TERN_ERR_INVALID_ARGUMENT);
  tern_tokenizer *bad = NULL;
  tern_tokenizer_spec no_unk = spec;
  no_unk.unk_id = -1;
  err[0] = 0;
  CHECK(tern_tokenizer_create(&no_unk, &bad, err, sizeof err) == TERN_ERR_BAD_TOKENIZER && !bad && err[0]);
  tern_tokenizer_spec empty = spec;
  empty.vocab_size = 0;
  CHECK(tern_tokenizer_create(&empty, &bad, err, sizeof err) == TERN_ERR_BAD_TOKENIZER && !bad);
  tern_tokenizer_spec unknown_kind = spec;
  unknown_kind.kind = (tern_tokenizer_kind)7;
  CHECK(tern_tokenizer_create(&unknown_kind, &bad, err, sizeof err) == TERN_ERR_BAD_TOKENIZER && !bad);
  CHECK(tern_tokenizer_create(NULL, &bad, err, sizeof err) == TERN_ERR_INVALID_ARGUMENT);
  tern_tokenizer_free(NULL);

  free(text);
  free(ids);
  free(ids2);
  free(scratch);
  tern_tokenizer_free(tok);
  free(vocab.pieces);
  free(vocab.data);
  if (failures) fprintf(stderr, "%d checks failed\n", failures);
  else printf("all bad-input checks passed\n");
  return failures ? 1 : 0;
}
