/* model_view.c — semantic verification of a .tern file and the tern_model view over it.
 * The structural verifier (tern_fbs_generated.c) runs first, so every accessor used here reads inside the
 * buffer; this file checks what the bytes mean. See runtime/schema/tern.fbs for the invariants. */
#include "format/model_view.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "format/flatbuffer_verify.h"
#include "format/tern_fbs_generated.h"
#include "format/utf8_check.h"

/* Inputs per output row of an int8 weight: keeps int32 accumulation exact (see check_tensor). */
#define TERN_MAX_INT8_INPUTS 65536u

#define TERN_FORMAT_VERSION 1u
#define TERN_WEIGHT_ALIGNMENT 64u

typedef struct view_builder {
  tern_model *model;
  fb_table root;
  uint64_t weights_offset, weights_length;
  char *err;
  size_t err_size;
} view_builder;

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 3, 4)))
#endif
static tern_status fail(view_builder *b, tern_status status, const char *format, ...) {
  if (b->err != NULL && b->err_size > 0) {
    va_list args;
    va_start(args, format);
    vsnprintf(b->err, b->err_size, format, args);
    va_end(args);
  }
  return status;
}

#define TRY(expr)                          \
  do {                                     \
    tern_status try_status_ = (expr);      \
    if (try_status_ != TERN_OK) return try_status_; \
  } while (0)

static int mul_u64(uint64_t a, uint64_t b, uint64_t *out) {
  if (a != 0 && b > UINT64_MAX / a) return 0;
  *out = a * b;
  return 1;
}

static uint64_t round_up(uint64_t x, uint64_t m) { return (x + m - 1) / m * m; }

static size_t dtype_size(tern_dtype dtype) { return dtype == TERN_DTYPE_F32 ? 4 : dtype == TERN_DTYPE_F16 ? 2 : 1; }

static const char *dtype_name(tern_dtype dtype) {
  return dtype == TERN_DTYPE_F32 ? "f32" : dtype == TERN_DTYPE_F16 ? "f16" : "int8";
}

static void shape_text(const tern_tensor *t, char *out, size_t size) {
  size_t used = 0;
  out[0] = 0;
  for (uint32_t d = 0; d < t->rank && used < size; d++) {
    int n = snprintf(out + used, size - used, d ? "x%u" : "%u", t->shape[d]);
    if (n < 0) break;
    used += (size_t)n;
  }
}

/* ---- tensors ---- */

static tern_status check_tensor(view_builder *b, uint32_t index, fb_table record, tern_tensor *t) {
  fb_string name = tern_fb_Tensor_name(record);
  if (name.ptr == NULL || name.len == 0) return fail(b, TERN_ERR_BAD_TENSOR, "tensor %u: empty name", index);
  if (!tern_utf8_is_valid(name.ptr, name.len))
    return fail(b, TERN_ERR_BAD_TENSOR, "tensor %u: name is not valid UTF-8", index);
  t->name = name.ptr;
  uint8_t dtype = tern_fb_Tensor_dtype(record), layout = tern_fb_Tensor_layout(record);
  if (!tern_fb_DType_is_valid(dtype))
    return fail(b, TERN_ERR_BAD_TENSOR, "tensor %u '%s': dtype %u out of range", index, t->name, dtype);
  if (!tern_fb_Layout_is_valid(layout))
    return fail(b, TERN_ERR_BAD_TENSOR, "tensor %u '%s': layout %u out of range", index, t->name, layout);
  t->dtype = (tern_dtype)dtype;
  t->layout = (tern_layout)layout;

  fb_vector shape = tern_fb_Tensor_shape(record);
  if (shape.count < 1 || shape.count > TERN_MAX_RANK)
    return fail(b, TERN_ERR_BAD_TENSOR, "tensor %u '%s': rank %u (must be 1..%d)", index, t->name, shape.count,
                TERN_MAX_RANK);
  t->rank = shape.count;
  for (uint32_t d = 0; d < TERN_MAX_RANK; d++) t->shape[d] = d < shape.count ? tern_fb_Tensor_shape_at(shape, d) : 0;
  for (uint32_t d = 0; d < t->rank; d++)
    if (t->shape[d] == 0) return fail(b, TERN_ERR_BAD_TENSOR, "tensor %u '%s': dimension %u is 0", index, t->name, d);
  char dims[64];
  shape_text(t, dims, sizeof dims);

  uint64_t expected = dtype_size(t->dtype);
  if (t->layout == TERN_LAYOUT_PACKED_16X4) {
    if (t->dtype != TERN_DTYPE_I8 || t->rank != 2)
      return fail(b, TERN_ERR_BAD_TENSOR, "tensor %u '%s': Packed16x4 needs an int8 rank-2 tensor, got %s %s", index,
                  t->name, dtype_name(t->dtype), dims);
    if (!mul_u64(round_up(t->shape[0], 16), round_up(t->shape[1], 4), &expected))
      return fail(b, TERN_ERR_BAD_TENSOR, "tensor %u '%s': size of shape %s overflows", index, t->name, dims);
  } else {
    for (uint32_t d = 0; d < t->rank; d++)
      if (!mul_u64(expected, t->shape[d], &expected))
        return fail(b, TERN_ERR_BAD_TENSOR, "tensor %u '%s': size of shape %s %s overflows", index, t->name, dims,
                    dtype_name(t->dtype));
  }
  uint64_t length = tern_fb_Tensor_length(record), offset = tern_fb_Tensor_offset(record);
  if (length != expected)
    return fail(b, TERN_ERR_BAD_TENSOR, "tensor %u '%s': length %llu does not match shape %s %s%s (%llu bytes)", index,
                t->name, (unsigned long long)length, dims, dtype_name(t->dtype),
                t->layout == TERN_LAYOUT_PACKED_16X4 ? " Packed16x4" : "", (unsigned long long)expected);
  if (offset % TERN_WEIGHT_ALIGNMENT != 0)
    return fail(b, TERN_ERR_BAD_TENSOR, "tensor %u '%s': offset %llu is not a multiple of %u", index, t->name,
                (unsigned long long)offset, TERN_WEIGHT_ALIGNMENT);
  if (offset > b->weights_length || length > b->weights_length - offset)
    return fail(b, TERN_ERR_TRUNCATED, "tensor %u '%s': bytes [%llu, +%llu) run past the weight segment (%llu bytes)",
                index, t->name, (unsigned long long)offset, (unsigned long long)length,
                (unsigned long long)b->weights_length);
  t->data = b->model->file + b->weights_offset + offset;
  t->length_bytes = length;

  fb_vector scales = tern_fb_Tensor_scales(record);
  t->scales = NULL;
  if (t->dtype == TERN_DTYPE_I8) {
    if (scales.count != t->shape[0])
      return fail(b, TERN_ERR_BAD_SCALE, "tensor %u '%s': %u scales, expected %u (one per row)", index, t->name,
                  scales.count, t->shape[0]);
    for (uint32_t i = 0; i < scales.count; i++) {
      float s = tern_fb_Tensor_scales_at(scales, i);
      if (!isfinite(s) || !(s > 0.0f))
        return fail(b, TERN_ERR_BAD_SCALE, "tensor %u '%s': scale %u is %g (must be finite and > 0)", index, t->name,
                    i, (double)s);
    }
    t->scales = (const float *)(const void *)scales.data; /* 4-aligned: checked by the verifier */
  } else if (scales.count != 0) {
    return fail(b, TERN_ERR_BAD_SCALE, "tensor %u '%s': %s tensor has %u scales (int8 only)", index, t->name,
                dtype_name(t->dtype), scales.count);
  }
  fb_vector sums = tern_fb_Tensor_channel_sums(record);
  t->channel_sums = NULL;
  if (sums.count != 0) {
    if (t->layout != TERN_LAYOUT_PACKED_16X4 || sums.count != t->shape[0])
      return fail(b, TERN_ERR_BAD_TENSOR, "tensor %u '%s': %u channel sums (Packed16x4 int8 only, one per row: %u)",
                  index, t->name, sums.count, t->shape[0]);
    /* A row's weight sum can be at most 127 x in_features in magnitude; the kernels multiply it by an int8
     * zero point in int32, so a forged sum must not reach them (found by test_mutated_model under UBSan).
     * The sums are not recomputed from the weights: that would read every weight page at load. */
    const int64_t bound = (int64_t)127 * t->shape[1];
    for (uint32_t i = 0; i < sums.count; i++) {
      const int32_t sum = tern_fb_Tensor_channel_sums_at(sums, i);
      if (sum > bound || sum < -bound)
        return fail(b, TERN_ERR_BAD_TENSOR, "tensor %u '%s': channel sum %u is %d, beyond +-127 x %u inputs", index,
                    t->name, i, (int)sum, t->shape[1]);
    }
    t->channel_sums = (const int32_t *)(const void *)sums.data;
  }
  /* int8 dot products accumulate in int32: |a x w| <= 128 x 127 per input, twice that with the zero-point
   * correction, so at most 65536 inputs per output keep every sum in range. */
  if (t->dtype == TERN_DTYPE_I8 && t->layout == TERN_LAYOUT_PACKED_16X4 && t->shape[1] > TERN_MAX_INT8_INPUTS)
    return fail(b, TERN_ERR_BAD_TENSOR, "tensor %u '%s': %u inputs per output, at most %u for int8 weights", index,
                t->name, t->shape[1], TERN_MAX_INT8_INPUTS);
  return TERN_OK;
}

typedef struct tensor_span {
  uint64_t offset, length;
  uint32_t index;
} tensor_span;

static int compare_span(const void *a, const void *b) {
  const tensor_span *x = a, *y = b;
  return x->offset < y->offset ? -1 : x->offset > y->offset ? 1 : 0;
}

typedef struct tensor_name {
  const char *name;
  uint32_t index;
} tensor_name;

static int compare_name(const void *a, const void *b) {
  return strcmp(((const tensor_name *)a)->name, ((const tensor_name *)b)->name);
}

static tern_status check_tensors(view_builder *b) {
  tern_model *m = b->model;
  fb_vector records = tern_fb_Model_tensors(b->root);
  if (records.count == 0) return fail(b, TERN_ERR_MALFORMED, "model: no tensors");
  m->tensors = tern_allocate_zeroed(&b->model->allocator, records.count, sizeof *m->tensors);
  if (m->tensors == NULL) return fail(b, TERN_ERR_OUT_OF_MEMORY, "out of memory for %u tensors", records.count);
  m->num_tensors = records.count;
  for (uint32_t i = 0; i < records.count; i++) TRY(check_tensor(b, i, fb_vector_table(records, i), &m->tensors[i]));

  /* Overlap and duplicate names: sort once each, compare neighbours. */
  tensor_span *spans = tern_allocate_array(&b->model->allocator, records.count, sizeof *spans);
  tensor_name *order = tern_allocate_array(&b->model->allocator, records.count, sizeof *order);
  if (spans == NULL || order == NULL) {
    tern_deallocate(&b->model->allocator, spans);
    tern_deallocate(&b->model->allocator, order);
    return fail(b, TERN_ERR_OUT_OF_MEMORY, "out of memory checking tensors");
  }
  for (uint32_t i = 0; i < records.count; i++) {
    spans[i].offset = (uint64_t)((const uint8_t *)m->tensors[i].data - m->file) - b->weights_offset;
    spans[i].length = m->tensors[i].length_bytes;
    spans[i].index = i;
    order[i].name = m->tensors[i].name;
    order[i].index = i;
  }
  qsort(spans, records.count, sizeof *spans, compare_span);
  qsort(order, records.count, sizeof *order, compare_name);
  tern_status status = TERN_OK;
  for (uint32_t i = 1; i < records.count && status == TERN_OK; i++) {
    const tensor_span *prev = &spans[i - 1], *cur = &spans[i];
    if (prev->offset + prev->length > cur->offset)
      status = fail(b, TERN_ERR_BAD_TENSOR, "tensor %u '%s' [%llu, +%llu) overlaps tensor %u '%s' at %llu", cur->index,
                    m->tensors[cur->index].name, (unsigned long long)cur->offset, (unsigned long long)cur->length,
                    prev->index, m->tensors[prev->index].name, (unsigned long long)prev->offset);
    else if (strcmp(order[i - 1].name, order[i].name) == 0)
      status = fail(b, TERN_ERR_BAD_TENSOR, "tensors %u and %u share the name '%s'", order[i - 1].index,
                    order[i].index, order[i].name);
  }
  tern_deallocate(&b->model->allocator, spans);
  tern_deallocate(&b->model->allocator, order);
  return status;
}

/* ---- references to tensors by role ---- */

static tern_status tensor_ref(view_builder *b, int32_t index, const char *role, const tern_tensor **out) {
  *out = NULL;
  if (index == -1) return TERN_OK;
  if (index < 0 || (uint32_t)index >= b->model->num_tensors)
    return fail(b, TERN_ERR_BAD_INDEX, "%s: tensor index %d out of range (%u tensors)", role, index,
                b->model->num_tensors);
  *out = &b->model->tensors[index];
  return TERN_OK;
}

/* d0/d1 == 0: any size. rank 1 when d1 is UINT32_MAX. */
static tern_status expect_shape(view_builder *b, const tern_tensor *t, const char *role, uint32_t rank, uint32_t d0,
                                uint32_t d1) {
  char dims[64];
  shape_text(t, dims, sizeof dims);
  if (t->rank != rank || (d0 && t->shape[0] != d0) || (rank == 2 && d1 && t->shape[1] != d1)) {
    if (rank == 1)
      return fail(b, TERN_ERR_BAD_TENSOR, "%s: tensor '%s' has shape %s, expected [%u]", role, t->name, dims, d0);
    return fail(b, TERN_ERR_BAD_TENSOR, "%s: tensor '%s' has shape %s, expected [%u, %u] (0 = any)", role, t->name,
                dims, d0, d1);
  }
  return TERN_OK;
}

static tern_status check_f32_vector(view_builder *b, int32_t index, const char *role, uint32_t n, const float **out) {
  const tern_tensor *t;
  TRY(tensor_ref(b, index, role, &t));
  if (t == NULL) return fail(b, TERN_ERR_BAD_INDEX, "%s: missing", role);
  if (t->dtype != TERN_DTYPE_F32)
    return fail(b, TERN_ERR_BAD_TENSOR, "%s: tensor '%s' is %s, expected f32", role, t->name, dtype_name(t->dtype));
  TRY(expect_shape(b, t, role, 1, n, 0));
  *out = t->data;
  return TERN_OK;
}

static tern_status check_norm(view_builder *b, fb_table record, const char *role, uint32_t n, tern_layer_norm *out) {
  char sub[160];
  memset(out, 0, sizeof *out);
  if (record.table == NULL) return fail(b, TERN_ERR_BAD_INDEX, "%s: missing", role);
  snprintf(sub, sizeof sub, "%s.gamma", role);
  TRY(check_f32_vector(b, tern_fb_LayerNorm_gamma(record), sub, n, &out->gamma));
  snprintf(sub, sizeof sub, "%s.beta", role);
  TRY(check_f32_vector(b, tern_fb_LayerNorm_beta(record), sub, n, &out->beta));
  out->size = n;
  out->eps = tern_fb_LayerNorm_eps(record);
  if (!isfinite(out->eps) || !(out->eps > 0.0f))
    return fail(b, TERN_ERR_BAD_HYPERPARAMETER, "%s: eps %g (must be finite and > 0)", role, (double)out->eps);
  return TERN_OK;
}

/* Linear.outlier_channels: only on int8 Packed16x4 weights (the runtime reads W[:, c] from the int8 weight),
 * strictly increasing (so no channel is added twice), each < in_features. */
static tern_status check_outlier_channels(view_builder *b, fb_table record, const char *role, tern_linear *out) {
  fb_vector channels = tern_fb_Linear_outlier_channels(record);
  out->outlier_channels = NULL;
  out->num_outlier_channels = 0;
  if (channels.count == 0) return TERN_OK;
  /* In a low-rank pair the outliers are inputs of the factor F, the product that reads x. */
  const tern_tensor *w = out->input_factor != NULL ? out->input_factor : out->weight;
  if (w->dtype != TERN_DTYPE_I8 || w->layout != TERN_LAYOUT_PACKED_16X4)
    return fail(b, TERN_ERR_BAD_TENSOR, "%s.outlier_channels: %u channels on %s weight '%s' (int8 Packed16x4 only)",
                role, channels.count, dtype_name(w->dtype), w->name);
  if (channels.count > out->in_features)
    return fail(b, TERN_ERR_BAD_INDEX, "%s.outlier_channels: %u channels for %u inputs", role, channels.count,
                out->in_features);
  for (uint32_t i = 0; i < channels.count; i++) {
    uint32_t channel = tern_fb_Linear_outlier_channels_at(channels, i);
    if (channel >= out->in_features)
      return fail(b, TERN_ERR_BAD_INDEX, "%s.outlier_channels[%u]: channel %u out of range (in_features %u)", role, i,
                  channel, out->in_features);
    if (i > 0 && channel <= tern_fb_Linear_outlier_channels_at(channels, i - 1))
      return fail(b, TERN_ERR_BAD_INDEX, "%s.outlier_channels[%u]: channel %u after %u (must be strictly increasing)",
                  role, i, channel, tern_fb_Linear_outlier_channels_at(channels, i - 1));
  }
  out->outlier_channels = (const uint32_t *)(const void *)channels.data; /* 4-aligned: checked by the verifier */
  out->num_outlier_channels = channels.count;
  return TERN_OK;
}

/* The kernels read int8 weights Packed16x4 and float weights RowMajor, nothing else. */
static tern_status check_linear_dtype(view_builder *b, const tern_tensor *w, const char *role) {
  if ((w->dtype == TERN_DTYPE_I8) != (w->layout == TERN_LAYOUT_PACKED_16X4))
    return fail(b, TERN_ERR_BAD_TENSOR, "%s: tensor '%s' is %s %s; linear weights are int8 Packed16x4 or float RowMajor",
                role, w->name, dtype_name(w->dtype), w->layout == TERN_LAYOUT_PACKED_16X4 ? "Packed16x4" : "RowMajor");
  return TERN_OK;
}

/* Linear.input_factor: F [rank, in_features] (in_features 0: any), a weight by the same dtype rules; the
 * weight's shape is then checked against [out, rank] by the caller. -1: a plain linear. */
static tern_status check_input_factor(view_builder *b, fb_table record, const char *role, uint32_t in_features,
                                      tern_linear *out) {
  char sub[160];
  snprintf(sub, sizeof sub, "%s.input_factor", role);
  TRY(tensor_ref(b, tern_fb_Linear_input_factor(record), sub, &out->input_factor));
  out->rank = 0;
  if (out->input_factor == NULL) return TERN_OK;
  const tern_tensor *f = out->input_factor;
  if (f == out->weight)
    return fail(b, TERN_ERR_BAD_TENSOR, "%s: tensor '%s' is also the weight", sub, f->name);
  TRY(expect_shape(b, f, sub, 2, 0, in_features));
  TRY(check_linear_dtype(b, f, sub));
  out->rank = f->shape[0];
  return TERN_OK;
}

/* out_features == 0: any (then read from the weight). required == 0: an absent table or weight -1 is fine. */
static tern_status check_linear(view_builder *b, fb_table record, const char *role, uint32_t out_features,
                                uint32_t in_features, int required, tern_linear *out) {
  char sub[160];
  memset(out, 0, sizeof *out);
  snprintf(sub, sizeof sub, "%s.weight", role);
  int32_t weight_index = record.table != NULL ? tern_fb_Linear_weight(record) : -1;
  TRY(tensor_ref(b, weight_index, sub, &out->weight));
  if (out->weight == NULL) return required ? fail(b, TERN_ERR_BAD_INDEX, "%s: missing", sub) : TERN_OK;
  const tern_tensor *w = out->weight;
  TRY(check_input_factor(b, record, role, in_features, out));
  /* A low-rank pair's weight reads the factor's output: [out, rank]. */
  TRY(expect_shape(b, w, sub, 2, out_features, out->input_factor != NULL ? out->rank : in_features));
  TRY(check_linear_dtype(b, w, sub));
  out->out_features = w->shape[0];
  out->in_features = out->input_factor != NULL ? out->input_factor->shape[1] : w->shape[1];
  snprintf(sub, sizeof sub, "%s.bias", role);
  TRY(tensor_ref(b, tern_fb_Linear_bias(record), sub, &out->bias));
  if (out->bias != NULL) {
    if (out->bias->dtype != TERN_DTYPE_F32)
      return fail(b, TERN_ERR_BAD_TENSOR, "%s: tensor '%s' is %s, expected f32", sub, out->bias->name,
                  dtype_name(out->bias->dtype));
    TRY(expect_shape(b, out->bias, sub, 1, out->out_features, 0));
  }
  return check_outlier_channels(b, record, role, out);
}

/* ---- hyper-parameters, embeddings, layers ---- */

static tern_status check_hyper(view_builder *b) {
  tern_hyper *h = &b->model->hyper;
  fb_table record = tern_fb_Model_hyper(b->root);
  if (record.table == NULL) return fail(b, TERN_ERR_BAD_HYPERPARAMETER, "model: hyper-parameters missing");
  h->vocab_size = tern_fb_Hyper_vocab_size(record);
  h->embedding_size = tern_fb_Hyper_embedding_size(record);
  h->hidden_size = tern_fb_Hyper_hidden_size(record);
  h->num_layers = tern_fb_Hyper_num_layers(record);
  h->num_heads = tern_fb_Hyper_num_heads(record);
  h->intermediate_size = tern_fb_Hyper_intermediate_size(record);
  h->max_position = tern_fb_Hyper_max_position(record);
  h->type_vocab_size = tern_fb_Hyper_type_vocab_size(record);
  h->layer_norm_eps = tern_fb_Hyper_layer_norm_eps(record);
  h->num_hidden_groups = tern_fb_Hyper_num_hidden_groups(record);
  h->inner_group_num = tern_fb_Hyper_inner_group_num(record);
  h->config_num_hidden_layers = tern_fb_Hyper_config_num_hidden_layers(record);
  struct {
    const char *name;
    uint32_t value;
  } positive[] = {{"vocab_size", h->vocab_size},           {"embedding_size", h->embedding_size},
                  {"hidden_size", h->hidden_size},         {"num_layers", h->num_layers},
                  {"num_heads", h->num_heads},             {"intermediate_size", h->intermediate_size},
                  {"max_position", h->max_position},       {"num_hidden_groups", h->num_hidden_groups},
                  {"inner_group_num", h->inner_group_num}};
  for (size_t i = 0; i < sizeof positive / sizeof positive[0]; i++)
    if (positive[i].value == 0) return fail(b, TERN_ERR_BAD_HYPERPARAMETER, "hyper.%s is 0", positive[i].name);
  if (h->hidden_size % h->num_heads != 0)
    return fail(b, TERN_ERR_BAD_HYPERPARAMETER, "hyper: num_heads %u does not divide hidden_size %u", h->num_heads,
                h->hidden_size);
  h->head_dim = h->hidden_size / h->num_heads;
  uint8_t activation = tern_fb_Hyper_activation(record);
  if (!tern_fb_Activation_is_valid(activation))
    return fail(b, TERN_ERR_BAD_HYPERPARAMETER, "hyper.activation %u out of range", activation);
  h->activation = (tern_activation)activation;
  if (!isfinite(h->layer_norm_eps) || !(h->layer_norm_eps > 0.0f))
    return fail(b, TERN_ERR_BAD_HYPERPARAMETER, "hyper.layer_norm_eps %g (must be finite and > 0)",
                (double)h->layer_norm_eps);
  /* The converter derives the schedule from the config: its length is config layers x inner groups. */
  uint64_t scheduled = (uint64_t)h->config_num_hidden_layers * h->inner_group_num;
  if (h->config_num_hidden_layers != 0 && scheduled != h->num_layers)
    return fail(b, TERN_ERR_BAD_HYPERPARAMETER,
                "hyper: num_layers %u != config_num_hidden_layers %u x inner_group_num %u", h->num_layers,
                h->config_num_hidden_layers, h->inner_group_num);
  return TERN_OK;
}

static tern_status check_embeddings(view_builder *b) {
  tern_model *m = b->model;
  const tern_hyper *h = &m->hyper;
  tern_embeddings *e = &m->embeddings;
  fb_table record = tern_fb_Model_embeddings(b->root);
  if (record.table == NULL) return fail(b, TERN_ERR_BAD_INDEX, "model: embeddings missing");
  TRY(tensor_ref(b, tern_fb_Embeddings_word(record), "embeddings.word", &e->word));
  if (e->word == NULL) return fail(b, TERN_ERR_BAD_INDEX, "embeddings.word: missing");
  TRY(expect_shape(b, e->word, "embeddings.word", 2, h->vocab_size, 0));
  if (e->word->layout != TERN_LAYOUT_ROW_MAJOR)
    return fail(b, TERN_ERR_BAD_TENSOR, "embeddings.word: tensor '%s' must be RowMajor", e->word->name);
  uint32_t word_dim = e->word->shape[1];
  TRY(check_linear(b, tern_fb_Embeddings_word_factor(record), "embeddings.word_factor", h->embedding_size, word_dim, 0,
                   &e->word_factor));
  if (e->word_factor.weight == NULL && word_dim != h->embedding_size)
    return fail(b, TERN_ERR_BAD_HYPERPARAMETER, "embeddings.word: width %u != embedding_size %u and no word_factor",
                word_dim, h->embedding_size);
  if (e->word_factor.weight != NULL && e->word_factor.bias != NULL)
    return fail(b, TERN_ERR_BAD_TENSOR, "embeddings.word_factor: has a bias (the factor has none)");
  TRY(tensor_ref(b, tern_fb_Embeddings_position(record), "embeddings.position", &e->position));
  if (e->position == NULL) return fail(b, TERN_ERR_BAD_INDEX, "embeddings.position: missing");
  TRY(expect_shape(b, e->position, "embeddings.position", 2, h->max_position, h->embedding_size));
  TRY(tensor_ref(b, tern_fb_Embeddings_token_type(record), "embeddings.token_type", &e->token_type));
  if (e->token_type != NULL) {
    if (h->type_vocab_size == 0)
      return fail(b, TERN_ERR_BAD_HYPERPARAMETER, "embeddings.token_type present but hyper.type_vocab_size is 0");
    TRY(expect_shape(b, e->token_type, "embeddings.token_type", 2, h->type_vocab_size, h->embedding_size));
  }
  const tern_tensor *tables[] = {e->word, e->position, e->token_type};
  for (size_t i = 0; i < 3; i++)
    if (tables[i] != NULL && tables[i]->layout != TERN_LAYOUT_ROW_MAJOR)
      return fail(b, TERN_ERR_BAD_TENSOR, "embedding table '%s' must be RowMajor", tables[i]->name);
  TRY(check_norm(b, tern_fb_Embeddings_norm(record), "embeddings.norm", h->embedding_size, &e->norm));
  TRY(check_linear(b, tern_fb_Embeddings_projection(record), "embeddings.projection", h->hidden_size,
                   h->embedding_size, 0, &e->projection));
  if (e->projection.weight == NULL && h->embedding_size != h->hidden_size)
    return fail(b, TERN_ERR_BAD_HYPERPARAMETER, "embeddings: embedding_size %u != hidden_size %u and no projection",
                h->embedding_size, h->hidden_size);
  return TERN_OK;
}

static tern_status check_weight_set(view_builder *b, uint32_t index, fb_table record, tern_weight_set *ws) {
  const tern_hyper *h = &b->model->hyper;
  char role[96];
  if (record.table == NULL) return fail(b, TERN_ERR_MALFORMED, "weight_sets[%u]: missing", index);
  /* 0 (the schema default) means "as the model": an unpruned set. */
  ws->num_heads = tern_fb_WeightSet_num_heads(record);
  if (ws->num_heads == 0) ws->num_heads = h->num_heads;
  ws->intermediate_size = tern_fb_WeightSet_intermediate_size(record);
  if (ws->intermediate_size == 0) ws->intermediate_size = h->intermediate_size;
  if (ws->num_heads > h->num_heads)
    return fail(b, TERN_ERR_BAD_HYPERPARAMETER, "weight_sets[%u]: num_heads %u > hyper.num_heads %u", index,
                ws->num_heads, h->num_heads);
  uint32_t attention_width = ws->num_heads * h->head_dim; /* <= hidden_size: no overflow */
  struct {
    const char *name;
    fb_table record;
    uint32_t out, in;
    tern_linear *out_linear;
  } linears[] = {
    {"query", tern_fb_WeightSet_query(record), attention_width, h->hidden_size, &ws->query},
    {"key", tern_fb_WeightSet_key(record), attention_width, h->hidden_size, &ws->key},
    {"value", tern_fb_WeightSet_value(record), attention_width, h->hidden_size, &ws->value},
    {"attention_output", tern_fb_WeightSet_attention_output(record), h->hidden_size, attention_width,
     &ws->attention_output},
    {"ffn_in", tern_fb_WeightSet_ffn_in(record), ws->intermediate_size, h->hidden_size, &ws->ffn_in},
    {"ffn_out", tern_fb_WeightSet_ffn_out(record), h->hidden_size, ws->intermediate_size, &ws->ffn_out},
  };
  for (size_t i = 0; i < sizeof linears / sizeof linears[0]; i++) {
    snprintf(role, sizeof role, "weight_sets[%u].%s", index, linears[i].name);
    TRY(check_linear(b, linears[i].record, role, linears[i].out, linears[i].in, 1, linears[i].out_linear));
  }
  snprintf(role, sizeof role, "weight_sets[%u].attention_norm", index);
  TRY(check_norm(b, tern_fb_WeightSet_attention_norm(record), role, h->hidden_size, &ws->attention_norm));
  snprintf(role, sizeof role, "weight_sets[%u].ffn_norm", index);
  TRY(check_norm(b, tern_fb_WeightSet_ffn_norm(record), role, h->hidden_size, &ws->ffn_norm));
  return TERN_OK;
}

static tern_status check_layers(view_builder *b) {
  tern_model *m = b->model;
  fb_vector sets = tern_fb_Model_weight_sets(b->root);
  if (sets.count == 0) return fail(b, TERN_ERR_MALFORMED, "model: no weight sets");
  m->weight_sets = tern_allocate_zeroed(&b->model->allocator, sets.count, sizeof *m->weight_sets);
  if (m->weight_sets == NULL) return fail(b, TERN_ERR_OUT_OF_MEMORY, "out of memory for %u weight sets", sets.count);
  m->num_weight_sets = sets.count;
  for (uint32_t i = 0; i < sets.count; i++)
    TRY(check_weight_set(b, i, fb_vector_table(sets, i), &m->weight_sets[i]));
  fb_vector schedule = tern_fb_Model_schedule(b->root);
  if (schedule.count == 0 || schedule.count != m->hyper.num_layers)
    return fail(b, TERN_ERR_BAD_HYPERPARAMETER, "schedule: %u entries, hyper.num_layers is %u", schedule.count,
                m->hyper.num_layers);
  for (uint32_t i = 0; i < schedule.count; i++) {
    uint32_t entry = tern_fb_Model_schedule_at(schedule, i);
    if (entry >= sets.count)
      return fail(b, TERN_ERR_BAD_INDEX, "schedule[%u] = %u out of range (%u weight sets)", i, entry, sets.count);
  }
  m->num_layers = schedule.count;
  m->schedule = (const uint32_t *)(const void *)schedule.data;
  return TERN_OK;
}

/* ---- tokenizer ---- */

static tern_status check_special(view_builder *b, const char *name, int32_t id, uint32_t vocab, int32_t *out) {
  if (id != -1 && (id < 0 || (uint32_t)id >= vocab))
    return fail(b, TERN_ERR_BAD_INDEX, "tokenizer.%s %d out of range (vocabulary of %u)", name, id, vocab);
  *out = id;
  return TERN_OK;
}

static tern_status check_tokenizer(view_builder *b) {
  tern_model *m = b->model;
  tern_tokenizer_spec *spec = &m->tokenizer_spec;
  fb_table record = tern_fb_Model_tokenizer(b->root);
  memset(spec, 0, sizeof *spec);
  spec->unk_id = spec->cls_id = spec->sep_id = spec->pad_id = spec->mask_id = -1;
  if (record.table == NULL) return TERN_OK;
  uint8_t kind = tern_fb_Tokenizer_kind(record);
  if (!tern_fb_TokenizerKind_is_valid(kind)) return fail(b, TERN_ERR_BAD_TOKENIZER, "tokenizer.kind %u out of range", kind);
  spec->kind = (tern_tokenizer_kind)kind;
  fb_vector pieces = tern_fb_Tokenizer_pieces(record);
  if (pieces.count == 0) return TERN_OK; /* no vocabulary: token ids only */
  uint32_t vocab = pieces.count;
  if (vocab != m->hyper.vocab_size)
    return fail(b, TERN_ERR_BAD_TOKENIZER, "tokenizer: %u pieces, hyper.vocab_size is %u", vocab, m->hyper.vocab_size);
  tern_str *strs = tern_allocate_array(&b->model->allocator, vocab, sizeof *strs);
  if (strs == NULL) return fail(b, TERN_ERR_OUT_OF_MEMORY, "out of memory for %u pieces", vocab);
  spec->pieces = strs;
  spec->vocab_size = vocab;
  for (uint32_t i = 0; i < vocab; i++) {
    fb_string piece = fb_vector_string(pieces, i);
    if (piece.len == 0) return fail(b, TERN_ERR_BAD_TOKENIZER, "tokenizer: piece %u is empty", i);
    if (!tern_utf8_is_valid(piece.ptr, piece.len))
      return fail(b, TERN_ERR_BAD_TOKENIZER, "tokenizer: piece %u is not valid UTF-8", i);
    strs[i].ptr = piece.ptr;
    strs[i].len = piece.len;
  }
  /* Duplicate pieces are rejected by the tokenizer, which hashes every piece anyway (tokenizer/piece_hash.c):
   * a second table here cost a fifth of MiniLM's load. */
  fb_vector scores = tern_fb_Tokenizer_scores(record);
  fb_vector types = tern_fb_Tokenizer_piece_types(record);
  int sentencepiece = spec->kind == TERN_TOKENIZER_SENTENCEPIECE_UNIGRAM;
  if ((sentencepiece || scores.count != 0) && scores.count != vocab)
    return fail(b, TERN_ERR_BAD_TOKENIZER, "tokenizer: %u scores for %u pieces", scores.count, vocab);
  if ((sentencepiece || types.count != 0) && types.count != vocab)
    return fail(b, TERN_ERR_BAD_TOKENIZER, "tokenizer: %u piece types for %u pieces", types.count, vocab);
  for (uint32_t i = 0; i < scores.count; i++)
    if (!isfinite(tern_fb_Tokenizer_scores_at(scores, i)))
      return fail(b, TERN_ERR_BAD_TOKENIZER, "tokenizer: score of piece %u is not finite", i);
  for (uint32_t i = 0; i < types.count; i++)
    if (!tern_fb_PieceType_is_valid(tern_fb_Tokenizer_piece_types_at(types, i)))
      return fail(b, TERN_ERR_BAD_TOKENIZER, "tokenizer: piece %u has type %u (must be 1..6)", i,
                  tern_fb_Tokenizer_piece_types_at(types, i));
  spec->scores = scores.count ? (const float *)(const void *)scores.data : NULL;
  spec->piece_types = types.count ? types.data : NULL;
  spec->max_length = tern_fb_Tokenizer_max_length(record);
  if (spec->max_length > m->hyper.max_position)
    return fail(b, TERN_ERR_BAD_HYPERPARAMETER, "tokenizer.max_length %u > hyper.max_position %u", spec->max_length,
                m->hyper.max_position);
  TRY(check_special(b, "unk_id", tern_fb_Tokenizer_unk_id(record), vocab, &spec->unk_id));
  TRY(check_special(b, "cls_id", tern_fb_Tokenizer_cls_id(record), vocab, &spec->cls_id));
  TRY(check_special(b, "sep_id", tern_fb_Tokenizer_sep_id(record), vocab, &spec->sep_id));
  TRY(check_special(b, "pad_id", tern_fb_Tokenizer_pad_id(record), vocab, &spec->pad_id));
  TRY(check_special(b, "mask_id", tern_fb_Tokenizer_mask_id(record), vocab, &spec->mask_id));
  spec->lowercase = tern_fb_Tokenizer_lowercase(record) != 0;
  spec->strip_accents = tern_fb_Tokenizer_strip_accents(record) != 0;
  spec->tokenize_chinese_chars = tern_fb_Tokenizer_tokenize_chinese_chars(record) != 0;
  spec->clean_text = tern_fb_Tokenizer_clean_text(record) != 0;
  spec->max_input_chars_per_word = tern_fb_Tokenizer_max_input_chars_per_word(record);
  fb_string prefix = tern_fb_Tokenizer_continuing_subword_prefix(record);
  if (prefix.ptr != NULL && !tern_utf8_is_valid(prefix.ptr, prefix.len))
    return fail(b, TERN_ERR_BAD_TOKENIZER, "tokenizer.continuing_subword_prefix is not valid UTF-8");
  spec->continuing_subword_prefix.ptr = prefix.ptr != NULL ? prefix.ptr : "";
  spec->continuing_subword_prefix.len = prefix.len;
  fb_vector charsmap = tern_fb_Tokenizer_precompiled_charsmap(record);
  spec->precompiled_charsmap = charsmap.count ? charsmap.data : NULL;
  spec->precompiled_charsmap_size = charsmap.count;
  spec->add_dummy_prefix = tern_fb_Tokenizer_add_dummy_prefix(record) != 0;
  spec->remove_extra_whitespaces = tern_fb_Tokenizer_remove_extra_whitespaces(record) != 0;
  spec->escape_whitespaces = tern_fb_Tokenizer_escape_whitespaces(record) != 0;
  spec->treat_whitespace_as_suffix = tern_fb_Tokenizer_treat_whitespace_as_suffix(record) != 0;
  spec->byte_fallback = tern_fb_Tokenizer_byte_fallback(record) != 0;
  spec->remove_space = tern_fb_Tokenizer_remove_space(record) != 0;
  spec->keep_accents = tern_fb_Tokenizer_keep_accents(record) != 0;
  spec->do_lower_case = tern_fb_Tokenizer_do_lower_case(record) != 0;
  return TERN_OK;
}

/* ---- pooling, heads, self-test, metadata ---- */

static tern_status check_string(view_builder *b, fb_string s, const char *what, uint32_t index, int allow_empty,
                                const char **out) {
  if (s.ptr == NULL || (!allow_empty && s.len == 0))
    return fail(b, TERN_ERR_MALFORMED, "%s %u: missing or empty", what, index);
  if (!tern_utf8_is_valid(s.ptr, s.len)) return fail(b, TERN_ERR_MALFORMED, "%s %u: not valid UTF-8", what, index);
  *out = s.ptr;
  return TERN_OK;
}

static tern_status check_outputs(view_builder *b) {
  tern_model *m = b->model;
  const tern_hyper *h = &m->hyper;
  fb_table pooling = tern_fb_Model_pooling(b->root);
  uint8_t mode = tern_fb_Pooling_mode(pooling);
  if (!tern_fb_PoolingMode_is_valid(mode)) return fail(b, TERN_ERR_MALFORMED, "pooling.mode %u out of range", mode);
  m->pooling.mode = (tern_pooling_mode)mode;
  m->pooling.normalize = tern_fb_Pooling_normalize(pooling) != 0;
  m->pooling.matryoshka_dim = tern_fb_Pooling_matryoshka_dim(pooling);
  if (m->pooling.matryoshka_dim > h->hidden_size)
    return fail(b, TERN_ERR_BAD_HYPERPARAMETER, "pooling.matryoshka_dim %u > hidden_size %u", m->pooling.matryoshka_dim,
                h->hidden_size);

  fb_vector heads = tern_fb_Model_heads(b->root);
  if (heads.count != 0) {
    m->heads = tern_allocate_zeroed(&b->model->allocator, heads.count, sizeof *m->heads);
    if (m->heads == NULL) return fail(b, TERN_ERR_OUT_OF_MEMORY, "out of memory for %u heads", heads.count);
    m->num_heads_out = heads.count;
  }
  for (uint32_t i = 0; i < heads.count; i++) {
    fb_table record = fb_vector_table(heads, i);
    tern_head *head = &m->heads[i];
    char role[64];
    uint8_t kind = tern_fb_Head_kind(record);
    if (!tern_fb_HeadKind_is_valid(kind)) return fail(b, TERN_ERR_MALFORMED, "heads[%u].kind %u out of range", i, kind);
    head->kind = (tern_head_kind)kind;
    fb_string name = tern_fb_Head_name(record);
    head->name = "";
    if (name.ptr != NULL) TRY(check_string(b, name, "head name", i, 1, &head->name));
    snprintf(role, sizeof role, "heads[%u].pooler", i);
    TRY(check_linear(b, tern_fb_Head_pooler(record), role, h->hidden_size, h->hidden_size, 0, &head->pooler));
    fb_vector labels = tern_fb_Head_labels(record);
    if (labels.count == 0) return fail(b, TERN_ERR_BAD_INDEX, "heads[%u]: no labels", i);
    snprintf(role, sizeof role, "heads[%u].classifier", i);
    TRY(check_linear(b, tern_fb_Head_classifier(record), role, labels.count, h->hidden_size, 1, &head->classifier));
    const char **names = tern_allocate_array(&b->model->allocator, labels.count, sizeof *names);
    if (names == NULL) return fail(b, TERN_ERR_OUT_OF_MEMORY, "out of memory for %u labels", labels.count);
    head->labels = names;
    head->num_labels = labels.count;
    for (uint32_t j = 0; j < labels.count; j++) TRY(check_string(b, fb_vector_string(labels, j), "label", j, 1, &names[j]));
  }

  fb_table selftest = tern_fb_Model_self_test(b->root);
  fb_vector texts = tern_fb_SelfTest_texts(selftest);
  if (texts.count != 0) {
    tern_selftest *st = &m->selftest;
    uint8_t output = tern_fb_SelfTest_output(selftest);
    if (!tern_fb_SelfTestOutput_is_valid(output))
      return fail(b, TERN_ERR_MALFORMED, "self_test.output %u out of range", output);
    st->output = (tern_selftest_output)output;
    st->dim = tern_fb_SelfTest_dim(selftest);
    uint32_t expected_dim = m->pooling.matryoshka_dim ? m->pooling.matryoshka_dim : h->hidden_size;
    if (st->output == TERN_SELFTEST_LOGITS) {
      if (m->num_heads_out == 0) return fail(b, TERN_ERR_MALFORMED, "self_test: logits expected but the model has no head");
      expected_dim = m->heads[0].num_labels;
    }
    if (st->dim != expected_dim)
      return fail(b, TERN_ERR_MALFORMED, "self_test.dim %u, the model outputs %u values", st->dim, expected_dim);
    fb_vector expected = tern_fb_SelfTest_expected(selftest);
    if ((uint64_t)texts.count * st->dim != expected.count)
      return fail(b, TERN_ERR_MALFORMED, "self_test: %u expected values for %u texts x %u", expected.count, texts.count,
                  st->dim);
    for (uint32_t i = 0; i < expected.count; i++)
      if (!isfinite(tern_fb_SelfTest_expected_at(expected, i)))
        return fail(b, TERN_ERR_MALFORMED, "self_test.expected[%u] is not finite", i);
    st->min_cosine = tern_fb_SelfTest_min_cosine(selftest);
    if (!(st->min_cosine >= -1.0f && st->min_cosine <= 1.0f))
      return fail(b, TERN_ERR_MALFORMED, "self_test.min_cosine %g outside [-1, 1]", (double)st->min_cosine);
    tern_str *strs = tern_allocate_array(&b->model->allocator, texts.count, sizeof *strs);
    if (strs == NULL) return fail(b, TERN_ERR_OUT_OF_MEMORY, "out of memory for self-test texts");
    st->texts = strs;
    st->count = texts.count;
    st->expected = (const float *)(const void *)expected.data;
    for (uint32_t i = 0; i < texts.count; i++) {
      fb_string text = fb_vector_string(texts, i);
      if (!tern_utf8_is_valid(text.ptr, text.len))
        return fail(b, TERN_ERR_MALFORMED, "self_test.texts[%u] is not valid UTF-8", i);
      strs[i].ptr = text.ptr;
      strs[i].len = text.len;
    }
  }

  fb_vector metadata = tern_fb_Model_metadata(b->root);
  if (metadata.count != 0) {
    m->metadata = tern_allocate_zeroed(&b->model->allocator, metadata.count, sizeof *m->metadata);
    if (m->metadata == NULL) return fail(b, TERN_ERR_OUT_OF_MEMORY, "out of memory for metadata");
    m->num_metadata = metadata.count;
  }
  for (uint32_t i = 0; i < metadata.count; i++) {
    fb_table entry = fb_vector_table(metadata, i);
    TRY(check_string(b, tern_fb_KeyValue_key(entry), "metadata key", i, 0, &m->metadata[i].key));
    fb_string value = tern_fb_KeyValue_value(entry);
    m->metadata[i].value = "";
    if (value.ptr != NULL) TRY(check_string(b, value, "metadata value", i, 1, &m->metadata[i].value));
  }
  return TERN_OK;
}

/* ---- entry points ---- */

static tern_status structural_status(fb_result r) {
  switch (r) {
    case FB_ERR_BUFFER_TOO_SMALL:
    case FB_ERR_SIZE_PREFIX:
      return TERN_ERR_TRUNCATED;
    case FB_ERR_IDENTIFIER:
      return TERN_ERR_BAD_IDENTIFIER;
    default:
      return TERN_ERR_MALFORMED;
  }
}

static tern_status build(view_builder *b) {
  tern_model *m = b->model;
  fb_verifier verifier;
  fb_result r = tern_fb_Model_verify_as_root(&verifier, m->file, m->file_size, &b->root);
  if (r != FB_OK) {
    if (r == FB_ERR_IDENTIFIER) return fail(b, TERN_ERR_BAD_IDENTIFIER, "not a .tern file: identifier is not \"TERN\"");
    return fail(b, structural_status(r), "FlatBuffer: %s (table %s, field %s, byte %zu of %zu)", fb_result_string(r),
                verifier.error_table ? verifier.error_table : "-", verifier.error_field ? verifier.error_field : "-",
                verifier.error_pos, m->file_size);
  }
  m->format_version = tern_fb_Model_format_version(b->root);
  if (m->format_version != TERN_FORMAT_VERSION)
    return fail(b, TERN_ERR_UNSUPPORTED_VERSION, "format_version %u (this library reads %u)", m->format_version,
                TERN_FORMAT_VERSION);
  uint8_t kind = tern_fb_Model_kind(b->root);
  if (!tern_fb_ModelKind_is_valid(kind)) return fail(b, TERN_ERR_BAD_HYPERPARAMETER, "model.kind %u out of range", kind);
  m->kind = (tern_model_kind)kind;

  b->weights_offset = tern_fb_Model_weights_offset(b->root);
  b->weights_length = tern_fb_Model_weights_length(b->root);
  uint64_t flatbuffer_end = 4u + (uint64_t)fb_read_u32(m->file);
  if (b->weights_offset % TERN_WEIGHT_ALIGNMENT != 0 || b->weights_offset < flatbuffer_end)
    return fail(b, TERN_ERR_MALFORMED, "weights_offset %llu: must be a multiple of %u and >= %llu (end of the header)",
                (unsigned long long)b->weights_offset, TERN_WEIGHT_ALIGNMENT, (unsigned long long)flatbuffer_end);
  if (b->weights_offset > m->file_size || b->weights_length > m->file_size - b->weights_offset)
    return fail(b, TERN_ERR_TRUNCATED, "weight segment [%llu, +%llu) runs past the end of the file (%zu bytes)",
                (unsigned long long)b->weights_offset, (unsigned long long)b->weights_length, m->file_size);
  if (b->weights_offset + b->weights_length != m->file_size)
    return fail(b, TERN_ERR_MALFORMED, "file has %zu bytes, the weight segment ends at %llu", m->file_size,
                (unsigned long long)(b->weights_offset + b->weights_length));
  if (((uintptr_t)(m->file + b->weights_offset)) % TERN_WEIGHT_ALIGNMENT != 0)
    return fail(b, TERN_ERR_INVALID_ARGUMENT, "weight segment at address %p is not %u-byte aligned (align the buffer)",
                (const void *)(m->file + b->weights_offset), TERN_WEIGHT_ALIGNMENT);

  TRY(check_hyper(b));
  TRY(check_tensors(b));
  TRY(check_embeddings(b));
  TRY(check_layers(b));
  TRY(check_tokenizer(b));
  TRY(check_outputs(b));
  return TERN_OK;
}

tern_status tern_model_view_build(tern_model *model, char *err, size_t err_size) {
  view_builder b;
  memset(&b, 0, sizeof b);
  b.model = model;
  b.err = err;
  b.err_size = err_size;
  if (!tern_fb_host_is_little_endian())
    return fail(&b, TERN_ERR_INTERNAL, "big-endian hosts are not supported (.tern is little-endian)");
  tern_status status = build(&b);
  if (status != TERN_OK) tern_model_view_release(model);
  return status;
}

void tern_model_view_release(tern_model *model) {
  tern_deallocate(&model->allocator, model->tensors);
  model->tensors = NULL;
  model->num_tensors = 0;
  tern_deallocate(&model->allocator, model->weight_sets);
  model->weight_sets = NULL;
  model->num_weight_sets = 0;
  tern_deallocate(&model->allocator, (void *)model->tokenizer_spec.pieces);
  model->tokenizer_spec.pieces = NULL;
  for (uint32_t i = 0; i < model->num_heads_out; i++)
    tern_deallocate(&model->allocator, (void *)model->heads[i].labels);
  tern_deallocate(&model->allocator, model->heads);
  model->heads = NULL;
  model->num_heads_out = 0;
  tern_deallocate(&model->allocator, (void *)model->selftest.texts);
  model->selftest.texts = NULL;
  model->selftest.count = 0;
  tern_deallocate(&model->allocator, model->metadata);
  model->metadata = NULL;
  model->num_metadata = 0;
}
