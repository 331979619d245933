/* A ragged batch gives exactly (memcmp) the results of running its texts one by one: last hidden state,
 * pooled vectors and logits, also when the session's limits split the batch into several passes. */
#include <stdlib.h>
#include <string.h>

#include "synthetic_model.h"
#include "tern.h"
#include "../kernels/test_util.h"

enum { TEXTS = 6, MAX_LEN = 40, H = 16, LABELS = 3 };

static void run_all(tern_model *model, const tern_session_options *options, int one_by_one, const int32_t *ids,
                    const size_t *lengths, float *hidden, float *pooled, float *logits) {
  tern_session *session = NULL;
  EXPECT(tern_session_create(model, options, &session) == TERN_OK, "create");
  if (session == NULL) return;
  size_t total = 0;
  for (size_t i = 0; i < TEXTS; i++) total += lengths[i];
  if (!one_by_one) {
    tern_outputs outputs = {hidden, total * H, 0, pooled, TEXTS * H, 0, logits, TEXTS * LABELS, 0};
    EXPECT(tern_run_ids(session, ids, NULL, lengths, TEXTS, &outputs) == TERN_OK, "batch: %s",
           tern_session_last_error(session));
  } else {
    size_t token = 0;
    for (size_t i = 0; i < TEXTS; i++) {
      tern_outputs outputs = {hidden + token * H, lengths[i] * H, 0, pooled + i * H, H, 0, logits + i * LABELS, LABELS, 0};
      EXPECT(tern_run_ids(session, ids + token, NULL, &lengths[i], 1, &outputs) == TERN_OK, "single");
      token += lengths[i];
    }
  }
  tern_session_free(session);
}

int main(void) {
  const synthetic_weights kinds[] = {SYNTHETIC_INT8, SYNTHETIC_MIXED};
  for (size_t kind = 0; kind < 2; kind++) {
    synthetic_options model_options = synthetic_default_options();
    model_options.weights = kinds[kind];
    tern_model *model = synthetic_model_create(&model_options);
    const size_t lengths[TEXTS] = {7, 1, 40, 3, 12, 25};
    int32_t ids[TEXTS * MAX_LEN];
    size_t total = 0;
    for (size_t i = 0; i < TEXTS; i++)
      for (size_t t = 0; t < lengths[i]; t++, total++) ids[total] = (int32_t)((total * 13 + 5) % 50);
    static float hidden[3][TEXTS * MAX_LEN * H], pooled[3][TEXTS * H], logits[3][TEXTS * LABELS];
    tern_session_options big = tern_session_default_options();
    big.max_batch_tokens = TEXTS * MAX_LEN;
    tern_session_options small = tern_session_default_options(); /* one 40-token text per pass at most */
    small.max_batch_texts = 2;
    run_all(model, &big, 1, ids, lengths, hidden[0], pooled[0], logits[0]);
    run_all(model, &big, 0, ids, lengths, hidden[1], pooled[1], logits[1]);
    run_all(model, &small, 0, ids, lengths, hidden[2], pooled[2], logits[2]);
    for (int variant = 1; variant < 3; variant++) {
      EXPECT(memcmp(hidden[0], hidden[variant], total * H * sizeof(float)) == 0, "kind %zu variant %d: last hidden", kind, variant);
      EXPECT(memcmp(pooled[0], pooled[variant], sizeof pooled[0]) == 0, "kind %zu variant %d: pooled", kind, variant);
      EXPECT(memcmp(logits[0], logits[variant], sizeof logits[0]) == 0, "kind %zu variant %d: logits", kind, variant);
    }
    synthetic_model_free(model);
  }
  return test_report("ragged_batch_equals_one_by_one");
}
