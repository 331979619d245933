/* pooling.c — sentence embeddings from the last hidden state: mean / cls / max over the text's own tokens
 * (specials included, as sentence-transformers does), Matryoshka truncation, then L2 normalization. */
#include <math.h>
#include <string.h>

#include "session.h"

static void pool_text(tern_pooling_mode mode, const float *rows, size_t length, size_t hidden, float *out) {
  switch (mode) {
    case TERN_POOL_CLS:
      memcpy(out, rows, hidden * sizeof(float));
      break;
    case TERN_POOL_MAX:
      memcpy(out, rows, hidden * sizeof(float));
      for (size_t t = 1; t < length; t++)
        for (size_t i = 0; i < hidden; i++)
          if (rows[t * hidden + i] > out[i]) out[i] = rows[t * hidden + i];
      break;
    case TERN_POOL_MEAN:
    default:
      memset(out, 0, hidden * sizeof(float));
      for (size_t t = 0; t < length; t++)
        for (size_t i = 0; i < hidden; i++) out[i] += rows[t * hidden + i];
      for (size_t i = 0; i < hidden; i++) out[i] /= (float)length;
      break;
  }
}

void tern_pool_full(tern_session *session, const size_t *lengths, size_t count) {
  const tern_pooling_mode mode = session->model->pooling.mode;
  const size_t hidden = session->widths.hidden;
  size_t first = 0;
  for (size_t text = 0; text < count; text++) {
    pool_text(mode, session->hidden + first * hidden, lengths[text], hidden, session->pooled + text * hidden);
    first += lengths[text];
  }
}

void tern_pool_finish(const tern_session *session, const float *full, float *out) {
  const size_t dim = session->widths.output_dim;
  memcpy(out, full, dim * sizeof(float)); /* Matryoshka: the first dim values */
  if (session->model->pooling.normalize) {
    /* torch.nn.functional.normalize: x / max(||x||, 1e-12) */
    double square_sum = 0.0;
    for (size_t i = 0; i < dim; i++) square_sum += (double)out[i] * out[i];
    double norm = sqrt(square_sum);
    if (norm < 1e-12) norm = 1e-12;
    for (size_t i = 0; i < dim; i++) out[i] = (float)(out[i] / norm);
  }
}

void tern_pool(tern_session *session, const size_t *lengths, size_t count, float *out) {
  tern_pool_full(session, lengths, count);
  for (size_t text = 0; text < count; text++)
    tern_pool_finish(session, session->pooled + text * session->widths.hidden, out + text * session->widths.output_dim);
}
