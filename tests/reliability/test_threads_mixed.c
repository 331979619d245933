/* One model, 8 threads, each with its own session, thousands of mixed calls (tern_tokenize, tern_embed,
 * tern_run_ids, tern_classify): every result bit-identical to the same call made on one thread first.
 * Run under ThreadSanitizer by scripts/test_reliability.sh.
 *
 *   test_threads_mixed MODEL.tern [CALLS_PER_THREAD] */
#include <pthread.h>

#include "reliability_util.h"

enum { THREADS = 8, TASKS = 24, MAX_IDS = 128, MAX_FLOATS = 4096 };

typedef struct task_result {
  tern_status status;
  size_t count;
  int32_t ids[MAX_IDS];
  float values[MAX_FLOATS];
} task_result;

static const tern_model *model;
static int has_sequence_head;
static char task_text[TASKS][512];
static task_result reference[TASKS];
static long calls_per_thread = 1000;

/* Task t: a call kind (t % 4) on text t. */
static void run_task(tern_session *session, int t, task_result *out) {
  memset(out, 0, sizeof *out);
  const char *text = task_text[t];
  size_t length = strlen(text);
  switch (t % 4) {
    case 0:
      out->status = tern_tokenize(session, text, length, out->ids, MAX_IDS, &out->count);
      break;
    case 1: {
      const char *texts[3] = {text, task_text[(t + 5) % TASKS], task_text[(t + 11) % TASKS]};
      size_t lengths[3] = {length, strlen(texts[1]), strlen(texts[2])};
      out->status = tern_embed(session, texts, lengths, 3, out->values, MAX_FLOATS, &out->count);
      break;
    }
    case 2: {
      size_t n = 0;
      out->status = tern_tokenize(session, text, length, out->ids, MAX_IDS, &n);
      if (out->status != TERN_OK) break;
      tern_outputs outputs = {out->values, MAX_FLOATS, 0, NULL, 0, 0, NULL, 0, 0};
      if (n * 64 > MAX_FLOATS) n = MAX_FLOATS / 64;
      out->status = tern_run_ids(session, out->ids, NULL, &n, 1, &outputs);
      out->count = outputs.last_hidden_count;
      break;
    }
    default:
      if (has_sequence_head)
        out->status = tern_classify(session, text, length, out->values, MAX_FLOATS, &out->count);
      else
        out->status = tern_embed(session, &text, &length, 1, out->values, MAX_FLOATS, &out->count);
      break;
  }
}

typedef struct worker {
  int index;
  long mismatches, calls;
} worker;

static void *worker_main(void *argument) {
  worker *w = argument;
  tern_session *session = NULL;
  if (tern_session_create(model, NULL, &session) != TERN_OK) {
    w->mismatches = -1;
    return NULL;
  }
  static _Thread_local task_result got;
  uint32_t state = 2654435761u * (uint32_t)(w->index + 1);
  for (long call = 0; call < calls_per_thread; call++) {
    state = state * 1664525u + 1013904223u;
    int t = (int)((state >> 8) % TASKS);
    run_task(session, t, &got);
    w->calls++;
    if (got.status != reference[t].status || got.count != reference[t].count ||
        memcmp(got.ids, reference[t].ids, sizeof got.ids) != 0 ||
        memcmp(got.values, reference[t].values, sizeof got.values) != 0)
      w->mismatches++;
  }
  tern_session_free(session);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  if (argc > 2) calls_per_thread = atol(argv[2]);
  tern_model *loaded = NULL;
  if (tern_model_load(argv[1], NULL, &loaded) != TERN_OK) {
    fprintf(stderr, "skip: %s\n", tern_last_load_error());
    return TEST_SKIP;
  }
  model = loaded;
  tern_model_info info;
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  tern_model_get_info(model, &info);
  has_sequence_head = info.head_kind == TERN_HEAD_SEQUENCE_CLASSIFICATION;
  static const char *const words[] = {"the", "cat", "sat", "on", "a", "mat", "café", "naïve", "东京", "!", "42", "über"};
  for (int t = 0; t < TASKS; t++) {
    size_t pos = 0;
    for (int w = 0; w < 2 + t; w++)
      pos += (size_t)snprintf(task_text[t] + pos, sizeof task_text[t] - pos, "%s ", words[(t * 7 + w * 5) % 12]);
  }
  tern_session *session = NULL;
  EXPECT(tern_session_create(model, NULL, &session) == TERN_OK, "session");
  for (int t = 0; t < TASKS; t++) {
    run_task(session, t, &reference[t]);
    EXPECT(reference[t].status == TERN_OK, "task %d: %s", t, tern_session_last_error(session));
  }
  tern_session_free(session);
  pthread_t threads[THREADS];
  static worker workers[THREADS];
  for (int i = 0; i < THREADS; i++) {
    workers[i].index = i;
    EXPECT(pthread_create(&threads[i], NULL, worker_main, &workers[i]) == 0, "pthread_create");
  }
  long calls = 0;
  for (int i = 0; i < THREADS; i++) {
    pthread_join(threads[i], NULL);
    EXPECT(workers[i].mismatches == 0, "thread %d: %ld of %ld results differ from one thread", i,
           workers[i].mismatches, workers[i].calls);
    calls += workers[i].calls;
  }
  printf("%ld calls on %d threads\n", calls, THREADS);
  tern_model_free(loaded);
  return test_report("threads_mixed");
}
