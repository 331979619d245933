/* Adaptive depth on converted files: FULL run at depth K equals (memcmp) KEPT, the same checkpoint converted
 * with --keep-layers 0-(K-1) (f32, so both files hold the same weights bit for bit):
 *   test_depth_matches_kept_layers FULL KEPT K      (exit 77 = SKIP when a file is absent)
 * Checked on pooled embeddings and the last hidden state of a few texts, one by one and as one batch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern.h"
#include "../kernels/test_util.h"

enum { TEXTS = 4, MAX_FLOATS = 1 << 16 };
static const char *const texts[TEXTS] = {"hello world", "The history of the region is long and complicated.",
                                         "a", "Farmers settled the valley first, then traders came along the river."};

static tern_model *load(const char *path) {
  tern_model *model = NULL;
  if (tern_model_load(path, NULL, &model) != TERN_OK) fprintf(stderr, "load %s: %s\n", path, tern_last_load_error());
  return model;
}

static void run(tern_model *model, uint32_t depth, float *pooled, float *hidden, size_t *hidden_count) {
  tern_session_options options = tern_session_default_options();
  options.depth = depth;
  options.num_threads = 1;
  tern_session *session = NULL;
  EXPECT(tern_session_create(model, &options, &session) == TERN_OK, "create depth %u", depth);
  if (session == NULL) return;
  size_t lengths[TEXTS];
  for (size_t i = 0; i < TEXTS; i++) lengths[i] = strlen(texts[i]);
  EXPECT(tern_embed(session, texts, lengths, TEXTS, pooled, MAX_FLOATS, NULL) == TERN_OK, "embed: %s",
         tern_session_last_error(session));
  tern_outputs outputs = {hidden, MAX_FLOATS, 0, NULL, 0, 0, NULL, 0, 0};
  EXPECT(tern_run_text(session, texts[1], strlen(texts[1]), &outputs) == TERN_OK, "run_text: %s",
         tern_session_last_error(session));
  *hidden_count = outputs.last_hidden_count;
  tern_session_free(session);
}

int main(int argc, char **argv) {
  if (argc != 4) return fprintf(stderr, "usage: %s FULL KEPT K\n", argv[0]), 2;
  for (int i = 1; i <= 2; i++) {
    FILE *probe = fopen(argv[i], "rb");
    if (probe == NULL) return printf("SKIP: %s not found (models/make_test_models.sh)\n", argv[i]), 77;
    fclose(probe);
  }
  const uint32_t depth = (uint32_t)atoi(argv[3]);
  tern_model *full = load(argv[1]), *kept = load(argv[2]);
  if (full == NULL || kept == NULL) return 1;
  tern_model_info info = {.struct_size = sizeof info};
  tern_model_get_info(kept, &info);
  EXPECT(info.num_layers == depth, "KEPT has %u layers, expected %u", info.num_layers, depth);
  static float pooled[2][MAX_FLOATS], hidden[2][MAX_FLOATS], full_pooled[MAX_FLOATS];
  size_t counts[2] = {0, 0}, full_count = 0;
  run(full, depth, pooled[0], hidden[0], &counts[0]);
  run(kept, 0, pooled[1], hidden[1], &counts[1]);
  run(full, 0, full_pooled, hidden[0] + MAX_FLOATS / 2, &full_count);
  const size_t pooled_floats = (size_t)TEXTS * info.output_dim;
  EXPECT(memcmp(pooled[0], pooled[1], pooled_floats * sizeof(float)) == 0, "pooled: depth %u != kept layers", depth);
  EXPECT(counts[0] == counts[1] && counts[0] > 0 && counts[0] < MAX_FLOATS / 2, "hidden counts %zu %zu", counts[0],
         counts[1]);
  EXPECT(memcmp(hidden[0], hidden[1], counts[0] * sizeof(float)) == 0, "last hidden: depth %u != kept layers", depth);
  EXPECT(memcmp(pooled[0], full_pooled, pooled_floats * sizeof(float)) != 0, "depth %u equals the full depth", depth);
  tern_model_free(full);
  tern_model_free(kept);
  return test_report("depth_matches_kept_layers");
}
