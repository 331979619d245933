/* The encoder on a synthetic model equals an independent double-precision forward pass: f32 weights
 * tightly (<= 1e-4), int8 weights within quantization error (cosine), for every pooling mode,
 * Matryoshka truncation, normalization, and both head kinds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "synthetic_model.h"
#include "tern.h"
#include "../kernels/test_util.h"

static double cosine(const float *a, const double *b, size_t n) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < n; i++) dot += a[i] * b[i], na += (double)a[i] * a[i], nb += b[i] * b[i];
  return dot / sqrt(na * nb);
}

static double max_abs_diff(const float *a, const double *b, size_t n) {
  double worst = 0;
  for (size_t i = 0; i < n; i++) worst = fmax(worst, fabs(a[i] - b[i]));
  return worst;
}

static void check_variant(const char *name, const synthetic_options *options, double tolerance, double min_cosine) {
  tern_model *model = synthetic_model_create(options);
  tern_session *session = NULL;
  tern_status status = tern_session_create(model, NULL, &session);
  EXPECT(status == TERN_OK, "%s: session create %d", name, (int)status);
  if (status != TERN_OK) return synthetic_model_free(model);
  tern_model_info info;
  tern_model_get_info(model, &info);
  const size_t hidden = info.hidden_size, labels = info.num_labels ? info.num_labels : 1;
  const size_t lengths[] = {1, 5, 17, 40};
  for (size_t text = 0; text < sizeof lengths / sizeof *lengths; text++) {
    const size_t length = lengths[text];
    int32_t ids[40];
    for (size_t i = 0; i < length; i++) ids[i] = (int32_t)((i * 7 + text * 3 + 1) % info.vocab_size);
    float last_hidden[40 * 16], pooled[16], logits[40 * 3];
    double expected_hidden[40 * 16], expected_pooled[16], expected_logits[40 * 3];
    tern_outputs outputs = {last_hidden, sizeof last_hidden / sizeof(float), 0, pooled, 16, 0, NULL, 0, 0};
    if (options->with_head) outputs.logits = logits, outputs.logits_cap = sizeof logits / sizeof(float);
    status = tern_run_ids(session, ids, NULL, &length, 1, &outputs);
    EXPECT(status == TERN_OK, "%s: run %d: %s", name, (int)status, tern_session_last_error(session));
    synthetic_reference_forward(model, ids, length, expected_hidden, expected_pooled, expected_logits);
    EXPECT(outputs.last_hidden_count == length * hidden && outputs.pooled_count == info.output_dim, "%s: counts", name);
    for (size_t t = 0; t < length; t++) {
      if (tolerance > 0) {
        const double diff = max_abs_diff(last_hidden + t * hidden, expected_hidden + t * hidden, hidden);
        EXPECT(diff <= tolerance, "%s len %zu token %zu: max abs diff %g", name, length, t, diff);
      }
      const double c = cosine(last_hidden + t * hidden, expected_hidden + t * hidden, hidden);
      EXPECT(c >= min_cosine, "%s len %zu token %zu: cosine %.6f", name, length, t, c);
    }
    const double pooled_cos = cosine(pooled, expected_pooled, info.output_dim);
    EXPECT(pooled_cos >= min_cosine, "%s len %zu: pooled cosine %.6f", name, length, pooled_cos);
    if (tolerance > 0) EXPECT(max_abs_diff(pooled, expected_pooled, info.output_dim) <= tolerance, "%s: pooled", name);
    if (options->normalize) {
      double norm = 0;
      for (size_t i = 0; i < info.output_dim; i++) norm += (double)pooled[i] * pooled[i];
      EXPECT(fabs(norm - 1.0) < 1e-5, "%s: normalized norm %g", name, norm);
    }
    if (options->with_head) {
      const size_t rows = options->head_kind == TERN_HEAD_TOKEN ? length : 1;
      EXPECT(outputs.logits_count == rows * labels, "%s: logits count", name);
      for (size_t r = 0; r < rows; r++) {
        const double diff = max_abs_diff(logits + r * labels, expected_logits + r * labels, labels);
        EXPECT(diff <= (tolerance > 0 ? tolerance : 0.1), "%s: logits row %zu diff %g", name, r, diff);
      }
    }
  }
  tern_session_free(session);
  synthetic_model_free(model);
}

int main(void) {
  synthetic_options options = synthetic_default_options();
  options.weights = SYNTHETIC_F32;
  check_variant("f32 mean+normalize, sequence head", &options, 1e-4, 0.999999);
  options.pooling = TERN_POOL_CLS, options.normalize = 0;
  check_variant("f32 cls", &options, 1e-4, 0.999999);
  options.pooling = TERN_POOL_MAX, options.matryoshka_dim = 10, options.normalize = 1;
  check_variant("f32 max matryoshka", &options, 1e-4, 0.999999);
  options = synthetic_default_options();
  options.weights = SYNTHETIC_F32, options.head_kind = TERN_HEAD_TOKEN;
  check_variant("f32 token head", &options, 1e-4, 0.999999);
  options = synthetic_default_options();
  options.weights = SYNTHETIC_MIXED;
  check_variant("mixed int8/f16/f32", &options, 0, 0.995);
  options = synthetic_default_options();
  check_variant("int8", &options, 0, 0.995);
  options.head_kind = TERN_HEAD_TOKEN;
  check_variant("int8 token head", &options, 0, 0.995);
  return test_report("encoder_matches_reference");
}
