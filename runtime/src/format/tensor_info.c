/* tensor_info.c — the public view of a model's tensor table (tern_model_tensor_count / _info). */
#include <string.h>

#include "model.h"

uint32_t tern_model_tensor_count(const tern_model *model) { return model != NULL ? model->num_tensors : 0; }

static int linear_uses(const tern_linear *linear, const tern_tensor *t) {
  return linear->weight == t || linear->bias == t || linear->input_factor == t;
}

static int norm_uses(const tern_layer_norm *norm, const tern_tensor *t) {
  return norm->gamma == t->data || norm->beta == t->data;
}

static int weight_set_uses(const tern_weight_set *ws, const tern_tensor *t) {
  return linear_uses(&ws->query, t) || linear_uses(&ws->key, t) || linear_uses(&ws->value, t) ||
         linear_uses(&ws->attention_output, t) || linear_uses(&ws->ffn_in, t) || linear_uses(&ws->ffn_out, t) ||
         norm_uses(&ws->attention_norm, t) || norm_uses(&ws->ffn_norm, t);
}

tern_status tern_model_tensor_info(const tern_model *model, uint32_t index, tern_tensor_info *info) {
  if (model == NULL || info == NULL) return TERN_ERR_INVALID_ARGUMENT;
  if (index >= model->num_tensors) return TERN_ERR_BAD_INDEX;
  const tern_tensor *t = &model->tensors[index];
  memset(info, 0, sizeof *info);
  info->name = t->name;
  info->dtype = (int)t->dtype;
  info->layout = (int)t->layout;
  info->rank = t->rank;
  for (uint32_t d = 0; d < TERN_MAX_RANK; d++) info->shape[d] = t->shape[d];
  info->length_bytes = t->length_bytes;
  info->offset_bytes = (uint64_t)((const uint8_t *)t->data - model->file);
  for (uint32_t layer = 0; layer < model->num_layers; layer++)
    if (weight_set_uses(&model->weight_sets[model->schedule[layer]], t)) info->num_layers_using++;
  return TERN_OK;
}
