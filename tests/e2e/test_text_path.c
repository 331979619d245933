/* The text entry points end to end: tern_tokenize reproduces Hugging Face's ids for every fixture
 * sentence (models/fixtures/<model>/input_ids.txt from sentences.txt), and tern_embed of the texts as one
 * batch equals tern_run_ids on those ids bit for bit.
 * usage: test_text_path MODEL.tern FIXTURE_DIR SENTENCES_TXT   (exit 77 = SKIP when the model is missing) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern.h"

enum { MAX_TEXTS = 64, MAX_IDS = 8192 };

int main(int argc, char **argv) {
  if (argc != 4) return fprintf(stderr, "usage: %s MODEL FIXTURE_DIR SENTENCES\n", argv[0]), 2;
  FILE *probe = fopen(argv[1], "rb");
  if (!probe) return printf("SKIP: %s not found\n", argv[1]), 77;
  fclose(probe);
  static char text_storage[MAX_TEXTS][2048];
  const char *texts[MAX_TEXTS];
  size_t lengths[MAX_TEXTS], count = 0, failures = 0;
  char path[4096];
  FILE *file = fopen(argv[3], "r");
  if (!file) return fprintf(stderr, "cannot read %s\n", argv[3]), 1;
  while (count < MAX_TEXTS && fgets(text_storage[count], sizeof text_storage[count], file)) {
    size_t length = strlen(text_storage[count]);
    if (length && text_storage[count][length - 1] == '\n') text_storage[count][--length] = '\0';
    texts[count] = text_storage[count], lengths[count] = length, count++;
  }
  fclose(file);
  static int32_t expected_ids[MAX_IDS];
  size_t expected_lengths[MAX_TEXTS], total = 0, lines = 0;
  snprintf(path, sizeof path, "%s/input_ids.txt", argv[2]);
  if (!(file = fopen(path, "r"))) return fprintf(stderr, "cannot read %s\n", path), 1;
  static char line[65536];
  while (lines < MAX_TEXTS && fgets(line, sizeof line, file)) {
    size_t n = 0;
    for (char *cursor = line, *end;; cursor = end) {
      const long value = strtol(cursor, &end, 10);
      if (end == cursor || total == MAX_IDS) break;
      expected_ids[total++] = (int32_t)value, n++;
    }
    expected_lengths[lines++] = n;
  }
  fclose(file);
  if (lines != count) return fprintf(stderr, "%zu sentences but %zu id lines\n", count, lines), 1;

  tern_model *model = NULL;
  if (tern_model_load(argv[1], NULL, &model) != TERN_OK) return fprintf(stderr, "load failed\n"), 1;
  tern_model_info info;
  tern_model_get_info(model, &info);
  tern_session_options options = tern_session_default_options();
  options.max_batch_texts = 4; /* forces tern_embed to split the batch */
  tern_session *session = NULL;
  if (tern_session_create(model, &options, &session) != TERN_OK) return fprintf(stderr, "session failed\n"), 1;

  size_t offset = 0;
  for (size_t i = 0; i < count; i++) {
    int32_t ids[1024];
    size_t n = 0;
    const tern_status status = tern_tokenize(session, texts[i], lengths[i], ids, 1024, &n);
    if (status != TERN_OK || n != expected_lengths[i] || memcmp(ids, expected_ids + offset, n * sizeof(int32_t))) {
      fprintf(stderr, "sentence %zu: ids differ from Hugging Face (%zu vs %zu ids) %s\n", i, n, expected_lengths[i],
              tern_session_last_error(session));
      failures++;
    }
    offset += expected_lengths[i];
  }
  const size_t dim = info.output_dim;
  float *from_text = calloc(count * dim, sizeof(float)), *from_ids = calloc(count * dim, sizeof(float));
  size_t needed = 0;
  if (tern_embed(session, texts, lengths, count, from_text, count * dim, &needed) != TERN_OK || needed != count * dim)
    fprintf(stderr, "embed: %s\n", tern_session_last_error(session)), failures++;
  tern_outputs outputs = {NULL, 0, 0, from_ids, count * dim, 0, NULL, 0, 0};
  if (tern_run_ids(session, expected_ids, NULL, expected_lengths, count, &outputs) != TERN_OK)
    fprintf(stderr, "run_ids: %s\n", tern_session_last_error(session)), failures++;
  if (failures == 0 && memcmp(from_text, from_ids, count * dim * sizeof(float)) != 0)
    fprintf(stderr, "tern_embed differs from tern_run_ids on the same ids\n"), failures++;
  free(from_text), free(from_ids);
  tern_session_free(session);
  tern_model_free(model);
  if (failures) return fprintf(stderr, "%s: %zu failure(s)\n", argv[1], failures), 1;
  printf("%s: %zu texts ok\n", argv[1], count);
  return 0;
}
