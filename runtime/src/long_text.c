/* long_text.c — tern_embed for texts longer than a window (tern_session_options.long_text_windows).
 *
 * A text is tokenized whole into session->long_text_ids (bounded at session creation), then cut into
 * windows [CLS] chunk [SEP] of at most max_seq_len tokens whose chunks start every chunk - overlap tokens.
 * Windows of consecutive texts share forward passes like ordinary texts do. Each window is pooled at full
 * width (mean / cls / max as the model says); a text's windows are combined by a mean weighted by each
 * window's new tokens (chunk tokens not in the previous window, so every token of the text counts once),
 * then Matryoshka truncation and normalization run once on the combination. A one-window text skips the
 * combination: its result is bit-identical to the normal path's. */
#include <string.h>

#include "session.h"
#include "tokenizer/tokenizer.h"

/* The text whose windows are being summed, across passes. */
typedef struct window_sum {
  size_t weight;  /* sum of the weights added to session->long_text_sum so far */
} window_sum;

static void run_windows(tern_session *session, size_t windows, window_sum *sum, float *out) {
  const size_t hidden = session->widths.hidden, dim = session->widths.output_dim;
  double *total = session->long_text_sum;
  tern_encoder_forward(session, session->batch_ids, session->batch_type_ids, session->batch_lengths, windows);
  const uint64_t start = tern_profile_start(&session->profile);
  tern_pool_full(session, session->batch_lengths, windows);
  for (size_t w = 0; w < windows; w++) {
    float *pooled = session->pooled + w * hidden;
    float *target = out + session->window_texts[w] * dim;
    if (session->window_ends[w] && sum->weight == 0) { /* the text's only window */
      tern_pool_finish(session, pooled, target);
      continue;
    }
    const double weight = (double)session->window_weights[w];
    for (size_t i = 0; i < hidden; i++) total[i] += weight * pooled[i];
    sum->weight += session->window_weights[w];
    if (!session->window_ends[w]) continue;
    for (size_t i = 0; i < hidden; i++) pooled[i] = (float)(total[i] / (double)sum->weight);
    tern_pool_finish(session, pooled, target);
    memset(total, 0, hidden * sizeof *total);
    sum->weight = 0;
  }
  tern_profile_op_done(&session->profile, TERN_PROFILE_OP_POOLING_HEADS, start);
  tern_profile_forward_done(&session->profile, session->profile.pass_start_ns);
}

tern_status tern_embed_long_texts(tern_session *session, const char *const *texts, const size_t *lengths,
                                  size_t count, float *out) {
  const tern_model *model = session->model;
  const int32_t cls_id = model->tokenizer_spec.cls_id, sep_id = model->tokenizer_spec.sep_id;
  const size_t specials = (size_t)(cls_id >= 0) + (size_t)(sep_id >= 0);
  /* Checked at session creation: specials < max_seq_len, overlap < chunk. */
  const size_t chunk = session->max_seq_len - specials, step = chunk - session->long_text_overlap;
  window_sum sum = {0};
  memset(session->long_text_sum, 0, session->widths.hidden * sizeof *session->long_text_sum);
  size_t windows = 0, tokens = 0;
  for (size_t text = 0; text < count; text++) {
    if (texts[text] == NULL && lengths[text] != 0)
      return tern_session_fail(session, TERN_ERR_INVALID_ARGUMENT, "text %zu is NULL", text);
    if (lengths[text] > session->max_text_bytes)
      return tern_session_fail(session, TERN_ERR_TOO_LONG, "text %zu: %zu bytes > session max_text_bytes %zu", text,
                               lengths[text], session->max_text_bytes);
    size_t n = 0;
    tern_status status = tern_tokenizer_encode_segment(
        model->tokenizer, texts[text] != NULL ? texts[text] : "", lengths[text], session->tokenizer_scratch,
        session->tokenizer_scratch_bytes, session->long_text_ids, session->long_text_ids_cap, &n);
    if (status != TERN_OK)
      return tern_session_fail(session, status, "text %zu: tokenizer failed (%s)", text, tern_status_string(status));
    if (n > session->long_text_ids_cap)
      return tern_session_fail(session, TERN_ERR_TOO_LONG,
                               "text %zu: %zu tokens, more than the session's long-text stream of %zu (max_text_bytes "
                               "+ 16)",
                               text, n, session->long_text_ids_cap);
    if (n + specials == 0)
      return tern_session_fail(session, TERN_ERR_INTERNAL, "text %zu: tokenizer returned 0 tokens", text);
    for (size_t begin = 0, previous_end = 0;; begin += step) {
      const size_t end = begin + chunk < n ? begin + chunk : n;
      const size_t length = specials + (end - begin);
      if (windows == session->max_batch_texts || tokens + length > session->max_batch_tokens) {
        run_windows(session, windows, &sum, out);
        windows = tokens = 0;
      }
      int32_t *ids = session->batch_ids + tokens;
      size_t at = 0;
      if (cls_id >= 0) ids[at++] = cls_id;
      memcpy(ids + at, session->long_text_ids + begin, (end - begin) * sizeof *ids);
      at += end - begin;
      if (sep_id >= 0) ids[at++] = sep_id;
      memset(session->batch_type_ids + tokens, 0, length * sizeof *session->batch_type_ids);
      session->batch_lengths[windows] = length;
      session->window_texts[windows] = text;
      session->window_weights[windows] = end - previous_end;
      session->window_ends[windows] = end == n;
      windows++;
      tokens += length;
      previous_end = end;
      if (end == n) break;
    }
  }
  if (windows != 0) run_windows(session, windows, &sum, out);
  return TERN_OK;
}
