/* Low-rank linear pairs (tern.fbs Linear.input_factor) run as y = (x F^T) W^T + b:
 *  - the encoder on a synthetic model with low-rank pairs (ffn_in, attention_output, a pruned set's query,
 *    the classifier) equals the double-precision reference: f32 to 1e-4, int8 / f16 within quantization
 *    error, for a rank below the layer widths (5, not a multiple of the 4-input packing) and above all
 *    of them (30, which widens the session's quantization scratch);
 *  - an exact factorization (F = identity, W = the original weight, f32) gives bit-identical results to
 *    the plain linear (memcmp): the pair adds no error of its own. Both run on tern's kernels
 *    (TERN_XNNPACK=0): XNNPACK, when built in, takes plain float linears only, with its own summation order. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* setenv */
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "synthetic_model.h"
#include "tern.h"
#include "../kernels/test_util.h"

enum { MAX_LEN = 40, H = 16, LABELS = 3 };

static double cosine(const float *a, const double *b, size_t n) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < n; i++) dot += a[i] * b[i], na += (double)a[i] * a[i], nb += b[i] * b[i];
  return dot / sqrt(na * nb);
}

static void make_ids(size_t length, size_t salt, int32_t *ids) {
  for (size_t i = 0; i < length; i++) ids[i] = (int32_t)((i * 7 + salt * 3 + 1) % 50);
}

static void check_against_reference(const char *name, synthetic_weights weights, tern_dtype pair_dtype,
                                    uint32_t rank, double tolerance, double min_cosine) {
  synthetic_options options = synthetic_default_options();
  options.weights = weights;
  tern_model *model = synthetic_model_create(&options);
  synthetic_model_make_low_rank(model, pair_dtype, rank);
  tern_session *session = NULL;
  tern_status status = tern_session_create(model, NULL, &session);
  EXPECT(status == TERN_OK, "%s: session create %d", name, (int)status);
  if (status != TERN_OK) return synthetic_model_free(model);
  const size_t lengths[] = {1, 6, 23, 40};
  for (size_t text = 0; text < sizeof lengths / sizeof *lengths; text++) {
    const size_t length = lengths[text];
    int32_t ids[MAX_LEN];
    make_ids(length, text, ids);
    float hidden[MAX_LEN * H], pooled[H], logits[LABELS];
    double expected_hidden[MAX_LEN * H], expected_pooled[H], expected_logits[LABELS];
    tern_outputs outputs = {hidden, MAX_LEN * H, 0, pooled, H, 0, logits, LABELS, 0};
    status = tern_run_ids(session, ids, NULL, &length, 1, &outputs);
    EXPECT(status == TERN_OK, "%s: run: %s", name, tern_session_last_error(session));
    synthetic_reference_forward(model, ids, length, expected_hidden, expected_pooled, expected_logits);
    for (size_t t = 0; t < length; t++) {
      const double c = cosine(hidden + t * H, expected_hidden + t * H, H);
      EXPECT(c >= min_cosine, "%s len %zu token %zu: cosine %.6f", name, length, t, c);
      for (size_t i = 0; tolerance > 0 && i < H; i++)
        EXPECT(fabs(hidden[t * H + i] - expected_hidden[t * H + i]) <= tolerance,
               "%s len %zu token %zu [%zu]: %g vs %g", name, length, t, i, hidden[t * H + i],
               expected_hidden[t * H + i]);
    }
    for (size_t i = 0; i < LABELS; i++)
      EXPECT(fabs(logits[i] - expected_logits[i]) <= (tolerance > 0 ? tolerance : 0.1), "%s: logit %zu %g vs %g", name,
             i, logits[i], expected_logits[i]);
  }
  tern_session_free(session);
  synthetic_model_free(model);
}

/* ffn_in of set 0 (f32 [24, 16]) as F = I [16, 16], W = the same weight: x I^T is x exactly. */
static void check_identity_factor_is_exact(void) {
  setenv("TERN_XNNPACK", "0", 1);
  synthetic_options options = synthetic_default_options();
  options.weights = SYNTHETIC_F32;
  tern_model *plain = synthetic_model_create(&options);
  static float identity[H * H];
  for (size_t i = 0; i < H; i++) identity[i * H + i] = 1.0f;
  tern_tensor factor;
  memset(&factor, 0, sizeof factor);
  factor.name = "identity", factor.dtype = TERN_DTYPE_F32, factor.layout = TERN_LAYOUT_ROW_MAJOR, factor.rank = 2;
  factor.shape[0] = H, factor.shape[1] = H, factor.data = identity, factor.length_bytes = sizeof identity;

  const size_t lengths[] = {3, 40, 11};
  int32_t ids[3 * MAX_LEN];
  size_t total = 0;
  for (size_t i = 0; i < 3; i++) make_ids(lengths[i], i, ids + total), total += lengths[i];
  static float hidden[2][3 * MAX_LEN * H], pooled[2][3 * H], logits[2][3 * LABELS];
  for (int variant = 0; variant < 2; variant++) {
    tern_linear *ffn_in = (tern_linear *)&plain->weight_sets[0].ffn_in;
    if (variant == 1) ffn_in->input_factor = &factor, ffn_in->rank = H;
    tern_session_options session_options = tern_session_default_options();
    session_options.max_batch_tokens = 3 * MAX_LEN;
    tern_session *session = NULL;
    EXPECT(tern_session_create(plain, &session_options, &session) == TERN_OK, "identity: create");
    if (session == NULL) break;
    tern_outputs outputs = {hidden[variant], total * H, 0, pooled[variant], 3 * H, 0, logits[variant], 3 * LABELS, 0};
    EXPECT(tern_run_ids(session, ids, NULL, lengths, 3, &outputs) == TERN_OK, "identity: run %s",
           tern_session_last_error(session));
    tern_session_free(session);
    ffn_in->input_factor = NULL, ffn_in->rank = 0;
  }
  EXPECT(memcmp(hidden[0], hidden[1], total * H * sizeof(float)) == 0, "identity factor: last hidden differs");
  EXPECT(memcmp(pooled[0], pooled[1], sizeof pooled[0]) == 0, "identity factor: pooled differs");
  EXPECT(memcmp(logits[0], logits[1], sizeof logits[0]) == 0, "identity factor: logits differ");
  synthetic_model_free(plain);
}

int main(void) {
  check_against_reference("f32 rank 5", SYNTHETIC_F32, TERN_DTYPE_F32, 5, 1e-4, 0.999999);
  check_against_reference("f32 rank 30", SYNTHETIC_F32, TERN_DTYPE_F32, 30, 1e-4, 0.999999);
  check_against_reference("f16 pairs in an int8 model, rank 5", SYNTHETIC_INT8, TERN_DTYPE_F16, 5, 0, 0.995);
  check_against_reference("int8 rank 5", SYNTHETIC_INT8, TERN_DTYPE_I8, 5, 0, 0.995);
  check_against_reference("int8 rank 30", SYNTHETIC_MIXED, TERN_DTYPE_I8, 30, 0, 0.995);
  check_identity_factor_is_exact();
  return test_report("low_rank_matches_reference");
}
