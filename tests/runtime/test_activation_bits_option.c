/* tern_session_options.activation_bits on a converted int8 model (asymmetric linears, so the option applies):
 * 0 (default) and 8 give memcmp-identical outputs, 7 gives different ones (127 levels) that are still close;
 * tern_session_activation_bits reports what runs; 1, 9 and 255 are refused with a message naming the option;
 * $TERN_ACTIVATION_BITS replaces the default only (an explicit option wins) and a bad value there is refused
 * with a message naming the variable.
 *
 *   test_activation_bits_option MODEL.tern   (exit 77 when the model has not been made) */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tern.h"
#include "../kernels/test_util.h"
#include "test_models.h"

enum { TEXTS = 3, LONGEST = 40 };
static const size_t lengths[TEXTS] = {LONGEST, 7, 23};

/* Creates a session with activation_bits = bits, checks what it reports, and runs the batch into hidden. */
static int run(const tern_model *model, uint32_t bits, uint32_t expected_bits, const int32_t *ids, float *hidden,
               size_t hidden_cap) {
  tern_session_options options = tern_session_default_options();
  options.activation_bits = bits;
  options.max_batch_texts = TEXTS;
  options.max_batch_tokens = 128;
  char message[256] = "";
  options.error_message = message, options.error_message_size = sizeof message;
  tern_session *session = NULL;
  tern_status status = tern_session_create(model, &options, &session);
  EXPECT(status == TERN_OK, "activation_bits %u: %s (%s)", bits, tern_status_string(status), message);
  if (status != TERN_OK) return 0;
  EXPECT(tern_session_activation_bits(session) == expected_bits, "activation_bits %u: session runs %u, not %u", bits,
         tern_session_activation_bits(session), expected_bits);
  tern_outputs outputs = {hidden, hidden_cap, 0, NULL, 0, 0, NULL, 0, 0};
  status = tern_run_ids(session, ids, NULL, lengths, TEXTS, &outputs);
  EXPECT(status == TERN_OK, "activation_bits %u: run %s", bits, tern_session_last_error(session));
  tern_session_free(session);
  return status == TERN_OK;
}

/* Creating a session must fail with TERN_ERR_INVALID_ARGUMENT and a message containing `mention`. */
static void refused(const tern_model *model, uint32_t bits, const char *mention) {
  tern_session_options options = tern_session_default_options();
  options.activation_bits = bits;
  char message[256] = "";
  options.error_message = message, options.error_message_size = sizeof message;
  tern_session *session = (tern_session *)&options; /* must be reset to NULL */
  const tern_status status = tern_session_create(model, &options, &session);
  EXPECT(status == TERN_ERR_INVALID_ARGUMENT && session == NULL, "activation_bits %u accepted (%s)", bits,
         tern_status_string(status));
  EXPECT(strstr(message, mention) != NULL, "activation_bits %u: message '%s' does not name %s", bits, message, mention);
  if (status == TERN_OK) tern_session_free(session);
}

int main(int argc, char **argv) {
  if (argc < 2) return fprintf(stderr, "usage: %s MODEL.tern\n", argv[0]), 2;
  unsetenv("TERN_ACTIVATION_BITS"); /* the test sets it itself below */
  tern_model *model = NULL;
  if (tern_model_load(argv[1], NULL, &model) != TERN_OK) {
    printf("SKIP: cannot load %s (run models/make_test_models.sh <build>/models)\n", argv[1]);
    return 77;
  }
  tern_model_info info;
  EXPECT(test_model_info(model, &info), "%s: info", argv[1]);
  size_t total = 0;
  for (size_t t = 0; t < TEXTS; t++) total += lengths[t];
  int32_t ids[LONGEST * TEXTS];
  for (size_t i = 0; i < total; i++) ids[i] = (int32_t)(test_rand_u32() % info.vocab_size);
  const size_t count = total * info.hidden_size;
  float *by_default = calloc(count, sizeof(float)), *eight = calloc(count, sizeof(float));
  float *seven = calloc(count, sizeof(float)), *from_env = calloc(count, sizeof(float));

  if (run(model, 0, 8, ids, by_default, count) && run(model, 8, 8, ids, eight, count) &&
      run(model, 7, 7, ids, seven, count)) {
    EXPECT(memcmp(by_default, eight, count * sizeof(float)) == 0, "activation_bits 8 differs from the default");
    EXPECT(memcmp(seven, eight, count * sizeof(float)) != 0, "activation_bits 7 gives the 8-bit result");
    /* Close all the same: the token vectors' cosine. */
    double worst = 1.0;
    for (size_t row = 0; row < total; row++) {
      double dot = 0, n7 = 0, n8 = 0;
      for (size_t i = 0; i < info.hidden_size; i++) {
        const double a = seven[row * info.hidden_size + i], b = eight[row * info.hidden_size + i];
        dot += a * b, n7 += a * a, n8 += b * b;
      }
      const double cosine = dot / sqrt(n7 * n8);
      if (cosine < worst) worst = cosine;
    }
    EXPECT(worst > 0.99, "7-bit token vectors far from 8-bit ones: min cosine %.6f", worst);
    printf("7-bit vs 8-bit last hidden: min token cosine %.6f\n", worst);
  }
  refused(model, 1, "activation_bits");
  refused(model, 9, "activation_bits");
  refused(model, 255, "activation_bits");

  /* The environment variable: replaces the default, loses to an explicit option, refused when bad. */
  setenv("TERN_ACTIVATION_BITS", "7", 1);
  if (run(model, 0, 7, ids, from_env, count))
    EXPECT(memcmp(from_env, seven, count * sizeof(float)) == 0, "TERN_ACTIVATION_BITS=7 differs from the option 7");
  if (run(model, 8, 8, ids, from_env, count))
    EXPECT(memcmp(from_env, eight, count * sizeof(float)) == 0, "the option 8 under TERN_ACTIVATION_BITS=7 is not 8-bit");
  setenv("TERN_ACTIVATION_BITS", "6", 1);
  refused(model, 0, "TERN_ACTIVATION_BITS");
  setenv("TERN_ACTIVATION_BITS", "", 1); /* empty: not set */
  if (run(model, 0, 8, ids, from_env, count))
    EXPECT(memcmp(from_env, eight, count * sizeof(float)) == 0, "empty TERN_ACTIVATION_BITS is not the default");
  unsetenv("TERN_ACTIVATION_BITS");

  free(by_default), free(eight), free(seven), free(from_env);
  tern_model_free(model);
  return test_report("activation_bits_option");
}
