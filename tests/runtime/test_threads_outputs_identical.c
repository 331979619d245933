/* One session per thread count (1, 2, 3, 4) on real test models: the last hidden state, the pooled vectors
 * and the logits of ragged batches must be memcmp-identical to the 1-thread session's (the split is over
 * rows, 16-aligned output columns and (text, head) pairs, never over K). Also: num_threads 0 (default) runs,
 * and a count past the limit is refused. With $TERN_ACTIVATION_BITS set, every session must run that many bits.
 *
 *   test_threads_outputs_identical MODELS_DIR [MODEL...]   (default: every test model it knows)
 */
#include <stdlib.h>
#include <string.h>

#include "tern.h"
#include "../kernels/test_util.h"
#include "test_models.h"

/* 128 tokens keep the test short under the sanitizers; every model here has at least 128 positions. */
enum { MAX_TEXTS = 8, MAX_THREADS = 4, MAX_LEN = 128 };

typedef struct batch {
  size_t count;
  size_t lengths[MAX_TEXTS];
} batch;

typedef struct result {
  float *hidden, *pooled, *logits;
  size_t hidden_count, pooled_count, logits_count;
} result;

static int run(const tern_model *model, const tern_model_info *info, uint32_t threads, const int32_t *ids,
               const batch *work, size_t total_tokens, result *out) {
  tern_session_options options = tern_session_default_options();
  options.num_threads = threads;
  options.max_batch_texts = MAX_TEXTS;
  options.max_seq_len = MAX_LEN;
  options.max_batch_tokens = (uint32_t)(total_tokens > MAX_LEN ? total_tokens : MAX_LEN);
  char message[256] = "";
  options.error_message = message;
  options.error_message_size = sizeof message;
  tern_session *session = NULL;
  tern_status status = tern_session_create(model, &options, &session);
  EXPECT(status == TERN_OK, "%u threads: create -> %s (%s)", threads, tern_status_string(status), message);
  if (status != TERN_OK) return 0;
  /* The session reports the count it runs: the one asked for (1 without pthreadpool), or the default's. */
#ifdef TERN_HAVE_PTHREADPOOL
  const uint32_t expected_threads = threads;
#else
  const uint32_t expected_threads = threads != 0 ? 1 : 0;
#endif
  const uint32_t got_threads = tern_session_num_threads(session);
  if (expected_threads != 0)
    EXPECT(got_threads == expected_threads, "%u threads asked: session runs %u", threads, got_threads);
  else
    EXPECT(got_threads >= 1 && got_threads <= 64, "default threads: session runs %u", got_threads);
  /* Under $TERN_ACTIVATION_BITS (ctest runs the int8 models again with 7) the session must run that mode. */
  const char *bits = getenv("TERN_ACTIVATION_BITS");
  if (bits != NULL && bits[0] != '\0')
    EXPECT(tern_session_activation_bits(session) == (uint32_t)atoi(bits), "%u threads: %u-bit activations, not %s",
           threads, tern_session_activation_bits(session), bits);
  const size_t labels = info->num_labels != 0 ? info->num_labels : 1;
  out->hidden = calloc(total_tokens * info->hidden_size, sizeof(float));
  out->pooled = calloc(work->count * info->output_dim, sizeof(float));
  out->logits = calloc(total_tokens * labels, sizeof(float));
  tern_outputs outputs = {out->hidden, total_tokens * info->hidden_size, 0, out->pooled,
                          work->count * info->output_dim, 0, info->num_labels != 0 ? out->logits : NULL,
                          total_tokens * labels, 0};
  status = tern_run_ids(session, ids, NULL, work->lengths, work->count, &outputs);
  EXPECT(status == TERN_OK, "%u threads: run -> %s (%s)", threads, tern_status_string(status),
         tern_session_last_error(session));
  out->hidden_count = outputs.last_hidden_count;
  out->pooled_count = outputs.pooled_count;
  out->logits_count = outputs.logits_count;
  tern_session_free(session);
  return status == TERN_OK;
}

static void release(result *r) {
  free(r->hidden);
  free(r->pooled);
  free(r->logits);
  memset(r, 0, sizeof *r);
}

static int same(const float *a, const float *b, size_t count) {
  return count == 0 || memcmp(a, b, count * sizeof(float)) == 0;
}

static void check_model(const char *dir, const char *name) {
  tern_model *model = test_model_load(dir, name);
  if (model == NULL) return;
  tern_model_info info;
  EXPECT(test_model_info(model, &info), "%s: info", name);
  const size_t max_len = MAX_LEN;
  EXPECT(info.max_position >= MAX_LEN, "%s: fewer than %d positions", name, MAX_LEN);
  /* A long single text (row tiles), a ragged batch with a 1-token text, and a batch of eight. */
  const batch batches[] = {{1, {max_len}},
                           {4, {5, 1, max_len / 2 + 3, 17}},
                           {8, {max_len, 2, 31, 9, max_len / 3, 64 % max_len + 1, 3, 40 % max_len + 1}}};
  for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++) {
    const batch *work = &batches[b];
    size_t total = 0;
    for (size_t t = 0; t < work->count; t++) total += work->lengths[t];
    int32_t *ids = malloc(total * sizeof(int32_t));
    for (size_t i = 0; i < total; i++) ids[i] = (int32_t)(test_rand_u32() % info.vocab_size);
    result reference = {0}, threaded = {0};
    if (run(model, &info, 1, ids, work, total, &reference)) {
      for (uint32_t threads = 2; threads <= MAX_THREADS; threads++) {
        if (!run(model, &info, threads, ids, work, total, &threaded)) break;
        EXPECT(threaded.hidden_count == reference.hidden_count && same(threaded.hidden, reference.hidden, reference.hidden_count),
               "%s batch %zu: last hidden with %u threads differs from 1 thread", name, b, threads);
        EXPECT(threaded.pooled_count == reference.pooled_count && same(threaded.pooled, reference.pooled, reference.pooled_count),
               "%s batch %zu: pooled with %u threads differs from 1 thread", name, b, threads);
        EXPECT(threaded.logits_count == reference.logits_count && same(threaded.logits, reference.logits, reference.logits_count),
               "%s batch %zu: logits with %u threads differ from 1 thread", name, b, threads);
        release(&threaded);
      }
      /* The default (0: the big cores) gives the same result too. */
      if (run(model, &info, 0, ids, work, total, &threaded))
        EXPECT(same(threaded.hidden, reference.hidden, reference.hidden_count), "%s batch %zu: default threads differ",
               name, b);
      release(&threaded);
    }
    release(&reference);
    free(ids);
  }
  tern_model_free(model);
  printf("%s: identical for 1..%d threads\n", name, MAX_THREADS);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s MODELS_DIR [MODEL...]\n", argv[0]);
    return 2;
  }
  static const char *const models[] = {"albert-tiny-int8.tern", "bert-tiny-int8.tern",  "bert-tiny-cls-int8.tern",
                                       "bert-tiny-ner-int8.tern", "minilm-int8.tern",  "albert-tiny-f32.tern",
                                       "bert-tiny-f32.tern",    "bert-tiny-lowrank.tern", "albert-tiny-groups-int8.tern"};
  if (argc > 2) /* the models named after the folder (emulated cross builds keep to the small ones) */
    for (int m = 2; m < argc; m++) check_model(argv[1], argv[m]);
  else
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) check_model(argv[1], models[m]);

  /* A count past the limit is refused with a message. */
  tern_model *model = test_model_load(argv[1], "albert-tiny-int8.tern");
  if (model != NULL) {
    tern_session_options options = tern_session_default_options();
    options.num_threads = 1000;
    tern_session *session = NULL;
    EXPECT(tern_session_create(model, &options, &session) == TERN_ERR_INVALID_ARGUMENT && session == NULL,
           "num_threads 1000 accepted");
    EXPECT(tern_session_num_threads(NULL) == 0, "tern_session_num_threads(NULL) is not 0");
    tern_model_free(model);
  }
  return test_report("threads_outputs_identical");
}
