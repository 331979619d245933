/* heads.c — classification heads over the last hidden state. */
#include <string.h>

#include "session.h"

/* A linear over m rows in calls of at most block_rows rows: the quantization scratch holds no more. */
static void linear_in_blocks(tern_session *session, const tern_linear *linear, size_t m, const float *x,
                             size_t x_stride, float *y, size_t y_stride, tern_activation act) {
  for (size_t first = 0; first < m; first += session->block_rows) {
    const size_t rows = m - first < session->block_rows ? m - first : session->block_rows;
    tern_linear_forward(session, linear, rows, x + first * x_stride, x_stride, y + first * y_stride, y_stride, act);
  }
}

void tern_head_forward(tern_session *session, const tern_head *head, const size_t *lengths, size_t count,
                       float *out) {
  const size_t hidden = session->widths.hidden;
  if (head->kind == TERN_HEAD_TOKEN) {
    size_t total_tokens = 0;
    for (size_t i = 0; i < count; i++) total_tokens += lengths[i];
    linear_in_blocks(session, &head->classifier, total_tokens, session->hidden, hidden, out, head->num_labels,
                     TERN_ACT_IDENTITY);
    return;
  }
  /* Sequence head: token 0 ([CLS]) of each text, optional pooler dense + tanh, then the classifier. */
  size_t first = 0;
  for (size_t text = 0; text < count; text++) {
    memcpy(session->head_rows + text * hidden, session->hidden + first * hidden, hidden * sizeof(float));
    first += lengths[text];
  }
  const float *features = session->head_rows;
  if (head->pooler.weight != NULL) {
    linear_in_blocks(session, &head->pooler, count, session->head_rows, hidden, session->head_pooled, hidden,
                     TERN_ACT_TANH);
    features = session->head_pooled;
  }
  linear_in_blocks(session, &head->classifier, count, features, hidden, out, head->num_labels, TERN_ACT_IDENTITY);
}
