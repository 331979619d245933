/* encoder.c — the BERT/ALBERT forward pass over a ragged batch (texts packed one after another, no
 * padding). Attention runs per text and per head, so each token attends to its own text only.
 *
 * Memory plan (peak RSS = touched file pages + arena): only the hidden state (T x H) spans the batch.
 * Each layer runs its attention sub-layer on groups of whole texts of at most G = attention_tokens
 * tokens (query, key, value, context of one group; G >= max_seq_len, so any text fits), then its
 * feed-forward sub-layer, and the embedding before the layers, on blocks of F = block_rows rows
 * (TERN_BLOCK_ROWS: the FFN intermediate of one block), writing back into their rows of the hidden
 * state. Every op but attention is row-wise and every kernel computes a row the same way whatever rows
 * share its call, so blocking changes no value (tests/runtime/test_blocked_batch_equals_one_by_one.c).
 * The arena layout is in session.c (layout_arena). */
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "session.h"
#include "threadpool.h"

/* out[0..columns) = row `row` of a RowMajor table, dequantized (int8 rows carry one scale each). */
static void gather_row(const tern_tensor *table, size_t row, float *out) {
  const size_t columns = table->shape[1];
  switch (table->dtype) {
    case TERN_DTYPE_I8: {
      const int8_t *values = (const int8_t *)table->data + row * columns;
      const float scale = table->scales[row];
      for (size_t i = 0; i < columns; i++) out[i] = (float)values[i] * scale;
      break;
    }
    case TERN_DTYPE_F16: {
      const uint16_t *values = (const uint16_t *)table->data + row * columns;
      for (size_t i = 0; i < columns; i++) out[i] = tern_f16_to_f32(values[i]);
      break;
    }
    case TERN_DTYPE_F32:
    default:
      memcpy(out, (const float *)table->data + row * columns, columns * sizeof(float));
      break;
  }
}

static void add_row(const tern_tensor *table, size_t row, float *inout, float *scratch) {
  gather_row(table, row, scratch);
  for (size_t i = 0; i < table->shape[1]; i++) inout[i] += scratch[i];
}

/* Which text and position the next embedded row belongs to (rows run over texts in order). */
typedef struct token_cursor {
  size_t text, position;
} token_cursor;

/* Rows [first, first + rows) of the batch, embedded into the same rows of `hidden`: word rows (through
 * the factor r -> E when factorized), + position and token-type rows, LayerNorm, projection E -> H. */
static void embed_rows(tern_session *session, const int32_t *ids, const int32_t *type_ids, const size_t *lengths,
                       size_t first, size_t rows, token_cursor *cursor) {
  const tern_embeddings *embeddings = &session->model->embeddings;
  const tern_widths *w = &session->widths;
  const int factorized = embeddings->word_factor.weight != NULL;
  float *word_target = factorized ? session->word_rows : session->embedded;
  const size_t word_stride = factorized ? w->word_dim : w->embedding;
  for (size_t r = 0; r < rows; r++) gather_row(embeddings->word, (size_t)ids[first + r], word_target + r * word_stride);
  if (factorized)
    tern_linear_forward(session, &embeddings->word_factor, rows, session->word_rows, w->word_dim, session->embedded,
                        w->embedding, TERN_ACT_IDENTITY);
  float *scratch = session->row_scratch;
  for (size_t r = 0; r < rows; r++, cursor->position++) {
    while (cursor->position >= lengths[cursor->text]) { /* lengths are >= 1: one step in practice */
      cursor->text++;
      cursor->position = 0;
    }
    float *row = session->embedded + r * w->embedding;
    add_row(embeddings->position, cursor->position, row, scratch);
    if (embeddings->token_type != NULL)
      add_row(embeddings->token_type, type_ids != NULL ? (size_t)type_ids[first + r] : 0, row, scratch);
  }
  const tern_layer_norm *norm = &embeddings->norm;
  session->kernels->layer_norm_f32(rows, w->embedding, session->embedded, w->embedding, norm->gamma, norm->beta,
                                   norm->eps);
  float *hidden = session->hidden + first * w->hidden;
  if (embeddings->projection.weight != NULL)
    tern_linear_forward(session, &embeddings->projection, rows, session->embedded, w->embedding, hidden, w->hidden,
                        TERN_ACT_IDENTITY);
  else
    memcpy(hidden, session->embedded, rows * w->hidden * sizeof(float));
}

static void embed(tern_session *session, const int32_t *ids, const int32_t *type_ids, const size_t *lengths,
                  size_t total_tokens) {
  token_cursor cursor = {0, 0};
  for (size_t first = 0; first < total_tokens; first += session->block_rows) {
    const size_t rows = total_tokens - first < session->block_rows ? total_tokens - first : session->block_rows;
    embed_rows(session, ids, type_ids, lengths, first, rows, &cursor);
  }
}

/* x = LayerNorm(branch + x) over rows rows of hidden width (both dense). */
static void add_residual_and_norm(tern_session *session, float *x, const float *branch, size_t rows,
                                  const tern_layer_norm *norm) {
  const size_t hidden = session->widths.hidden;
  const tern_kernels *kernels = session->kernels;
  if (kernels->add_layer_norm_f32 != NULL) { /* one pass less over the rows */
    kernels->add_layer_norm_f32(rows, hidden, x, hidden, branch, hidden, norm->gamma, norm->beta, norm->eps);
    return;
  }
  for (size_t i = 0; i < rows * hidden; i++) x[i] = branch[i] + x[i];
  kernels->layer_norm_f32(rows, hidden, x, hidden, norm->gamma, norm->beta, norm->eps);
}

/* Attention of one group of texts: one task per (text, head), each independent of the others and of the
 * thread that runs it. A worker slot (one per thread) claims tasks from a shared counter and uses its own
 * scores scratch, so no two threads share scratch whatever order the pool runs the slots in. */
#define TERN_MAX_ATTENTION_TEXTS 64 /* texts per parallel attention call (a stack table of their offsets) */
typedef struct attention_job {
  tern_session *session;
  const size_t *lengths;
  size_t count, num_heads;
  size_t first_token[TERN_MAX_ATTENTION_TEXTS]; /* unused past count; see run_attention */
  atomic_size_t next_task;
} attention_job;

static void attention_task(const attention_job *job, size_t task, float *scores) {
  tern_session *session = job->session;
  const size_t text = task / job->num_heads, head = task % job->num_heads;
  const size_t head_dim = session->model->hyper.head_dim, stride = session->widths.attention;
  const size_t offset = job->first_token[text] * stride + head * head_dim;
  session->kernels->attention_f32(job->lengths[text], head_dim, session->query + offset, stride,
                                  session->key + offset, stride, session->value + offset, stride,
                                  session->context + offset, stride, 1.0f / sqrtf((float)head_dim), scores);
}

static void attention_slot(void *context, size_t slot) {
  attention_job *job = context;
  float *scores = job->session->scores + slot * job->session->scores_stride;
  const size_t tasks = job->count * job->num_heads;
  for (size_t task; (task = atomic_fetch_add_explicit(&job->next_task, 1, memory_order_relaxed)) < tasks;)
    attention_task(job, task, scores);
}

static void run_attention(tern_session *session, size_t num_heads, const size_t *lengths, size_t count) {
  /* Batches longer than the table run in chunks of texts (each chunk its own parallel call). */
  for (size_t start = 0, first = 0; start < count; start += TERN_MAX_ATTENTION_TEXTS) {
    attention_job job = {.session = session, .lengths = lengths + start, .num_heads = num_heads};
    job.count = count - start < TERN_MAX_ATTENTION_TEXTS ? count - start : TERN_MAX_ATTENTION_TEXTS;
    for (size_t text = 0; text < job.count; text++) {
      job.first_token[text] = first;
      first += job.lengths[text];
    }
    atomic_init(&job.next_task, 0);
    const size_t tasks = job.count * num_heads;
    const size_t slots = session->num_threads < tasks ? session->num_threads : tasks;
    tern_parallelize_1d(session->threadpool, attention_slot, &job, slots);
  }
}

/* Attention sub-layer for whole texts [first_text, first_text + count) = rows [first_row, first_row + rows):
 * query/key/value/context hold just these rows (row 0 = first_row). */
static uint64_t attention_group(tern_session *session, const tern_weight_set *set, const size_t *lengths,
                                size_t count, size_t first_row, size_t rows, uint64_t t) {
  const size_t hidden = session->widths.hidden, stride = session->widths.attention;
  tern_profile *profile = &session->profile;
  float *x = session->hidden + first_row * hidden;
  tern_linear_forward(session, &set->query, rows, x, hidden, session->query, stride, TERN_ACT_IDENTITY);
  tern_linear_forward(session, &set->key, rows, x, hidden, session->key, stride, TERN_ACT_IDENTITY);
  tern_linear_forward(session, &set->value, rows, x, hidden, session->value, stride, TERN_ACT_IDENTITY);
  t = tern_profile_op_done(profile, TERN_PROFILE_OP_QKV, t);
  run_attention(session, set->num_heads, lengths, count);
  t = tern_profile_op_done(profile, TERN_PROFILE_OP_ATTENTION, t);
  tern_linear_forward(session, &set->attention_output, rows, session->context, stride, session->attention_branch,
                      hidden, TERN_ACT_IDENTITY);
  t = tern_profile_op_done(profile, TERN_PROFILE_OP_ATTENTION_OUTPUT, t);
  add_residual_and_norm(session, x, session->attention_branch, rows, &set->attention_norm);
  return tern_profile_op_done(profile, TERN_PROFILE_OP_RESIDUAL_NORM, t);
}

/* Feed-forward sub-layer for rows [first_row, first_row + rows) (<= block_rows). */
static uint64_t ffn_block(tern_session *session, const tern_weight_set *set, size_t first_row, size_t rows,
                          uint64_t t) {
  const size_t hidden = session->widths.hidden, inner = session->widths.intermediate;
  tern_profile *profile = &session->profile;
  float *x = session->hidden + first_row * hidden;
  tern_linear_forward(session, &set->ffn_in, rows, x, hidden, session->ffn, inner, session->model->hyper.activation);
  t = tern_profile_op_done(profile, TERN_PROFILE_OP_FFN_IN, t);
  tern_linear_forward(session, &set->ffn_out, rows, session->ffn, inner, session->ffn_branch, hidden,
                      TERN_ACT_IDENTITY);
  t = tern_profile_op_done(profile, TERN_PROFILE_OP_FFN_OUT, t);
  add_residual_and_norm(session, x, session->ffn_branch, rows, &set->ffn_norm);
  return tern_profile_op_done(profile, TERN_PROFILE_OP_RESIDUAL_NORM, t);
}

static void run_layer(tern_session *session, const tern_weight_set *set, const size_t *lengths, size_t count,
                      size_t total_tokens) {
  uint64_t t = tern_profile_start(&session->profile);
  /* Groups of whole texts up to attention_tokens (one text always fits: attention_tokens >= max_seq_len). */
  for (size_t text = 0, row = 0; text < count;) {
    size_t group_texts = 1, group_rows = lengths[text];
    while (text + group_texts < count && group_rows + lengths[text + group_texts] <= session->attention_tokens)
      group_rows += lengths[text + group_texts++];
    t = attention_group(session, set, lengths + text, group_texts, row, group_rows, t);
    text += group_texts;
    row += group_rows;
  }
  for (size_t first = 0; first < total_tokens; first += session->block_rows) {
    const size_t rows = total_tokens - first < session->block_rows ? total_tokens - first : session->block_rows;
    t = ffn_block(session, set, first, rows, t);
  }
}

void tern_encoder_forward(tern_session *session, const int32_t *ids, const int32_t *type_ids,
                          const size_t *lengths, size_t count) {
  const tern_model *model = session->model;
  size_t total_tokens = 0;
  for (size_t i = 0; i < count; i++) total_tokens += lengths[i];
  tern_profile *profile = &session->profile;
  const uint64_t forward_start = tern_profile_start(profile);
  embed(session, ids, type_ids, lengths, total_tokens);
  uint64_t layer_start = tern_profile_op_done(profile, TERN_PROFILE_OP_EMBEDDING, forward_start);
  for (uint32_t layer = 0; layer < session->depth; layer++) { /* depth <= num_layers (adaptive depth) */
    run_layer(session, &model->weight_sets[model->schedule[layer]], lengths, count, total_tokens);
    tern_profile_layer_done(profile, layer, layer_start);
    layer_start = tern_profile_start(profile);
  }
  /* forward_ns is closed in api.c after pooling and heads (tern_profile_forward_done). */
  profile->pass_start_ns = forward_start;
}
