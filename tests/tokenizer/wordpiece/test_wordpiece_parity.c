/* test_wordpiece_parity.c — ids identical to Hugging Face tokenizers (oracle.tar.xz, made by
 * make_oracle.py) on every item of the shared corpus: uncased (the model's own settings), cased
 * (lowercase and strip_accents off), and pairs / singles truncated with "longest_first".
 * Usage: test_wordpiece_parity <oracle dir> <corpus.txt> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokenizer/tokenizer.h"
#include "wordpiece_test_util.h"

#define MAX_IDS (1u << 20)

static size_t parse_ids(const char *s, int32_t *out, size_t cap) {
  size_t n = 0;
  char *end;
  for (;;) {
    long v = strtol(s, &end, 10);
    if (end == s) break;
    if (n < cap) out[n] = (int32_t)v;
    n++;
    s = end;
  }
  return n;
}

static void print_ids(const char *label, const int32_t *ids, size_t n) {
  fprintf(stderr, "  %s (%zu):", label, n);
  for (size_t i = 0; i < n && i < 40; i++) fprintf(stderr, " %d", ids[i]);
  fprintf(stderr, n > 40 ? " ...\n" : "\n");
}

static int32_t ids[MAX_IDS], type_ids[MAX_IDS], expected[MAX_IDS], expected_types[MAX_IDS];

static size_t check_corpus(const char *name, const tern_tokenizer *tok, char **items, size_t *item_lengths,
                           size_t n_items, char **oracle, size_t n_oracle, void *scratch, size_t scratch_size) {
  if (n_oracle != n_items) {
    fprintf(stderr, "%s: %zu oracle lines for %zu items\n", name, n_oracle, n_items);
    return n_items;
  }
  size_t mismatches = 0;
  for (size_t i = 0; i < n_items; i++) {
    size_t n = 0;
    tern_status st = tern_tokenizer_encode(tok, items[i], item_lengths[i], NULL, 0, 0, scratch, scratch_size, ids,
                                           type_ids, MAX_IDS, &n);
    size_t n_expected = parse_ids(oracle[i], expected, MAX_IDS);
    if (st != TERN_OK || n != n_expected || memcmp(ids, expected, n * sizeof *ids) != 0) {
      if (mismatches++ < 10) {
        fprintf(stderr, "%s: item %zu differs (status %d)\n", name, i, (int)st);
        print_ids("tern  ", ids, n);
        print_ids("oracle", expected, n_expected);
      }
    }
  }
  printf("%s: %zu items, %zu mismatches\n", name, n_items, mismatches);
  return mismatches;
}

static size_t check_pairs(const tern_tokenizer *tok, char **items, size_t *item_lengths, char **lines, size_t n_lines,
                          void *scratch, size_t scratch_size) {
  size_t mismatches = 0;
  for (size_t k = 0; k < n_lines; k++) {
    long a, b, max_length;
    char *p = lines[k];
    if (sscanf(p, "%ld %ld %ld", &a, &b, &max_length) != 3) return n_lines;
    char *tab1 = strchr(p, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
    if (!tab2) return n_lines;
    *tab2 = 0;
    size_t n_expected = parse_ids(tab1 + 1, expected, MAX_IDS);
    size_t n_types = parse_ids(tab2 + 1, expected_types, MAX_IDS);
    size_t n = 0;
    /* cap == max_length exactly: the documented minimum. */
    tern_status st = tern_tokenizer_encode(tok, items[a], item_lengths[a], b >= 0 ? items[b] : NULL,
                                           b >= 0 ? item_lengths[b] : 0, (size_t)max_length, scratch, scratch_size,
                                           ids, type_ids, (size_t)max_length, &n);
    if (st != TERN_OK || n != n_expected || n_types != n || memcmp(ids, expected, n * sizeof *ids) != 0 ||
        memcmp(type_ids, expected_types, n * sizeof *ids) != 0) {
      if (mismatches++ < 10) {
        fprintf(stderr, "pairs: line %zu (a %ld b %ld max %ld) differs (status %d)\n", k, a, b, max_length, (int)st);
        print_ids("tern  ", ids, n);
        print_ids("oracle", expected, n_expected);
        print_ids("types ", type_ids, n);
        print_ids("oracle", expected_types, n_types);
      }
    }
  }
  printf("pairs: %zu lines, %zu mismatches\n", n_lines, mismatches);
  return mismatches;
}

static char **load_lines(const char *dir, const char *name, size_t *count, size_t **lengths) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  size_t size;
  char *data = corpus_read_file(path, &size);
  char **lines;
  *count = corpus_split_lines(data, size, &lines, lengths);
  return lines;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s <oracle dir> <corpus.txt>\n", argv[0]);
    return 2;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/vocab.txt", argv[1]);
  test_vocab vocab = test_load_vocab(path);

  size_t corpus_size, *item_lengths;
  char *corpus = corpus_read_file(argv[2], &corpus_size);
  char **items;
  size_t n_items = corpus_split_lines(corpus, corpus_size, &items, &item_lengths);
  for (size_t i = 0; i < n_items; i++) item_lengths[i] = corpus_unescape(items[i], item_lengths[i]);

  size_t failures = 0;
  const struct { const char *file; int lowercase, strip_accents; } variants[] = {
      {"uncased.txt", 1, 1}, {"cased.txt", 0, 0}};
  for (int v = 0; v < 2; v++) {
    tern_tokenizer_spec spec = test_wordpiece_spec(&vocab, variants[v].lowercase, variants[v].strip_accents);
    tern_tokenizer *tok = NULL;
    char err[256];
    if (tern_tokenizer_create(&spec, &tok, err, sizeof err) != TERN_OK) {
      fprintf(stderr, "create: %s\n", err);
      return 1;
    }
    size_t scratch_size = tern_tokenizer_scratch_size(tok, 1 << 20);
    void *scratch = malloc(scratch_size);
    size_t n_oracle, *oracle_lengths;
    char **oracle = load_lines(argv[1], variants[v].file, &n_oracle, &oracle_lengths);
    failures += check_corpus(variants[v].file, tok, items, item_lengths, n_items, oracle, n_oracle, scratch,
                             scratch_size);
    if (v == 0) {
      size_t n_pairs, *pair_lengths;
      char **pairs = load_lines(argv[1], "pairs.txt", &n_pairs, &pair_lengths);
      failures += check_pairs(tok, items, item_lengths, pairs, n_pairs, scratch, scratch_size);
      free(pairs[0]);
      free(pairs);
      free(pair_lengths);
    }
    free(oracle[0]);
    free(oracle);
    free(oracle_lengths);
    free(scratch);
    tern_tokenizer_free(tok);
  }
  free(items);
  free(item_lengths);
  free(corpus);
  free(vocab.pieces);
  free(vocab.data);
  return failures ? 1 : 0;
}
