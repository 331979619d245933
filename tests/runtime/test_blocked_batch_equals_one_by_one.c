/* The encoder runs attention on groups of whole texts and everything else on row blocks of TERN_BLOCK_ROWS
 * (encoder.c): a batch far bigger than one block, with a text longer than a block, must give exactly
 * (memcmp) the last hidden state, pooled vectors and logits of its texts run one by one, for 1 and 3
 * threads, and also with the block shrunk (white-box) to a few rows that no tile size divides.
 *
 *   test_blocked_batch_equals_one_by_one MODELS_DIR   (77: no test model found)
 */
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "tern.h"
#include "../kernels/test_util.h"
#include "test_models.h"

enum { MAX_TEXTS = 160, SHRUNK_BLOCK_ROWS = 5 };

typedef struct batch {
  size_t count, max_seq_len;
  size_t lengths[MAX_TEXTS];
} batch;

typedef struct outputs_buffer {
  float *hidden, *pooled, *logits;
  size_t hidden_cap, pooled_cap, logits_cap;
} outputs_buffer;

static void buffer_alloc(outputs_buffer *buffer, const tern_model_info *info, size_t count, size_t total) {
  buffer->hidden_cap = total * info->hidden_size;
  buffer->pooled_cap = count * info->output_dim;
  buffer->logits_cap = (info->head_kind == TERN_HEAD_TOKEN_CLASSIFICATION ? total : count) * info->num_labels;
  buffer->hidden = calloc(buffer->hidden_cap, sizeof(float));
  buffer->pooled = calloc(buffer->pooled_cap, sizeof(float));
  buffer->logits = calloc(buffer->logits_cap + 1, sizeof(float));
}

static void buffer_free(outputs_buffer *buffer) {
  free(buffer->hidden);
  free(buffer->pooled);
  free(buffer->logits);
}

static tern_session *create(const tern_model *model, const batch *work, size_t batch_tokens, uint32_t threads) {
  tern_session_options options = tern_session_default_options();
  options.num_threads = threads;
  options.max_seq_len = (uint32_t)work->max_seq_len;
  options.max_batch_texts = (uint32_t)work->count;
  options.max_batch_tokens = (uint32_t)batch_tokens;
  tern_session *session = NULL;
  const tern_status status = tern_session_create(model, &options, &session);
  EXPECT(status == TERN_OK, "create (%zu tokens, %u threads): %s", batch_tokens, threads, tern_status_string(status));
  return session;
}

/* Texts [first, first + count) of the batch into the buffer at their offsets. */
static void run_texts(tern_session *session, const tern_model_info *info, const int32_t *ids, const batch *work,
                      size_t first, size_t count, size_t first_token, outputs_buffer *out) {
  const size_t labels = info->num_labels;
  const int token_head = info->head_kind == TERN_HEAD_TOKEN_CLASSIFICATION;
  size_t tokens = 0;
  for (size_t i = 0; i < count; i++) tokens += work->lengths[first + i];
  tern_outputs outputs = {out->hidden + first_token * info->hidden_size, tokens * info->hidden_size, 0,
                          out->pooled + first * info->output_dim, count * info->output_dim, 0,
                          labels != 0 ? out->logits + (token_head ? first_token : first) * labels : NULL,
                          (token_head ? tokens : count) * labels, 0};
  const tern_status status = tern_run_ids(session, ids + first_token, NULL, work->lengths + first, count, &outputs);
  EXPECT(status == TERN_OK, "run: %s (%s)", tern_status_string(status), tern_session_last_error(session));
}

static void expect_same(const outputs_buffer *a, const outputs_buffer *b, const char *what) {
  EXPECT(memcmp(a->hidden, b->hidden, a->hidden_cap * sizeof(float)) == 0, "%s: last hidden differs", what);
  EXPECT(memcmp(a->pooled, b->pooled, a->pooled_cap * sizeof(float)) == 0, "%s: pooled differs", what);
  EXPECT(memcmp(a->logits, b->logits, a->logits_cap * sizeof(float)) == 0, "%s: logits differ", what);
}

static void check_batch(const tern_model *model, const tern_model_info *info, const char *name, const batch *work) {
  size_t total = 0;
  for (size_t i = 0; i < work->count; i++) total += work->lengths[i];
  EXPECT(total > TERN_BLOCK_ROWS, "%s: the batch (%zu tokens) must be bigger than a block", name, total);
  int32_t *ids = malloc(total * sizeof(int32_t));
  for (size_t i = 0; i < total; i++) ids[i] = (int32_t)(test_rand_u32() % info->vocab_size);

  outputs_buffer single, batched;
  buffer_alloc(&single, info, work->count, total);
  buffer_alloc(&batched, info, work->count, total);
  tern_session *session = create(model, work, work->max_seq_len, 1);
  if (session != NULL) {
    for (size_t text = 0, token = 0; text < work->count; token += work->lengths[text], text++)
      run_texts(session, info, ids, work, text, 1, token, &single);
    tern_session_free(session);
  }
  char what[160];
  for (uint32_t threads = 1; threads <= 3; threads += 2) {
    for (int shrink = 0; shrink < 2; shrink++) {
      if ((session = create(model, work, total, threads)) == NULL) continue;
      if (shrink) { /* smaller than the arena was laid out for: always safe */
        EXPECT(session->block_rows == TERN_BLOCK_ROWS && session->attention_tokens >= work->max_seq_len,
               "%s: block_rows %zu, attention_tokens %zu", name, session->block_rows, session->attention_tokens);
        session->block_rows = SHRUNK_BLOCK_ROWS;
        session->attention_tokens = work->max_seq_len;
      }
      run_texts(session, info, ids, work, 0, work->count, 0, &batched);
      snprintf(what, sizeof what, "%s: %zu texts, %zu tokens, %u threads, block %s", name, work->count, total, threads,
               shrink ? "shrunk" : "default");
      expect_same(&single, &batched, what);
      /* NaN bytes: a row the next run forgets to write cannot match. */
      memset(batched.hidden, 0xff, batched.hidden_cap * sizeof(float));
      memset(batched.pooled, 0xff, batched.pooled_cap * sizeof(float));
      memset(batched.logits, 0xff, batched.logits_cap * sizeof(float));
      tern_session_free(session);
    }
  }
  buffer_free(&single);
  buffer_free(&batched);
  free(ids);
}

static int check_model(const char *dir, const char *name) {
  tern_model *model = test_model_load(dir, name);
  if (model == NULL) return 0;
  tern_model_info info;
  EXPECT(test_model_info(model, &info), "%s: info", name);
  batch work = {0};
  if (info.max_position > TERN_BLOCK_ROWS + 44) {
    /* One text longer than a block, one that ends inside the next block, and a short one. */
    work.max_seq_len = TERN_BLOCK_ROWS + 44;
    work.count = 3;
    work.lengths[0] = TERN_BLOCK_ROWS + 44;
    work.lengths[1] = TERN_BLOCK_ROWS - 61;
    work.lengths[2] = 60;
    check_batch(model, &info, name, &work);
  }
  /* Many texts of every length up to the model's limit... */
  work.max_seq_len = info.max_position < 128 ? info.max_position : 128;
  work.count = 20;
  for (size_t i = 0; i < work.count; i++) work.lengths[i] = 1 + (i * 37 + 11) % work.max_seq_len;
  check_batch(model, &info, name, &work);
  /* ...and more short texts than one attention call takes (TERN_MAX_ATTENTION_TEXTS in encoder.c). */
  work.count = MAX_TEXTS;
  for (size_t i = 0; i < work.count; i++) work.lengths[i] = 1 + i % 3;
  check_batch(model, &info, name, &work);
  tern_model_free(model);
  printf("%s: blocked batches identical to one by one\n", name);
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s MODELS_DIR [MODEL...]\n", argv[0]);
    return 2;
  }
  /* int8 (MiniLM: 512 positions), a token head, a sequence head with pooler, low-rank pairs, f16 and f32. */
  static const char *const models[] = {"minilm-int8.tern",      "bert-tiny-ner-int8.tern", "albert-tiny-cls-int8.tern",
                                       "bert-tiny-lowrank.tern", "bert-tiny-f16.tern",     "albert-tiny-f32.tern"};
  int checked = 0;
  if (argc > 2)
    for (int m = 2; m < argc; m++) checked += check_model(argv[1], argv[m]);
  else
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) checked += check_model(argv[1], models[m]);
  if (checked == 0) return 77;
  return test_report("blocked_batch_equals_one_by_one");
}
