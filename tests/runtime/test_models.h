/* test_models.h — for the runtime tests that run over the converted test models (models/make_test_models.sh
 * writes them into <build>/models): load DIR/NAME or say why it is skipped, and read a model's info. */
#ifndef TERN_TEST_MODELS_H
#define TERN_TEST_MODELS_H

#include <stdio.h>
#include <string.h>

#include "tern.h"

/* DIR/NAME loaded, or NULL after a "skip:" line on stderr naming the file and the loader's reason (a model
 * the recipe did not make is skipped, not failed). */
static inline tern_model *test_model_load(const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  tern_model *model = NULL;
  if (tern_model_load(path, NULL, &model) != TERN_OK) {
    fprintf(stderr, "skip: %s (%s)\n", path, tern_last_load_error());
    return NULL;
  }
  return model;
}

/* tern_model_get_info with the struct prepared; 1 when it succeeded. */
static inline int test_model_info(const tern_model *model, tern_model_info *info) {
  memset(info, 0, sizeof *info);
  info->struct_size = sizeof *info;
  return tern_model_get_info(model, info) == TERN_OK;
}

#endif /* TERN_TEST_MODELS_H */
