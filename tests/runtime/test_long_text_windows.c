/* Long texts by overlapping windows (tern_session_options.long_text_windows), on a converted model:
 *   test_long_text_windows MODEL      (exit 77 = SKIP when MODEL is absent)
 * - texts that fit give exactly (memcmp) the normal tern_embed result, alone and in a batch with long texts;
 * - a long text equals the combination, done here by hand, of its windows run one by one through the public
 *   API (tern_tokenize for the token stream, tern_run_ids per window, pooling as the model says, the mean
 *   weighted by each window's new tokens, Matryoshka, normalization);
 * - the same long text alone and inside a batch gives the same vector (memcmp);
 * - bad window options are refused at session creation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern.h"
#include "../kernels/test_util.h"

enum { WINDOW = 16, MAX_TOKENS = 512, MAX_HIDDEN = 1024 };

/* Each fits a 16-token window in every test model's vocabulary (checked below). */
static const char *const short_texts[] = {"hello world", "the town has a school.", "a"};
static const char long_text[] =
    "The history of the region is long and complicated. Farmers settled the valley first, then traders came "
    "along the river, and later a small town grew around the old bridge. Today the town has a school, a market, "
    "two churches and a railway station, and people visit it in summer to walk in the hills.";

static tern_session *create(const tern_model *model, uint32_t max_seq_len, uint32_t windows, uint32_t overlap) {
  tern_session_options options = tern_session_default_options();
  options.max_seq_len = max_seq_len;
  options.long_text_windows = windows;
  options.long_text_overlap = overlap;
  char message[256] = "";
  options.error_message = message;
  options.error_message_size = sizeof message;
  tern_session *session = NULL;
  EXPECT(tern_session_create(model, &options, &session) == TERN_OK, "create (windows %u): %s", windows, message);
  return session;
}

static void embed(tern_session *session, const char *const *texts, size_t count, float *out, size_t cap) {
  size_t lengths[8];
  for (size_t i = 0; i < count; i++) lengths[i] = strlen(texts[i]);
  tern_status status = tern_embed(session, texts, lengths, count, out, cap, NULL);
  EXPECT(status == TERN_OK, "embed: %s", tern_session_last_error(session));
}

/* What the windowed session should give for long_text, built from public calls only. */
static void expected_by_hand(const tern_model *model, const tern_model_info *info, uint32_t overlap,
                             float *expected) {
  static int32_t ids[MAX_TOKENS], window[WINDOW];
  static float hidden[WINDOW * MAX_HIDDEN], pooled[MAX_HIDDEN];
  static double sum[MAX_HIDDEN];
  const size_t h = info->hidden_size;
  tern_session *whole = create(model, 0, 0, 0);
  size_t n = 0;
  EXPECT(tern_tokenize(whole, long_text, strlen(long_text), ids, MAX_TOKENS, &n) == TERN_OK, "tokenize");
  EXPECT(n > 2 * WINDOW && n < info->max_length, "the long text should need several windows and fit the model: %zu", n);
  const int32_t cls = ids[0], sep = ids[n - 1];
  const int32_t *stream = ids + 1;
  const size_t count = n - 2, chunk = WINDOW - 2, step = chunk - overlap;
  memset(sum, 0, sizeof sum);
  size_t total_weight = 0, previous_end = 0;
  for (size_t begin = 0;; begin += step) {
    const size_t end = begin + chunk < count ? begin + chunk : count, length = end - begin + 2;
    window[0] = cls;
    memcpy(window + 1, stream + begin, (end - begin) * sizeof *window);
    window[length - 1] = sep;
    tern_outputs outputs = {hidden, WINDOW * MAX_HIDDEN, 0, NULL, 0, 0, NULL, 0, 0};
    EXPECT(tern_run_ids(whole, window, NULL, &length, 1, &outputs) == TERN_OK, "window run");
    for (size_t i = 0; i < h; i++) {
      float value = hidden[i];
      if (info->pooling == TERN_POOLING_MEAN) {
        value = 0;
        for (size_t t = 0; t < length; t++) value += hidden[t * h + i];
        value /= (float)length;
      } else if (info->pooling == TERN_POOLING_MAX) {
        for (size_t t = 1; t < length; t++) value = fmaxf(value, hidden[t * h + i]);
      }
      pooled[i] = value;
    }
    const size_t weight = end - previous_end;
    for (size_t i = 0; i < h; i++) sum[i] += (double)weight * pooled[i];
    total_weight += weight;
    previous_end = end;
    if (end == count) break;
  }
  double norm = 0;
  for (size_t i = 0; i < info->output_dim; i++) {
    expected[i] = (float)(sum[i] / (double)total_weight);
    norm += (double)expected[i] * expected[i];
  }
  norm = sqrt(norm);
  if (info->normalize)
    for (size_t i = 0; i < info->output_dim; i++) expected[i] = (float)(expected[i] / (norm < 1e-12 ? 1e-12 : norm));
  tern_session_free(whole);
}

int main(int argc, char **argv) {
  if (argc != 2) return fprintf(stderr, "usage: %s MODEL\n", argv[0]), 2;
  FILE *probe = fopen(argv[1], "rb");
  if (probe == NULL) return printf("SKIP: %s not found (make the test models)\n", argv[1]), 77;
  fclose(probe);
  tern_model *model = NULL;
  if (tern_model_load(argv[1], NULL, &model) != TERN_OK)
    return fprintf(stderr, "load: %s\n", tern_last_load_error()), 1;
  tern_model_info info = {.struct_size = sizeof info};
  tern_model_get_info(model, &info);
  const size_t dim = info.output_dim;
  static float normal[4 * MAX_HIDDEN], windowed[4 * MAX_HIDDEN], alone[MAX_HIDDEN], expected[MAX_HIDDEN];

  /* Texts that fit: identical to the normal path, alone and mixed with a long text. */
  tern_session *plain = create(model, WINDOW, 0, 0);
  tern_session *whole = create(model, 0, 0, 0);
  for (size_t i = 0; i < 3 && whole != NULL; i++) {
    static int32_t ids[MAX_TOKENS];
    size_t n = 0;
    tern_tokenize(whole, short_texts[i], strlen(short_texts[i]), ids, MAX_TOKENS, &n);
    EXPECT(n <= WINDOW, "short text %zu has %zu tokens: does not fit a window", i, n);
  }
  tern_session_free(whole);
  tern_session *windows = create(model, WINDOW, 1, TERN_LONG_TEXT_OVERLAP_DEFAULT);
  embed(plain, short_texts, 3, normal, sizeof normal / sizeof *normal);
  embed(windows, short_texts, 3, windowed, sizeof windowed / sizeof *windowed);
  EXPECT(memcmp(normal, windowed, 3 * dim * sizeof(float)) == 0, "short texts differ from the normal path");
  const char *const mixed[] = {short_texts[0], long_text, short_texts[1], short_texts[2]};
  embed(windows, mixed, 4, windowed, sizeof windowed / sizeof *windowed);
  EXPECT(memcmp(normal, windowed, dim * sizeof(float)) == 0, "short text 0 in a mixed batch differs");
  EXPECT(memcmp(normal + dim, windowed + 2 * dim, 2 * dim * sizeof(float)) == 0, "short texts 1, 2 in a mixed batch");
  const char *const only_long[] = {long_text};
  embed(windows, only_long, 1, alone, MAX_HIDDEN);
  EXPECT(memcmp(alone, windowed + dim, dim * sizeof(float)) == 0, "long text alone differs from inside a batch");

  /* A long text: the hand-made combination of its windows, default overlap and others. */
  const uint32_t overlaps[] = {TERN_LONG_TEXT_OVERLAP_DEFAULT, 0, 5, WINDOW - 3};
  for (size_t o = 0; o < sizeof overlaps / sizeof *overlaps; o++) {
    const uint32_t overlap = overlaps[o] == TERN_LONG_TEXT_OVERLAP_DEFAULT ? (WINDOW - 2) / 4 : overlaps[o];
    tern_session *session = create(model, WINDOW, 1, overlaps[o]);
    if (session == NULL) continue;
    embed(session, only_long, 1, alone, MAX_HIDDEN);
    expected_by_hand(model, &info, overlap, expected);
    double worst = 0;
    for (size_t i = 0; i < dim; i++) worst = fmax(worst, fabs(alone[i] - expected[i]));
    EXPECT(worst <= 1e-6, "overlap %u: max |windowed - by hand| = %g", overlap, worst);
    tern_session_free(session);
  }
  /* And it is not the truncated result. */
  embed(plain, only_long, 1, normal, MAX_HIDDEN);
  EXPECT(memcmp(normal, alone, dim * sizeof(float)) != 0, "the windowed long text equals the truncated one");

  /* Bad options. */
  tern_session_options options = tern_session_default_options();
  tern_session *session = NULL;
  char message[256] = "";
  options.error_message = message, options.error_message_size = sizeof message;
  options.max_seq_len = WINDOW, options.long_text_windows = 1, options.long_text_overlap = WINDOW - 2;
  EXPECT(tern_session_create(model, &options, &session) == TERN_ERR_INVALID_ARGUMENT && session == NULL,
         "overlap = chunk accepted");
  EXPECT(strstr(message, "long_text_overlap 14 must be < 14") != NULL, "message: %s", message);
  options.long_text_overlap = 0, options.long_text_windows = 2;
  EXPECT(tern_session_create(model, &options, &session) == TERN_ERR_INVALID_ARGUMENT, "long_text_windows 2 accepted");
  options.long_text_windows = 1, options.max_seq_len = 2;
  EXPECT(tern_session_create(model, &options, &session) == TERN_ERR_INVALID_ARGUMENT, "max_seq_len 2 accepted");

  tern_session_free(plain);
  tern_session_free(windows);
  tern_model_free(model);
  return test_report("long_text_windows");
}
