/* api.c — the public inference entry points: argument checks, splitting work into passes that fit the
 * session's arena, tokenization, and copying results out. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "tokenizer/tokenizer.h"

/* Every public entry point runs its *_exclusive body between enter() and leave(): a second thread that
 * calls in while another call runs is refused before it touches the session (see tern.h). */
static int enter(tern_session *session) {
  int expected = 0;
  if (!atomic_compare_exchange_strong_explicit(&session->busy, &expected, 1, memory_order_acquire,
                                               memory_order_relaxed))
    return 0;
  session->last_error[0] = '\0';
  return 1;
}

static tern_status leave(tern_session *session, tern_status status) {
  atomic_store_explicit(&session->busy, 0, memory_order_release);
  return status;
}

#define EXCLUSIVE(session, call)                                   \
  do {                                                             \
    if ((session) == NULL) return TERN_ERR_INVALID_ARGUMENT;       \
    if (!enter(session)) return TERN_ERR_SESSION_BUSY;             \
    return leave((session), (call));                               \
  } while (0)

static const tern_head *first_head(const tern_session *session) {
  return session->model->num_heads_out > 0 ? &session->model->heads[0] : NULL;
}

/* Checks ids, types and lengths of a ragged batch; *total_tokens receives the sum of lengths. */
static tern_status check_batch(tern_session *session, const int32_t *ids, const int32_t *type_ids,
                               const size_t *lengths, size_t count, size_t *total_tokens) {
  const tern_model *model = session->model;
  const uint32_t vocab = model->hyper.vocab_size;
  const tern_tensor *types = model->embeddings.token_type;
  size_t total = 0;
  for (size_t text = 0; text < count; text++) {
    if (lengths[text] == 0 || lengths[text] > session->max_seq_len)
      return tern_session_fail(session, TERN_ERR_TOO_LONG, "text %zu: length %zu outside 1..%zu (session max_seq_len)",
                               text, lengths[text], session->max_seq_len);
    for (size_t i = 0; i < lengths[text]; i++, total++) {
      if (ids[total] < 0 || (uint32_t)ids[total] >= vocab)
        return tern_session_fail(session, TERN_ERR_BAD_INDEX, "text %zu, token %zu: id %d outside 0..%u", text, i,
                                 (int)ids[total], vocab - 1);
      if (type_ids != NULL && types != NULL && (type_ids[total] < 0 || (uint32_t)type_ids[total] >= types->shape[0]))
        return tern_session_fail(session, TERN_ERR_BAD_INDEX, "text %zu, token %zu: token type %d outside 0..%u", text,
                                 i, (int)type_ids[total], types->shape[0] - 1);
    }
  }
  *total_tokens = total;
  return TERN_OK;
}

/* Checks an output request and writes the needed counts back. */
static tern_status check_outputs(tern_session *session, tern_outputs *outputs, size_t count, size_t total_tokens) {
  const tern_head *head = first_head(session);
  const size_t hidden = session->widths.hidden;
  /* total_tokens <= count * max_seq_len and every width is a uint32: these products cannot overflow a
   * 64-bit size_t; guard 32-bit hosts anyway. */
  if (total_tokens > SIZE_MAX / (hidden + 1) || count > SIZE_MAX / (session->widths.output_dim + 1))
    return tern_session_fail(session, TERN_ERR_TOO_LONG, "batch too large for this host");
  outputs->last_hidden_count = outputs->last_hidden != NULL ? total_tokens * hidden : 0;
  outputs->pooled_count = outputs->pooled != NULL ? count * session->widths.output_dim : 0;
  outputs->logits_count = 0;
  if (outputs->logits != NULL) {
    if (head == NULL) return tern_session_fail(session, TERN_ERR_NO_HEAD, "logits requested: the model has no head");
    outputs->logits_count = (head->kind == TERN_HEAD_TOKEN ? total_tokens : count) * head->num_labels;
  }
  if (outputs->last_hidden == NULL && outputs->pooled == NULL && outputs->logits == NULL)
    return tern_session_fail(session, TERN_ERR_INVALID_ARGUMENT, "outputs: no output requested");
  if (outputs->last_hidden_cap < outputs->last_hidden_count)
    return tern_session_fail(session, TERN_ERR_BUFFER_TOO_SMALL, "last_hidden: capacity %zu < needed %zu",
                             outputs->last_hidden_cap, outputs->last_hidden_count);
  if (outputs->pooled_cap < outputs->pooled_count)
    return tern_session_fail(session, TERN_ERR_BUFFER_TOO_SMALL, "pooled: capacity %zu < needed %zu",
                             outputs->pooled_cap, outputs->pooled_count);
  if (outputs->logits_cap < outputs->logits_count)
    return tern_session_fail(session, TERN_ERR_BUFFER_TOO_SMALL, "logits: capacity %zu < needed %zu",
                             outputs->logits_cap, outputs->logits_count);
  return TERN_OK;
}

/* One pass that fits the arena; writes each requested output at the pass's offsets. */
static void run_pass(tern_session *session, const int32_t *ids, const int32_t *type_ids, const size_t *lengths,
                     size_t count, size_t first_text, size_t first_token, tern_outputs *outputs) {
  size_t tokens = 0;
  for (size_t i = 0; i < count; i++) tokens += lengths[i];
  tern_encoder_forward(session, ids, type_ids, lengths, count);
  const uint64_t heads_start = tern_profile_start(&session->profile);
  const size_t hidden = session->widths.hidden;
  if (outputs->last_hidden != NULL)
    memcpy(outputs->last_hidden + first_token * hidden, session->hidden, tokens * hidden * sizeof(float));
  if (outputs->pooled != NULL)
    tern_pool(session, lengths, count, outputs->pooled + first_text * session->widths.output_dim);
  if (outputs->logits != NULL) {
    const tern_head *head = first_head(session);
    const size_t rows_before = head->kind == TERN_HEAD_TOKEN ? first_token : first_text;
    tern_head_forward(session, head, lengths, count, outputs->logits + rows_before * head->num_labels);
  }
  tern_profile_op_done(&session->profile, TERN_PROFILE_OP_POOLING_HEADS, heads_start);
  tern_profile_forward_done(&session->profile, session->profile.pass_start_ns);
}

static tern_status run_ids_exclusive(tern_session *session, const int32_t *ids, const int32_t *type_ids,
                                     const size_t *lengths, size_t count, tern_outputs *outputs) {
  if (ids == NULL || lengths == NULL || outputs == NULL)
    return tern_session_fail(session, TERN_ERR_INVALID_ARGUMENT, "tern_run_ids: %s is NULL",
                             ids == NULL ? "ids" : lengths == NULL ? "lengths" : "outputs");
  if (count == 0) return tern_session_fail(session, TERN_ERR_INVALID_ARGUMENT, "tern_run_ids: count is 0");
  size_t total_tokens = 0;
  tern_status status = check_batch(session, ids, type_ids, lengths, count, &total_tokens);
  if (status != TERN_OK) return status;
  if ((status = check_outputs(session, outputs, count, total_tokens)) != TERN_OK) return status;
  /* Greedy passes: as many whole texts as the arena holds. Every row's result depends only on its own
   * text, so the split does not change any value. */
  size_t text = 0, token = 0;
  while (text < count) {
    size_t pass_texts = 0, pass_tokens = 0;
    while (text + pass_texts < count && pass_texts < session->max_batch_texts &&
           pass_tokens + lengths[text + pass_texts] <= session->max_batch_tokens) {
      pass_tokens += lengths[text + pass_texts];
      pass_texts++;
    }
    run_pass(session, ids + token, type_ids != NULL ? type_ids + token : NULL, lengths + text, pass_texts, text,
             token, outputs);
    text += pass_texts;
    token += pass_tokens;
  }
  return TERN_OK;
}

tern_status tern_run_ids(tern_session *session, const int32_t *ids, const int32_t *type_ids, const size_t *lengths,
                         size_t count, tern_outputs *outputs) {
  EXCLUSIVE(session, run_ids_exclusive(session, ids, type_ids, lengths, count, outputs));
}

/* Tokenizes one text into session->text_ids / text_type_ids; *n receives the token count. */
static tern_status tokenize_text(tern_session *session, const char *utf8, size_t length, size_t text_index,
                                 size_t *n) {
  const tern_model *model = session->model;
  if (model->tokenizer == NULL)
    return tern_session_fail(session, TERN_ERR_BAD_TOKENIZER, "the model has no tokenizer (use tern_run_ids)");
  if (utf8 == NULL && length != 0)
    return tern_session_fail(session, TERN_ERR_INVALID_ARGUMENT, "text %zu is NULL", text_index);
  if (length > session->max_text_bytes)
    return tern_session_fail(session, TERN_ERR_TOO_LONG, "text %zu: %zu bytes > session max_text_bytes %zu",
                             text_index, length, session->max_text_bytes);
  tern_status status = tern_tokenizer_encode(model->tokenizer, utf8 != NULL ? utf8 : "", length, NULL, 0,
                                             session->max_seq_len, session->tokenizer_scratch,
                                             session->tokenizer_scratch_bytes, session->text_ids,
                                             session->text_type_ids, session->max_seq_len, n);
  if (status != TERN_OK)
    return tern_session_fail(session, status, "text %zu: tokenizer failed (%s)", text_index, tern_status_string(status));
  if (*n == 0 || *n > session->max_seq_len)
    return tern_session_fail(session, TERN_ERR_INTERNAL, "text %zu: tokenizer returned %zu tokens", text_index, *n);
  return TERN_OK;
}

static tern_status tokenize_exclusive(tern_session *session, const char *utf8, size_t length, int32_t *ids,
                                      size_t cap, size_t *n_ids) {
  if (n_ids == NULL || (ids == NULL && cap != 0))
    return tern_session_fail(session, TERN_ERR_INVALID_ARGUMENT, "tern_tokenize: %s is NULL",
                             n_ids == NULL ? "n_ids" : "ids");
  size_t n = 0;
  tern_status status = tokenize_text(session, utf8, length, 0, &n);
  if (status != TERN_OK) return status;
  *n_ids = n;
  if (cap < n) return tern_session_fail(session, TERN_ERR_BUFFER_TOO_SMALL, "ids: capacity %zu < needed %zu", cap, n);
  memcpy(ids, session->text_ids, n * sizeof(int32_t));
  return TERN_OK;
}

tern_status tern_tokenize(tern_session *session, const char *utf8, size_t length, int32_t *ids, size_t cap,
                          size_t *n_ids) {
  EXCLUSIVE(session, tokenize_exclusive(session, utf8, length, ids, cap, n_ids));
}

static tern_status run_text_exclusive(tern_session *session, const char *utf8, size_t length, tern_outputs *outputs) {
  if (outputs == NULL) return tern_session_fail(session, TERN_ERR_INVALID_ARGUMENT, "tern_run_text: outputs is NULL");
  size_t n = 0;
  tern_status status = tokenize_text(session, utf8, length, 0, &n);
  if (status != TERN_OK) return status;
  if ((status = check_outputs(session, outputs, 1, n)) != TERN_OK) return status;
  /* The ids already lie in the arena; copy them to the batch slot the forward pass reads. */
  memcpy(session->batch_ids, session->text_ids, n * sizeof(int32_t));
  memcpy(session->batch_type_ids, session->text_type_ids, n * sizeof(int32_t));
  session->batch_lengths[0] = n;
  run_pass(session, session->batch_ids, session->batch_type_ids, session->batch_lengths, 1, 0, 0, outputs);
  return TERN_OK;
}

tern_status tern_run_text(tern_session *session, const char *utf8, size_t length, tern_outputs *outputs) {
  EXCLUSIVE(session, run_text_exclusive(session, utf8, length, outputs));
}

static tern_status embed_exclusive(tern_session *session, const char *const *texts, const size_t *lengths,
                                   size_t count, float *out, size_t out_cap, size_t *needed) {
  if (texts == NULL || lengths == NULL || out == NULL)
    return tern_session_fail(session, TERN_ERR_INVALID_ARGUMENT, "tern_embed: %s is NULL",
                             texts == NULL ? "texts" : lengths == NULL ? "lengths" : "out");
  if (count == 0) return tern_session_fail(session, TERN_ERR_INVALID_ARGUMENT, "tern_embed: count is 0");
  const size_t dim = session->widths.output_dim;
  if (count > SIZE_MAX / dim) return tern_session_fail(session, TERN_ERR_TOO_LONG, "tern_embed: count too large");
  if (needed != NULL) *needed = count * dim;
  if (out_cap < count * dim)
    return tern_session_fail(session, TERN_ERR_BUFFER_TOO_SMALL, "out: capacity %zu < needed %zu", out_cap,
                             count * dim);
  if (session->long_text_windows) return tern_embed_long_texts(session, texts, lengths, count, out);
  tern_outputs outputs;
  memset(&outputs, 0, sizeof outputs);
  outputs.pooled = out;
  outputs.pooled_cap = out_cap;
  size_t pass_first = 0, pass_texts = 0, pass_tokens = 0;
  for (size_t text = 0; text < count; text++) {
    size_t n = 0;
    tern_status status = tokenize_text(session, texts[text], lengths[text], text, &n);
    if (status != TERN_OK) return status;
    if (pass_texts == session->max_batch_texts || pass_tokens + n > session->max_batch_tokens) {
      run_pass(session, session->batch_ids, session->batch_type_ids, session->batch_lengths, pass_texts, pass_first,
               0, &outputs);
      pass_first = text;
      pass_texts = 0;
      pass_tokens = 0;
    }
    memcpy(session->batch_ids + pass_tokens, session->text_ids, n * sizeof(int32_t));
    memcpy(session->batch_type_ids + pass_tokens, session->text_type_ids, n * sizeof(int32_t));
    session->batch_lengths[pass_texts++] = n;
    pass_tokens += n;
  }
  run_pass(session, session->batch_ids, session->batch_type_ids, session->batch_lengths, pass_texts, pass_first, 0,
           &outputs);
  return TERN_OK;
}

tern_status tern_embed(tern_session *session, const char *const *texts, const size_t *lengths, size_t count,
                       float *out, size_t out_cap, size_t *needed) {
  EXCLUSIVE(session, embed_exclusive(session, texts, lengths, count, out, out_cap, needed));
}

static tern_status classify_exclusive(tern_session *session, const char *utf8, size_t length, float *logits,
                                      size_t cap, size_t *num_labels) {
  if (logits == NULL || num_labels == NULL)
    return tern_session_fail(session, TERN_ERR_INVALID_ARGUMENT, "tern_classify: %s is NULL",
                             logits == NULL ? "logits" : "num_labels");
  const tern_head *head = first_head(session);
  if (head == NULL || head->kind != TERN_HEAD_SEQUENCE)
    return tern_session_fail(session, TERN_ERR_NO_HEAD, "tern_classify: the model has no sequence classification head");
  *num_labels = head->num_labels;
  if (cap < head->num_labels)
    return tern_session_fail(session, TERN_ERR_BUFFER_TOO_SMALL, "logits: capacity %zu < needed %u", cap,
                             head->num_labels);
  tern_outputs outputs;
  memset(&outputs, 0, sizeof outputs);
  outputs.logits = logits;
  outputs.logits_cap = cap;
  return run_text_exclusive(session, utf8, length, &outputs);
}

tern_status tern_classify(tern_session *session, const char *utf8, size_t length, float *logits, size_t cap,
                          size_t *num_labels) {
  EXCLUSIVE(session, classify_exclusive(session, utf8, length, logits, cap, num_labels));
}

static tern_status set_depth_exclusive(tern_session *session, uint32_t depth) {
  const uint32_t layers = session->model->num_layers;
  if (depth > layers)
    return tern_session_fail(session, TERN_ERR_INVALID_ARGUMENT, "depth %u exceeds the model's %u layers", depth,
                             layers);
  session->depth = depth != 0 ? depth : layers;
  return TERN_OK;
}

tern_status tern_session_set_depth(tern_session *session, uint32_t depth) {
  EXCLUSIVE(session, set_depth_exclusive(session, depth));
}

uint32_t tern_session_depth(const tern_session *session) { return session != NULL ? (uint32_t)session->depth : 0; }
