/* Hostile variants of a real model: every truncation length and every single-byte change over a sampled
 * set of positions (several values each) is either rejected with a status or loads and runs one inference
 * to a result. Under ASan the bytes past a truncation are poisoned, so any read beyond the given size is
 * reported even though one buffer is reused for every length.
 *
 *   test_mutated_model MODEL.tern [POSITIONS] [VALUES_PER_POSITION (1..5)] [SEED] */
#include "reliability_util.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TERN_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TERN_TEST_ASAN 1
#endif
#ifdef TERN_TEST_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

static long loaded_count, rejected_count, status_counts[32];

/* Loads buffer[0, size) and, when it loads, runs one text through a small session. */
static void load_and_run(const uint8_t *buffer, size_t size, const char *what) {
  tern_model *model = NULL;
  tern_status status = tern_model_load_from_memory(buffer, size, NULL, &model);
  status_counts[status < 32 ? status : 31]++;
  if (status != TERN_OK) {
    rejected_count++;
    EXPECT(model == NULL, "%s: failed load returned a model", what);
    EXPECT(status != TERN_ERR_INTERNAL && status != TERN_ERR_OUT_OF_MEMORY && tern_last_load_error()[0] != 0,
           "%s: status %s, message '%s'", what, tern_status_string(status), tern_last_load_error());
    return;
  }
  loaded_count++;
  tern_session_options options = tern_session_default_options();
  options.max_seq_len = 16;
  options.max_batch_texts = 2;
  options.max_text_bytes = 256;
  tern_session *session = NULL;
  status = tern_session_create(model, &options, &session);
  if (status == TERN_OK) {
    static const char *const texts[2] = {"A mutated model still runs.", "Zwei Wörter"};
    const size_t lengths[2] = {27, 12};
    float out[2 * 4096];
    size_t needed = 0;
    status = tern_embed(session, texts, lengths, 2, out, 2 * 4096, &needed);
    EXPECT(status == TERN_OK || status == TERN_ERR_BAD_TOKENIZER || status == TERN_ERR_BUFFER_TOO_SMALL,
           "%s: embed -> %s (%s)", what, tern_status_string(status), tern_session_last_error(session));
    tern_session_free(session);
  } else {
    EXPECT(status != TERN_ERR_INTERNAL && status != TERN_ERR_OUT_OF_MEMORY, "%s: session -> %s", what,
           tern_status_string(status));
  }
  tern_model_free(model);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  const long positions = argc > 2 ? atol(argv[2]) : 2000;
  const int values_per_position = argc > 3 ? atoi(argv[3]) : 5;
  uint64_t seed = argc > 4 ? (uint64_t)atoll(argv[4]) : 1;
  size_t size = 0;
  uint8_t *file = read_file_aligned(argv[1], &size);
  if (file == NULL) {
    fprintf(stderr, "skip: %s missing\n", argv[1]);
    return TEST_SKIP;
  }
  const size_t capacity = (size + 64) / 64 * 64;
  char what[128];

  /* Every truncation length, size - 1 down to 0. Going down, everything past the current length is already
   * poisoned, so each step poisons one more byte (up to its granule's end): linear, not quadratic. */
  POISON(file + size, capacity - size);
  for (size_t length = size; length-- > 0;) {
    POISON(file + length, (length | 7) + 1 - length);
    snprintf(what, sizeof what, "truncated to %zu", length);
    tern_model *model = NULL;
    tern_status status = tern_model_load_from_memory(file, length, NULL, &model);
    EXPECT(status == TERN_ERR_TRUNCATED || status == TERN_ERR_BAD_IDENTIFIER, "%s: %s (%s)", what,
           tern_status_string(status), tern_last_load_error());
    tern_model_free(model);
  }
  UNPOISON(file, capacity);
  const long truncations = (long)size;

  /* Single-byte changes: sampled positions (half inside the FlatBuffer, where structure lives), several
   * values each: a bit flip, 0, 0xFF, and +-1. */
  uint32_t flatbuffer_end;
  memcpy(&flatbuffer_end, file, 4);
  flatbuffer_end += 4;
  if (flatbuffer_end > size) flatbuffer_end = (uint32_t)size;
  POISON(file + size, capacity - size);
  for (long i = 0; i < positions; i++) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    const size_t limit = (i & 1) ? size : flatbuffer_end;
    const size_t position = (size_t)((seed >> 33) % limit);
    const uint8_t original = file[position];
    const uint8_t values[5] = {(uint8_t)(original ^ (1u << ((seed >> 20) & 7))), 0x00, 0xFF, (uint8_t)(original + 1),
                               (uint8_t)(original - 1)};
    for (int v = 0; v < values_per_position && v < 5; v++) {
      if (values[v] == original) continue;
      file[position] = values[v];
      snprintf(what, sizeof what, "byte %zu: %02x -> %02x", position, original, values[v]);
      load_and_run(file, size, what);
    }
    file[position] = original;
  }
  printf("%ld truncations rejected; %ld positions x up to %d values: %ld loaded and ran, %ld rejected\n",
         truncations, positions, values_per_position, loaded_count, rejected_count);
  for (int s = 0; s < 32; s++)
    if (status_counts[s]) printf("  %-60s %ld\n", tern_status_string((tern_status)s), status_counts[s]);
  UNPOISON(file, capacity);
  free(file);
  return test_report("mutated_model");
}
