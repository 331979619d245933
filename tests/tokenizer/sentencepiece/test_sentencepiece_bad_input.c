/* Bad input: every case has a defined result, no crash, no read or write out of bounds (run under ASan in
 * CI). Also hostile models: a corrupted charsmap or vocabulary is TERN_ERR_BAD_TOKENIZER at create. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_test_util.h"
#include "tokenizer/sentencepiece.h"

static int failures = 0;
#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                     \
    }                                                                 \
  } while (0)

static tern_status encode(const tern_sp_model *sp, const char *text, size_t len, int32_t *ids, size_t cap, size_t *n) {
  size_t scratch_size = tern_sp_scratch_size(sp, len);
  void *scratch = malloc(scratch_size ? scratch_size : 1);
  tern_status s = tern_sp_encode(sp, text, len, scratch, scratch_size, ids, cap, n);
  free(scratch);
  return s;
}

static void test_model(const char *path, int albert) {
  sp_test_model model = sp_test_load_model(path, albert);
  tern_sp_model *sp = NULL;
  char err[256];
  CHECK(tern_sp_create(&model.spec, &sp, err, sizeof err) == TERN_OK);
  if (!sp) return;
  int32_t ids[4096];
  size_t n = 99;

  /* empty text: no ids */
  CHECK(encode(sp, "", 0, ids, 16, &n) == TERN_OK && n == 0);
  CHECK(tern_sp_encode(sp, NULL, 0, NULL, 0, NULL, 0, &n) == TERN_OK && n == 0);
  /* only whitespace: no ids when extra whitespace is removed */
  CHECK(encode(sp, "   \t ", 5, ids, 16, &n) == TERN_OK && (n == 0 || !model.spec.remove_extra_whitespaces));
  /* NULL arguments */
  CHECK(tern_sp_encode(sp, NULL, 3, NULL, 0, ids, 16, &n) == TERN_ERR_INVALID_ARGUMENT);
  CHECK(tern_sp_encode(sp, "abc", 3, NULL, 0, NULL, 16, &n) == TERN_ERR_INVALID_ARGUMENT);
  CHECK(tern_sp_encode(NULL, "abc", 3, NULL, 0, ids, 16, &n) == TERN_ERR_INVALID_ARGUMENT);

  /* invalid UTF-8 = the same ids as its Python errors="replace" decoding */
  size_t n_bad, n_good;
  int32_t bad_ids[64], good_ids[64];
  CHECK(encode(sp, "a\xE2\x82 b\xFF\xC0\xAFz", 9, bad_ids, 64, &n_bad) == TERN_OK);
  CHECK(encode(sp, "a\xEF\xBF\xBD b\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz", 16, good_ids, 64, &n_good) == TERN_OK);
  CHECK(n_bad == n_good && memcmp(bad_ids, good_ids, n_bad * sizeof(int32_t)) == 0);

  /* embedded NUL is a character (an unknown one here), not the end */
  CHECK(encode(sp, "a\0b", 3, ids, 64, &n) == TERN_OK && n >= 2);

  /* cap too small: the first cap ids are written, the total is reported, nothing past cap is touched */
  const char *text = "The quick brown fox jumps over the lazy dog.";
  size_t full;
  CHECK(encode(sp, text, strlen(text), ids, 4096, &full) == TERN_OK && full > 5);
  int32_t small[8];
  for (int i = 0; i < 8; i++) small[i] = -7;
  CHECK(encode(sp, text, strlen(text), small, 3, &n) == TERN_OK && n == full);
  CHECK(memcmp(small, ids, 3 * sizeof(int32_t)) == 0 && small[3] == -7);
  CHECK(encode(sp, text, strlen(text), NULL, 0, &n) == TERN_OK && n == full);

  /* scratch too small: TERN_ERR_TOO_LONG, never an overrun */
  char tiny[16];
  CHECK(tern_sp_encode(sp, text, strlen(text), tiny, sizeof tiny, ids, 4096, &n) == TERN_ERR_TOO_LONG);

  /* 1 MB of text and a single 100 000-character word: defined results in scratch sized for them */
  size_t big = 1 << 20;
  char *mb = malloc(big);
  for (size_t i = 0; i < big; i++) mb[i] = "lorem ipsum dolor sit amet, \xC3\xA9t\xC3\xA9 \xD0\xBF\xD1\x80\xD0\xB8 "[i % 40];
  mb[big - 1] = ' ';
  int32_t *many = malloc(sizeof(int32_t) * big);
  CHECK(encode(sp, mb, big, many, big, &n) == TERN_OK && n > 1000 && n < big);
  memset(mb, 'x', 100000);
  CHECK(encode(sp, mb, 100000, many, big, &n) == TERN_OK && n > 0 && n <= 100001);
  for (size_t i = 0; i < 100000; i++) mb[i] = (char)(i % 2 ? 0xA9 : 0xC3); /* 50 000 x U+00E9 */
  CHECK(encode(sp, mb, 100000, many, big, &n) == TERN_OK && n > 0);
  free(mb);
  free(many);

  /* hostile models */
  tern_tokenizer_spec bad = model.spec;
  tern_sp_model *out = NULL;
  if (bad.precompiled_charsmap_size) {
    uint8_t *charsmap = malloc(bad.precompiled_charsmap_size);
    memcpy(charsmap, bad.precompiled_charsmap, bad.precompiled_charsmap_size);
    bad.precompiled_charsmap = charsmap;
    charsmap[0] = 0xFF, charsmap[1] = 0xFF, charsmap[2] = 0xFF, charsmap[3] = 0x7F; /* trie size too big */
    CHECK(tern_sp_create(&bad, &out, err, sizeof err) == TERN_ERR_BAD_TOKENIZER && !out);
    memcpy(charsmap, model.spec.precompiled_charsmap, 4);
    charsmap[bad.precompiled_charsmap_size - 1] = 'x'; /* replacement blob not NUL-terminated */
    CHECK(tern_sp_create(&bad, &out, err, sizeof err) == TERN_ERR_BAD_TOKENIZER && !out);
    /* random corruption of trie units: create either accepts (then encoding stays in bounds) or rejects */
    uint32_t seed = 12345;
    for (int round = 0; round < 200; round++) {
      memcpy(charsmap, model.spec.precompiled_charsmap, bad.precompiled_charsmap_size);
      for (int k = 0; k < 8; k++) {
        seed = seed * 1103515245u + 12345u;
        charsmap[4 + (seed >> 8) % 4096] = (uint8_t)(seed >> 3);
      }
      tern_status s = tern_sp_create(&bad, &out, err, sizeof err);
      CHECK(s == TERN_OK || s == TERN_ERR_BAD_TOKENIZER);
      if (out) {
        CHECK(encode(out, text, strlen(text), ids, 4096, &n) == TERN_OK);
        tern_sp_free(out);
        out = NULL;
      }
    }
    free(charsmap);
  }
  bad = model.spec;
  uint8_t *types = malloc(bad.vocab_size);
  memcpy(types, model.types, bad.vocab_size);
  bad.piece_types = types;
  types[10] = 9; /* unknown piece type */
  CHECK(tern_sp_create(&bad, &out, err, sizeof err) == TERN_ERR_BAD_TOKENIZER && !out);
  types[10] = model.types[10];
  types[(uint32_t)model.spec.unk_id] = 1; /* no <unk> */
  CHECK(tern_sp_create(&bad, &out, err, sizeof err) == TERN_ERR_BAD_TOKENIZER && !out);
  free(types);
  tern_str *pieces = malloc(sizeof(tern_str) * bad.vocab_size);
  memcpy(pieces, model.pieces, sizeof(tern_str) * bad.vocab_size);
  bad.piece_types = model.types;
  bad.pieces = pieces;
  pieces[bad.vocab_size - 2] = pieces[bad.vocab_size - 1]; /* duplicate normal piece */
  CHECK(tern_sp_create(&bad, &out, err, sizeof err) == TERN_ERR_BAD_TOKENIZER && !out);
  free(pieces);

  tern_sp_free(sp);
  sp_test_free_model(&model);
}

int main(int argc, char **argv) {
  for (int i = 1; i + 1 < argc; i += 2) test_model(argv[i], atoi(argv[i + 1]));
  if (failures) fprintf(stderr, "%d failures\n", failures);
  else printf("sentencepiece bad input: all checks passed\n");
  return failures ? 1 : 0;
}
