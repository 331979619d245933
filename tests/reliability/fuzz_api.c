/* fuzz_api.c — libFuzzer target for the public API with random arguments: the input is a little program
 * of calls (session creation with random limits, tokenize / run_ids / run_text / embed / classify with
 * random texts, random id values and lengths, random capacities, NULL pointers, model queries with random
 * indices). Every buffer handed over has exactly the capacity claimed, so ASan reports any write or read
 * past a limit the library was told. Models: $TERN_FUZZ_MODELS (colon-separated paths) or the test models
 * named at build time. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#ifndef TERN_FUZZ_DEFAULT_MODELS
#define TERN_FUZZ_DEFAULT_MODELS ""
#endif

enum { MAX_MODELS = 4 };
static tern_model *models[MAX_MODELS];
static int model_count;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  const char *list = getenv("TERN_FUZZ_MODELS");
  static char paths[8192];
  snprintf(paths, sizeof paths, "%s", list != NULL ? list : TERN_FUZZ_DEFAULT_MODELS);
  for (char *path = strtok(paths, ":"); path != NULL && model_count < MAX_MODELS; path = strtok(NULL, ":")) {
    tern_model *model = NULL;
    if (tern_model_load(path, NULL, &model) == TERN_OK) models[model_count++] = model;
    else fprintf(stderr, "fuzz_api: cannot load %s: %s\n", path, tern_last_load_error());
  }
  if (model_count == 0) {
    fprintf(stderr, "fuzz_api: no model (set TERN_FUZZ_MODELS)\n");
    abort();
  }
  return 0;
}

typedef struct reader {
  const uint8_t *data;
  size_t size, pos;
} reader;

static uint32_t take(reader *r, int bytes) {
  uint32_t value = 0;
  for (int i = 0; i < bytes; i++) value = value << 8 | (r->pos < r->size ? r->data[r->pos++] : 0);
  return value;
}

/* A size that is usually small, sometimes at a boundary, sometimes huge. */
static size_t take_size(reader *r, size_t small) {
  uint32_t selector = take(r, 1);
  if (selector < 200) return take(r, 2) % (small + 1);
  if (selector < 230) return small + (selector & 3) - 1;
  if (selector < 250) return take(r, 4);
  return SIZE_MAX - (selector & 3);
}

/* Bytes of the input as a text (not NUL-terminated: the copy is exactly length bytes). */
static char *take_text(reader *r, size_t *length) {
  size_t n = take(r, 1);
  if (n > r->size - r->pos) n = r->size - r->pos;
  char *text = malloc(n != 0 ? n : 1);
  memcpy(text, r->data + r->pos, n);
  r->pos += n;
  *length = n;
  return text;
}

/* An exactly-sized buffer of cap elements, or NULL (then cap as the fuzzer chose, to test NULL checks). */
static void *buffer(reader *r, size_t *cap, size_t element, size_t small) {
  *cap = take_size(r, small);
  if (take(r, 1) < 16) return NULL;
  if (*cap > (1u << 20)) *cap = take(r, 1); /* do not allocate huge; still a lie-free capacity */
  return calloc(*cap != 0 ? *cap : 1, element);
}

static void call_tokenize(tern_session *session, reader *r) {
  size_t length, cap, n = 0;
  char *text = take_text(r, &length);
  int32_t *ids = buffer(r, &cap, sizeof(int32_t), 160);
  tern_tokenize(session, take(r, 1) < 8 ? NULL : text, length, ids, ids != NULL ? cap : (take(r, 1) & 1 ? 0 : cap),
                take(r, 1) < 8 ? NULL : &n);
  free(ids);
  free(text);
}

static void call_run_ids(tern_session *session, const tern_model_info *info, reader *r) {
  size_t count = take_size(r, 5), total = 0;
  if (count > 64) count = take(r, 1) & 7;
  size_t *lengths = calloc(count + 1, sizeof(size_t));
  for (size_t i = 0; i < count; i++) {
    lengths[i] = take_size(r, 40);
    if (lengths[i] <= 4096) total += lengths[i];
  }
  int32_t *ids = calloc(total + 1, sizeof(int32_t));
  int32_t *types = take(r, 1) < 128 ? calloc(total + 1, sizeof(int32_t)) : NULL;
  for (size_t i = 0; i < total; i++) {
    uint32_t selector = take(r, 1);
    ids[i] = selector < 240 && info->vocab_size ? (int32_t)(take(r, 2) % info->vocab_size) : (int32_t)take(r, 4);
    if (types != NULL) types[i] = selector & 1 ? (int32_t)(selector >> 6) - 1 : 0;
  }
  tern_outputs outputs;
  memset(&outputs, 0, sizeof outputs);
  const uint32_t which = take(r, 1);
  if (which & 1) outputs.last_hidden = buffer(r, &outputs.last_hidden_cap, sizeof(float), total * info->hidden_size);
  if (which & 2) outputs.pooled = buffer(r, &outputs.pooled_cap, sizeof(float), count * info->output_dim);
  if (which & 4) outputs.logits = buffer(r, &outputs.logits_cap, sizeof(float), total * (info->num_labels + 1));
  tern_run_ids(session, which & 8 ? ids : NULL, types, which & 16 ? NULL : lengths, count,
               which & 32 ? NULL : &outputs);
  free(outputs.last_hidden);
  free(outputs.pooled);
  free(outputs.logits);
  free(types);
  free(ids);
  free(lengths);
}

static void call_embed(tern_session *session, const tern_model_info *info, reader *r) {
  size_t count = take(r, 1) % 6, cap, needed = 0;
  char *texts[6] = {NULL};
  size_t lengths[6] = {0};
  for (size_t i = 0; i < count; i++) {
    texts[i] = take_text(r, &lengths[i]);
    if (take(r, 1) < 4) {
      free(texts[i]);
      texts[i] = NULL; /* NULL text: allowed only with length 0 */
    }
  }
  float *out = buffer(r, &cap, sizeof(float), count * info->output_dim);
  tern_embed(session, (const char *const *)texts, take(r, 1) < 8 ? NULL : lengths, count, out, cap,
             take(r, 1) & 1 ? &needed : NULL);
  free(out);
  for (size_t i = 0; i < count; i++) free(texts[i]);
}

static void call_text(tern_session *session, const tern_model_info *info, reader *r, int classify) {
  size_t length, cap, labels = 0;
  char *text = take_text(r, &length);
  if (classify) {
    float *logits = buffer(r, &cap, sizeof(float), info->num_labels);
    tern_classify(session, text, length, logits, cap, take(r, 1) < 8 ? NULL : &labels);
    free(logits);
  } else {
    tern_outputs outputs;
    memset(&outputs, 0, sizeof outputs);
    outputs.pooled = buffer(r, &outputs.pooled_cap, sizeof(float), info->output_dim);
    outputs.logits = take(r, 1) & 1 ? buffer(r, &outputs.logits_cap, sizeof(float), 600) : NULL;
    tern_run_text(session, text, length, &outputs);
    free(outputs.pooled);
    free(outputs.logits);
  }
  free(text);
}

static void call_queries(const tern_model *model, reader *r) {
  tern_tensor_info tensor;
  const char *key = NULL, *value = NULL;
  tern_model_label(model, take(r, 4));
  tern_model_metadata_at(model, take(r, 2), &key, &value);
  tern_model_metadata_at(model, 0, NULL, NULL);
  tern_model_tensor_info(model, take(r, 2) % (tern_model_tensor_count(model) + 2), &tensor);
  tern_model_tensor_info(model, 0, NULL);
  char name[17];
  size_t length;
  char *text = take_text(r, &length);
  snprintf(name, sizeof name, "%.*s", (int)(length < 16 ? length : 16), text);
  tern_model_metadata(model, name);
  tern_model_metadata(model, NULL);
  free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  reader r = {data, size, 0};
  const tern_model *model = models[take(&r, 1) % model_count];
  tern_model_info info;
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  tern_model_get_info(model, &info);
  tern_session_options options = tern_session_default_options();
  options.max_seq_len = (uint32_t)take_size(&r, 64);
  options.max_batch_texts = (uint32_t)take_size(&r, 4);
  options.max_batch_tokens = (uint32_t)take_size(&r, 128);
  options.max_text_bytes = (uint32_t)take_size(&r, 300);
  if (options.max_batch_texts > 64 || options.max_batch_tokens > 4096 || options.max_text_bytes > 1u << 16) {
    options.max_batch_texts %= 65; /* keep the arena small: the fuzzer is about argument checks */
    options.max_batch_tokens %= 4097;
    options.max_text_bytes %= 65537;
  }
  const uint32_t isa = take(&r, 1);
  options.isa = isa < 200 ? NULL : isa < 240 ? "scalar" : "no-such-isa";
  tern_session *session = NULL;
  tern_status status = tern_session_create(take(&r, 1) < 4 ? NULL : model, &options, &session);
  tern_session_last_error(session);
  tern_session_arena_bytes(session);
  tern_session_isa(session);
  for (int step = 0; step < 8 && r.pos < r.size; step++) {
    tern_session *target = status == TERN_OK && take(&r, 1) >= 8 ? session : NULL;
    switch (take(&r, 1) % 6) {
      case 0: call_tokenize(target, &r); break;
      case 1: call_run_ids(target, &info, &r); break;
      case 2: call_embed(target, &info, &r); break;
      case 3: call_text(target, &info, &r, 0); break;
      case 4: call_text(target, &info, &r, 1); break;
      default: call_queries(model, &r); break;
    }
    tern_session_last_error(target);
  }
  tern_session_free(session);
  return 0;
}
