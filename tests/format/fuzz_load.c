/* fuzz_load.c — libFuzzer target: any bytes given to tern_model_load_from_memory must produce a status,
 * never a crash or an out-of-bounds read. Build with clang -DTERN_FUZZ=ON (add -DTERN_SANITIZE=address,undefined);
 * seed with tests/format/broken/ (make_broken_models.py) and converted models. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tern.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* The loader requires a 64-byte aligned weight segment; give it an aligned copy of exactly size bytes. */
  uint8_t *copy = aligned_alloc(64, (size + 64) / 64 * 64);
  if (copy == NULL) return 0;
  memcpy(copy, data, size);
  tern_model *model = NULL;
  if (tern_model_load_from_memory(copy, size, NULL, &model) == TERN_OK) tern_model_free(model);
  free(copy);
  return 0;
}
