/* session.h — a session's state (internal): resolved limits, the kernel table and the arena views.
 *
 * Every buffer below points into one arena allocated at tern_session_create; inference never allocates.
 * T = max_batch_tokens, B = max_batch_texts; only the hidden state has T rows: the encoder runs attention
 * on groups of whole texts of at most G = attention_tokens rows and everything else on blocks of at most
 * F = block_rows rows (encoder.c), so the scratch does not grow with the batch.
 */
#ifndef TERN_SESSION_H
#define TERN_SESSION_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "dispatch.h"
#include "model.h"
#include "profile.h"
#include "tern.h"

/* Rows of an embedding / FFN block, and the least tokens of an attention group: big enough that a GEMM
 * call's row tiles and thread split stay efficient, small enough that the scratch stays a few MiB whatever
 * the batch (MiniLM and ALBERT-base batches of 8 x 128..256 tokens ran no slower than with whole-batch
 * calls; 128 and 512 no faster than 256). */
#define TERN_BLOCK_ROWS 256

typedef struct tern_widths {
  size_t word_dim;        /* columns of the word table (r when factorized) */
  size_t embedding;       /* E */
  size_t hidden;          /* H */
  size_t attention;       /* max over weight sets of num_heads * head_dim */
  size_t intermediate;    /* max over weight sets of intermediate_size */
  size_t max_in;          /* widest input of any linear layer (quantization scratch row) */
  size_t low_rank;        /* largest rank of a low-rank pair (0: none) */
  size_t output_dim;      /* pooled vector width */
} tern_widths;

struct tern_session {
  tern_allocator allocator;  /* the session record and its arena came from here */
  /* 1 while a call runs on the session: a second thread's call is refused (TERN_ERR_SESSION_BUSY) instead
   * of racing on the arena. */
  atomic_int busy;
  const tern_model *model;
  const tern_kernels *kernels;
  uint32_t activation_bits;  /* 8, or 7: asymmetric int8 linears quantize to 127 levels (tern.h) */
  /* Worker threads (NULL: the caller's thread only) and how many threads run tasks (threadpool.h). */
  struct tern_threadpool *threadpool;
  uint32_t num_threads;
  /* XNNPACK operators for the float linears (NULL: none, tern's kernels run them; xnnpack_fc.h). */
  struct tern_xnnpack *xnnpack;
  size_t max_seq_len, max_batch_texts, max_batch_tokens, max_text_bytes;
  size_t block_rows;        /* F = min(T, TERN_BLOCK_ROWS): rows of an embedding / FFN block and of a linear call */
  size_t attention_tokens;  /* G = min(T, max(max_seq_len, TERN_BLOCK_ROWS)): tokens of an attention group */
  size_t depth;              /* schedule entries a pass runs (1..num_layers): adaptive depth */
  int long_text_windows;     /* tern_embed splits long texts into windows (long_text.c) */
  size_t long_text_overlap;  /* tokens shared by consecutive windows */
  tern_widths widths;

  uint8_t *arena;
  size_t arena_bytes;

  /* Activations. S = max(F, G): the most rows one linear call gets. */
  float *word_rows;       /* F x word_dim */
  float *embedded;        /* F x E */
  float *hidden;          /* T x H: the residual stream, and the last hidden state at the end */
  float *query, *key, *value, *context; /* G x attention */
  float *attention_branch; /* G x H: attention output before the residual add (over query..value) */
  float *ffn;             /* F x intermediate */
  float *ffn_branch;      /* F x H: FFN output before the residual add */
  float *low_rank_rows;   /* S x low_rank: x F^T between the two products of a low-rank pair */
  int8_t *quantized;      /* m x round_up(in, 4) of any linear call: G x attention inputs, F x max_in */
  float *row_scales;      /* S */
  int32_t *row_zero_points; /* S (asymmetric int8 rows) */
  float *scores;          /* num_threads slots of scores_stride floats: each attention worker its own */
  size_t scores_stride;   /* tern_attention_scratch_floats(max_seq_len), rounded to 64 bytes */
  float *row_scratch;     /* E: one dequantized table row */
  float *outlier_row;     /* max_in: one linear input row with its outlier channels zeroed */
  float *head_rows;       /* B x H: token 0 of each text, then the pooler output */
  float *head_pooled;     /* B x H: the sequence head pooler output */
  float *pooled;          /* B x H before truncation */

  /* Inputs of one pass and of one text. */
  int32_t *batch_ids, *batch_type_ids; /* T */
  size_t *batch_lengths;               /* B */
  int32_t *text_ids, *text_type_ids;   /* max_seq_len */
  /* Long texts (long_text_windows only; else 0 entries): one text's token stream, the windows of a pass
   * (their text, weight, and whether they end the text) and the weighted sum of the current text. */
  int32_t *long_text_ids;              /* long_text_ids_cap */
  size_t long_text_ids_cap;
  size_t *window_texts, *window_weights; /* B */
  unsigned char *window_ends;          /* B */
  double *long_text_sum;               /* H */
  void *tokenizer_scratch;
  size_t tokenizer_scratch_bytes;

  char last_error[256];

  /* Per-op / per-layer timing for tern_session_get_profile (off unless tern_session_set_profiling). */
  tern_profile profile;
};

/* Records a printf-style message as the session's last error and returns status. */
tern_status tern_session_fail(tern_session *session, tern_status status, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* One forward pass over a batch that fits the session (count <= B, sum(lengths) <= T, every length in
 * 1..max_seq_len, ids already range-checked); leaves the last hidden state in session->hidden. */
void tern_encoder_forward(tern_session *session, const int32_t *ids, const int32_t *type_ids,
                          const size_t *lengths, size_t count);

/* y = act(x W^T + b) for m rows through the session's kernels (int8 weights quantize x per row first). */
void tern_linear_forward(tern_session *session, const tern_linear *linear, size_t m, const float *x,
                         size_t x_stride, float *y, size_t y_stride, tern_activation act);

/* A low-rank pair (linear->input_factor != NULL) as two plain linears through session->low_rank_rows;
 * tern_linear_forward calls it. */
void tern_low_rank_forward(tern_session *session, const tern_linear *linear, size_t m, const float *x,
                           size_t x_stride, float *y, size_t y_stride, tern_activation act);

/* Embeds texts with long_text_windows set (long_text.c): arguments already checked, out has count x
 * output_dim floats. */
tern_status tern_embed_long_texts(tern_session *session, const char *const *texts, const size_t *lengths,
                                  size_t count, float *out);

/* Pools the texts of the batch in session->hidden into out (count x output_dim). */
void tern_pool(tern_session *session, const size_t *lengths, size_t count, float *out);
/* The two halves of tern_pool: the full-width pooled rows of the batch into session->pooled (count x H),
 * and Matryoshka truncation + normalization of one full-width vector into out (output_dim). */
void tern_pool_full(tern_session *session, const size_t *lengths, size_t count);
void tern_pool_finish(const tern_session *session, const float *full, float *out);

/* The first head's logits for the batch in session->hidden into out: sequence head count x num_labels,
 * token head total_tokens x num_labels. */
void tern_head_forward(tern_session *session, const tern_head *head, const size_t *lengths, size_t count,
                       float *out);

#endif /* TERN_SESSION_H */
