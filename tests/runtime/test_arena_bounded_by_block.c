/* Peak RSS (issue 6: file size + 16 MiB) counts the arena's touched pages, so the arena must not grow with
 * the batch beyond the hidden state: the encoder's scratch is one row block / attention group
 * (encoder.c). For 8 texts x S tokens the arena may exceed the one of a one-block session (T0 =
 * TERN_BLOCK_ROWS tokens) by the extra rows of the hidden state and of the batch's ids and type ids only:
 *   arena(8 x S) <= arena(T0) + (8 S - T0) x (4 H + 2 x 4) bytes (+ alignment).
 * Whole-batch scratch (FFN intermediate, query/key/value, quantized rows) would add >= 4 x intermediate
 * bytes per token and fails it. The size is a pure function of the options: two sessions agree.
 *
 *   test_arena_bounded_by_block MODELS_DIR   (77: no test model found)
 */
#include <string.h>

#include "session.h"
#include "tern.h"
#include "../kernels/test_util.h"
#include "test_models.h"

enum { TEXTS = 8, ALIGNMENT_SLACK = 3 * 64 };

static size_t arena_for(const tern_model *model, size_t max_seq_len, size_t texts, size_t tokens) {
  tern_session_options options = tern_session_default_options();
  options.num_threads = 1;
  options.max_seq_len = (uint32_t)max_seq_len;
  options.max_batch_texts = (uint32_t)texts;
  options.max_batch_tokens = (uint32_t)tokens;
  tern_session *session = NULL;
  const tern_status status = tern_session_create(model, &options, &session);
  EXPECT(status == TERN_OK, "create (%zu tokens): %s", tokens, tern_status_string(status));
  const size_t bytes = tern_session_arena_bytes(session);
  tern_session_free(session);
  return bytes;
}

static int check_model(const char *dir, const char *name) {
  tern_model *model = test_model_load(dir, name);
  if (model == NULL) return 0;
  tern_model_info info;
  EXPECT(test_model_info(model, &info), "%s: info", name);
  const size_t seq = info.max_position < 256 ? info.max_position : 256, tokens = TEXTS * seq;
  const size_t one_block = arena_for(model, seq, TEXTS, TERN_BLOCK_ROWS);
  const size_t batch = arena_for(model, seq, TEXTS, tokens);
  const size_t per_token = 4 * (size_t)info.hidden_size + 2 * sizeof(int32_t);
  const size_t bound = one_block + (tokens - TERN_BLOCK_ROWS) * per_token + ALIGNMENT_SLACK;
  EXPECT(batch <= bound, "%s: arena for %d x %zu tokens is %zu bytes > %zu (one block %zu + hidden state)", name, TEXTS,
         seq, batch, bound, one_block);
  EXPECT(arena_for(model, seq, TEXTS, tokens) == batch, "%s: arena size not a function of the options", name);
  printf("%s: arena %d x %zu tokens %.2f MiB (one block %.2f MiB, bound %.2f MiB)\n", name, TEXTS, seq,
         (double)batch / 1048576.0, (double)one_block / 1048576.0, (double)bound / 1048576.0);
  tern_model_free(model);
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s MODELS_DIR\n", argv[0]);
    return 2;
  }
  static const char *const models[] = {"minilm-int8.tern", "albert-tiny-int8.tern", "bert-tiny-lowrank.tern"};
  int checked = 0;
  for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) checked += check_model(argv[1], models[m]);
  if (checked == 0) return 77;
  return test_report("arena_bounded_by_block");
}
