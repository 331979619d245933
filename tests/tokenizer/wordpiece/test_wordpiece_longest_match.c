/* test_wordpiece_longest_match.c — the hashed vocabulary (runtime/src/tokenizer/piece_hash.c) against a
 * brute-force WordPiece: for each start, try every end from the longest down (character boundaries only)
 * and search the vocabulary linearly, as HF's WordPiece::tokenize does. Vocabularies with pieces far longer
 * than the words, multi-byte pieces, an empty and a custom continuation prefix, random words over a small
 * alphabet (so many words split into several pieces and some are [UNK]). Also: equal pieces are rejected.
 * Usage: test_wordpiece_longest_match */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokenizer/tokenizer.h"
#include "../../kernels/test_util.h"


/* Letters: ASCII, 2-byte and 3-byte characters (none is whitespace, punctuation or CJK for BERT). No piece
 * holds the last one, so a word with it is [UNK]. */
static const char *const alphabet[] = {"a", "b", "c", "\xc3\xa9", "\xce\xb2", "\xe1\xb8\x80", "d"};
#define ALPHABET (sizeof alphabet / sizeof alphabet[0])

static uint32_t next_random(uint32_t *state) {
  *state = *state * 1103515245u + 12345u;
  return *state >> 8;
}

static size_t random_word(uint32_t *state, size_t chars, size_t letters, char *out) {
  size_t n = 0;
  for (size_t i = 0; i < chars; i++) {
    const char *c = alphabet[next_random(state) % letters];
    memcpy(out + n, c, strlen(c));
    n += strlen(c);
  }
  out[n] = 0;
  return n;
}

static int32_t find_piece(const tern_str *pieces, uint32_t count, const char *prefix, const char *bytes, size_t len) {
  const size_t prefix_len = strlen(prefix);
  for (uint32_t i = 0; i < count; i++)
    if (pieces[i].len == prefix_len + len && memcmp(pieces[i].ptr, prefix, prefix_len) == 0 &&
        memcmp(pieces[i].ptr + prefix_len, bytes, len) == 0)
      return (int32_t)i;
  return -1;
}

/* HF WordPiece::tokenize for one word of valid UTF-8 (no normalization needed for these words). */
static size_t brute_force(const tern_str *pieces, uint32_t count, const char *prefix, int32_t unk, const char *word,
                          size_t len, int32_t *ids) {
  size_t n = 0, start = 0;
  while (start < len) {
    int32_t id = -1;
    size_t end = len;
    for (; end > start; end--) {
      if (end < len && ((uint8_t)word[end] & 0xC0) == 0x80) continue;
      id = find_piece(pieces, count, start ? prefix : "", word + start, end - start);
      if (id >= 0) break;
    }
    if (id < 0) {
      ids[0] = unk;
      return 1;
    }
    ids[n++] = id;
    start = end;
  }
  return n;
}

static void check_vocabulary(const char *prefix, uint32_t seed) {
  enum { PIECES = 400 };
  static char storage[PIECES][128];
  static tern_str pieces[PIECES];
  uint32_t state = seed, count = 0;
  const char *fixed[] = {"[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"};
  for (uint32_t i = 0; i < 5; i++) pieces[count++] = (tern_str){fixed[i], (uint32_t)strlen(fixed[i])};
  while (count < PIECES) {
    char piece[128];
    size_t chars = 1 + next_random(&state) % (count % 50 == 0 ? 24 : 4); /* a few pieces longer than any word */
    int continuation = next_random(&state) % 2;
    size_t n = continuation ? (size_t)snprintf(piece, sizeof piece, "%s", prefix) : 0;
    n += random_word(&state, chars, ALPHABET - 1, piece + n);
    if (find_piece(pieces, count, "", piece, n) >= 0) continue; /* distinct */
    memcpy(storage[count], piece, n + 1);
    pieces[count] = (tern_str){storage[count], (uint32_t)n};
    count++;
  }
  tern_tokenizer_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.kind = TERN_TOKENIZER_WORDPIECE;
  spec.vocab_size = count;
  spec.pieces = pieces;
  spec.unk_id = 0, spec.cls_id = 1, spec.sep_id = 2, spec.pad_id = 3, spec.mask_id = 4;
  spec.max_input_chars_per_word = 100;
  spec.continuing_subword_prefix = (tern_str){prefix, (uint32_t)strlen(prefix)};
  tern_tokenizer *tok = NULL;
  char err[256];
  EXPECT(tern_tokenizer_create(&spec, &tok, err, sizeof err) == TERN_OK, "create: %s", err);
  if (!tok) return;
  const size_t scratch_size = tern_tokenizer_scratch_size(tok, 4096);
  void *scratch = malloc(scratch_size);
  size_t words = 0, splits = 0, unknown = 0;
  for (int trial = 0; trial < 4000; trial++) {
    char word[512];
    const size_t len = random_word(&state, 1 + next_random(&state) % 12, trial % 4 ? ALPHABET - 1 : ALPHABET, word);
    int32_t want[128], got[128];
    const size_t n_want = brute_force(pieces, count, prefix, spec.unk_id, word, len, want);
    size_t n_got = 0;
    tern_status status = tern_tokenizer_encode_segment(tok, word, len, scratch, scratch_size, got, 128, &n_got);
    EXPECT(status == TERN_OK && n_got == n_want && memcmp(got, want, n_want * sizeof *got) == 0,
          "prefix '%s', word '%s': %zu ids, brute force %zu", prefix, word, n_got, n_want);
    words++;
    splits += n_want > 1;
    unknown += n_want == 1 && want[0] == spec.unk_id;
  }
  EXPECT(splits > 100 && unknown > 10, "prefix '%s': too easy (%zu splits, %zu [UNK] of %zu)", prefix, splits,
        unknown, words);
  free(scratch);
  tern_tokenizer_free(tok);
}

static void check_duplicates_rejected(void) {
  tern_str pieces[] = {{"[UNK]", 5}, {"ab", 2}, {"##c", 3}, {"ab", 2}};
  tern_tokenizer_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.kind = TERN_TOKENIZER_WORDPIECE;
  spec.vocab_size = 4;
  spec.pieces = pieces;
  spec.unk_id = 0, spec.cls_id = spec.sep_id = spec.pad_id = spec.mask_id = -1;
  spec.max_input_chars_per_word = 100;
  spec.continuing_subword_prefix = (tern_str){"##", 2};
  tern_tokenizer *tok = NULL;
  char err[256] = "";
  EXPECT(tern_tokenizer_create(&spec, &tok, err, sizeof err) == TERN_ERR_BAD_TOKENIZER && tok == NULL,
        "equal pieces accepted");
  EXPECT(strstr(err, "pieces 1 and 3") != NULL, "message '%s' does not name both pieces", err);
}

int main(void) {
  check_vocabulary("##", 1);
  check_vocabulary("", 2);
  check_vocabulary("\xe2\x80\xa6", 3); /* a 3-byte prefix */
  check_duplicates_rejected();
  if (test_failures) fprintf(stderr, "%d failures\n", test_failures);
  else printf("wordpiece longest match agrees with brute force\n");
  return test_failures ? 1 : 0;
}
