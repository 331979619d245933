/* Every allocation goes through the tern_allocator hook, each one can fail cleanly, and inference
 * allocates nothing.
 *
 *   test_allocation_failures MODELS_DIR
 *
 * For each test model and each way of loading (mmap, read into memory, from memory): a first run counts
 * the allocations of load + session creation; then for every k the k-th allocation fails. Each run must
 * return TERN_ERR_OUT_OF_MEMORY from the stage that hit it, leave no model / session behind, and after the
 * frees the hook must have seen as many frees as allocations (ASan/LSan and valgrind check the same from
 * outside). During inference (tern_tokenize, tern_embed, tern_run_ids, tern_classify) every allocation
 * would fail: the calls must succeed with zero allocation attempts and give the same numbers as a run on
 * the C library allocator. */
#include <math.h>

#include "reliability_util.h"

typedef enum load_mode { LOAD_MMAP, LOAD_READ, LOAD_MEMORY, LOAD_MODES } load_mode;
static const char *const mode_names[] = {"mmap", "read", "memory"};

typedef struct results {
  int32_t ids[64];
  size_t n_ids;
  float embeddings[3 * 1024];
  size_t embedding_count;
  float hidden[64 * 1024];
  size_t hidden_count;
  float logits[16];
  size_t num_labels;
} results;

static const char *const texts[] = {"Hello world, this is a test.", "", "Ünïcödé and ✓ marks\x80 with a bad byte"};

typedef struct scenario {
  const char *path;
  const uint8_t *file;  /* for LOAD_MEMORY */
  size_t file_size;
  load_mode mode;
  int has_sequence_head;
} scenario;

/* Inference with every allocation failing: all must succeed without an allocation attempt. */
static void infer(tern_session *session, const scenario *s, counting_allocator *counter, results *out,
                  const char *what) {
  long attempts_before = counter != NULL ? atomic_load(&counter->attempts) : 0;
  if (counter != NULL) counter->fail_all_from = attempts_before + 1;
  memset(out, 0, sizeof *out);
  tern_status status = tern_tokenize(session, texts[0], strlen(texts[0]), out->ids, 64, &out->n_ids);
  EXPECT(status == TERN_OK, "%s: tern_tokenize -> %s (%s)", what, tern_status_string(status),
         tern_session_last_error(session));
  size_t lengths[3] = {strlen(texts[0]), strlen(texts[1]), strlen(texts[2])};
  status = tern_embed(session, texts, lengths, 3, out->embeddings, sizeof out->embeddings / sizeof(float),
                      &out->embedding_count);
  EXPECT(status == TERN_OK, "%s: tern_embed -> %s (%s)", what, tern_status_string(status),
         tern_session_last_error(session));
  if (out->n_ids > 0) {
    tern_outputs outputs;
    memset(&outputs, 0, sizeof outputs);
    outputs.last_hidden = out->hidden;
    outputs.last_hidden_cap = sizeof out->hidden / sizeof(float);
    status = tern_run_ids(session, out->ids, NULL, &out->n_ids, 1, &outputs);
    EXPECT(status == TERN_OK, "%s: tern_run_ids -> %s (%s)", what, tern_status_string(status),
           tern_session_last_error(session));
    out->hidden_count = outputs.last_hidden_count;
  }
  if (s->has_sequence_head) {
    status = tern_classify(session, texts[2], lengths[2], out->logits, 16, &out->num_labels);
    EXPECT(status == TERN_OK, "%s: tern_classify -> %s (%s)", what, tern_status_string(status),
           tern_session_last_error(session));
  }
  if (counter != NULL) {
    EXPECT(atomic_load(&counter->attempts) == attempts_before, "%s: %ld allocation attempts during inference", what,
           atomic_load(&counter->attempts) - attempts_before);
    counter->fail_all_from = 0;
  }
}

static tern_status load(const scenario *s, const tern_allocator *hook, tern_model **model) {
  tern_model_options options = tern_model_default_options();
  options.allocator = hook;
  options.use_mmap = s->mode == LOAD_MMAP;
  if (s->mode == LOAD_MEMORY) return tern_model_load_from_memory(s->file, s->file_size, &options, model);
  return tern_model_load(s->path, &options, model);
}

/* One run with the k-th allocation failing (k = 0: none). Returns the stage reached: 0 load failed,
 * 1 session creation failed, 2 complete. *attempts receives the attempts made through session creation. */
static int run(const scenario *s, long k, const results *reference, long *attempts) {
  counting_allocator counter;
  memset(&counter, 0, sizeof counter);
  counting_reset(&counter);
  counter.fail_at = k;
  tern_allocator hook = counting_hook(&counter);
  char what[512];
  snprintf(what, sizeof what, "%s (%s), allocation %ld fails", s->path, mode_names[s->mode], k);
  int stage = 0;
  tern_model *model = NULL;
  tern_status status = load(s, &hook, &model);
  if (status != TERN_OK) {
    EXPECT(k != 0 && status == TERN_ERR_OUT_OF_MEMORY, "%s: load -> %s (%s)", what, tern_status_string(status),
           tern_last_load_error());
    EXPECT(model == NULL, "%s: failed load left a model", what);
  } else {
    stage = 1;
    tern_session *session = NULL;
    tern_session_options options = tern_session_default_options();
    options.max_batch_texts = 2; /* three texts: tern_embed splits them */
    status = tern_session_create(model, &options, &session);
    if (status != TERN_OK) {
      EXPECT(k != 0 && status == TERN_ERR_OUT_OF_MEMORY, "%s: session -> %s", what, tern_status_string(status));
      EXPECT(session == NULL, "%s: failed create left a session", what);
    } else {
      stage = 2;
      *attempts = atomic_load(&counter.attempts);
      results got;
      infer(session, s, &counter, &got, what);
      if (reference != NULL) {
        EXPECT(got.n_ids == reference->n_ids && memcmp(got.ids, reference->ids, got.n_ids * sizeof(int32_t)) == 0,
               "%s: ids differ from the C library run", what);
        EXPECT(memcmp(got.embeddings, reference->embeddings, sizeof got.embeddings) == 0 &&
                   memcmp(got.hidden, reference->hidden, sizeof got.hidden) == 0 &&
                   memcmp(got.logits, reference->logits, sizeof got.logits) == 0,
               "%s: outputs differ from the C library run", what);
      }
      tern_session_free(session);
    }
    tern_model_free(model);
  }
  EXPECT(counting_live(&counter) == 0, "%s: %ld allocations not freed (%ld allocations, %ld frees)", what,
         counting_live(&counter), atomic_load(&counter.allocations), atomic_load(&counter.frees));
  return stage;
}

/* The session's own allocator (options.allocator) fails at its k-th allocation; the model's is untouched. */
static void session_allocator_failures(const scenario *s) {
  tern_model *model = NULL;
  if (load(s, NULL, &model) != TERN_OK) {
    EXPECT(0, "%s: load", s->path);
    return;
  }
  for (long k = 0;; k++) {
    counting_allocator counter;
    counting_reset(&counter);
    counter.fail_at = k;
    tern_allocator hook = counting_hook(&counter);
    tern_session_options options = tern_session_default_options();
    options.allocator = &hook;
    tern_session *session = NULL;
    tern_status status = tern_session_create(model, &options, &session);
    if (status == TERN_OK) {
      EXPECT(k == 0 || k > atomic_load(&counter.attempts), "%s: session allocation %ld failed unnoticed", s->path, k);
      results got;
      infer(session, s, &counter, &got, s->path);
      tern_session_free(session);
    } else {
      EXPECT(k > 0 && status == TERN_ERR_OUT_OF_MEMORY, "%s: session with allocation %ld failing -> %s", s->path, k,
             tern_status_string(status));
    }
    EXPECT(counting_live(&counter) == 0, "%s: session allocation %ld: %ld not freed", s->path, k,
           counting_live(&counter));
    if (status == TERN_OK && k > 0) break;
    if (k > 100) break;
  }
  tern_model_free(model);
}

static void incomplete_allocators(const scenario *s) {
  counting_allocator counter;
  counting_reset(&counter);
  tern_allocator hook = counting_hook(&counter);
  hook.aligned_deallocate = NULL;
  tern_model *model = NULL;
  EXPECT(load(s, &hook, &model) == TERN_ERR_INVALID_ARGUMENT && model == NULL, "incomplete model allocator accepted");
  EXPECT(load(s, NULL, &model) == TERN_OK, "load");
  tern_session_options options = tern_session_default_options();
  options.allocator = &hook;
  tern_session *session = NULL;
  EXPECT(tern_session_create(model, &options, &session) == TERN_ERR_INVALID_ARGUMENT && session == NULL,
         "incomplete session allocator accepted");
  tern_model_free(model);
  EXPECT(atomic_load(&counter.attempts) == 0, "incomplete allocator was called");
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s MODELS_DIR\n", argv[0]);
    return 2;
  }
  static const struct {
    const char *name;
    int has_sequence_head;
  } models[] = {{"bert-tiny-cls-int8.tern", 1}, {"albert-tiny-int8.tern", 0}, {"bert-tiny-ner-int8.tern", 0},
                {"albert-tiny-groups-int8.tern", 0}, {"albert-tiny-cls-int8.tern", 1}};
  int tested = 0;
  for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", argv[1], models[m].name);
    scenario s = {path, NULL, 0, LOAD_MMAP, models[m].has_sequence_head};
    uint8_t *file = read_file_aligned(path, &s.file_size);
    if (file == NULL) {
      fprintf(stderr, "skip: %s missing\n", path);
      continue;
    }
    s.file = file;
    tested++;
    results reference;
    {
      tern_model *model = NULL;
      tern_session *session = NULL;
      tern_session_options options = tern_session_default_options();
      options.max_batch_texts = 2;
      EXPECT(tern_model_load(path, NULL, &model) == TERN_OK, "%s: load", path);
      EXPECT(model != NULL && tern_session_create(model, &options, &session) == TERN_OK, "%s: session", path);
      if (session != NULL) infer(session, &s, NULL, &reference, path);
      tern_session_free(session);
      tern_model_free(model);
    }
    for (int mode = 0; mode < LOAD_MODES; mode++) {
      s.mode = (load_mode)mode;
      long attempts = 0;
      EXPECT(run(&s, 0, &reference, &attempts) == 2, "%s (%s): run without failures", path, mode_names[mode]);
      long stages[3] = {0, 0, 0};
      for (long k = 1; k <= attempts; k++) stages[run(&s, k, &reference, &(long){0})]++;
      EXPECT(stages[2] == 0, "%s (%s): %ld runs with a failed allocation completed", path, mode_names[mode], stages[2]);
      EXPECT(run(&s, attempts + 1, &reference, &(long){0}) == 2, "%s: allocation %ld (past the last)", path,
             attempts + 1);
      printf("%s (%s): %ld allocations through load + session; %ld failed in load, %ld in session creation\n",
             models[m].name, mode_names[mode], attempts, stages[0], stages[1]);
    }
    session_allocator_failures(&s);
    incomplete_allocators(&s);
    free(file);
  }
  if (tested == 0) return TEST_SKIP;
  return test_report("allocation_failures");
}
