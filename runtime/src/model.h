/* model.h — the verified, in-memory view of a .tern file (internal).
 *
 * The loader (model.c + format/) turns the mapped bytes into this plain-C view after the verifier has
 * checked every record; the encoder, tokenizers and sessions read only this view, never the FlatBuffer.
 * All pointers point into the mapped file (zero copy) or into the model's own small allocations; all
 * indices and sizes here are already range-checked, so consumers may trust them.
 */
#ifndef TERN_MODEL_H
#define TERN_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "tern.h"

/* Mirrors of the schema enums (tern.fbs); values are identical. */
typedef enum { TERN_DTYPE_F32 = 0, TERN_DTYPE_F16 = 1, TERN_DTYPE_I8 = 2 } tern_dtype;
typedef enum { TERN_LAYOUT_ROW_MAJOR = 0, TERN_LAYOUT_PACKED_16X4 = 1 } tern_layout;
typedef enum { TERN_KIND_BERT = 0, TERN_KIND_ALBERT = 1 } tern_model_kind;
typedef enum {
  TERN_ACT_GELU_ERF = 0,
  TERN_ACT_GELU_TANH = 1,
  TERN_ACT_RELU = 2,
  TERN_ACT_TANH = 3,
  TERN_ACT_IDENTITY = 4
} tern_activation;
typedef enum { TERN_TOKENIZER_WORDPIECE = 0, TERN_TOKENIZER_SENTENCEPIECE_UNIGRAM = 1 } tern_tokenizer_kind;
typedef enum { TERN_POOL_MEAN = 0, TERN_POOL_CLS = 1, TERN_POOL_MAX = 2 } tern_pooling_mode;
typedef enum { TERN_HEAD_SEQUENCE = 0, TERN_HEAD_TOKEN = 1 } tern_head_kind;
typedef enum { TERN_SELFTEST_EMBEDDING = 0, TERN_SELFTEST_LOGITS = 1 } tern_selftest_output;

#define TERN_MAX_RANK 4

/* A tensor, verified: data lies inside the file, 64-byte aligned, length matches dtype/layout/shape. */
typedef struct tern_tensor {
  const char *name;           /* NUL-terminated (FlatBuffers strings are) */
  tern_dtype dtype;
  tern_layout layout;
  uint32_t rank;
  uint32_t shape[TERN_MAX_RANK];
  const float *scales;        /* I8: shape[0] entries, finite and > 0; NULL otherwise */
  const int32_t *channel_sums; /* I8 Packed16x4: shape[0] entries, or NULL when the file has none */
  const void *data;
  uint64_t length_bytes;
} tern_tensor;

/* y = x W^T + b. weight == NULL means "absent" (e.g. no projection). */
typedef struct tern_linear {
  const tern_tensor *weight;  /* [out, in] */
  const tern_tensor *bias;    /* f32 [out] or NULL */
  uint32_t out_features;
  uint32_t in_features;
  /* Activation outlier channels (I8 Packed16x4 weights only; NULL/0 otherwise): strictly increasing, each
   * < in_features. The linear zeroes them before quantizing a row and adds x[:, c] * W[:, c] in f32, with
   * W[:, c] read from the int8 weight (tern.fbs, Linear.outlier_channels). */
  const uint32_t *outlier_channels;
  uint32_t num_outlier_channels;
  /* Low-rank pair (tern.fbs Linear.input_factor), NULL for a plain linear: y = act((x F^T) W^T + b) with
   * F = input_factor [rank, in_features] and weight [out_features, rank]. The outlier channels then belong
   * to F (they index x). x F^T stays in f32 between the two products (low_rank.c). */
  const tern_tensor *input_factor;
  uint32_t rank;
} tern_linear;

typedef struct tern_layer_norm {
  const float *gamma;         /* [n] */
  const float *beta;          /* [n] */
  uint32_t size;
  float eps;
} tern_layer_norm;

typedef struct tern_weight_set {
  tern_linear query, key, value, attention_output;
  tern_layer_norm attention_norm;
  tern_linear ffn_in, ffn_out;
  tern_layer_norm ffn_norm;
  uint32_t num_heads;         /* query/key/value have num_heads * head_dim output rows */
  uint32_t intermediate_size;
} tern_weight_set;

typedef struct tern_embeddings {
  const tern_tensor *word;          /* [vocab, word_dim] */
  tern_linear word_factor;          /* weight NULL when absent: [H, r] applied to word rows */
  const tern_tensor *position;      /* [max_position, E] */
  const tern_tensor *token_type;    /* [type_vocab, E] or NULL */
  tern_layer_norm norm;             /* over E */
  tern_linear projection;           /* weight NULL when absent: [H, E] after the norm */
} tern_embeddings;

typedef struct tern_hyper {
  uint32_t vocab_size, embedding_size, hidden_size, num_layers, num_heads, head_dim, intermediate_size;
  uint32_t max_position, type_vocab_size;
  tern_activation activation;
  float layer_norm_eps;
  uint32_t num_hidden_groups, inner_group_num, config_num_hidden_layers;
} tern_hyper;

/* A string that is not necessarily NUL-terminated inside the tokenizer's tables. */
typedef struct tern_str {
  const char *ptr;
  uint32_t len;
} tern_str;

/* Everything a tokenizer needs; see tokenizer/tokenizer.h. */
typedef struct tern_tokenizer_spec {
  tern_tokenizer_kind kind;
  uint32_t vocab_size;
  const tern_str *pieces;          /* vocab_size entries, valid UTF-8, not empty (array owned by the model) */
  const float *scores;             /* SentencePiece: vocab_size entries; NULL for WordPiece */
  const uint8_t *piece_types;      /* SentencePiece: vocab_size entries (1..6, sentencepiece numbering) */
  uint32_t max_length;
  int32_t unk_id, cls_id, sep_id, pad_id, mask_id;  /* -1 = none; else < vocab_size */
  /* WordPiece */
  int lowercase, strip_accents, tokenize_chinese_chars, clean_text;
  uint32_t max_input_chars_per_word;
  tern_str continuing_subword_prefix;
  /* SentencePiece */
  const uint8_t *precompiled_charsmap;
  uint32_t precompiled_charsmap_size;
  int add_dummy_prefix, remove_extra_whitespaces, escape_whitespaces, treat_whitespace_as_suffix, byte_fallback;
  int remove_space, keep_accents, do_lower_case;
  /* Where the tokenizer allocates its tables (allocator.h): the model's allocator, set by the loader. */
  const tern_allocator *allocator;
} tern_tokenizer_spec;

typedef struct tern_pooling {
  tern_pooling_mode mode;
  int normalize;
  uint32_t matryoshka_dim;    /* 0 = full */
} tern_pooling;

typedef struct tern_head {
  tern_head_kind kind;
  const char *name;
  tern_linear pooler;         /* weight NULL when absent */
  tern_linear classifier;
  uint32_t num_labels;
  const char *const *labels;  /* num_labels NUL-terminated names */
} tern_head;

typedef struct tern_selftest {
  uint32_t count;
  const tern_str *texts;
  tern_selftest_output output;
  uint32_t dim;
  const float *expected;      /* count * dim */
  float min_cosine;
} tern_selftest;

typedef struct tern_metadata_entry {
  const char *key;
  const char *value;
} tern_metadata_entry;

struct tern_model {
  /* Backing storage. */
  const uint8_t *file;        /* the whole file */
  size_t file_size;
  int mapped;                 /* 1: munmap(file) on free; 0 and owns_buffer: free(file); else borrowed */
  int owns_buffer;
  tern_allocator allocator;   /* every allocation of the model and its tokenizer (allocator.h) */

  uint32_t format_version;
  tern_model_kind kind;
  tern_hyper hyper;

  uint32_t num_tensors;
  tern_tensor *tensors;

  tern_embeddings embeddings;
  uint32_t num_weight_sets;
  tern_weight_set *weight_sets;
  uint32_t num_layers;
  const uint32_t *schedule;   /* num_layers entries, each < num_weight_sets */

  tern_tokenizer_spec tokenizer_spec;
  struct tern_tokenizer *tokenizer;  /* built at load from tokenizer_spec; NULL if the file has no vocabulary */

  tern_pooling pooling;
  uint32_t num_heads_out;     /* classification heads */
  tern_head *heads;

  tern_selftest selftest;     /* count 0 when the file has none */

  uint32_t num_metadata;
  tern_metadata_entry *metadata;
};

#endif /* TERN_MODEL_H */
