#define _POSIX_C_SOURCE 199309L
/* Tokens per second of tern's SentencePiece tokenizer, single thread, over the corpus items.
 * Usage: bench_sentencepiece model.model corpus.txt albert(0|1) [repeats] ; prints one JSON line. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sp_test_util.h"
#include "tokenizer/sentencepiece.h"

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  int repeats = argc > 4 ? atoi(argv[4]) : 5;
  sp_test_model model = sp_test_load_model(argv[1], atoi(argv[3]));
  tern_sp_model *sp;
  char err[256];
  if (tern_sp_create(&model.spec, &sp, err, sizeof err) != TERN_OK) return 1;
  size_t size;
  char *corpus = corpus_read_file(argv[2], &size);
  char **items;
  size_t *lengths, max_len = 0;
  size_t n_items = corpus_split_lines(corpus, size, &items, &lengths);
  for (size_t i = 0; i < n_items; i++) {
    lengths[i] = corpus_unescape(items[i], lengths[i]);
    if (lengths[i] > max_len) max_len = lengths[i];
  }
  size_t scratch_size = tern_sp_scratch_size(sp, max_len);
  void *scratch = malloc(scratch_size);
  int32_t *ids = malloc(sizeof(int32_t) * 65536);
  double best = 1e30;
  size_t tokens = 0;
  for (int r = 0; r < repeats; r++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    tokens = 0;
    for (size_t i = 0; i < n_items; i++) {
      size_t n;
      tern_sp_encode(sp, items[i], lengths[i], scratch, scratch_size, ids, 65536, &n);
      tokens += n;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (s < best) best = s;
  }
  printf("{\"model\": \"%s\", \"items\": %zu, \"tokens\": %zu, \"seconds\": %.4f, \"tokens_per_s\": %.0f}\n", argv[1],
         n_items, tokens, best, (double)tokens / best);
  free(scratch);
  free(ids);
  free(items);
  free(lengths);
  free(corpus);
  tern_sp_free(sp);
  sp_test_free_model(&model);
  return 0;
}
