/* selftest.c — runs the self-test vectors the converter stored in the file (tern_model_selftest). */
#include <math.h>
#include <stdlib.h>

#include "allocator.h"
#include "session.h"

static double cosine(const float *a, const float *b, size_t n) {
  double dot = 0.0, norm_a = 0.0, norm_b = 0.0;
  for (size_t i = 0; i < n; i++) {
    dot += (double)a[i] * b[i];
    norm_a += (double)a[i] * a[i];
    norm_b += (double)b[i] * b[i];
  }
  if (norm_a == 0.0 || norm_b == 0.0) return norm_a == norm_b ? 1.0 : 0.0;
  return dot / (sqrt(norm_a) * sqrt(norm_b));
}

tern_status tern_model_selftest(const tern_model *model, float *worst_cosine) {
  if (model == NULL || worst_cosine == NULL) return TERN_ERR_INVALID_ARGUMENT;
  const tern_selftest *test = &model->selftest;
  if (test->count == 0 || test->dim == 0 || test->expected == NULL) return TERN_ERR_INVALID_ARGUMENT;
  tern_session *session = NULL;
  tern_status status = tern_session_create(model, NULL, &session);
  if (status != TERN_OK) return status;
  float *actual = tern_allocate_array(&session->allocator, test->dim, sizeof(float));
  if (actual == NULL) {
    tern_session_free(session);
    return TERN_ERR_OUT_OF_MEMORY;
  }
  double worst = 1.0;
  for (uint32_t i = 0; i < test->count && status == TERN_OK; i++) {
    const char *text = test->texts[i].ptr;
    const size_t length = test->texts[i].len;
    if (test->output == TERN_SELFTEST_EMBEDDING) {
      if (session->widths.output_dim != test->dim) {
        status = TERN_ERR_SELFTEST_FAILED;
        break;
      }
      status = tern_embed(session, &text, &length, 1, actual, test->dim, NULL);
    } else {
      size_t labels = 0;
      status = tern_classify(session, text, length, actual, test->dim, &labels);
      if (status == TERN_OK && labels != test->dim) status = TERN_ERR_SELFTEST_FAILED;
    }
    if (status == TERN_OK) {
      const double value = cosine(actual, test->expected + (size_t)i * test->dim, test->dim);
      if (value < worst || isnan(value)) worst = value;
    }
  }
  tern_deallocate(&session->allocator, actual);
  tern_session_free(session);
  *worst_cosine = (float)worst;
  if (status != TERN_OK) return status;
  return worst >= test->min_cosine ? TERN_OK : TERN_ERR_SELFTEST_FAILED;
}
