/* model_info.c — what a loaded model is, for callers (tern_model_get_info and accessors). */
#include <string.h>

#include "model.h"

tern_status tern_model_get_info(const tern_model *model, tern_model_info *info) {
  if (model == NULL || info == NULL) return TERN_ERR_INVALID_ARGUMENT;
  memset(info, 0, sizeof *info);
  info->struct_size = (uint32_t)sizeof *info;
  info->kind = model->kind == TERN_KIND_ALBERT ? TERN_MODEL_ALBERT : TERN_MODEL_BERT;
  info->vocab_size = model->hyper.vocab_size;
  info->embedding_size = model->hyper.embedding_size;
  info->hidden_size = model->hyper.hidden_size;
  info->num_layers = model->num_layers;
  info->num_weight_sets = model->num_weight_sets;
  info->num_heads = model->hyper.num_heads;
  info->intermediate_size = model->hyper.intermediate_size;
  info->max_position = model->hyper.max_position;
  info->has_tokenizer = model->tokenizer != NULL;
  info->max_length = model->tokenizer != NULL ? model->tokenizer_spec.max_length : 0;
  info->pooling = (tern_pooling_mode_info)model->pooling.mode;
  info->normalize = model->pooling.normalize != 0;
  info->output_dim = model->pooling.matryoshka_dim != 0 && model->pooling.matryoshka_dim < model->hyper.hidden_size
                         ? model->pooling.matryoshka_dim
                         : model->hyper.hidden_size;
  info->head_kind = model->num_heads_out == 0 ? TERN_HEAD_NONE : (tern_head_kind_info)model->heads[0].kind;
  info->num_labels = model->num_heads_out == 0 ? 0 : model->heads[0].num_labels;
  info->num_metadata = model->num_metadata;
  return TERN_OK;
}

const char *tern_model_label(const tern_model *model, uint32_t index) {
  if (model == NULL || model->num_heads_out == 0 || index >= model->heads[0].num_labels ||
      model->heads[0].labels == NULL)
    return NULL;
  return model->heads[0].labels[index];
}

const char *tern_model_metadata(const tern_model *model, const char *key) {
  if (model == NULL || key == NULL) return NULL;
  for (uint32_t i = 0; i < model->num_metadata; i++)
    if (model->metadata[i].key != NULL && strcmp(model->metadata[i].key, key) == 0) return model->metadata[i].value;
  return NULL;
}

tern_status tern_model_metadata_at(const tern_model *model, uint32_t index, const char **key, const char **value) {
  if (model == NULL || key == NULL || value == NULL) return TERN_ERR_INVALID_ARGUMENT;
  if (index >= model->num_metadata) return TERN_ERR_BAD_INDEX;
  *key = model->metadata[index].key;
  *value = model->metadata[index].value;
  return TERN_OK;
}
