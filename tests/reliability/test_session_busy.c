/* A session used from two threads at once: the second call is refused with TERN_ERR_SESSION_BUSY and
 * leaves the session alone; calls that run give the right result.
 *
 *   test_session_busy MODEL.tern */
#include <pthread.h>

#include "reliability_util.h"
#include "session.h" /* white-box: mark the session busy as a running call does */

enum { CALLS = 400 };

static tern_session *shared;
static float expected[1024];
static size_t dim;
static const char *const text = "two threads share this session";

typedef struct counts {
  long ok, busy, wrong;
} counts;

static void *hammer(void *argument) {
  counts *c = argument;
  float got[1024];
  const size_t length = strlen(text);
  for (int i = 0; i < CALLS; i++) {
    size_t needed = 0;
    tern_status status = tern_embed(shared, &text, &length, 1, got, 1024, &needed);
    if (status == TERN_ERR_SESSION_BUSY) c->busy++;
    else if (status == TERN_OK && memcmp(got, expected, dim * sizeof(float)) == 0) c->ok++;
    else c->wrong++;
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  tern_model *model = NULL;
  if (tern_model_load(argv[1], NULL, &model) != TERN_OK) return TEST_SKIP;
  EXPECT(tern_session_create(model, NULL, &shared) == TERN_OK, "session");
  const size_t length = strlen(text);
  EXPECT(tern_embed(shared, &text, &length, 1, expected, 1024, &dim) == TERN_OK, "embed");

  /* Deterministic: a call in progress (busy set) makes every entry point refuse, message untouched. */
  EXPECT(tern_embed(shared, &text, NULL, 1, expected, 1024, NULL) == TERN_ERR_INVALID_ARGUMENT, "NULL lengths");
  char message[256];
  snprintf(message, sizeof message, "%s", tern_session_last_error(shared));
  atomic_store(&shared->busy, 1);
  float out[1024];
  int32_t ids[64];
  size_t n = 0, labels = 0;
  tern_outputs outputs = {NULL, 0, 0, out, 1024, 0, NULL, 0, 0};
  EXPECT(tern_embed(shared, &text, &length, 1, out, 1024, NULL) == TERN_ERR_SESSION_BUSY, "embed while busy");
  EXPECT(tern_tokenize(shared, text, length, ids, 64, &n) == TERN_ERR_SESSION_BUSY, "tokenize while busy");
  EXPECT(tern_run_text(shared, text, length, &outputs) == TERN_ERR_SESSION_BUSY, "run_text while busy");
  EXPECT(tern_run_ids(shared, ids, NULL, &n, 1, &outputs) == TERN_ERR_SESSION_BUSY, "run_ids while busy");
  EXPECT(tern_classify(shared, text, length, out, 1024, &labels) == TERN_ERR_SESSION_BUSY, "classify while busy");
  EXPECT(strcmp(message, tern_session_last_error(shared)) == 0, "a refused call changed the message");
  atomic_store(&shared->busy, 0);
  EXPECT(tern_embed(shared, &text, &length, 1, out, 1024, NULL) == TERN_OK &&
             memcmp(out, expected, dim * sizeof(float)) == 0,
         "embed after the other call ended");

  /* Real contention: two threads on one session. Some calls are refused; none returns a wrong result. */
  pthread_t threads[2];
  counts c[2];
  memset(c, 0, sizeof c);
  for (int i = 0; i < 2; i++) pthread_create(&threads[i], NULL, hammer, &c[i]);
  for (int i = 0; i < 2; i++) pthread_join(threads[i], NULL);
  EXPECT(c[0].wrong + c[1].wrong == 0, "%ld wrong results", c[0].wrong + c[1].wrong);
  EXPECT(c[0].ok + c[1].ok > 0, "no call ran");
  printf("two threads on one session: %ld ran, %ld refused as busy\n", c[0].ok + c[1].ok, c[0].busy + c[1].busy);
  tern_session_free(shared);
  tern_model_free(model);
  return test_report("session_busy");
}
