/* One model shared by 4 threads, each with its own session, gives results bit-identical to one thread. */
#include <pthread.h>
#include <string.h>

#include "synthetic_model.h"
#include "tern.h"
#include "../kernels/test_util.h"

enum { THREADS = 4, ROUNDS = 20, LEN = 30, H = 16 };

typedef struct job {
  const tern_model *model;
  int32_t ids[LEN];
  float hidden[LEN * H];
  float pooled[H];
  int ok;
} job;

static void run_once(const tern_model *model, const int32_t *ids, float *hidden, float *pooled, int *ok) {
  tern_session *session = NULL;
  *ok = 0;
  if (tern_session_create(model, NULL, &session) != TERN_OK) return;
  const size_t length = LEN;
  int all_ok = 1;
  for (int round = 0; round < ROUNDS; round++) {
    tern_outputs outputs = {hidden, LEN * H, 0, pooled, H, 0, NULL, 0, 0};
    all_ok &= tern_run_ids(session, ids, NULL, &length, 1, &outputs) == TERN_OK;
  }
  tern_session_free(session);
  *ok = all_ok;
}

static void *thread_main(void *argument) {
  job *work = argument;
  run_once(work->model, work->ids, work->hidden, work->pooled, &work->ok);
  return NULL;
}

int main(void) {
  synthetic_options options = synthetic_default_options();
  tern_model *model = synthetic_model_create(&options);
  static job reference, jobs[THREADS];
  for (size_t i = 0; i < LEN; i++) reference.ids[i] = (int32_t)((i * 11 + 3) % 50);
  run_once(model, reference.ids, reference.hidden, reference.pooled, &reference.ok);
  EXPECT(reference.ok, "single-thread run");
  pthread_t threads[THREADS];
  for (int t = 0; t < THREADS; t++) {
    jobs[t].model = model;
    memcpy(jobs[t].ids, reference.ids, sizeof reference.ids);
    EXPECT(pthread_create(&threads[t], NULL, thread_main, &jobs[t]) == 0, "pthread_create");
  }
  for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
  for (int t = 0; t < THREADS; t++) {
    EXPECT(jobs[t].ok, "thread %d ran", t);
    EXPECT(memcmp(jobs[t].hidden, reference.hidden, sizeof reference.hidden) == 0, "thread %d hidden differs", t);
    EXPECT(memcmp(jobs[t].pooled, reference.pooled, sizeof reference.pooled) == 0, "thread %d pooled differs", t);
  }
  synthetic_model_free(model);
  return test_report("threads_bit_identical");
}
