/* The scratch bound: tern_sp_scratch_size(model, 65536) (the session default max_text_bytes) stays under a
 * stated budget, and texts near 65536 bytes encode exactly (oracle ids from make_oracle.py) with exactly
 * that scratch (malloc'd to the byte, so ASan sees any overrun). Also: the same texts in a scratch sized
 * for 1024 bytes (streaming: only a word must fit) are exact or, for the 60 000-byte word, TOO_LONG; and
 * the word-by-word Viterbi equals the whole-text one (a model forced to tokenize whole texts) on the
 * corpus and the long texts.
 * Known open difference: at the score magnitudes of ~60 KB texts (~-1e5, float ulp ~0.008) the library
 * breaks a few near-ties differently from float accumulation from the text start, which matches it on
 * all short items (double sums do not: they break 8 short items). Those long items are listed as `known`
 * (comma-separated indices): reported, must still equal the whole-text pass, and the test fails if one
 * starts to match the library, so the list cannot go stale.
 * Usage: model albert(0|1) long-corpus long-oracle corpus budget_bytes [known] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_test_util.h"
#include "tokenizer/sentencepiece.h"

static int failures = 0;
#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                              \
    }                                                                          \
  } while (0)

enum { MAX_TEXT_BYTES = 65536 };

static size_t parse_ids(const char *line, int32_t *ids, size_t cap) {
  size_t n = 0;
  char *p = (char *)line;
  while (*p && n < cap) {
    ids[n++] = (int32_t)strtol(p, &p, 10);
    while (*p == ' ') p++;
  }
  return n;
}

static tern_status encode_in(const tern_sp_model *sp, const char *text, size_t len, size_t scratch_size, int32_t *ids,
                             size_t cap, size_t *n) {
  void *scratch = malloc(scratch_size);
  tern_status s = tern_sp_encode(sp, text, len, scratch, scratch_size, ids, cap, n);
  free(scratch);
  return s;
}

int main(int argc, char **argv) {
  if (argc != 7 && argc != 8) {
    fprintf(stderr, "usage: %s model albert long-corpus long-oracle corpus budget_bytes\n", argv[0]);
    return 2;
  }
  int albert = atoi(argv[2]);
  size_t budget = (size_t)strtoull(argv[6], NULL, 10);
  long known[8];
  size_t known_count = 0;
  for (char *p = argc == 8 ? argv[7] : NULL; p && *p && known_count < 8;) {
    known[known_count++] = strtol(p, &p, 10);
    if (*p == ',') p++;
  }
  sp_test_model model = sp_test_load_model(argv[1], albert), whole_model = sp_test_load_model(argv[1], albert);
  sp_test_force_whole_text(&whole_model);
  char err[256] = "";
  tern_sp_model *sp = NULL, *whole = NULL;
  if (tern_sp_create(&model.spec, &sp, err, sizeof err) != TERN_OK ||
      tern_sp_create(&whole_model.spec, &whole, err, sizeof err) != TERN_OK) {
    fprintf(stderr, "tern_sp_create: %s\n", err);
    return 1;
  }
  size_t scratch_size = tern_sp_scratch_size(sp, MAX_TEXT_BYTES);
  printf("%s: scratch %zu bytes for %d-byte texts (budget %zu), %zu for any word; growth %zu bytes/byte\n", argv[1],
         scratch_size, MAX_TEXT_BYTES, budget, tern_sp_scratch_size_any_word(sp, MAX_TEXT_BYTES), tern_sp_growth(sp));
  CHECK(tern_sp_splits_words(sp));
  CHECK(scratch_size <= budget);
  /* a model that cannot be split gets the whole-text bound */
  CHECK(!tern_sp_splits_words(whole));
  CHECK(tern_sp_scratch_size(whole, MAX_TEXT_BYTES) == tern_sp_scratch_size_any_word(whole, MAX_TEXT_BYTES));

  size_t corpus_size, oracle_size;
  char *corpus = corpus_read_file(argv[3], &corpus_size), *oracle = corpus_read_file(argv[4], &oracle_size);
  char **items, **expected;
  size_t *lengths, *expected_lengths;
  size_t n_items = corpus_split_lines(corpus, corpus_size, &items, &lengths);
  CHECK(corpus_split_lines(oracle, oracle_size, &expected, &expected_lengths) == n_items && n_items >= 6);
  size_t cap = 1 << 18, small_scratch = tern_sp_scratch_size(sp, 1024);
  int32_t *ids = malloc(cap * sizeof *ids), *want = malloc(cap * sizeof *want), *ref = malloc(cap * sizeof *ref);
  for (size_t i = 0; i < n_items; i++) {
    lengths[i] = corpus_unescape(items[i], lengths[i]);
    CHECK(lengths[i] >= 60000 && lengths[i] <= MAX_TEXT_BYTES);
    size_t n_oracle = parse_ids(expected[i], want, cap), n = 0;
    tern_status s = encode_in(sp, items[i], lengths[i], scratch_size, ids, cap, &n);
    int matches = s == TERN_OK && n == n_oracle && memcmp(ids, want, n * sizeof *ids) == 0, is_known = 0;
    for (size_t k = 0; k < known_count; k++) is_known |= known[k] == (long)i;
    if (matches == is_known) {
      fprintf(stderr, "long item %zu (%zu bytes): status %d, %zu ids, oracle %zu, listed as known: %d\n", i, lengths[i],
              (int)s, n, n_oracle, is_known);
      failures++;
    }
    /* the reference from here on: the whole-text pass (== the library where it matches) */
    size_t n_want = n;
    CHECK(s == TERN_OK);
    memcpy(want, ids, n * sizeof *ids);
    s = encode_in(sp, items[i], lengths[i], small_scratch, ids, cap, &n);
    int long_word = memchr(items[i], ' ', lengths[i]) == NULL;
    if (long_word) CHECK(s == TERN_ERR_TOO_LONG);
    else CHECK(s == TERN_OK && n == n_want && memcmp(ids, want, n * sizeof *ids) == 0);
    s = encode_in(whole, items[i], lengths[i], tern_sp_scratch_size(whole, lengths[i]), ref, cap, &n);
    CHECK(s == TERN_OK && n == n_want && memcmp(ref, want, n * sizeof *ref) == 0);
  }

  free(items);
  free(lengths);
  free(expected);
  free(expected_lengths);
  /* word by word == whole text on the shared corpus */
  size_t shared_size;
  char *shared = corpus_read_file(argv[5], &shared_size);
  n_items = corpus_split_lines(shared, shared_size, &items, &lengths);
  size_t differ = 0;
  for (size_t i = 0; i < n_items; i++) {
    lengths[i] = corpus_unescape(items[i], lengths[i]);
    size_t n = 0, n_ref = 0;
    tern_status a = encode_in(sp, items[i], lengths[i], tern_sp_scratch_size(sp, lengths[i]), ids, cap, &n);
    tern_status b = encode_in(whole, items[i], lengths[i], tern_sp_scratch_size(whole, lengths[i]), ref, cap, &n_ref);
    differ += a != TERN_OK || b != TERN_OK || n != n_ref || memcmp(ids, ref, n * sizeof *ids) != 0;
  }
  CHECK(differ == 0);
  printf("%zu long texts and %zu corpus items checked, %d failures\n", n_items ? (size_t)6 : 0, n_items, failures);
  free(items);
  free(lengths);
  free(ids);
  free(want);
  free(ref);
  free(corpus);
  free(oracle);
  free(shared);
  tern_sp_free(sp);
  tern_sp_free(whole);
  sp_test_free_model(&model);
  sp_test_free_model(&whole_model);
  return failures ? 1 : 0;
}
