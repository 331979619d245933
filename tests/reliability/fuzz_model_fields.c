/* fuzz_model_fields.c — libFuzzer target with a structure-aware mutator: inputs are whole .tern files; the
 * mutator walks the FlatBuffer of the current input with the generated accessors and rewrites FIELDS
 * (scalars, enum values, vector and string lengths, tensor shapes / offsets / lengths, tensor indices,
 * scales, token ids, vocabulary bytes) with boundary values, so most mutants stay structurally valid and
 * reach the semantic checks, session creation and one inference. Seed with real models
 * (the .tern files in build/models, tests/format/broken/valid.tern) and run with -max_len >= the largest seed. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/tern_fbs_generated.h"
#include "tern.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

/* ---- the field map of one file ---- */

typedef enum slot_kind { K_U8, K_U32, K_I32, K_U64, K_F32, K_LENGTH } slot_kind;

typedef struct slot {
  uint32_t pos;
  uint8_t kind;
} slot;

enum { MAX_SLOTS = 8192, VECTOR_SAMPLE = 12 };

typedef struct field_map {
  const uint8_t *base;
  slot slots[MAX_SLOTS];
  uint32_t count;
} field_map;

static void add(field_map *m, const uint8_t *p, slot_kind kind) {
  if (p != NULL && m->count < MAX_SLOTS) m->slots[m->count++] = (slot){(uint32_t)(p - m->base), (uint8_t)kind};
}

static void scalar(field_map *m, fb_table t, unsigned id, slot_kind kind) {
  static const size_t sizes[] = {1, 4, 4, 8, 4, 4};
  add(m, fb_field(t, id, sizes[kind]), kind);
}

/* A vector's length word and a sample of its elements (first ones and last ones). */
static void vector(field_map *m, fb_table t, unsigned id, slot_kind element_kind, size_t element_size) {
  const uint8_t *p = fb_field(t, id, 4);
  if (p == NULL) return;
  p = fb_deref(p);
  add(m, p, K_LENGTH);
  uint32_t count = fb_read_u32(p);
  for (uint32_t i = 0; i < count; i++) {
    if (i == VECTOR_SAMPLE && count > 2 * VECTOR_SAMPLE) i = count - VECTOR_SAMPLE;
    add(m, p + 4 + (size_t)i * element_size, element_kind);
  }
}

/* Strings of a vector: length words and first bytes of a sample. */
static void strings(field_map *m, fb_vector v) {
  for (uint32_t i = 0; i < v.count; i++) {
    if (i == VECTOR_SAMPLE && v.count > 2 * VECTOR_SAMPLE) i = v.count - VECTOR_SAMPLE;
    const uint8_t *s = fb_deref(v.data + 4 * (size_t)i);
    add(m, s, K_LENGTH);
    add(m, s + 4, K_U8);
  }
}

static void linear(field_map *m, fb_table t) {
  scalar(m, t, TERN_FB_LINEAR_WEIGHT, K_I32);
  scalar(m, t, TERN_FB_LINEAR_BIAS, K_I32);
}

static void norm(field_map *m, fb_table t) {
  scalar(m, t, TERN_FB_LAYER_NORM_GAMMA, K_I32);
  scalar(m, t, TERN_FB_LAYER_NORM_BETA, K_I32);
  scalar(m, t, TERN_FB_LAYER_NORM_EPS, K_F32);
}

/* 0 when the buffer does not pass the structural verifier (then only raw mutations apply). */
static int map_fields(field_map *m, const uint8_t *data, size_t size) {
  fb_verifier verifier;
  fb_table root;
  m->base = data;
  m->count = 0;
  if (tern_fb_Model_verify_as_root(&verifier, data, size, &root) != FB_OK) return 0;
  scalar(m, root, TERN_FB_MODEL_FORMAT_VERSION, K_U32);
  scalar(m, root, TERN_FB_MODEL_KIND, K_U8);
  scalar(m, root, 12, K_U64); /* weights_offset */
  scalar(m, root, 13, K_U64); /* weights_length */
  fb_table hyper = tern_fb_Model_hyper(root);
  for (unsigned id = TERN_FB_HYPER_VOCAB_SIZE; id <= TERN_FB_HYPER_CONFIG_NUM_HIDDEN_LAYERS; id++)
    scalar(m, hyper, id, id == TERN_FB_HYPER_ACTIVATION ? K_U8 : id == TERN_FB_HYPER_LAYER_NORM_EPS ? K_F32 : K_U32);
  fb_vector tensors = tern_fb_Model_tensors(root);
  add(m, tensors.data != NULL ? tensors.data - 4 : NULL, K_LENGTH);
  for (uint32_t i = 0; i < tensors.count; i++) {
    fb_table t = fb_vector_table(tensors, i);
    scalar(m, t, TERN_FB_TENSOR_DTYPE, K_U8);
    scalar(m, t, TERN_FB_TENSOR_LAYOUT, K_U8);
    vector(m, t, TERN_FB_TENSOR_SHAPE, K_U32, 4);
    vector(m, t, TERN_FB_TENSOR_SCALES, K_F32, 4);
    vector(m, t, TERN_FB_TENSOR_CHANNEL_SUMS, K_I32, 4);
    scalar(m, t, TERN_FB_TENSOR_OFFSET, K_U64);
    scalar(m, t, TERN_FB_TENSOR_LENGTH, K_U64);
  }
  fb_table embeddings = tern_fb_Model_embeddings(root);
  scalar(m, embeddings, TERN_FB_EMBEDDINGS_WORD, K_I32);
  scalar(m, embeddings, TERN_FB_EMBEDDINGS_POSITION, K_I32);
  scalar(m, embeddings, TERN_FB_EMBEDDINGS_TOKEN_TYPE, K_I32);
  linear(m, tern_fb_Embeddings_word_factor(embeddings));
  linear(m, tern_fb_Embeddings_projection(embeddings));
  norm(m, tern_fb_Embeddings_norm(embeddings));
  fb_vector sets = tern_fb_Model_weight_sets(root);
  add(m, sets.data != NULL ? sets.data - 4 : NULL, K_LENGTH);
  for (uint32_t i = 0; i < sets.count; i++) {
    fb_table set = fb_vector_table(sets, i);
    for (unsigned id = TERN_FB_WEIGHT_SET_QUERY; id <= TERN_FB_WEIGHT_SET_FFN_NORM; id++) {
      fb_table child = fb_field_table(set, id);
      if (id == TERN_FB_WEIGHT_SET_ATTENTION_NORM || id == TERN_FB_WEIGHT_SET_FFN_NORM) norm(m, child);
      else linear(m, child);
    }
    scalar(m, set, TERN_FB_WEIGHT_SET_NUM_HEADS, K_U32);
    scalar(m, set, TERN_FB_WEIGHT_SET_INTERMEDIATE_SIZE, K_U32);
  }
  vector(m, root, TERN_FB_MODEL_SCHEDULE, K_U32, 4);
  fb_table tokenizer = tern_fb_Model_tokenizer(root);
  for (unsigned id = TERN_FB_TOKENIZER_KIND; id <= TERN_FB_TOKENIZER_DO_LOWER_CASE; id++) {
    if (id == TERN_FB_TOKENIZER_PIECES || id == TERN_FB_TOKENIZER_CONTINUING_SUBWORD_PREFIX) continue;
    if (id == TERN_FB_TOKENIZER_SCORES) vector(m, tokenizer, id, K_F32, 4);
    else if (id == TERN_FB_TOKENIZER_PIECE_TYPES || id == TERN_FB_TOKENIZER_PRECOMPILED_CHARSMAP)
      vector(m, tokenizer, id, K_U8, 1);
    else if (id >= TERN_FB_TOKENIZER_UNK_ID && id <= TERN_FB_TOKENIZER_MASK_ID) scalar(m, tokenizer, id, K_I32);
    else if (id == TERN_FB_TOKENIZER_MAX_LENGTH || id == TERN_FB_TOKENIZER_MAX_INPUT_CHARS_PER_WORD)
      scalar(m, tokenizer, id, K_U32);
    else scalar(m, tokenizer, id, K_U8);
  }
  fb_vector pieces = tern_fb_Tokenizer_pieces(tokenizer);
  add(m, pieces.data != NULL ? pieces.data - 4 : NULL, K_LENGTH);
  strings(m, pieces);
  fb_table pooling = tern_fb_Model_pooling(root);
  scalar(m, pooling, TERN_FB_POOLING_MODE, K_U8);
  scalar(m, pooling, TERN_FB_POOLING_NORMALIZE, K_U8);
  scalar(m, pooling, TERN_FB_POOLING_MATRYOSHKA_DIM, K_U32);
  fb_vector heads = tern_fb_Model_heads(root);
  for (uint32_t i = 0; i < heads.count; i++) {
    fb_table head = fb_vector_table(heads, i);
    scalar(m, head, TERN_FB_HEAD_KIND, K_U8);
    linear(m, tern_fb_Head_pooler(head));
    linear(m, tern_fb_Head_classifier(head));
    fb_vector labels = tern_fb_Head_labels(head);
    add(m, labels.data != NULL ? labels.data - 4 : NULL, K_LENGTH);
    strings(m, labels);
  }
  fb_table self_test = tern_fb_Model_self_test(root);
  scalar(m, self_test, TERN_FB_SELF_TEST_OUTPUT, K_U8);
  scalar(m, self_test, TERN_FB_SELF_TEST_DIM, K_U32);
  scalar(m, self_test, TERN_FB_SELF_TEST_MIN_COSINE, K_F32);
  vector(m, self_test, TERN_FB_SELF_TEST_EXPECTED, K_F32, 4);
  return 1;
}

/* ---- mutation ---- */

static uint64_t rng_state;
static uint32_t rng(void) {
  rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(rng_state >> 33);
}

static uint32_t interesting_u32(uint32_t value) {
  static const uint32_t fixed[] = {0, 1, 2, 3, 4, 7, 8, 15, 16, 17, 63, 64, 65, 127, 128, 255, 256, 4095, 4096,
                                   65535, 65536, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF};
  switch (rng() % 8) {
    case 0: return value + 1;
    case 1: return value - 1;
    case 2: return value * 2;
    case 3: return value / 2;
    case 4: return rng() % 600;
    case 5: return rng();
    default: return fixed[rng() % (sizeof fixed / sizeof fixed[0])];
  }
}

static void mutate_slot(uint8_t *data, size_t size, const field_map *m, slot s) {
  uint8_t *p = data + s.pos;
  switch ((slot_kind)s.kind) {
    case K_U8:
      p[0] = (uint8_t)(rng() % 3 == 0 ? rng() : rng() % 3 == 0 ? p[0] ^ (1u << (rng() % 8)) : rng() % 8);
      break;
    case K_U32:
    case K_I32:
    case K_LENGTH: {
      uint32_t value = fb_read_u32(p);
      if (s.kind == K_I32 && rng() % 2) value = (uint32_t)((int32_t)(rng() % 80) - 8); /* indices near range */
      else if (rng() % 4 == 0 && m->count > 1) {
        slot other = m->slots[rng() % m->count]; /* a value that means something elsewhere in this file */
        if (other.kind != K_U8 && other.kind != K_U64) value = fb_read_u32(data + other.pos);
        else value = interesting_u32(value);
      } else value = interesting_u32(value);
      memcpy(p, &value, 4);
      break;
    }
    case K_U64: {
      uint64_t value = fb_read_u64(p);
      switch (rng() % 7) {
        case 0: value += 64; break;
        case 1: value -= 64; break;
        case 2: value += rng() % 4 ? 1 : 1ull << 32; break;
        case 3: value = size - (rng() % 256); break;
        case 4: value = ~0ull - rng() % 128; break;
        case 5: value = (uint64_t)rng() << (rng() % 32); break;
        default: value = 0; break;
      }
      memcpy(p, &value, 8);
      break;
    }
    case K_F32: {
      float value = fb_read_f32(p);
      static const float fixed[] = {0.0f, -0.0f, 1.0f, -1.0f, 1e-45f, 1e-30f, 1e30f, 3.4e38f};
      switch (rng() % 6) {
        case 0: value = NAN; break;
        case 1: value = rng() % 2 ? INFINITY : -INFINITY; break;
        case 2: value = -value; break;
        case 3: value *= (float)(1u << (rng() % 24)); break;
        default: value = fixed[rng() % (sizeof fixed / sizeof fixed[0])]; break;
      }
      memcpy(p, &value, 4);
      break;
    }
  }
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
  static field_map map;
  rng_state = seed * 0x9E3779B97F4A7C15ull + 1;
  if (rng() % 20 == 0 || !map_fields(&map, data, size) || map.count == 0)
    return LLVMFuzzerMutate(data, size, max_size);
  const int edits = 1 + (int)(rng() % 3);
  for (int i = 0; i < edits; i++) mutate_slot(data, size, &map, map.slots[rng() % map.count]);
  return size;
}

/* ---- the target: load, and when that works, a session and one inference of each kind ---- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t *copy = aligned_alloc(64, (size + 64) / 64 * 64);
  if (copy == NULL) return 0;
  memcpy(copy, data, size);
  tern_model *model = NULL;
  if (tern_model_load_from_memory(copy, size, NULL, &model) == TERN_OK) {
    tern_session_options options = tern_session_default_options();
    options.max_seq_len = 12;
    options.max_batch_texts = 2;
    options.max_text_bytes = 256;
    tern_session *session = NULL;
    if (tern_session_create(model, &options, &session) == TERN_OK) {
      static const char *const texts[2] = {"the quick brown fox, naïve café", "東京 x"};
      const size_t lengths[2] = {strlen(texts[0]), strlen(texts[1])};
      float out[2 * 2048];
      size_t needed = 0;
      tern_embed(session, texts, lengths, 2, out, 2 * 2048, &needed);
      tern_model_info info;
      memset(&info, 0, sizeof info);
      info.struct_size = sizeof info;
      if (tern_model_get_info(model, &info) == TERN_OK && info.vocab_size > 0) {
        int32_t ids[5] = {0, 1, (int32_t)(info.vocab_size - 1), (int32_t)(info.vocab_size / 2), 3 % info.vocab_size};
        size_t count = 5;
        tern_outputs outputs = {out, 2 * 2048, 0, NULL, 0, 0, out + 1024, 1024, 0};
        tern_run_ids(session, ids, NULL, &count, 1, &outputs);
        size_t labels = 0;
        tern_classify(session, texts[0], lengths[0], out, 64, &labels);
      }
      tern_session_free(session);
    }
    float cosine = 0.0f;
    tern_model_selftest(model, &cosine);
    tern_model_free(model);
  }
  free(copy);
  return 0;
}
