#include "synthetic_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "packing.h"

enum { VOCAB = 50, WORD_DIM = 6, E = 8, H = 16, HEADS = 2, HEAD_DIM = 8, INNER = 24, POSITIONS = 40, LABELS = 3 };

/* Every allocation of a synthetic model hangs off this list so free is one loop. */
typedef struct synthetic_storage {
  void *blocks[256];
  size_t count;
  tern_tensor tensors[64];
  size_t tensor_count;
  tern_weight_set sets[2];
  uint32_t schedule[3];
  tern_head head;
  const char *labels[LABELS];
} synthetic_storage;

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static float uniform(float lo, float hi) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return lo + (hi - lo) * (float)((rng >> 40) & 0xFFFFFF) / 16777216.0f;
}

static void *keep(synthetic_storage *storage, size_t bytes) {
  void *block = aligned_alloc(64, tern_round_up(bytes == 0 ? 1 : bytes, 64));
  memset(block, 0, tern_round_up(bytes == 0 ? 1 : bytes, 64));
  storage->blocks[storage->count++] = block;
  return block;
}

static tern_tensor *new_tensor(synthetic_storage *storage, const char *name, tern_dtype dtype, tern_layout layout,
                               uint32_t rows, uint32_t columns) {
  tern_tensor *tensor = &storage->tensors[storage->tensor_count++];
  memset(tensor, 0, sizeof *tensor);
  tensor->name = name;
  tensor->dtype = dtype;
  tensor->layout = layout;
  tensor->rank = columns ? 2 : 1;
  tensor->shape[0] = rows;
  tensor->shape[1] = columns;
  return tensor;
}

/* A random f32 matrix [rows, columns] stored as the requested dtype/layout. */
static tern_tensor *random_matrix(synthetic_storage *storage, const char *name, tern_dtype dtype, tern_layout layout,
                                  uint32_t rows, uint32_t columns, float magnitude) {
  tern_tensor *tensor = new_tensor(storage, name, dtype, layout, rows, columns);
  float *dense = malloc((size_t)rows * columns * sizeof(float));
  for (size_t i = 0; i < (size_t)rows * columns; i++) dense[i] = uniform(-magnitude, magnitude);
  if (dtype == TERN_DTYPE_I8) {
    int8_t *quantized = malloc((size_t)rows * columns);
    float *scales = keep(storage, rows * sizeof(float));
    for (uint32_t r = 0; r < rows; r++) {
      float amax = 0;
      for (uint32_t c = 0; c < columns; c++) amax = fmaxf(amax, fabsf(dense[(size_t)r * columns + c]));
      scales[r] = amax / 127.0f;
      for (uint32_t c = 0; c < columns; c++)
        quantized[(size_t)r * columns + c] = (int8_t)lrintf(dense[(size_t)r * columns + c] / scales[r]);
    }
    tensor->scales = scales;
    if (layout == TERN_LAYOUT_PACKED_16X4) {
      int8_t *packed = keep(storage, tern_packed_16x4_size(rows, columns));
      tern_pack_16x4(quantized, rows, columns, packed);
      tensor->data = packed;
      tensor->length_bytes = tern_packed_16x4_size(rows, columns);
    } else {
      int8_t *data = keep(storage, (size_t)rows * columns);
      memcpy(data, quantized, (size_t)rows * columns);
      tensor->data = data;
      tensor->length_bytes = (size_t)rows * columns;
    }
    free(quantized);
  } else if (dtype == TERN_DTYPE_F16) {
    uint16_t *data = keep(storage, (size_t)rows * columns * 2);
    for (size_t i = 0; i < (size_t)rows * columns; i++) {
      /* Round to a value f16 represents exactly: 10 mantissa bits, exponent well inside the range. */
      float value = dense[i];
      int exponent;
      float mantissa = frexpf(value, &exponent);
      mantissa = roundf(mantissa * 2048.0f) / 2048.0f;
      value = ldexpf(mantissa, exponent);
      uint32_t bits;
      memcpy(&bits, &value, 4);
      const uint32_t sign = (bits >> 16) & 0x8000u;
      const int32_t half_exponent = (int32_t)((bits >> 23) & 0xFF) - 127 + 15;
      data[i] = value == 0.0f || half_exponent <= 0 ? (uint16_t)sign
                                                     : (uint16_t)(sign | ((uint32_t)half_exponent << 10) | ((bits >> 13) & 0x3FFu));
    }
    tensor->data = data;
    tensor->length_bytes = (size_t)rows * columns * 2;
  } else {
    float *data = keep(storage, (size_t)rows * columns * sizeof(float));
    memcpy(data, dense, (size_t)rows * columns * sizeof(float));
    tensor->data = data;
    tensor->length_bytes = (size_t)rows * columns * sizeof(float);
  }
  free(dense);
  return tensor;
}

static tern_tensor *random_vector(synthetic_storage *storage, const char *name, uint32_t size, float center, float spread) {
  tern_tensor *tensor = new_tensor(storage, name, TERN_DTYPE_F32, TERN_LAYOUT_ROW_MAJOR, size, 0);
  float *data = keep(storage, size * sizeof(float));
  for (uint32_t i = 0; i < size; i++) data[i] = center + uniform(-spread, spread);
  tensor->data = data;
  tensor->length_bytes = size * sizeof(float);
  return tensor;
}

static tern_linear random_linear(synthetic_storage *storage, const char *name, tern_dtype dtype, uint32_t out,
                                 uint32_t in, int with_bias) {
  tern_linear linear;
  memset(&linear, 0, sizeof linear); /* fields this builder does not set (e.g. outlier channels) are absent */
  const tern_layout layout = dtype == TERN_DTYPE_I8 ? TERN_LAYOUT_PACKED_16X4 : TERN_LAYOUT_ROW_MAJOR;
  linear.weight = random_matrix(storage, name, dtype, layout, out, in, 1.0f / sqrtf((float)in) * 1.7f);
  linear.bias = with_bias ? random_vector(storage, name, out, 0.0f, 0.1f) : NULL;
  linear.out_features = out;
  linear.in_features = in;
  return linear;
}

static tern_layer_norm random_norm(synthetic_storage *storage, const char *name, uint32_t size) {
  tern_layer_norm norm;
  norm.gamma = random_vector(storage, name, size, 1.0f, 0.2f)->data;
  norm.beta = random_vector(storage, name, size, 0.0f, 0.1f)->data;
  norm.size = size;
  norm.eps = 1e-12f;
  return norm;
}

synthetic_options synthetic_default_options(void) {
  synthetic_options options = {SYNTHETIC_INT8, TERN_POOL_MEAN, 1, 0, TERN_HEAD_SEQUENCE, 1};
  return options;
}

tern_model *synthetic_model_create(const synthetic_options *options) {
  tern_model *model = calloc(1, sizeof *model);
  synthetic_storage *storage = calloc(1, sizeof *storage);
  model->file = (const uint8_t *)storage; /* the test's own bookkeeping; never read as a file */
  const tern_dtype main_dtype = options->weights == SYNTHETIC_F32 ? TERN_DTYPE_F32 : TERN_DTYPE_I8;
  const tern_dtype other_dtype = options->weights == SYNTHETIC_MIXED ? TERN_DTYPE_F16 : main_dtype;
  const tern_dtype f32_or_main = options->weights == SYNTHETIC_MIXED ? TERN_DTYPE_F32 : main_dtype;

  model->kind = TERN_KIND_ALBERT;
  tern_hyper *hyper = &model->hyper;
  hyper->vocab_size = VOCAB, hyper->embedding_size = E, hyper->hidden_size = H, hyper->num_layers = 3;
  hyper->num_heads = HEADS, hyper->head_dim = HEAD_DIM, hyper->intermediate_size = INNER;
  hyper->max_position = POSITIONS, hyper->type_vocab_size = 2, hyper->activation = TERN_ACT_GELU_ERF;
  hyper->layer_norm_eps = 1e-12f;

  tern_embeddings *embeddings = &model->embeddings;
  embeddings->word = random_matrix(storage, "word", main_dtype, TERN_LAYOUT_ROW_MAJOR, VOCAB, WORD_DIM, 1.0f);
  embeddings->word_factor = random_linear(storage, "word_factor", other_dtype, E, WORD_DIM, 0);
  embeddings->position = random_matrix(storage, "position", other_dtype, TERN_LAYOUT_ROW_MAJOR, POSITIONS, E, 0.3f);
  embeddings->token_type = random_matrix(storage, "type", TERN_DTYPE_F32, TERN_LAYOUT_ROW_MAJOR, 2, E, 0.3f);
  embeddings->norm = random_norm(storage, "embeddings.norm", E);
  embeddings->projection = random_linear(storage, "projection", main_dtype, H, E, 1);

  const uint32_t heads_per_set[2] = {HEADS, 1}, inner_per_set[2] = {INNER, 20};
  for (int s = 0; s < 2; s++) {
    tern_weight_set *set = &storage->sets[s];
    const uint32_t attention = heads_per_set[s] * HEAD_DIM;
    set->query = random_linear(storage, "query", main_dtype, attention, H, 1);
    set->key = random_linear(storage, "key", main_dtype, attention, H, 1);
    set->value = random_linear(storage, "value", main_dtype, attention, H, 1);
    set->attention_output = random_linear(storage, "attention_output", main_dtype, H, attention, 1);
    set->attention_norm = random_norm(storage, "attention_norm", H);
    set->ffn_in = random_linear(storage, "ffn_in", main_dtype, inner_per_set[s], H, 1);
    set->ffn_out = random_linear(storage, "ffn_out", s == 1 ? f32_or_main : main_dtype, H, inner_per_set[s], 1);
    set->ffn_norm = random_norm(storage, "ffn_norm", H);
    set->num_heads = heads_per_set[s];
    set->intermediate_size = inner_per_set[s];
  }
  model->num_weight_sets = 2;
  model->weight_sets = storage->sets;
  storage->schedule[0] = 0, storage->schedule[1] = 1, storage->schedule[2] = 0;
  model->num_layers = 3;
  model->schedule = storage->schedule;

  model->pooling.mode = options->pooling;
  model->pooling.normalize = options->normalize;
  model->pooling.matryoshka_dim = options->matryoshka_dim;
  if (options->with_head) {
    tern_head *head = &storage->head;
    head->kind = options->head_kind;
    head->name = "head";
    if (options->head_kind == TERN_HEAD_SEQUENCE) head->pooler = random_linear(storage, "pooler", main_dtype, H, H, 1);
    head->classifier = random_linear(storage, "classifier", main_dtype, LABELS, H, 1);
    head->num_labels = LABELS;
    storage->labels[0] = "negative", storage->labels[1] = "neutral", storage->labels[2] = "positive";
    head->labels = storage->labels;
    model->num_heads_out = 1;
    model->heads = head;
  }
  model->num_tensors = (uint32_t)storage->tensor_count;
  model->tensors = storage->tensors;
  return model;
}

/* Replaces linear by a random low-rank pair F [rank, in], W [out, rank] of the given dtype (bias kept). */
static void make_low_rank(synthetic_storage *storage, tern_linear *linear, tern_dtype dtype, uint32_t rank) {
  const tern_layout layout = dtype == TERN_DTYPE_I8 ? TERN_LAYOUT_PACKED_16X4 : TERN_LAYOUT_ROW_MAJOR;
  const uint32_t out = linear->out_features, in = linear->in_features;
  linear->input_factor = random_matrix(storage, "low_rank.factor", dtype, layout, rank, in, 1.0f / sqrtf((float)in));
  linear->weight = random_matrix(storage, "low_rank.weight", dtype, layout, out, rank, 1.7f / sqrtf((float)rank));
  linear->rank = rank;
}

void synthetic_model_make_low_rank(tern_model *model, tern_dtype dtype, uint32_t rank) {
  synthetic_storage *storage = (synthetic_storage *)(uintptr_t)model->file;
  make_low_rank(storage, &storage->sets[0].ffn_in, dtype, rank);
  make_low_rank(storage, &storage->sets[1].query, dtype, rank);
  make_low_rank(storage, &storage->sets[0].attention_output, dtype, rank);
  if (model->num_heads_out != 0) make_low_rank(storage, &storage->head.classifier, dtype, rank);
  model->num_tensors = (uint32_t)storage->tensor_count;
}

void synthetic_model_free(tern_model *model) {
  if (model == NULL) return;
  synthetic_storage *storage = (synthetic_storage *)(uintptr_t)model->file;
  for (size_t i = 0; i < storage->count; i++) free(storage->blocks[i]);
  free(storage);
  free(model);
}

/* ---- the reference: dense, double precision, one text at a time ---- */

static double weight_at(const tern_tensor *tensor, size_t row, size_t column) {
  const size_t columns = tensor->shape[1];
  switch (tensor->dtype) {
    case TERN_DTYPE_I8: {
      const int8_t *bytes = tensor->data;
      size_t index = row * columns + column;
      if (tensor->layout == TERN_LAYOUT_PACKED_16X4) {
        const size_t kp = tern_round_up(columns, 4);
        index = ((row / 16) * (kp / 4) + column / 4) * 64 + (row % 16) * 4 + (column % 4);
      }
      return (double)bytes[index] * tensor->scales[row];
    }
    case TERN_DTYPE_F16:
      return tern_f16_to_f32(((const uint16_t *)tensor->data)[row * columns + column]);
    default:
      return ((const float *)tensor->data)[row * columns + column];
  }
}

static void linear(const tern_linear *layer, const double *x, double *y) {
  double factored[64];
  if (layer->input_factor != NULL) { /* low-rank pair: y = (x F^T) W^T + b */
    for (size_t r = 0; r < layer->rank; r++) {
      factored[r] = 0.0;
      for (size_t k = 0; k < layer->in_features; k++) factored[r] += x[k] * weight_at(layer->input_factor, r, k);
    }
    x = factored;
  }
  const size_t out = layer->weight->shape[0], in = layer->weight->shape[1];
  for (size_t n = 0; n < out; n++) {
    double sum = layer->bias ? ((const float *)layer->bias->data)[n] : 0.0;
    for (size_t k = 0; k < in; k++) sum += x[k] * weight_at(layer->weight, n, k);
    y[n] = sum;
  }
}

static void layer_norm(const tern_layer_norm *norm, double *x) {
  double mean = 0, var = 0;
  for (size_t i = 0; i < norm->size; i++) mean += x[i];
  mean /= norm->size;
  for (size_t i = 0; i < norm->size; i++) var += (x[i] - mean) * (x[i] - mean);
  var /= norm->size;
  for (size_t i = 0; i < norm->size; i++) x[i] = (x[i] - mean) / sqrt(var + norm->eps) * norm->gamma[i] + norm->beta[i];
}

static double activation(double x, tern_activation act) {
  switch (act) {
    case TERN_ACT_GELU_ERF: return 0.5 * x * (1 + erf(x / sqrt(2.0)));
    case TERN_ACT_GELU_TANH: return 0.5 * x * (1 + tanh(sqrt(2 / 3.14159265358979323846) * (x + 0.044715 * x * x * x)));
    case TERN_ACT_RELU: return x > 0 ? x : 0;
    case TERN_ACT_TANH: return tanh(x);
    default: return x;
  }
}

enum { MAX_TOKENS = 40, MAX_WIDTH = 64 };

void synthetic_reference_forward(const tern_model *model, const int32_t *ids, size_t length, double *last_hidden,
                                 double *pooled, double *logits) {
  static double h[MAX_TOKENS][MAX_WIDTH], q[MAX_TOKENS][MAX_WIDTH], k[MAX_TOKENS][MAX_WIDTH], v[MAX_TOKENS][MAX_WIDTH],
      context[MAX_TOKENS][MAX_WIDTH], tmp[MAX_WIDTH], tmp2[MAX_WIDTH];
  const tern_embeddings *embeddings = &model->embeddings;
  const size_t hidden = model->hyper.hidden_size, e = model->hyper.embedding_size, head_dim = model->hyper.head_dim;
  for (size_t t = 0; t < length; t++) {
    double word[MAX_WIDTH], embedded[MAX_WIDTH];
    const size_t word_dim = embeddings->word->shape[1];
    for (size_t i = 0; i < word_dim; i++) word[i] = weight_at(embeddings->word, (size_t)ids[t], i);
    if (embeddings->word_factor.weight) linear(&embeddings->word_factor, word, embedded);
    else memcpy(embedded, word, e * sizeof(double));
    for (size_t i = 0; i < e; i++)
      embedded[i] += weight_at(embeddings->position, t, i) +
                     (embeddings->token_type ? weight_at(embeddings->token_type, 0, i) : 0.0);
    layer_norm(&embeddings->norm, embedded);
    if (embeddings->projection.weight) linear(&embeddings->projection, embedded, h[t]);
    else memcpy(h[t], embedded, hidden * sizeof(double));
  }
  for (uint32_t layer = 0; layer < model->num_layers; layer++) {
    const tern_weight_set *set = &model->weight_sets[model->schedule[layer]];
    for (size_t t = 0; t < length; t++) linear(&set->query, h[t], q[t]), linear(&set->key, h[t], k[t]), linear(&set->value, h[t], v[t]);
    for (size_t head = 0; head < set->num_heads; head++) {
      const size_t c0 = head * head_dim;
      for (size_t i = 0; i < length; i++) {
        double p[MAX_TOKENS], max = -1e300, sum = 0;
        for (size_t j = 0; j < length; j++) {
          double dot = 0;
          for (size_t d = 0; d < head_dim; d++) dot += q[i][c0 + d] * k[j][c0 + d];
          p[j] = dot / sqrt((double)head_dim);
          if (p[j] > max) max = p[j];
        }
        for (size_t j = 0; j < length; j++) sum += p[j] = exp(p[j] - max);
        for (size_t d = 0; d < head_dim; d++) {
          double value = 0;
          for (size_t j = 0; j < length; j++) value += p[j] / sum * v[j][c0 + d];
          context[i][c0 + d] = value;
        }
      }
    }
    for (size_t t = 0; t < length; t++) {
      linear(&set->attention_output, context[t], tmp);
      for (size_t i = 0; i < hidden; i++) h[t][i] += tmp[i];
      layer_norm(&set->attention_norm, h[t]);
      linear(&set->ffn_in, h[t], tmp);
      for (size_t i = 0; i < set->intermediate_size; i++) tmp[i] = activation(tmp[i], model->hyper.activation);
      linear(&set->ffn_out, tmp, tmp2);
      for (size_t i = 0; i < hidden; i++) h[t][i] += tmp2[i];
      layer_norm(&set->ffn_norm, h[t]);
    }
  }
  if (last_hidden)
    for (size_t t = 0; t < length; t++) memcpy(last_hidden + t * hidden, h[t], hidden * sizeof(double));
  if (pooled) {
    const tern_pooling *pooling = &model->pooling;
    const size_t dim = pooling->matryoshka_dim && pooling->matryoshka_dim < hidden ? pooling->matryoshka_dim : hidden;
    for (size_t i = 0; i < dim; i++) {
      double value = pooling->mode == TERN_POOL_MAX ? -1e300 : 0;
      for (size_t t = 0; t < length; t++) {
        if (pooling->mode == TERN_POOL_MEAN) value += h[t][i] / (double)length;
        else if (pooling->mode == TERN_POOL_MAX) value = h[t][i] > value ? h[t][i] : value;
      }
      pooled[i] = pooling->mode == TERN_POOL_CLS ? h[0][i] : value;
    }
    if (pooling->normalize) {
      double norm = 0;
      for (size_t i = 0; i < dim; i++) norm += pooled[i] * pooled[i];
      norm = sqrt(norm);
      for (size_t i = 0; i < dim; i++) pooled[i] /= norm;
    }
  }
  if (logits && model->num_heads_out) {
    const tern_head *head = &model->heads[0];
    if (head->kind == TERN_HEAD_TOKEN) {
      for (size_t t = 0; t < length; t++) linear(&head->classifier, h[t], logits + t * head->num_labels);
    } else {
      const double *features = h[0];
      if (head->pooler.weight) {
        linear(&head->pooler, h[0], tmp);
        for (size_t i = 0; i < hidden; i++) tmp[i] = tanh(tmp[i]);
        features = tmp;
      }
      linear(&head->classifier, features, logits);
    }
  }
}
