/* bench_wordpiece.c — single-thread tokens/s of the WordPiece tokenizer on the shared corpus (all items,
 * [CLS]/[SEP], no truncation), to compare with bench_hf_tokenizers.py. Not a test.
 * Usage: bench_wordpiece <dir with vocab.txt> <corpus.txt> [repeats] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tokenizer/tokenizer.h"
#include "wordpiece_test_util.h"

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s <dir with vocab.txt> <corpus.txt> [repeats]\n", argv[0]);
    return 2;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/vocab.txt", argv[1]);
  test_vocab vocab = test_load_vocab(path);
  size_t size, *lengths;
  char *corpus = corpus_read_file(argv[2], &size);
  char **items;
  size_t n_items = corpus_split_lines(corpus, size, &items, &lengths);
  size_t bytes = 0;
  for (size_t i = 0; i < n_items; i++) bytes += lengths[i] = corpus_unescape(items[i], lengths[i]);
  int repeats = argc > 3 ? atoi(argv[3]) : 20;
  tern_tokenizer_spec spec = test_wordpiece_spec(&vocab, 1, 1);
  tern_tokenizer *tok = NULL;
  char err[256];
  double t0 = now_seconds();
  if (tern_tokenizer_create(&spec, &tok, err, sizeof err) != TERN_OK) {
    fprintf(stderr, "create: %s\n", err);
    return 1;
  }
  double create_ms = (now_seconds() - t0) * 1e3;
  size_t scratch_size = tern_tokenizer_scratch_size(tok, 1 << 20);
  void *scratch = malloc(scratch_size);
  static int32_t ids[1 << 16];
  size_t tokens = 0;
  double best = 1e30;
  for (int r = 0; r < repeats; r++) {
    size_t run_tokens = 0;
    double start = now_seconds();
    for (size_t i = 0; i < n_items; i++) {
      size_t n = 0;
      tern_tokenizer_encode(tok, items[i], lengths[i], NULL, 0, 0, scratch, scratch_size, ids, NULL, 1 << 16, &n);
      run_tokens += n;
    }
    double elapsed = now_seconds() - start;
    if (elapsed < best) best = elapsed;
    tokens = run_tokens;
  }
  printf("{\"items\": %zu, \"bytes\": %zu, \"tokens\": %zu, \"best_seconds\": %.6f, \"tokens_per_second\": %.0f, "
         "\"mb_per_second\": %.2f, \"create_ms\": %.2f}\n",
         n_items, bytes, tokens, best, (double)tokens / best, (double)bytes / best / 1e6, create_ms);
  tern_tokenizer_free(tok);
  free(scratch);
  return 0;
}
