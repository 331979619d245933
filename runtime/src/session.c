/* session.c — session options, the structural checks the encoder relies on, and the arena layout. */
#include "session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "threadpool.h"
#include "xnnpack_fc.h"
#include "tokenizer/tokenizer.h"

#define ARENA_ALIGNMENT 64
#define TERN_MAX_THREADS 64 /* far past any core count where one encoder pass still scales */

tern_status tern_session_fail(tern_session *session, tern_status status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(session->last_error, sizeof session->last_error, format, args);
  va_end(args);
  return status;
}

tern_session_options tern_session_default_options(void) {
  tern_session_options options;
  memset(&options, 0, sizeof options);
  options.struct_size = (uint32_t)sizeof options;
  options.max_seq_len = 0;
  options.max_batch_texts = 16;
  options.max_batch_tokens = 0;
  options.max_text_bytes = 65536;
  options.num_threads = 0;
  options.isa = NULL;
  options.depth = 0;
  options.long_text_windows = 0;
  options.long_text_overlap = TERN_LONG_TEXT_OVERLAP_DEFAULT;
  options.activation_bits = 0;
  return options;
}

/* Message sink for tern_session_create, which has no session to hold its message yet. */
typedef struct create_error {
  char text[256];
} create_error;

static tern_status create_fail(create_error *error, tern_status status, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static tern_status create_fail(create_error *error, tern_status status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(error->text, sizeof error->text, format, args);
  va_end(args);
  return status;
}

/* Checks a linear layer against the shape the encoder will use it with and the dtype/layout pairs the
 * kernels read. The loader verified bounds; this checks that the pieces fit together. */
static tern_status check_weight(create_error *error, const char *what, const tern_tensor *weight, size_t out,
                                size_t in) {
  if (weight == NULL) return create_fail(error, TERN_ERR_BAD_TENSOR, "%s: weight missing", what);
  if (weight->rank != 2 || weight->shape[0] != out || weight->shape[1] != in)
    return create_fail(error, TERN_ERR_BAD_HYPERPARAMETER, "%s ('%s'): shape must be %zux%zu", what,
                       weight->name, out, in);
  const int int8_packed = weight->dtype == TERN_DTYPE_I8 && weight->layout == TERN_LAYOUT_PACKED_16X4;
  const int float_rows = (weight->dtype == TERN_DTYPE_F32 || weight->dtype == TERN_DTYPE_F16) &&
                         weight->layout == TERN_LAYOUT_ROW_MAJOR;
  if (!int8_packed && !float_rows)
    return create_fail(error, TERN_ERR_BAD_TENSOR,
                       "%s ('%s'): linear weights must be int8 Packed16x4 or f32/f16 RowMajor", what, weight->name);
  if (int8_packed && weight->scales == NULL)
    return create_fail(error, TERN_ERR_BAD_SCALE, "%s ('%s'): int8 weight without scales", what, weight->name);
  return TERN_OK;
}

/* A low-rank pair is two weights, x -> [rank] -> [out]; its rank widens the quantization scratch. */
static tern_status check_linear(create_error *error, const char *what, const tern_linear *linear, size_t out,
                                size_t in, size_t *max_in, size_t *max_rank) {
  tern_status status;
  if (linear->input_factor != NULL) {
    const size_t rank = linear->rank;
    if (rank == 0 || linear->input_factor->rank != 2 || linear->input_factor->shape[0] != rank)
      return create_fail(error, TERN_ERR_BAD_HYPERPARAMETER, "%s: low-rank factor rank %zu inconsistent", what, rank);
    if ((status = check_weight(error, what, linear->input_factor, rank, in)) != TERN_OK) return status;
    if ((status = check_weight(error, what, linear->weight, out, rank)) != TERN_OK) return status;
    if (*max_in < rank) *max_in = rank;
    if (*max_rank < rank) *max_rank = rank;
  } else if ((status = check_weight(error, what, linear->weight, out, in)) != TERN_OK) {
    return status;
  }
  const tern_tensor *bias = linear->bias;
  if (bias != NULL && (bias->dtype != TERN_DTYPE_F32 || bias->rank != 1 || bias->shape[0] != out))
    return create_fail(error, TERN_ERR_BAD_TENSOR, "%s ('%s'): bias must be f32 [%zu]", what, bias->name, out);
  return TERN_OK;
}

static tern_status check_table(create_error *error, const char *what, const tern_tensor *table, size_t columns,
                               int required) {
  if (table == NULL)
    return required ? create_fail(error, TERN_ERR_BAD_TENSOR, "embeddings: %s table missing", what) : TERN_OK;
  if (table->rank != 2 || table->layout != TERN_LAYOUT_ROW_MAJOR || (columns != 0 && table->shape[1] != columns))
    return create_fail(error, TERN_ERR_BAD_HYPERPARAMETER, "embeddings: %s table ('%s') must be RowMajor [rows, %zu]",
                       what, table->name, columns);
  if (table->dtype == TERN_DTYPE_I8 && table->scales == NULL)
    return create_fail(error, TERN_ERR_BAD_SCALE, "embeddings: %s table ('%s') int8 without scales", what,
                       table->name);
  return TERN_OK;
}

static tern_status check_norm(create_error *error, const char *what, const tern_layer_norm *norm, size_t size) {
  if (norm->gamma == NULL || norm->beta == NULL || norm->size != size)
    return create_fail(error, TERN_ERR_BAD_HYPERPARAMETER, "%s: LayerNorm must have gamma and beta of size %zu", what,
                       size);
  return TERN_OK;
}

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

/* Checks everything the forward pass indexes and derives the buffer widths. */
static tern_status check_model(create_error *error, const tern_model *model, tern_widths *widths) {
  const tern_hyper *hyper = &model->hyper;
  const tern_embeddings *embeddings = &model->embeddings;
  memset(widths, 0, sizeof *widths);
  if (hyper->hidden_size == 0 || hyper->num_heads == 0 || hyper->head_dim == 0 || hyper->embedding_size == 0)
    return create_fail(error, TERN_ERR_BAD_HYPERPARAMETER, "hyper-parameters: zero hidden/embedding size or heads");
  widths->hidden = hyper->hidden_size;
  widths->embedding = hyper->embedding_size;
  tern_status status;
  if ((status = check_table(error, "word", embeddings->word, 0, 1)) != TERN_OK) return status;
  widths->word_dim = embeddings->word->shape[1];
  size_t max_in = max_size(widths->word_dim, widths->embedding);
  if (embeddings->word->shape[0] != hyper->vocab_size)
    return create_fail(error, TERN_ERR_BAD_HYPERPARAMETER, "embeddings: word table has %u rows, vocab_size is %u",
                       embeddings->word->shape[0], hyper->vocab_size);
  if (embeddings->word_factor.weight != NULL) {
    status = check_linear(error, "embeddings.word_factor", &embeddings->word_factor, widths->embedding, widths->word_dim,
                          &max_in, &widths->low_rank);
    if (status != TERN_OK) return status;
  } else if (widths->word_dim != widths->embedding) {
    return create_fail(error, TERN_ERR_BAD_HYPERPARAMETER, "embeddings: word width %zu != embedding_size %zu",
                       widths->word_dim, widths->embedding);
  }
  if ((status = check_table(error, "position", embeddings->position, widths->embedding, 1)) != TERN_OK) return status;
  if ((status = check_table(error, "token_type", embeddings->token_type, widths->embedding, 0)) != TERN_OK)
    return status;
  if ((status = check_norm(error, "embeddings.norm", &embeddings->norm, widths->embedding)) != TERN_OK) return status;
  if (embeddings->projection.weight != NULL) {
    status = check_linear(error, "embeddings.projection", &embeddings->projection, widths->hidden, widths->embedding,
                          &max_in, &widths->low_rank);
    if (status != TERN_OK) return status;
  } else if (widths->embedding != widths->hidden) {
    return create_fail(error, TERN_ERR_BAD_HYPERPARAMETER, "embeddings: no projection but E=%zu != H=%zu",
                       widths->embedding, widths->hidden);
  }
  if (model->num_layers == 0 || model->schedule == NULL || model->num_weight_sets == 0)
    return create_fail(error, TERN_ERR_BAD_HYPERPARAMETER, "model has no layers");
  for (uint32_t i = 0; i < model->num_layers; i++) {
    if (model->schedule[i] >= model->num_weight_sets)
      return create_fail(error, TERN_ERR_BAD_INDEX, "schedule[%u] = %u: only %u weight sets", i, model->schedule[i],
                         model->num_weight_sets);
  }
  for (uint32_t i = 0; i < model->num_weight_sets; i++) {
    const tern_weight_set *set = &model->weight_sets[i];
    char what[64];
    const size_t attention = (size_t)set->num_heads * hyper->head_dim;
    const size_t hidden = widths->hidden, inner = set->intermediate_size;
    if (set->num_heads == 0 || inner == 0)
      return create_fail(error, TERN_ERR_BAD_HYPERPARAMETER, "weight_sets[%u]: zero heads or intermediate size", i);
    /* Per-set widths: pruned sets may have fewer heads or FFN neurons than the model's Hyper. */
    const struct {
      const char *name;
      const tern_linear *linear;
      size_t out, in;
    } linears[] = {{"query", &set->query, attention, hidden},
                   {"key", &set->key, attention, hidden},
                   {"value", &set->value, attention, hidden},
                   {"attention_output", &set->attention_output, hidden, attention},
                   {"ffn_in", &set->ffn_in, inner, hidden},
                   {"ffn_out", &set->ffn_out, hidden, inner}};
    for (size_t j = 0; j < sizeof linears / sizeof linears[0]; j++) {
      snprintf(what, sizeof what, "weight_sets[%u].%s", i, linears[j].name);
      status = check_linear(error, what, linears[j].linear, linears[j].out, linears[j].in, &max_in, &widths->low_rank);
      if (status != TERN_OK) return status;
    }
    snprintf(what, sizeof what, "weight_sets[%u].attention_norm", i);
    if ((status = check_norm(error, what, &set->attention_norm, hidden)) != TERN_OK) return status;
    snprintf(what, sizeof what, "weight_sets[%u].ffn_norm", i);
    if ((status = check_norm(error, what, &set->ffn_norm, hidden)) != TERN_OK) return status;
    widths->attention = max_size(widths->attention, attention);
    widths->intermediate = max_size(widths->intermediate, inner);
    max_in = max_size(max_in, max_size(attention, inner));
  }
  max_in = max_size(max_in, widths->hidden);
  for (uint32_t i = 0; i < model->num_heads_out; i++) {
    const tern_head *head = &model->heads[i];
    char what[64];
    if (head->pooler.weight != NULL) {
      snprintf(what, sizeof what, "heads[%u].pooler", i);
      status = check_linear(error, what, &head->pooler, widths->hidden, widths->hidden, &max_in, &widths->low_rank);
      if (status != TERN_OK) return status;
    }
    snprintf(what, sizeof what, "heads[%u].classifier", i);
    status = check_linear(error, what, &head->classifier, head->num_labels, widths->hidden, &max_in, &widths->low_rank);
    if (status != TERN_OK) return status;
  }
  widths->max_in = max_in;
  widths->output_dim = model->pooling.matryoshka_dim != 0 && model->pooling.matryoshka_dim < widths->hidden
                           ? model->pooling.matryoshka_dim
                           : widths->hidden;
  return TERN_OK;
}

/* Lays the buffers out in the arena. With base NULL it only measures; returns 0 on size overflow. */
typedef struct arena_cursor {
  uint8_t *base;
  size_t used;
  int overflow;
} arena_cursor;

static void *arena_take(arena_cursor *cursor, size_t count, size_t element_bytes) {
  if (cursor->overflow) return NULL;
  if (element_bytes != 0 && count > (SIZE_MAX - ARENA_ALIGNMENT - cursor->used) / element_bytes) {
    cursor->overflow = 1;
    return NULL;
  }
  const size_t start = tern_round_up(cursor->used, ARENA_ALIGNMENT);
  cursor->used = start + count * element_bytes;
  return cursor->base == NULL ? NULL : cursor->base + start;
}

static size_t checked_product(size_t a, size_t b, int *overflow) {
  if (a != 0 && b > SIZE_MAX / a) {
    *overflow = 1;
    return 0;
  }
  return a * b;
}

static void layout_arena(tern_session *session, arena_cursor *cursor) {
  const tern_widths *w = &session->widths;
  const size_t tokens = session->max_batch_tokens, texts = session->max_batch_texts;
  int overflow = 0;
#define TAKE(field, rows, columns, type) \
  session->field = (type *)arena_take(cursor, checked_product((rows), (columns), &overflow), sizeof(type))
  const size_t block = session->block_rows, group = session->attention_tokens;
  const size_t scratch_rows = max_size(block, group);
  TAKE(hidden, tokens, w->hidden, float);
  /* Only the hidden state is T rows (encoder.c). The buffers of the three phases of a pass never live at
   * once, so they share one region: embedding (word_rows, embedded: F rows, read until their rows of
   * `hidden` are written), attention (context, and query, key, value until the scores are done, then the
   * output projection's attention_branch over them: G rows) and feed-forward (ffn, ffn_branch: F rows). */
  const size_t phases_start = cursor->used;
  size_t phases_end = phases_start;
#define END_PHASE()                                                  \
  do {                                                               \
    phases_end = cursor->used > phases_end ? cursor->used : phases_end; \
    cursor->used = phases_start;                                     \
  } while (0)
  TAKE(word_rows, block, w->word_dim, float);
  TAKE(embedded, block, w->embedding, float);
  END_PHASE();
  TAKE(context, group, w->attention, float);
  const size_t query_start = cursor->used;
  TAKE(query, group, w->attention, float);
  TAKE(key, group, w->attention, float);
  TAKE(value, group, w->attention, float);
  const size_t query_end = cursor->used;
  cursor->used = query_start;
  TAKE(attention_branch, group, w->hidden, float);
  if (cursor->used < query_end) cursor->used = query_end;
  END_PHASE();
  TAKE(ffn, block, w->intermediate, float);
  TAKE(ffn_branch, block, w->hidden, float);
  END_PHASE();
#undef END_PHASE
  cursor->used = phases_end;
  TAKE(low_rank_rows, scratch_rows, w->low_rank, float);
  /* Attention groups quantize inputs of query..value (H), the output projection (attention) or a low-rank
   * pair's inner rows; everything else runs in blocks of F rows. */
  const size_t attention_in = max_size(max_size(w->hidden, w->attention), w->low_rank);
  TAKE(quantized, 1,
       max_size(checked_product(group, tern_round_up(attention_in, TERN_PACK_KR), &overflow),
                checked_product(block, tern_round_up(w->max_in, TERN_PACK_KR), &overflow)),
       int8_t);
  TAKE(row_scales, scratch_rows, 1, float);
  TAKE(row_zero_points, scratch_rows, 1, int32_t);
  session->scores_stride = tern_round_up(tern_attention_scratch_floats(session->max_seq_len), 16);
  TAKE(scores, session->num_threads, session->scores_stride, float);
  TAKE(row_scratch, w->embedding, 1, float);
  TAKE(outlier_row, w->max_in, 1, float);
  TAKE(head_rows, texts, w->hidden, float);
  TAKE(head_pooled, texts, w->hidden, float);
  TAKE(pooled, texts, w->hidden, float);
  TAKE(batch_ids, tokens, 1, int32_t);
  TAKE(batch_type_ids, tokens, 1, int32_t);
  TAKE(batch_lengths, texts, 1, size_t);
  TAKE(text_ids, session->max_seq_len, 1, int32_t);
  TAKE(text_type_ids, session->max_seq_len, 1, int32_t);
  const size_t windows = session->long_text_windows ? texts : 0;
  TAKE(long_text_ids, session->long_text_ids_cap, 1, int32_t);
  TAKE(window_texts, windows, 1, size_t);
  TAKE(window_weights, windows, 1, size_t);
  TAKE(window_ends, windows, 1, unsigned char);
  TAKE(long_text_sum, session->long_text_windows ? w->hidden : 0, 1, double);
  session->tokenizer_scratch = arena_take(cursor, session->tokenizer_scratch_bytes, 1);
#undef TAKE
  if (overflow) cursor->overflow = 1;
}

typedef struct long_text_settings {
  int windows;
  size_t overlap;
} long_text_settings;

/* Windows hold [CLS] chunk [SEP]: the chunk is max_seq_len minus the specials, and consecutive windows
 * share `overlap` chunk tokens, so each window adds chunk - overlap >= 1 new tokens. */
static tern_status resolve_long_text(create_error *error, const tern_session_options *options,
                                     const tern_model *model, size_t max_seq_len, long_text_settings *out) {
  out->windows = 0;
  out->overlap = 0;
  if (options->long_text_windows == 0) return TERN_OK;
  if (options->long_text_windows != 1)
    return create_fail(error, TERN_ERR_INVALID_ARGUMENT, "long_text_windows %u: must be 0 (truncate) or 1 (windows)",
                       options->long_text_windows);
  if (model->tokenizer == NULL)
    return create_fail(error, TERN_ERR_INVALID_ARGUMENT, "long_text_windows: the model has no tokenizer");
  const size_t specials = (model->tokenizer_spec.cls_id >= 0) + (model->tokenizer_spec.sep_id >= 0);
  if (max_seq_len <= specials)
    return create_fail(error, TERN_ERR_INVALID_ARGUMENT, "long_text_windows: max_seq_len %zu leaves no room for text",
                       max_seq_len);
  const size_t chunk = max_seq_len - specials;
  out->overlap = options->long_text_overlap == TERN_LONG_TEXT_OVERLAP_DEFAULT ? chunk / 4 : options->long_text_overlap;
  if (out->overlap >= chunk)
    return create_fail(error, TERN_ERR_INVALID_ARGUMENT,
                       "long_text_overlap %zu must be < %zu (max_seq_len %zu minus %zu special tokens)", out->overlap,
                       chunk, max_seq_len, specials);
  out->windows = 1;
  return TERN_OK;
}

/* Resolves num_threads (0: the big cores, see tern.h) and starts the pool. pthreadpool allocates with the C
 * library, so with a caller's allocator hook 0 means 1 thread: every block such a session holds then comes
 * from the hook. A build without pthreadpool runs any count on the caller's thread. */
static tern_status start_threads(create_error *error, tern_session *session, uint32_t requested,
                                 const tern_allocator *allocator) {
  const int libc_heap = allocator->allocate == tern_libc_allocator.allocate;
  uint32_t threads = requested;
  if (threads == 0) threads = libc_heap ? tern_threadpool_default_threads() : 1;
  /* $TERN_NUM_THREADS replaces the default (as $TERN_ISA does the kernel set), so whole test suites can run
   * with any count; an explicit option and the allocator-hook rule win. */
  const char *forced = requested == 0 && libc_heap ? getenv("TERN_NUM_THREADS") : NULL;
  if (forced != NULL && forced[0] >= '1' && forced[0] <= '9') {
    const long value = strtol(forced, NULL, 10);
    threads = value > TERN_MAX_THREADS ? TERN_MAX_THREADS : (uint32_t)value;
  }
  if (!tern_threadpool_available()) threads = 1;
  session->num_threads = 1;
  if (threads < 2) return TERN_OK;
  session->threadpool = tern_threadpool_create(threads);
  if (session->threadpool == NULL)
    return create_fail(error, TERN_ERR_OUT_OF_MEMORY, "num_threads %u: cannot start the thread pool", threads);
  session->num_threads = tern_threadpool_threads(session->threadpool);
  return TERN_OK;
}

/* Resolves activation_bits (tern.h): 0 means $TERN_ACTIVATION_BITS when set (as $TERN_ISA and
 * $TERN_NUM_THREADS replace their defaults, so whole test suites can run 7-bit), else 8; an explicit option
 * wins. A value other than 7 or 8, from either, is refused. */
static tern_status resolve_activation_bits(create_error *error, uint32_t requested, uint32_t *bits) {
  if (requested == 0) {
    const char *forced = getenv("TERN_ACTIVATION_BITS");
    *bits = 8;
    if (forced == NULL || forced[0] == '\0') return TERN_OK;
    if (strcmp(forced, "7") != 0 && strcmp(forced, "8") != 0)
      return create_fail(error, TERN_ERR_INVALID_ARGUMENT, "TERN_ACTIVATION_BITS '%s': must be 7 or 8", forced);
    *bits = (uint32_t)(forced[0] - '0');
    return TERN_OK;
  }
  if (requested != 7 && requested != 8)
    return create_fail(error, TERN_ERR_INVALID_ARGUMENT, "activation_bits %u: must be 0 (the default, 8), 7 or 8",
                       requested);
  *bits = requested;
  return TERN_OK;
}

tern_status tern_session_create(const tern_model *model, const tern_session_options *options_in,
                                tern_session **out_session) {
  create_error error = {{0}};
  tern_status status = TERN_OK;
  tern_session *session = NULL;
  tern_session_options options = tern_session_default_options();
  if (out_session != NULL) *out_session = NULL;
  if (options_in != NULL) {
    /* Honour a caller built against an older, shorter struct: copy only what it has. */
    const size_t given = options_in->struct_size;
    if (given < offsetof(tern_session_options, isa) + sizeof(const char *) || given > sizeof options) {
      status = create_fail(&error, TERN_ERR_INVALID_ARGUMENT, "options.struct_size %zu is not a known size", given);
      goto done;
    }
    memcpy(&options, options_in, given);
  }
  if (model == NULL || out_session == NULL) {
    status = create_fail(&error, TERN_ERR_INVALID_ARGUMENT, "tern_session_create: %s is NULL",
                         model == NULL ? "model" : "out_session");
    goto done;
  }
  if (options.num_threads > TERN_MAX_THREADS) {
    status = create_fail(&error, TERN_ERR_INVALID_ARGUMENT, "num_threads %u: at most %d", options.num_threads,
                         TERN_MAX_THREADS);
    goto done;
  }
  uint32_t activation_bits;
  if ((status = resolve_activation_bits(&error, options.activation_bits, &activation_bits)) != TERN_OK) goto done;
  const tern_kernels *kernels = options.isa != NULL ? tern_kernels_by_name(options.isa) : tern_kernels_default();
  if (kernels == NULL) {
    const char *name = options.isa != NULL ? options.isa : getenv("TERN_ISA");
    char known[128] = "";
    for (const char *const *set = tern_kernels_names(); *set != NULL; set++) {
      if (known[0] != '\0') strncat(known, ", ", sizeof known - strlen(known) - 1);
      strncat(known, *set, sizeof known - strlen(known) - 1);
    }
    status = create_fail(&error, TERN_ERR_INVALID_ARGUMENT,
                         "kernel set '%s' is not available in this build or on this CPU (known: %s)",
                         name != NULL ? name : "?", known);
    goto done;
  }
  tern_widths widths;
  if ((status = check_model(&error, model, &widths)) != TERN_OK) goto done;

  const size_t positions = model->embeddings.position->shape[0];
  size_t max_seq_len = model->tokenizer != NULL && model->tokenizer_spec.max_length != 0
                           ? model->tokenizer_spec.max_length
                           : positions;
  if (max_seq_len > positions) max_seq_len = positions;
  if (options.max_seq_len != 0) {
    if (options.max_seq_len > positions) {
      status = create_fail(&error, TERN_ERR_INVALID_ARGUMENT, "max_seq_len %u exceeds the model's %zu positions",
                           options.max_seq_len, positions);
      goto done;
    }
    max_seq_len = options.max_seq_len;
  }
  if (options.max_batch_texts == 0) {
    status = create_fail(&error, TERN_ERR_INVALID_ARGUMENT, "max_batch_texts must be >= 1");
    goto done;
  }
  size_t max_batch_tokens = options.max_batch_tokens != 0 ? options.max_batch_tokens : max_seq_len;
  if (max_batch_tokens < max_seq_len) {
    status = create_fail(&error, TERN_ERR_INVALID_ARGUMENT,
                         "max_batch_tokens %zu must be >= max_seq_len %zu (one full text)", max_batch_tokens, max_seq_len);
    goto done;
  }

  if (options.depth > model->num_layers) {
    status = create_fail(&error, TERN_ERR_INVALID_ARGUMENT, "depth %u exceeds the model's %u layers", options.depth,
                         model->num_layers);
    goto done;
  }
  long_text_settings long_text;
  if ((status = resolve_long_text(&error, &options, model, max_seq_len, &long_text)) != TERN_OK) goto done;

  /* A model assembled in memory by a white-box test has no allocator: the C library's then. */
  const tern_allocator *model_allocator = model->allocator.allocate != NULL ? &model->allocator : &tern_libc_allocator;
  const tern_allocator *allocator = options.allocator != NULL ? options.allocator : model_allocator;
  if (!tern_allocator_is_valid(allocator)) {
    status = create_fail(&error, TERN_ERR_INVALID_ARGUMENT, "options.allocator: a function pointer is NULL");
    goto done;
  }
  session = tern_allocate_zeroed(allocator, 1, sizeof *session);
  if (session == NULL) {
    status = create_fail(&error, TERN_ERR_OUT_OF_MEMORY, "session: out of memory");
    goto done;
  }
  session->allocator = *allocator;
  atomic_init(&session->busy, 0);
  session->model = model;
  session->kernels = kernels;
  session->activation_bits = activation_bits;
  session->widths = widths;
  session->max_seq_len = max_seq_len;
  session->max_batch_texts = options.max_batch_texts;
  session->max_batch_tokens = max_batch_tokens;
  session->block_rows = max_batch_tokens < TERN_BLOCK_ROWS ? max_batch_tokens : TERN_BLOCK_ROWS;
  session->attention_tokens = max_size(max_seq_len, session->block_rows);
  session->max_text_bytes = options.max_text_bytes;
  session->tokenizer_scratch_bytes =
      model->tokenizer != NULL ? tern_tokenizer_scratch_size(model->tokenizer, options.max_text_bytes) : 0;
  if ((status = start_threads(&error, session, options.num_threads, allocator)) != TERN_OK) goto done;
  status = tern_xnnpack_create(model, kernels, allocator, &session->xnnpack, error.text, sizeof error.text);
  if (status != TERN_OK) goto done;
  session->depth = options.depth != 0 ? options.depth : model->num_layers;
  session->long_text_windows = long_text.windows;
  session->long_text_overlap = long_text.overlap;
  /* Saturates on 32-bit hosts; the arena's overflow check then refuses the session. */
  const size_t stream_ids = (size_t)options.max_text_bytes + 16;
  session->long_text_ids_cap = !long_text.windows ? 0 : stream_ids < 16 ? SIZE_MAX : stream_ids;

  arena_cursor measure = {NULL, 0, 0};
  layout_arena(session, &measure);
  if (measure.overflow) {
    status = create_fail(&error, TERN_ERR_INVALID_ARGUMENT, "session limits too large: arena size overflows");
    goto done;
  }
  session->arena_bytes = tern_round_up(measure.used, ARENA_ALIGNMENT);
  session->arena = tern_aligned_allocate(&session->allocator, ARENA_ALIGNMENT, session->arena_bytes);
  if (session->arena == NULL) {
    status = create_fail(&error, TERN_ERR_OUT_OF_MEMORY, "session arena: cannot allocate %zu bytes",
                         session->arena_bytes);
    goto done;
  }
  arena_cursor assign = {session->arena, 0, 0};
  layout_arena(session, &assign);
  *out_session = session;
  session = NULL;

done:
  if (session != NULL) tern_session_free(session);
  if (status != TERN_OK && options.error_message != NULL && options.error_message_size != 0)
    snprintf(options.error_message, options.error_message_size, "%s", error.text);
  return status;
}

void tern_session_free(tern_session *session) {
  if (session == NULL) return;
  const tern_allocator allocator = session->allocator;
  tern_xnnpack_free(session->xnnpack, &allocator);
  tern_threadpool_free(session->threadpool);
  tern_aligned_deallocate(&allocator, session->arena);
  tern_deallocate(&allocator, session);
}

const char *tern_session_last_error(const tern_session *session) {
  return session != NULL ? session->last_error : "session is NULL";
}

size_t tern_session_arena_bytes(const tern_session *session) { return session != NULL ? session->arena_bytes : 0; }

const char *tern_session_isa(const tern_session *session) {
  return session != NULL ? session->kernels->isa : NULL;
}

uint32_t tern_session_activation_bits(const tern_session *session) {
  return session != NULL ? session->activation_bits : 0;
}

uint32_t tern_session_num_threads(const tern_session *session) { return session != NULL ? session->num_threads : 0; }
