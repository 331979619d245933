/* The self-test vectors the converter stores (from its NumPy reference, which simulates the runtime's int8
 * arithmetic) must be reproduced by the C runtime: tern_model_selftest passes and its worst cosine reaches
 * the bound given on the command line (much tighter than the file's own 0.99 threshold, so a drift between
 * the Python reference and the C kernels shows up here). */
#include <stdio.h>
#include <stdlib.h>

#include "tern.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s MODEL.tern MIN_COSINE\n", argv[0]);
    return 2;
  }
  FILE *probe = fopen(argv[1], "rb");
  if (probe == NULL) {
    printf("SKIP: %s not found (run models/make_test_models.sh)\n", argv[1]);
    return 77;
  }
  fclose(probe);
  const float min_cosine = strtof(argv[2], NULL);
  char err[512] = "";
  tern_model_options options = tern_model_default_options();
  options.error_message = err;
  options.error_message_size = sizeof err;
  tern_model *model = NULL;
  tern_status status = tern_model_load(argv[1], &options, &model);
  if (status != TERN_OK) {
    fprintf(stderr, "FAIL: load %s: %s: %s\n", argv[1], tern_status_string(status), err);
    return 1;
  }
  float worst = -2.0f;
  status = tern_model_selftest(model, &worst);
  tern_model_free(model);
  if (status != TERN_OK || !(worst >= min_cosine)) {
    fprintf(stderr, "FAIL: %s: self-test %s, worst cosine %.7f (need >= %.7f)\n", argv[1], tern_status_string(status),
            worst, min_cosine);
    return 1;
  }
  printf("ok: %s self-test worst cosine %.7f\n", argv[1], worst);
  return 0;
}
