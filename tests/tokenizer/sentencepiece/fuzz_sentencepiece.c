/* libFuzzer target: arbitrary bytes through both SentencePiece models (ALBERT pre-steps on and off), with
 * random caps. Checks what must always hold: OK with tern_sp_scratch_size_any_word, n_total consistent,
 * the word-by-word Viterbi equal to the whole-text one (the same model forced to whole texts), the
 * session-sized scratch giving the same ids or TOO_LONG, no out-of-bounds access (ASan/UBSan). Build: cmake -DTERN_FUZZ=ON with clang. Models: TERN_SP_FUZZ_MODELS="a.model,b.model". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sp_test_util.h"
#include "tokenizer/sentencepiece.h"

#ifndef TERN_SP_FUZZ_MODEL_A
#error "define TERN_SP_FUZZ_MODEL_A and TERN_SP_FUZZ_MODEL_B"
#endif

static tern_sp_model *models[2], *whole_models[2];
static sp_test_model specs[2], whole_specs[2];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!models[0]) {
    const char *paths[2] = {TERN_SP_FUZZ_MODEL_A, TERN_SP_FUZZ_MODEL_B};
    for (int i = 0; i < 2; i++) {
      specs[i] = sp_test_load_model(paths[i], i == 0);
      char err[256];
      if (tern_sp_create(&specs[i].spec, &models[i], err, sizeof err) != TERN_OK) abort();
      whole_specs[i] = sp_test_load_model(paths[i], i == 0);
      sp_test_force_whole_text(&whole_specs[i]);
      if (tern_sp_create(&whole_specs[i].spec, &whole_models[i], err, sizeof err) != TERN_OK) abort();
    }
  }
  size_t cap = size ? data[0] % 64 : 0;
  for (int i = 0; i < 2; i++) {
    size_t scratch_size = tern_sp_scratch_size_any_word(models[i], size);
    void *scratch = malloc(scratch_size);
    int32_t *ids = malloc(sizeof(int32_t) * (cap + 1));
    size_t n = 0, n_full = 0;
    tern_status s = tern_sp_encode(models[i], (const char *)data, size, scratch, scratch_size, ids, cap, &n);
    if (s != TERN_OK) abort(); /* scratch_size(size) must always be enough */
    int32_t *all = malloc(sizeof(int32_t) * (n + 1));
    if (tern_sp_encode(models[i], (const char *)data, size, scratch, scratch_size, all, n, &n_full) != TERN_OK ||
        n_full != n || memcmp(all, ids, sizeof(int32_t) * (cap < n ? cap : n)) != 0)
      abort();
    for (size_t k = 0; k < n; k++)
      if (all[k] < 0 || (uint32_t)all[k] >= specs[i].spec.vocab_size) abort();
    /* word by word == the whole-text Viterbi */
    size_t whole_size = tern_sp_scratch_size_any_word(whole_models[i], size), n_whole = 0;
    void *whole_scratch = malloc(whole_size);
    int32_t *whole_ids = malloc(sizeof(int32_t) * (n + 1));
    if (tern_sp_encode(whole_models[i], (const char *)data, size, whole_scratch, whole_size, whole_ids, n, &n_whole) !=
            TERN_OK || n_whole != n || memcmp(whole_ids, all, sizeof(int32_t) * n) != 0)
      abort();
    /* the session-sized scratch (exactly that many bytes): the same ids, or TOO_LONG for a word over budget */
    size_t session_size = tern_sp_scratch_size(models[i], size), n_session = 0;
    void *session_scratch = malloc(session_size);
    tern_status session_status =
        tern_sp_encode(models[i], (const char *)data, size, session_scratch, session_size, whole_ids, n, &n_session);
    if (!(session_status == TERN_ERR_TOO_LONG ||
          (session_status == TERN_OK && n_session == n && memcmp(whole_ids, all, sizeof(int32_t) * n) == 0)))
      abort();
    free(session_scratch);
    free(whole_ids);
    free(whole_scratch);
    free(all);
    free(ids);
    free(scratch);
  }
  return 0;
}
