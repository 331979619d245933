/* Parity of a converted model with the Hugging Face fixtures (models/fixtures/<model>/, made by
 * models/make_fixtures.py with transformers). Runs through the public API with the fixture's token ids
 * (tern_run_ids), so it does not depend on the tokenizers.
 *
 * usage: test_hf_parity MODEL.tern FIXTURE_DIR [--min-cosine C] [--max-abs D] [--argmax] [--top10 F]
 *   --min-cosine  every fixture sentence's pooled embedding has cosine >= C with HF's (min, not mean)
 *   --max-abs     embeddings, last hidden states and logits within D of HF's (f32 files)
 *   --argmax      the logits' argmax equals HF's for every sentence (token heads: every token)
 *   --top10       mean top-10 neighbour overlap on the corpus >= F
 *   --activation-bits B  run the session with tern_session_options.activation_bits = B (7: 127 levels)
 *   --tie-margin  with --argmax: a disagreement where HF's own top-2 margin is below M is a near-tie, allowed
 * Also checks that the whole fixture run as one ragged batch equals the one-by-one results (memcmp).
 * Exits 77 (ctest SKIP) when the model file has not been made (models/make_test_models.sh). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern.h"

static int failures;
#define FAIL(...) (fprintf(stderr, __VA_ARGS__), fputc('\n', stderr), failures++)

typedef struct id_list {
  int32_t *ids;
  size_t *lengths;
  size_t count, total;
} id_list;

static int read_ids(const char *path, id_list *list) {
  FILE *file = fopen(path, "r");
  if (!file) return 0;
  size_t cap_ids = 1024, cap_texts = 64;
  list->ids = malloc(cap_ids * sizeof(int32_t));
  list->lengths = malloc(cap_texts * sizeof(size_t));
  list->count = list->total = 0;
  char line[65536];
  while (fgets(line, sizeof line, file)) {
    if (list->count == cap_texts) list->lengths = realloc(list->lengths, (cap_texts *= 2) * sizeof(size_t));
    size_t length = 0;
    for (char *cursor = line, *end; ; cursor = end) {
      long value = strtol(cursor, &end, 10);
      if (end == cursor) break;
      if (list->total == cap_ids) list->ids = realloc(list->ids, (cap_ids *= 2) * sizeof(int32_t));
      list->ids[list->total++] = (int32_t)value;
      length++;
    }
    if (length) list->lengths[list->count++] = length;
  }
  fclose(file);
  return 1;
}

static float *read_f32(const char *path, size_t expected_count) {
  FILE *file = fopen(path, "rb");
  if (!file) return NULL;
  float *values = malloc(expected_count * sizeof(float) + 1);
  const size_t got = fread(values, sizeof(float), expected_count, file);
  const int extra = fgetc(file) != EOF;
  fclose(file);
  if (got != expected_count || extra) {
    FAIL("%s: expected %zu floats", path, expected_count);
    free(values);
    return NULL;
  }
  return values;
}

static double cosine(const float *a, const float *b, size_t n) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < n; i++) dot += (double)a[i] * b[i], na += (double)a[i] * a[i], nb += (double)b[i] * b[i];
  return dot / sqrt(na * nb);
}

static size_t argmax(const float *values, size_t n) {
  size_t best = 0;
  for (size_t i = 1; i < n; i++)
    if (values[i] > values[best]) best = i;
  return best;
}

static void top10(const float *vectors, size_t count, size_t dim, size_t query, size_t *out) {
  double best_score[10];
  for (int i = 0; i < 10; i++) best_score[i] = -2, out[i] = SIZE_MAX;
  for (size_t j = 0; j < count; j++) {
    if (j == query) continue;
    double score = cosine(vectors + query * dim, vectors + j * dim, dim);
    for (int slot = 0; slot < 10; slot++) {
      if (score > best_score[slot]) {
        for (int move = 9; move > slot; move--) best_score[move] = best_score[move - 1], out[move] = out[move - 1];
        best_score[slot] = score, out[slot] = j;
        break;
      }
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s MODEL FIXTURE_DIR [options]\n", argv[0]);
    return 2;
  }
  const char *model_path = argv[1], *fixture_dir = argv[2];
  double min_cosine = -1, max_abs = -1, min_top10 = -1, tie_margin = 0;
  int check_argmax = 0;
  unsigned activation_bits = 0; /* 0: the session's default (8, or $TERN_ACTIVATION_BITS) */
  for (int i = 3; i < argc; i++) {
    if (!strcmp(argv[i], "--min-cosine") && i + 1 < argc) min_cosine = atof(argv[++i]);
    else if (!strcmp(argv[i], "--max-abs") && i + 1 < argc) max_abs = atof(argv[++i]);
    else if (!strcmp(argv[i], "--top10") && i + 1 < argc) min_top10 = atof(argv[++i]);
    else if (!strcmp(argv[i], "--argmax")) check_argmax = 1;
    else if (!strcmp(argv[i], "--tie-margin") && i + 1 < argc) tie_margin = atof(argv[++i]);
    else if (!strcmp(argv[i], "--activation-bits") && i + 1 < argc) activation_bits = (unsigned)atoi(argv[++i]);
    else return fprintf(stderr, "unknown option %s\n", argv[i]), 2;
  }
  FILE *probe = fopen(model_path, "rb");
  if (!probe) {
    printf("SKIP: %s not found (run models/make_test_models.sh <build>/models)\n", model_path);
    return 77;
  }
  fclose(probe);

  tern_model *model = NULL;
  tern_status status = tern_model_load(model_path, NULL, &model);
  if (status != TERN_OK) return fprintf(stderr, "load %s: status %d\n", model_path, (int)status), 1;
  tern_model_info info;
  tern_model_get_info(model, &info);
  char path[4096];
  id_list fixture;
  snprintf(path, sizeof path, "%s/input_ids.txt", fixture_dir);
  if (!read_ids(path, &fixture)) return fprintf(stderr, "cannot read %s\n", path), 1;

  tern_session_options options = tern_session_default_options();
  options.max_batch_texts = (uint32_t)fixture.count;
  /* Room for the whole fixture in one pass and for one text of the model's full length. */
  const size_t full_text = info.max_length ? info.max_length : info.max_position;
  options.max_batch_tokens = (uint32_t)(fixture.total > full_text ? fixture.total : full_text);
  tern_session *session = NULL;
  char message[256] = "";
  options.error_message = message, options.error_message_size = sizeof message;
  options.activation_bits = activation_bits;
  if ((status = tern_session_create(model, &options, &session)) != TERN_OK)
    return fprintf(stderr, "session: %s\n", message), 1;
  if (activation_bits != 0 && tern_session_activation_bits(session) != activation_bits)
    return fprintf(stderr, "session runs %u-bit activations, not %u\n", tern_session_activation_bits(session),
                   activation_bits), 1;
  printf("kernels: %s, %u-bit activations\n", tern_session_isa(session), tern_session_activation_bits(session));

  const size_t hidden = info.hidden_size, dim = info.output_dim;
  const size_t labels = info.num_labels;
  const int token_head = info.head_kind == TERN_HEAD_TOKEN_CLASSIFICATION;
  const size_t logit_rows = labels ? (token_head ? fixture.total : fixture.count) : 0;
  float *pooled = calloc(fixture.count * dim, sizeof(float));
  float *last = calloc(fixture.total * hidden, sizeof(float));
  float *logits = calloc(logit_rows * labels + 1, sizeof(float));
  float *batch_pooled = calloc(fixture.count * dim, sizeof(float));
  float *batch_last = calloc(fixture.total * hidden, sizeof(float));
  float *batch_logits = calloc(logit_rows * labels + 1, sizeof(float));

  /* One by one. */
  size_t token = 0, logit_row = 0;
  for (size_t text = 0; text < fixture.count; text++) {
    tern_outputs outputs = {last + token * hidden, fixture.lengths[text] * hidden, 0, pooled + text * dim, dim, 0,
                            labels ? logits + logit_row * labels : NULL, labels ? (token_head ? fixture.lengths[text] : 1) * labels : 0, 0};
    if (tern_run_ids(session, fixture.ids + token, NULL, &fixture.lengths[text], 1, &outputs) != TERN_OK)
      FAIL("text %zu: %s", text, tern_session_last_error(session));
    token += fixture.lengths[text];
    logit_row += token_head ? fixture.lengths[text] : 1;
  }
  /* One ragged batch: bit-identical. */
  {
    tern_outputs outputs = {batch_last, fixture.total * hidden, 0, batch_pooled, fixture.count * dim, 0,
                            labels ? batch_logits : NULL, logit_rows * labels, 0};
    if (tern_run_ids(session, fixture.ids, NULL, fixture.lengths, fixture.count, &outputs) != TERN_OK)
      FAIL("batch: %s", tern_session_last_error(session));
    if (memcmp(last, batch_last, fixture.total * hidden * sizeof(float)) ||
        memcmp(pooled, batch_pooled, fixture.count * dim * sizeof(float)) ||
        memcmp(logits, batch_logits, logit_rows * labels * sizeof(float)))
      FAIL("ragged batch differs from one-by-one results");
  }

  /* Embeddings. */
  snprintf(path, sizeof path, "%s/embeddings.f32", fixture_dir);
  float *expected = read_f32(path, fixture.count * dim);
  double worst_cosine = 2, worst_abs = 0;
  if (expected) {
    for (size_t text = 0; text < fixture.count; text++) {
      const double c = cosine(pooled + text * dim, expected + text * dim, dim);
      if (c < worst_cosine) worst_cosine = c;
      for (size_t i = 0; i < dim; i++) worst_abs = fmax(worst_abs, fabs(pooled[text * dim + i] - expected[text * dim + i]));
      if (min_cosine >= 0 && !(c >= min_cosine)) FAIL("sentence %zu: embedding cosine %.6f < %.6f", text, c, min_cosine);
    }
    if (max_abs >= 0 && !(worst_abs <= max_abs)) FAIL("embeddings: max abs diff %.3g > %.3g", worst_abs, max_abs);
    free(expected);
  }
  printf("embeddings: min cosine %.6f, max abs diff %.3g over %zu sentences\n", worst_cosine, worst_abs, fixture.count);

  /* Last hidden state of the first sentences (as many as the fixture holds rows for). */
  snprintf(path, sizeof path, "%s/last_hidden.f32", fixture_dir);
  FILE *file = fopen(path, "rb");
  if (file) {
    fseek(file, 0, SEEK_END);
    const size_t rows = (size_t)ftell(file) / (hidden * sizeof(float));
    fclose(file);
    float *expected_last = read_f32(path, rows * hidden);
    double hidden_worst_abs = 0, hidden_worst_cos = 2;
    for (size_t r = 0; expected_last && r < rows && r < fixture.total; r++) {
      hidden_worst_cos = fmin(hidden_worst_cos, cosine(last + r * hidden, expected_last + r * hidden, hidden));
      for (size_t i = 0; i < hidden; i++)
        hidden_worst_abs = fmax(hidden_worst_abs, fabs(last[r * hidden + i] - expected_last[r * hidden + i]));
    }
    if (max_abs >= 0 && !(hidden_worst_abs <= max_abs)) FAIL("last hidden: max abs diff %.3g > %.3g", hidden_worst_abs, max_abs);
    if (min_cosine >= 0 && !(hidden_worst_cos >= min_cosine - 0.01))
      FAIL("last hidden: token cosine %.6f < %.6f", hidden_worst_cos, min_cosine - 0.01);
    printf("last hidden: %zu tokens, min token cosine %.6f, max abs diff %.3g\n", rows, hidden_worst_cos, hidden_worst_abs);
    free(expected_last);
  }

  /* Logits. */
  if (labels) {
    snprintf(path, sizeof path, "%s/logits.f32", fixture_dir);
    float *expected_logits = read_f32(path, logit_rows * labels);
    size_t agree = 0, near_ties = 0;
    double logits_abs = 0;
    for (size_t r = 0; expected_logits && r < logit_rows; r++) {
      const size_t mine = argmax(logits + r * labels, labels), theirs = argmax(expected_logits + r * labels, labels);
      if (mine == theirs) {
        agree++;
      } else {
        /* HF's margin between its top label and ours: a near-tie that int8 error may flip. */
        const double margin = expected_logits[r * labels + theirs] - expected_logits[r * labels + mine];
        printf("logits row %zu: argmax %zu vs HF %zu (HF margin %.4g)\n", r, mine, theirs, margin);
        if (margin < tie_margin) near_ties++;
      }
      for (size_t i = 0; i < labels; i++) logits_abs = fmax(logits_abs, fabs(logits[r * labels + i] - expected_logits[r * labels + i]));
    }
    if (check_argmax && agree + near_ties != logit_rows)
      FAIL("logits: argmax agrees on %zu of %zu rows (%zu near-ties below %.3g allowed)", agree, logit_rows, near_ties,
           tie_margin);
    if (max_abs >= 0 && !(logits_abs <= max_abs)) FAIL("logits: max abs diff %.3g", logits_abs);
    printf("logits: argmax agrees on %zu/%zu rows, max abs diff %.3g\n", agree, logit_rows, logits_abs);
    free(expected_logits);
  }

  /* Corpus neighbours. */
  if (min_top10 >= 0) {
    id_list corpus;
    snprintf(path, sizeof path, "%s/corpus_input_ids.txt", fixture_dir);
    if (!read_ids(path, &corpus)) {
      FAIL("cannot read %s", path);
    } else {
      float *vectors = calloc(corpus.count * dim, sizeof(float));
      tern_outputs outputs = {NULL, 0, 0, vectors, corpus.count * dim, 0, NULL, 0, 0};
      if (tern_run_ids(session, corpus.ids, NULL, corpus.lengths, corpus.count, &outputs) != TERN_OK)
        FAIL("corpus: %s", tern_session_last_error(session));
      snprintf(path, sizeof path, "%s/corpus_embeddings.f32", fixture_dir);
      float *reference = read_f32(path, corpus.count * dim);
      double overlap_sum = 0, worst = 2;
      for (size_t q = 0; reference && q < corpus.count; q++) {
        size_t mine[10], theirs[10], shared = 0;
        top10(vectors, corpus.count, dim, q, mine);
        top10(reference, corpus.count, dim, q, theirs);
        for (int a = 0; a < 10; a++)
          for (int b = 0; b < 10; b++) shared += mine[a] == theirs[b];
        overlap_sum += shared / 10.0;
        worst = fmin(worst, cosine(vectors + q * dim, reference + q * dim, dim));
      }
      const double overlap = overlap_sum / (double)corpus.count;
      printf("corpus: %zu texts, mean top-10 overlap %.4f, min cosine %.6f\n", corpus.count, overlap, worst);
      if (!(overlap >= min_top10)) FAIL("corpus: top-10 overlap %.4f < %.4f", overlap, min_top10);
      free(vectors), free(reference), free(corpus.ids), free(corpus.lengths);
    }
  }
  printf("arena: %zu bytes (max_batch_tokens %zu)\n", tern_session_arena_bytes(session), fixture.total);

  free(pooled), free(last), free(logits), free(batch_pooled), free(batch_last), free(batch_logits);
  free(fixture.ids), free(fixture.lengths);
  tern_session_free(session);
  tern_model_free(model);
  if (failures) return fprintf(stderr, "%s: %d failure(s)\n", model_path, failures), 1;
  printf("%s: ok\n", model_path);
  return 0;
}
