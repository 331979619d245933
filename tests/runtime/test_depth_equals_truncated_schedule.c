/* Adaptive depth (tern_session_options.depth, tern_session_set_depth): running the first k schedule entries
 * gives exactly (memcmp) the model whose schedule is cut after k entries; depth 0 and depth N equal the
 * normal run; the per-call setter equals the creation option; out-of-range depths are refused with a
 * message and leave the session as it was; a caller with the older, shorter options struct runs all
 * layers. */
#include <stddef.h>
#include <string.h>

#include "synthetic_model.h"
#include "tern.h"
#include "../kernels/test_util.h"

enum { TEXTS = 3, MAX_LEN = 40, H = 16, LABELS = 3, LAYERS = 3 };

typedef struct results {
  float hidden[TEXTS * MAX_LEN * H], pooled[TEXTS * H], logits[TEXTS * LABELS];
} results;

static const size_t lengths[TEXTS] = {9, 40, 2};

static void run(tern_session *session, const int32_t *ids, results *out) {
  memset(out, 0, sizeof *out);
  tern_outputs outputs = {out->hidden, TEXTS * MAX_LEN * H, 0, out->pooled, TEXTS * H, 0, out->logits,
                          TEXTS * LABELS, 0};
  EXPECT(tern_run_ids(session, ids, NULL, lengths, TEXTS, &outputs) == TERN_OK, "run: %s",
         tern_session_last_error(session));
}

static tern_session *create(const tern_model *model, uint32_t depth, uint32_t struct_size) {
  tern_session_options options = tern_session_default_options();
  options.max_batch_tokens = TEXTS * MAX_LEN;
  options.depth = depth;
  if (struct_size != 0) options.struct_size = struct_size;
  tern_session *session = NULL;
  tern_status status = tern_session_create(model, &options, &session);
  EXPECT(status == TERN_OK, "create depth %u: %s", depth, tern_status_string(status));
  return session;
}

static int same(const results *a, const results *b) {
  return memcmp(a->hidden, b->hidden, sizeof a->hidden) == 0 && memcmp(a->pooled, b->pooled, sizeof a->pooled) == 0 &&
         memcmp(a->logits, b->logits, sizeof a->logits) == 0;
}

int main(void) {
  synthetic_options model_options = synthetic_default_options();
  tern_model *model = synthetic_model_create(&model_options); /* schedule 0, 1, 0: set 1 is pruned */
  int32_t ids[TEXTS * MAX_LEN];
  for (size_t i = 0; i < TEXTS * MAX_LEN; i++) ids[i] = (int32_t)((i * 11 + 3) % 50);
  static results full, by_depth, expected, again;

  tern_session *session = create(model, 0, 0);
  run(session, ids, &full);
  EXPECT(tern_session_depth(session) == LAYERS, "default depth %u", tern_session_depth(session));
  tern_session_free(session);
  session = create(model, LAYERS, 0);
  run(session, ids, &by_depth);
  EXPECT(same(&full, &by_depth), "depth = N differs from the normal run");
  tern_session_free(session);
  /* An older caller: the struct ends before `depth`. */
  session = create(model, 0, (uint32_t)offsetof(tern_session_options, depth));
  run(session, ids, &by_depth);
  EXPECT(same(&full, &by_depth), "old struct_size differs from the normal run");
  tern_session_free(session);

  for (uint32_t depth = 1; depth < LAYERS; depth++) {
    model->num_layers = depth; /* the expectation: the schedule cut after `depth` entries */
    session = create(model, 0, 0);
    run(session, ids, &expected);
    tern_session_free(session);
    model->num_layers = LAYERS;
    EXPECT(!same(&expected, &full), "depth %u: a shorter schedule should change the result", depth);

    session = create(model, depth, 0);
    run(session, ids, &by_depth);
    EXPECT(same(&expected, &by_depth), "depth %u option differs from the truncated schedule", depth);
    tern_session_free(session);

    session = create(model, 0, 0);
    EXPECT(tern_session_set_depth(session, depth) == TERN_OK, "set_depth %u", depth);
    EXPECT(tern_session_depth(session) == depth, "depth after set %u", tern_session_depth(session));
    run(session, ids, &again);
    EXPECT(same(&expected, &again), "set_depth %u differs from the truncated schedule", depth);
    EXPECT(tern_session_set_depth(session, 0) == TERN_OK, "set_depth 0");
    run(session, ids, &again);
    EXPECT(same(&full, &again), "set_depth 0 after %u differs from the normal run", depth);
    tern_session_free(session);
  }

  /* Out of range. */
  char message[256] = "";
  tern_session_options options = tern_session_default_options();
  options.depth = LAYERS + 1;
  options.error_message = message;
  options.error_message_size = sizeof message;
  session = NULL;
  EXPECT(tern_session_create(model, &options, &session) == TERN_ERR_INVALID_ARGUMENT && session == NULL,
         "depth N+1 accepted");
  EXPECT(strstr(message, "depth 4 exceeds the model's 3 layers") != NULL, "message: %s", message);
  session = create(model, 2, 0);
  EXPECT(tern_session_set_depth(session, LAYERS + 1) == TERN_ERR_INVALID_ARGUMENT, "set_depth N+1 accepted");
  EXPECT(strstr(tern_session_last_error(session), "exceeds") != NULL, "set_depth message: %s",
         tern_session_last_error(session));
  EXPECT(tern_session_depth(session) == 2, "a refused set_depth changed the depth to %u", tern_session_depth(session));
  tern_session_free(session);
  EXPECT(tern_session_set_depth(NULL, 1) == TERN_ERR_INVALID_ARGUMENT, "NULL session");
  synthetic_model_free(model);
  return test_report("depth_equals_truncated_schedule");
}
