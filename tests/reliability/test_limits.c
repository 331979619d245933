/* Input limits: what happens at and past each documented limit of a session.
 *
 *   test_limits MODELS_DIR
 *
 * - a text longer than max_seq_len tokens is truncated to max_seq_len ([CLS] ... [SEP]), its ids being the
 *   prefix of the same text's ids in a session that allows more;
 * - a text longer than max_text_bytes bytes is rejected with TERN_ERR_TOO_LONG;
 * - id sequences longer than max_seq_len (or empty) are rejected with TERN_ERR_TOO_LONG;
 * - batches larger than max_batch_texts / max_batch_tokens are split into passes with results identical
 *   to running each text alone;
 * - too-small output buffers give TERN_ERR_BUFFER_TOO_SMALL with the needed size written back;
 * - session options past the model's limits or overflowing the arena are rejected, never crash. */
#include "reliability_util.h"

static char long_text[20000];

static void truncation(const tern_model *model) {
  tern_model_info info;
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  EXPECT(tern_model_get_info(model, &info) == TERN_OK, "info");
  size_t pos = 0;
  while (pos + 16 < sizeof long_text) pos += (size_t)snprintf(long_text + pos, sizeof long_text - pos, "word%zu ", pos % 97);
  const size_t length = strlen(long_text);
  for (uint32_t max_seq_len = 8; max_seq_len <= info.max_position; max_seq_len *= 4) {
    tern_session_options options = tern_session_default_options();
    options.max_seq_len = max_seq_len;
    tern_session *session = NULL;
    EXPECT(tern_session_create(model, &options, &session) == TERN_OK, "session max_seq_len %u", max_seq_len);
    if (session == NULL) continue;
    static int32_t ids[4096], wide_ids[4096];
    size_t n = 0, wide_n = 0;
    EXPECT(tern_tokenize(session, long_text, length, ids, 4096, &n) == TERN_OK, "tokenize: %s",
           tern_session_last_error(session));
    EXPECT(n == max_seq_len, "long text: %zu ids, max_seq_len %u", n, max_seq_len);
    /* A session allowing the model's maximum gives the untruncated prefix. */
    tern_session *wide = NULL;
    tern_session_options wide_options = tern_session_default_options();
    wide_options.max_seq_len = info.max_position;
    EXPECT(tern_session_create(model, &wide_options, &wide) == TERN_OK, "wide session");
    EXPECT(tern_tokenize(wide, long_text, length, wide_ids, 4096, &wide_n) == TERN_OK, "wide tokenize");
    EXPECT(wide_n >= n && memcmp(ids, wide_ids, (n - 1) * sizeof(int32_t)) == 0 && ids[n - 1] == wide_ids[wide_n - 1],
           "truncated ids are not [prefix..., last special] of the full ids (max_seq_len %u)", max_seq_len);
    float embedding[1024];
    const char *text = long_text;
    EXPECT(tern_embed(session, &text, &length, 1, embedding, 1024, NULL) == TERN_OK, "embed of a truncated text: %s",
           tern_session_last_error(session));
    tern_session_free(wide);
    tern_session_free(session);
  }
}

static void text_bytes_limit(const tern_model *model) {
  tern_session_options options = tern_session_default_options();
  options.max_text_bytes = 100;
  tern_session *session = NULL;
  EXPECT(tern_session_create(model, &options, &session) == TERN_OK, "session");
  int32_t ids[600];
  size_t n = 12345;
  EXPECT(tern_tokenize(session, long_text, 100, ids, 600, &n) == TERN_OK, "100 bytes: %s",
         tern_session_last_error(session));
  EXPECT(tern_tokenize(session, long_text, 101, ids, 600, &n) == TERN_ERR_TOO_LONG, "101 bytes accepted");
  EXPECT(strstr(tern_session_last_error(session), "max_text_bytes") != NULL, "message: %s",
         tern_session_last_error(session));
  float embedding[1024];
  const char *texts[2] = {"short", long_text};
  const size_t lengths[2] = {5, 101};
  EXPECT(tern_embed(session, texts, lengths, 2, embedding, 1024, NULL) == TERN_ERR_TOO_LONG, "embed 101 bytes");
  float logits[8];
  size_t labels = 0;
  tern_status status = tern_classify(session, long_text, 5000, logits, 8, &labels);
  EXPECT(status == TERN_ERR_TOO_LONG || status == TERN_ERR_NO_HEAD, "classify 5000 bytes -> %s",
         tern_status_string(status));
  tern_session_free(session);
}

static void id_limits(const tern_model *model, size_t hidden) {
  tern_session_options options = tern_session_default_options();
  options.max_seq_len = 16;
  options.max_batch_texts = 2;
  options.max_batch_tokens = 20;
  tern_session *session = NULL;
  EXPECT(tern_session_create(model, &options, &session) == TERN_OK, "session");
  enum { TEXTS = 7 };
  static int32_t ids[TEXTS * 16];
  size_t lengths[TEXTS] = {16, 3, 16, 1, 9, 16, 5}, total = 0;
  for (size_t i = 0; i < TEXTS; i++) total += lengths[i];
  for (size_t i = 0; i < total; i++) ids[i] = (int32_t)(5 + (i * 7) % 50);
  static float hidden_batch[TEXTS * 16 * 1024], pooled_batch[TEXTS * 1024];
  static float hidden_one[16 * 1024], pooled_one[1024];
  tern_outputs outputs = {hidden_batch, total * hidden, 0, pooled_batch, TEXTS * 1024, 0, NULL, 0, 0};
  EXPECT(tern_run_ids(session, ids, NULL, lengths, TEXTS, &outputs) == TERN_OK, "batch of %d > max_batch_texts: %s",
         TEXTS, tern_session_last_error(session));
  EXPECT(outputs.last_hidden_count == total * hidden, "last_hidden_count %zu", outputs.last_hidden_count);
  const size_t dim = outputs.pooled_count / TEXTS;
  size_t token = 0;
  for (size_t i = 0; i < TEXTS; i++) {
    tern_outputs one = {hidden_one, 16 * hidden, 0, pooled_one, 1024, 0, NULL, 0, 0};
    EXPECT(tern_run_ids(session, ids + token, NULL, &lengths[i], 1, &one) == TERN_OK, "text %zu alone", i);
    EXPECT(memcmp(hidden_one, hidden_batch + token * hidden, lengths[i] * hidden * sizeof(float)) == 0 &&
               memcmp(pooled_one, pooled_batch + i * dim, dim * sizeof(float)) == 0,
           "text %zu: split batch differs from the text alone", i);
    token += lengths[i];
  }
  size_t too_long = 17, empty = 0;
  EXPECT(tern_run_ids(session, ids, NULL, &too_long, 1, &outputs) == TERN_ERR_TOO_LONG, "17 ids > max_seq_len 16");
  EXPECT(tern_run_ids(session, ids, NULL, &empty, 1, &outputs) == TERN_ERR_TOO_LONG, "0 ids");
  /* Output sizes come back even when the buffer is too small. */
  tern_outputs small = {hidden_batch, 3, 0, NULL, 0, 0, NULL, 0, 0};
  EXPECT(tern_run_ids(session, ids, NULL, lengths, 2, &small) == TERN_ERR_BUFFER_TOO_SMALL &&
             small.last_hidden_count == (lengths[0] + lengths[1]) * hidden,
         "too-small last_hidden: count %zu", small.last_hidden_count);
  size_t needed = 0, n = 0;
  const char *texts[3] = {"a", "b", "c"};
  const size_t text_lengths[3] = {1, 1, 1};
  EXPECT(tern_embed(session, texts, text_lengths, 3, pooled_batch, 2, &needed) == TERN_ERR_BUFFER_TOO_SMALL &&
             needed == 3 * dim,
         "embed: needed %zu", needed);
  EXPECT(tern_tokenize(session, "hello world", 11, ids, 1, &n) == TERN_ERR_BUFFER_TOO_SMALL && n >= 3,
         "tokenize: n %zu", n);
  EXPECT(tern_tokenize(session, "hello world", 11, NULL, 0, &n) == TERN_ERR_BUFFER_TOO_SMALL && n >= 3,
         "tokenize sizing call: n %zu", n);
  tern_session_free(session);
}

static void option_limits(const tern_model *model) {
  tern_model_info info;
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  tern_model_get_info(model, &info);
  struct {
    uint32_t max_seq_len, max_batch_texts, max_batch_tokens, max_text_bytes;
  } cases[] = {{info.max_position + 1, 16, 0, 100}, {0, 0, 0, 100}, {64, 16, 63, 100}, {0, UINT32_MAX, 0, 100},
               {0, 16, UINT32_MAX, 100}, {0, 16, 0, UINT32_MAX}, {0, UINT32_MAX, UINT32_MAX, UINT32_MAX}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    tern_session_options options = tern_session_default_options();
    options.max_seq_len = cases[i].max_seq_len;
    options.max_batch_texts = cases[i].max_batch_texts;
    options.max_batch_tokens = cases[i].max_batch_tokens;
    options.max_text_bytes = cases[i].max_text_bytes;
    tern_session *session = NULL;
    tern_status status = tern_session_create(model, &options, &session);
    /* The first three break a rule; the huge ones may fit a 64-bit host's address space on paper but not
     * in memory: either way a status, never a crash. */
    if (i < 3) EXPECT(status == TERN_ERR_INVALID_ARGUMENT, "option case %zu -> %s", i, tern_status_string(status));
    else
      EXPECT(status == TERN_ERR_INVALID_ARGUMENT || status == TERN_ERR_OUT_OF_MEMORY || status == TERN_OK,
             "option case %zu -> %s", i, tern_status_string(status));
    EXPECT((status == TERN_OK) == (session != NULL), "option case %zu: session %p", i, (void *)session);
    tern_session_free(session);
  }
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  const char *names[] = {"bert-tiny-cls-int8.tern", "albert-tiny-int8.tern"};
  int tested = 0;
  for (size_t m = 0; m < 2; m++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", argv[1], names[m]);
    tern_model *model = NULL;
    if (tern_model_load(path, NULL, &model) != TERN_OK) {
      fprintf(stderr, "skip %s: %s\n", path, tern_last_load_error());
      continue;
    }
    tested++;
    tern_model_info info;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    tern_model_get_info(model, &info);
    truncation(model);
    text_bytes_limit(model);
    id_limits(model, info.hidden_size);
    option_limits(model);
    tern_model_free(model);
  }
  if (tested == 0) return TEST_SKIP;
  return test_report("limits");
}
