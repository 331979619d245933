/* tern.h — the public API of libtern, a small inference runtime for Transformer encoders.
 *
 * Ownership: every *_create / *_load has a matching *_free. A tern_model is immutable after load and may
 * be shared by any number of threads; a tern_session belongs to one thread at a time: give each thread its
 * own session. A call on a session that another thread is using at that moment (tern_tokenize, tern_run_ids,
 * tern_run_text, tern_embed, tern_classify) is detected and refused with TERN_ERR_SESSION_BUSY without
 * touching the session (an atomic flag; its last error stays the other call's). tern_session_free while
 * another thread is inside a call on the same session is undefined, as is any use after free.
 * Every fallible call returns a tern_status and writes results through out-parameters; the library never
 * aborts, exits or prints. A human message for the last failure is tern_session_last_error() or, for
 * load, the message buffer in tern_model_options / tern_last_load_error().
 */
#ifndef TERN_H
#define TERN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define TERN_API __declspec(dllexport)
#else
#define TERN_API __attribute__((visibility("default")))
#endif

#define TERN_VERSION_MAJOR 0
#define TERN_VERSION_MINOR 1
#define TERN_VERSION_PATCH 0

typedef enum tern_status {
  TERN_OK = 0,
  TERN_ERR_INVALID_ARGUMENT = 1,  /* NULL pointer, zero count, bad option value */
  TERN_ERR_IO = 2,                /* file cannot be opened, read or mapped */
  TERN_ERR_OUT_OF_MEMORY = 3,
  TERN_ERR_BAD_IDENTIFIER = 4,    /* not a .tern file */
  TERN_ERR_UNSUPPORTED_VERSION = 5,
  TERN_ERR_TRUNCATED = 6,         /* a record or tensor runs past the end of the buffer */
  TERN_ERR_MALFORMED = 7,         /* FlatBuffer structure invalid: offsets, vtables, strings, depth */
  TERN_ERR_BAD_TENSOR = 8,        /* dtype/layout/shape/length/alignment/offset inconsistent */
  TERN_ERR_BAD_SCALE = 9,         /* quantization scales: wrong count, 0, negative, NaN, Inf */
  TERN_ERR_BAD_INDEX = 10,        /* tensor, schedule, weight-set, token or label index out of range */
  TERN_ERR_BAD_HYPERPARAMETER = 11, /* inconsistent dimensions (heads do not divide hidden size, ...) */
  TERN_ERR_BAD_TOKENIZER = 12,    /* vocabulary invalid: bad UTF-8, empty/duplicate pieces, bad charsmap */
  TERN_ERR_BUFFER_TOO_SMALL = 13, /* output capacity too small; the needed size was written back */
  TERN_ERR_TOO_LONG = 14,         /* input longer than the session allows */
  TERN_ERR_NO_HEAD = 15,          /* classify on a model without a classification head */
  TERN_ERR_SELFTEST_FAILED = 16,
  TERN_ERR_INTERNAL = 17,
  TERN_ERR_SESSION_BUSY = 18      /* the session is running a call on another thread (see tern_session) */
} tern_status;

TERN_API const char *tern_status_string(tern_status status);
TERN_API const char *tern_version_string(void);

typedef struct tern_model tern_model;
typedef struct tern_session tern_session;

/* Memory. Every heap allocation of libtern goes through a tern_allocator (the model's: load, verification
 * tables, tokenizer tries; the session's: the session and its arena), shaped like XNNPACK's xnn_allocator.
 * NULL in the options means the C library (malloc / free / aligned_alloc). A failed allocation makes the call
 * return TERN_ERR_OUT_OF_MEMORY with everything it allocated already freed. All four functions are required;
 * deallocate / aligned_deallocate are never called with NULL, and aligned_deallocate only receives pointers
 * from aligned_allocate. alignment is a power of two >= sizeof(void *); size is never 0. The functions may be
 * called from any thread that calls into libtern (load, session create and free), never during inference:
 * after tern_session_create returns, tern_tokenize / tern_run_ids / tern_run_text / tern_embed /
 * tern_classify allocate nothing. The file itself is mapped with mmap (use_mmap = 1), not allocated; with
 * use_mmap = 0 its copy comes from aligned_allocate. The struct is copied: it need not outlive the call, but
 * context must live until the last model / session made with it is freed. Outside any hook: cpuinfo's
 * process-wide CPU tables (allocated once, by the first session creation, never freed); a session with a
 * hook starts no thread pool unless num_threads > 1 is asked for, and never uses XNNPACK (whose packed
 * weights come from the C library). */
typedef struct tern_allocator {
  void *context;
  void *(*allocate)(void *context, size_t size);
  void (*deallocate)(void *context, void *pointer);
  void *(*aligned_allocate)(void *context, size_t alignment, size_t size);
  void (*aligned_deallocate)(void *context, void *pointer);
} tern_allocator;

/* Options: always start from tern_*_default_options() so fields added later get their defaults. */
typedef struct tern_model_options {
  uint32_t struct_size;       /* sizeof(tern_model_options); set by the default constructor */
  int use_mmap;               /* 1 (default): map the file read-only; 0: read it into memory */
  char *error_message;        /* optional: receives a NUL-terminated message on failure */
  size_t error_message_size;
  const tern_allocator *allocator; /* NULL (default): the C library; copied, see tern_allocator */
} tern_model_options;

TERN_API tern_model_options tern_model_default_options(void);

TERN_API tern_status tern_model_load(const char *path, const tern_model_options *options, tern_model **out_model);
/* The buffer must stay valid and unchanged until tern_model_free; it is used in place (no copy). The
 * weight segment needs 64-byte alignment for full speed; a misaligned buffer is rejected. */
TERN_API tern_status tern_model_load_from_memory(const void *data, size_t size, const tern_model_options *options,
                                                 tern_model **out_model);
TERN_API void tern_model_free(tern_model *model);
/* The message of the last failed load on the calling thread ("" if none); valid until the next load on it. */
TERN_API const char *tern_last_load_error(void);

/* The tensor table of a loaded model (for inspection tools). dtype: 0 f32, 1 f16, 2 int8; layout: 0 row-major,
 * 1 Packed16x4 (see tern.fbs); offset_bytes from the start of the file. Strings live until tern_model_free. */
typedef struct tern_tensor_info {
  const char *name;
  int dtype;
  int layout;
  uint32_t rank;
  uint32_t shape[4];
  uint64_t length_bytes;
  uint64_t offset_bytes;
  uint32_t num_layers_using;   /* schedule entries whose weight set refers to it (0 for non-layer tensors) */
} tern_tensor_info;

TERN_API uint32_t tern_model_tensor_count(const tern_model *model);
/* TERN_ERR_BAD_INDEX when index >= tern_model_tensor_count(model). */
TERN_API tern_status tern_model_tensor_info(const tern_model *model, uint32_t index, tern_tensor_info *info);


/* ---------------------------------------------------------------------------------------------------------
 * Model information (filled by value; the strings point into the model and live until tern_model_free).
 */
typedef enum tern_model_kind_info { TERN_MODEL_BERT = 0, TERN_MODEL_ALBERT = 1 } tern_model_kind_info;
typedef enum tern_pooling_mode_info { TERN_POOLING_MEAN = 0, TERN_POOLING_CLS = 1, TERN_POOLING_MAX = 2 } tern_pooling_mode_info;
typedef enum tern_head_kind_info {
  TERN_HEAD_NONE = -1,
  TERN_HEAD_SEQUENCE_CLASSIFICATION = 0,
  TERN_HEAD_TOKEN_CLASSIFICATION = 1
} tern_head_kind_info;

typedef struct tern_model_info {
  uint32_t struct_size;        /* sizeof(tern_model_info) */
  tern_model_kind_info kind;
  uint32_t vocab_size;
  uint32_t embedding_size;     /* E */
  uint32_t hidden_size;        /* H: width of the last hidden state */
  uint32_t num_layers;         /* schedule length */
  uint32_t num_weight_sets;    /* distinct layer weight sets (ALBERT: shared) */
  uint32_t num_heads;
  uint32_t intermediate_size;
  uint32_t max_position;
  uint32_t max_length;         /* tokenizer truncation point (tokens, specials included); 0 without tokenizer */
  int has_tokenizer;
  tern_pooling_mode_info pooling;
  int normalize;               /* pooled vectors are L2-normalized */
  uint32_t output_dim;         /* floats per pooled embedding (Matryoshka dim when set) */
  tern_head_kind_info head_kind; /* the first head's kind, TERN_HEAD_NONE without heads */
  uint32_t num_labels;         /* the first head's labels */
  uint32_t num_metadata;
} tern_model_info;

TERN_API tern_status tern_model_get_info(const tern_model *model, tern_model_info *info);
/* The first head's label name for index, or NULL when out of range. */
TERN_API const char *tern_model_label(const tern_model *model, uint32_t index);
/* The metadata value for key ("source", "converter_version", ...), or NULL. */
TERN_API const char *tern_model_metadata(const tern_model *model, const char *key);
/* The index-th metadata entry; TERN_ERR_BAD_INDEX when out of range. */
TERN_API tern_status tern_model_metadata_at(const tern_model *model, uint32_t index, const char **key,
                                            const char **value);

/* ---------------------------------------------------------------------------------------------------------
 * Sessions: one arena sized at creation; inference allocates nothing after that.
 */
typedef struct tern_session_options {
  uint32_t struct_size;        /* sizeof(tern_session_options); set by the default constructor */
  uint32_t max_seq_len;        /* tokens per text; 0 (default): the tokenizer's max_length, capped by max_position */
  uint32_t max_batch_texts;    /* texts per forward pass (default 16); tern_embed splits larger batches */
  uint32_t max_batch_tokens;   /* tokens per forward pass, all texts together; 0 (default): max_seq_len */
  uint32_t max_text_bytes;     /* longest UTF-8 text the tokenizer accepts (default 65536); SentencePiece
                                  also returns TERN_ERR_TOO_LONG for one word (space to space) that normalizes
                                  to more than 4 * max_text_bytes bytes */
  uint32_t num_threads;        /* threads one call runs on (at most 64). 0 (default): the cores of the fastest
                                  cluster (big cores on big.LITTLE, cpuinfo), at most 4; 1 if the session uses
                                  a caller's allocator hook, since the pool's few blocks (pthreadpool) come from
                                  the C library. N > 1: a pool of N threads started with the session (1 in a
                                  build without pthreadpool). Results are bit-identical for every count. */
  const char *isa;             /* kernel set: NULL (default): best for this CPU or $TERN_ISA; "scalar", ... */
  char *error_message;         /* optional: receives a NUL-terminated message when create fails */
  size_t error_message_size;
  const tern_allocator *allocator; /* NULL (default): the model's allocator (the C library unless the model
                                      was loaded with one); copied, see tern_allocator */
  /* Adaptive depth: run only the first `depth` entries of the layer schedule (0, the default: all). Meant
   * for shared-layer models (ALBERT applies one weight set at every depth, so k < N layers is a valid,
   * cheaper, somewhat less accurate encoder; see docs/LIGHTWEIGHT.md "Adaptive depth"). More than the
   * model's layers: TERN_ERR_INVALID_ARGUMENT. Changeable later with tern_session_set_depth. */
  uint32_t depth;
  /* Long texts in tern_embed. 0 (default): a text is truncated to max_seq_len tokens. 1: a text longer than
   * that is split into overlapping windows of at most max_seq_len tokens, each [CLS] chunk [SEP] like a
   * normal text; each window is pooled as the model says (mean / cls / max, before Matryoshka and
   * normalization), the windows are combined by a mean weighted by each window's new tokens (the chunk
   * tokens not already in the previous window; the weights sum to the text's token count), then Matryoshka
   * truncation and normalization apply once. A text that fits in one window gives exactly the result of
   * the normal path. Memory stays bounded: the session reserves one text's token stream (max_text_bytes + 16
   * ids) at creation; a text that tokenizes to more ids than that returns TERN_ERR_TOO_LONG. tern_run_text,
   * tern_classify and tern_tokenize always truncate. */
  uint32_t long_text_windows;
  /* Tokens shared by consecutive windows, < max_seq_len minus the specials. The default,
   * TERN_LONG_TEXT_OVERLAP_DEFAULT, means a quarter of a window's chunk: (max_seq_len - specials) / 4. */
  uint32_t long_text_overlap;
  /* Precision of the activations the int8 linears quantize per row (asymmetric, with a zero point).
   * 0 (default): 8, or $TERN_ACTIVATION_BITS (7 or 8) when set. 8: 255 levels. 7: 127 levels, which lets the
   * avx2 set run an exact u8 x s8 GEMM without the sign trick, ~1.28x its 8-bit GEMM (tools/bench/gemm_bench,
   * Zen3), at some accuracy: all-MiniLM-L6-v2 min cosine to HF fp32 over the parity sentences 0.9969 instead
   * of 0.9982, corpus top-10 overlap 0.960 instead of 0.966. Other sets give the same 7-bit results, not
   * faster. Symmetric int8 linears (files without channel sums) stay 8-bit. Anything else:
   * TERN_ERR_INVALID_ARGUMENT. */
  uint32_t activation_bits;
} tern_session_options;

#define TERN_LONG_TEXT_OVERLAP_DEFAULT UINT32_MAX

TERN_API tern_session_options tern_session_default_options(void);
TERN_API tern_status tern_session_create(const tern_model *model, const tern_session_options *options,
                                         tern_session **out_session);
TERN_API void tern_session_free(tern_session *session);
/* The message of the session's last failure ("" after success); valid until the next call on it. */
TERN_API const char *tern_session_last_error(const tern_session *session);
/* Bytes of the session's arena (all inference memory), and the kernel set it runs ("scalar", ...). */
TERN_API size_t tern_session_arena_bytes(const tern_session *session);
TERN_API const char *tern_session_isa(const tern_session *session);
/* The activation precision the session runs, 8 or 7 (tern_session_options.activation_bits); 0 for NULL. */
TERN_API uint32_t tern_session_activation_bits(const tern_session *session);
/* The threads one call runs on: tern_session_options.num_threads as resolved at creation (the default's core
 * count or $TERN_NUM_THREADS for 0; 1 in a build without pthreadpool); 0 for NULL. */
TERN_API uint32_t tern_session_num_threads(const tern_session *session);
/* Adaptive depth per call: the schedule entries the next passes run, 1..num_layers, or 0 for all (see
 * tern_session_options.depth). TERN_ERR_INVALID_ARGUMENT beyond num_layers (the depth is then unchanged). */
TERN_API tern_status tern_session_set_depth(tern_session *session, uint32_t depth);
/* The schedule entries the session runs now (num_layers when all). */
TERN_API uint32_t tern_session_depth(const tern_session *session);

/* ---------------------------------------------------------------------------------------------------------
 * Inference. Output capacities are counted in elements (floats / ids). When a capacity is too small the
 * call returns TERN_ERR_BUFFER_TOO_SMALL and the needed count is written back, so callers can size first.
 */

/* Token ids (with [CLS]/[SEP], truncated to the session's max_seq_len) for one text. *n_ids receives the
 * number of ids (also on TERN_ERR_BUFFER_TOO_SMALL). */
TERN_API tern_status tern_tokenize(tern_session *session, const char *utf8, size_t length, int32_t *ids,
                                   size_t cap, size_t *n_ids);

/* What a forward pass should produce; NULL pointers are not produced. Sizes are written back. */
typedef struct tern_outputs {
  float *last_hidden;          /* total_tokens x hidden_size, texts one after another */
  size_t last_hidden_cap;
  size_t last_hidden_count;    /* out: total_tokens * hidden_size */
  float *pooled;               /* texts x output_dim (pooling, Matryoshka, normalize as the model says) */
  size_t pooled_cap;
  size_t pooled_count;         /* out */
  float *logits;               /* first head: sequence head texts x num_labels, token head total_tokens x num_labels */
  size_t logits_cap;
  size_t logits_count;         /* out */
} tern_outputs;

/* Runs a ragged batch of id sequences: ids holds count sequences one after another, lengths[i] ids each
 * (>= 1, <= max_seq_len); type_ids (same shape) may be NULL for all-zero token types. Batches larger than
 * the session's limits are processed in several passes with identical results. */
TERN_API tern_status tern_run_ids(tern_session *session, const int32_t *ids, const int32_t *type_ids,
                                  const size_t *lengths, size_t count, tern_outputs *outputs);

/* Tokenizes and runs one text; fills the requested outputs (token-level: last hidden state, token logits). */
TERN_API tern_status tern_run_text(tern_session *session, const char *utf8, size_t length, tern_outputs *outputs);

/* Pooled embeddings of count UTF-8 texts (lengths[i] bytes each) into out: count x output_dim floats.
 * *needed (may be NULL) receives count x output_dim. */
TERN_API tern_status tern_embed(tern_session *session, const char *const *texts, const size_t *lengths,
                                size_t count, float *out, size_t out_cap, size_t *needed);

/* Sequence-classification logits of one text (the first head); *num_labels receives the label count
 * (names: tern_model_label). TERN_ERR_NO_HEAD without a sequence head. */
TERN_API tern_status tern_classify(tern_session *session, const char *utf8, size_t length, float *logits,
                                   size_t cap, size_t *num_labels);

/* Runs the self-test vectors stored in the file; *worst_cosine receives the lowest cosine between the
 * computed and the stored outputs. TERN_ERR_SELFTEST_FAILED when it is below the file's threshold;
 * TERN_ERR_INVALID_ARGUMENT when the file has none. */
TERN_API tern_status tern_model_selftest(const tern_model *model, float *worst_cosine);

/* ---------------------------------------------------------------------------------------------------------
 * Profiling (added by the bench helper for tern-bench --profile): time per op kind and per layer, summed
 * over the forward passes since profiling was last enabled. The counters live in the session (nothing is
 * allocated); while profiling is off each hook in the encoder is one branch.
 */
#define TERN_PROFILE_MAX_OPS 16
#define TERN_PROFILE_MAX_LAYERS 64

typedef struct tern_profile_report {
  uint32_t struct_size;                    /* sizeof(tern_profile_report): set by the caller */
  uint64_t forward_passes;
  double forward_ms;                       /* all forward passes, pooling and heads included */
  uint32_t num_ops;
  const char *op_names[TERN_PROFILE_MAX_OPS]; /* "embedding", "qkv", "attention", ... (static strings) */
  double op_ms[TERN_PROFILE_MAX_OPS];
  uint64_t op_calls[TERN_PROFILE_MAX_OPS];
  uint32_t num_layers;                     /* schedule entries seen (layers past 64 add to the last) */
  double layer_ms[TERN_PROFILE_MAX_LAYERS];
} tern_profile_report;

/* Turns profiling on (1) or off (0); either way the counters restart from zero. */
TERN_API tern_status tern_session_set_profiling(tern_session *session, int enabled);
/* The counters so far; TERN_ERR_INVALID_ARGUMENT when report->struct_size is smaller than this version's. */
TERN_API tern_status tern_session_get_profile(const tern_session *session, tern_profile_report *report);

#ifdef __cplusplus
}
#endif

#endif /* TERN_H */
