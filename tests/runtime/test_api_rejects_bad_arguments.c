/* Every public entry point checks its arguments and answers with a status and a message, never a crash:
 * NULLs, zero counts, lengths over the session limits, ids >= vocab, small output buffers (the needed
 * size is reported), bad options, missing heads and tokenizers. */
#include <string.h>

#include "synthetic_model.h"
#include "tern.h"
#include "../kernels/test_util.h"

int main(void) {
  synthetic_options model_options = synthetic_default_options();
  tern_model *model = synthetic_model_create(&model_options);
  tern_session *session = NULL;
  char message[256] = "";
  tern_session_options options = tern_session_default_options();
  options.error_message = message, options.error_message_size = sizeof message;

  EXPECT(tern_session_create(NULL, &options, &session) == TERN_ERR_INVALID_ARGUMENT && message[0], "NULL model");
  EXPECT(tern_session_create(model, &options, NULL) == TERN_ERR_INVALID_ARGUMENT, "NULL out");
  options.isa = "no-such-isa";
  EXPECT(tern_session_create(model, &options, &session) == TERN_ERR_INVALID_ARGUMENT && strstr(message, "no-such-isa"),
         "unknown isa: %s", message);
  options.isa = "scalar";
  options.max_seq_len = 41; /* the model has 40 positions */
  EXPECT(tern_session_create(model, &options, &session) == TERN_ERR_INVALID_ARGUMENT, "max_seq_len > positions");
  options.max_seq_len = 0, options.max_batch_texts = 0;
  EXPECT(tern_session_create(model, &options, &session) == TERN_ERR_INVALID_ARGUMENT, "zero batch texts");
  options.max_batch_texts = 4, options.max_batch_tokens = 10;
  EXPECT(tern_session_create(model, &options, &session) == TERN_ERR_INVALID_ARGUMENT, "batch tokens < seq len");
  options.max_batch_tokens = 0, options.struct_size = 3;
  EXPECT(tern_session_create(model, &options, &session) == TERN_ERR_INVALID_ARGUMENT, "bad struct_size");
  options.struct_size = sizeof options;
  EXPECT(tern_session_create(model, &options, &session) == TERN_OK && session != NULL, "valid create: %s", message);
  EXPECT(strcmp(tern_session_isa(session), "scalar") == 0, "isa");
  EXPECT(tern_session_arena_bytes(session) > 0, "arena");

  int32_t ids[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  size_t length = 8;
  float hidden[8 * 16], pooled[16], logits[3];
  tern_outputs outputs = {hidden, 8 * 16, 0, pooled, 16, 0, logits, 3, 0};
  EXPECT(tern_run_ids(NULL, ids, NULL, &length, 1, &outputs) == TERN_ERR_INVALID_ARGUMENT, "NULL session");
  EXPECT(tern_run_ids(session, NULL, NULL, &length, 1, &outputs) == TERN_ERR_INVALID_ARGUMENT, "NULL ids");
  EXPECT(tern_run_ids(session, ids, NULL, NULL, 1, &outputs) == TERN_ERR_INVALID_ARGUMENT, "NULL lengths");
  EXPECT(tern_run_ids(session, ids, NULL, &length, 1, NULL) == TERN_ERR_INVALID_ARGUMENT, "NULL outputs");
  EXPECT(tern_run_ids(session, ids, NULL, &length, 0, &outputs) == TERN_ERR_INVALID_ARGUMENT, "zero count");
  size_t zero = 0, too_long = 41;
  EXPECT(tern_run_ids(session, ids, NULL, &zero, 1, &outputs) == TERN_ERR_TOO_LONG, "zero length");
  EXPECT(tern_run_ids(session, ids, NULL, &too_long, 1, &outputs) == TERN_ERR_TOO_LONG, "over max_seq_len");
  ids[3] = 50;
  EXPECT(tern_run_ids(session, ids, NULL, &length, 1, &outputs) == TERN_ERR_BAD_INDEX &&
             strstr(tern_session_last_error(session), "token 3"),
         "id >= vocab: %s", tern_session_last_error(session));
  ids[3] = -1;
  EXPECT(tern_run_ids(session, ids, NULL, &length, 1, &outputs) == TERN_ERR_BAD_INDEX, "negative id");
  ids[3] = 4;
  int32_t types[8] = {0, 0, 0, 0, 0, 2, 0, 0};
  EXPECT(tern_run_ids(session, ids, types, &length, 1, &outputs) == TERN_ERR_BAD_INDEX, "type id >= type vocab");
  outputs.last_hidden_cap = 8 * 16 - 1;
  EXPECT(tern_run_ids(session, ids, NULL, &length, 1, &outputs) == TERN_ERR_BUFFER_TOO_SMALL &&
             outputs.last_hidden_count == 8 * 16,
         "small hidden buffer reports the needed size");
  outputs.last_hidden_cap = 8 * 16, outputs.logits_cap = 2;
  EXPECT(tern_run_ids(session, ids, NULL, &length, 1, &outputs) == TERN_ERR_BUFFER_TOO_SMALL &&
             outputs.logits_count == 3, "small logits buffer");
  outputs.logits_cap = 3;
  tern_outputs nothing = {0};
  EXPECT(tern_run_ids(session, ids, NULL, &length, 1, &nothing) == TERN_ERR_INVALID_ARGUMENT, "no outputs requested");
  EXPECT(tern_run_ids(session, ids, NULL, &length, 1, &outputs) == TERN_OK, "valid run: %s", tern_session_last_error(session));
  EXPECT(tern_session_last_error(session)[0] == '\0', "error cleared after success");

  /* The synthetic model has no tokenizer: every text entry point says so instead of crashing. */
  const char *text = "hello";
  size_t text_length = 5, needed = 0, labels = 0;
  EXPECT(tern_embed(session, &text, &text_length, 1, pooled, 16, &needed) == TERN_ERR_BAD_TOKENIZER, "embed without tokenizer");
  EXPECT(tern_embed(session, &text, &text_length, 1, pooled, 15, &needed) == TERN_ERR_BUFFER_TOO_SMALL && needed == 16,
         "embed small buffer");
  EXPECT(tern_embed(session, NULL, &text_length, 1, pooled, 16, NULL) == TERN_ERR_INVALID_ARGUMENT, "embed NULL texts");
  EXPECT(tern_embed(session, &text, &text_length, 0, pooled, 16, NULL) == TERN_ERR_INVALID_ARGUMENT, "embed zero count");
  EXPECT(tern_classify(session, text, 5, logits, 3, &labels) == TERN_ERR_BAD_TOKENIZER && labels == 3, "classify without tokenizer");
  EXPECT(tern_classify(session, text, 5, logits, 2, &labels) == TERN_ERR_BUFFER_TOO_SMALL, "classify small buffer");
  EXPECT(tern_classify(session, text, 5, NULL, 3, &labels) == TERN_ERR_INVALID_ARGUMENT, "classify NULL logits");
  EXPECT(tern_tokenize(session, text, 5, (int32_t *)ids, 8, NULL) == TERN_ERR_INVALID_ARGUMENT, "tokenize NULL n");
  float worst = 0;
  EXPECT(tern_model_selftest(model, &worst) == TERN_ERR_INVALID_ARGUMENT, "no self-test vectors");
  EXPECT(tern_model_selftest(NULL, &worst) == TERN_ERR_INVALID_ARGUMENT, "selftest NULL");

  tern_model_info info;
  EXPECT(tern_model_get_info(NULL, &info) == TERN_ERR_INVALID_ARGUMENT, "info NULL model");
  EXPECT(tern_model_get_info(model, NULL) == TERN_ERR_INVALID_ARGUMENT, "info NULL out");
  EXPECT(tern_model_get_info(model, &info) == TERN_OK && info.hidden_size == 16 && info.num_layers == 3 &&
             info.num_weight_sets == 2 && info.num_labels == 3 && info.output_dim == 16 &&
             info.head_kind == TERN_HEAD_SEQUENCE_CLASSIFICATION,
         "info values");
  EXPECT(tern_model_label(model, 2) && strcmp(tern_model_label(model, 2), "positive") == 0, "label");
  EXPECT(tern_model_label(model, 3) == NULL && tern_model_label(NULL, 0) == NULL, "label out of range");
  EXPECT(tern_model_metadata(model, "source") == NULL, "no metadata");
  tern_session_free(session);
  tern_session_free(NULL);

  /* A model without heads refuses logits. */
  model_options.with_head = 0;
  tern_model *headless = synthetic_model_create(&model_options);
  EXPECT(tern_session_create(headless, NULL, &session) == TERN_OK, "headless create");
  EXPECT(tern_run_ids(session, ids, NULL, &length, 1, &outputs) == TERN_ERR_NO_HEAD, "logits without head");
  EXPECT(tern_classify(session, text, 5, logits, 3, &labels) == TERN_ERR_NO_HEAD, "classify without head");
  tern_session_free(session);
  synthetic_model_free(headless);
  synthetic_model_free(model);
  return test_report("api_rejects_bad_arguments");
}
