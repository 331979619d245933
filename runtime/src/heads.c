/* heads.c — classification heads over the last hidden state. */
#include <string.h>

#include "session.h"

void tern_head_forward(tern_session *session, const tern_head *head, const size_t *lengths, size_t count,
                       float *out) {
  const size_t hidden = session->widths.hidden;
  if (head->kind == TERN_HEAD_TOKEN) {
    size_t total_tokens = 0;
    for (size_t i = 0; i < count; i++) total_tokens += lengths[i];
    tern_linear_forward(session, &head->classifier, total_tokens, session->hidden, hidden, out, head->num_labels,
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
    tern_linear_forward(session, &head->pooler, count, session->head_rows, hidden, session->head_pooled, hidden,
                        TERN_ACT_TANH);
    features = session->head_pooled;
  }
  tern_linear_forward(session, &head->classifier, count, features, hidden, out, head->num_labels, TERN_ACT_IDENTITY);
}
