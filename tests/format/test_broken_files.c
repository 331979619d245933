/* test_broken_files.c — the loader rejects every deliberately broken file with the expected status.
 *
 *   test_broken_files BROKEN_DIR [MODELS_DIR]
 *
 * BROKEN_DIR is written by make_broken_models.py (valid.tern + one file per hostile-input class +
 * manifest.txt). Besides the manifest, this truncates valid.tern at every byte of its FlatBuffer and at
 * every 1/64 of the file, and flips every bit of its FlatBuffer (any status is fine there; the point is no
 * crash or out-of-bounds read under ASan). Real converted models in MODELS_DIR, when present, must load, and
 * their truncations at every 1/64 must fail with TERN_ERR_TRUNCATED. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern.h"

static int failures;

#define STATUS_NAME(x) {#x, x}
static const struct {
  const char *name;
  tern_status status;
} status_names[] = {
  STATUS_NAME(TERN_OK), STATUS_NAME(TERN_ERR_INVALID_ARGUMENT), STATUS_NAME(TERN_ERR_IO),
  STATUS_NAME(TERN_ERR_OUT_OF_MEMORY), STATUS_NAME(TERN_ERR_BAD_IDENTIFIER), STATUS_NAME(TERN_ERR_UNSUPPORTED_VERSION),
  STATUS_NAME(TERN_ERR_TRUNCATED), STATUS_NAME(TERN_ERR_MALFORMED), STATUS_NAME(TERN_ERR_BAD_TENSOR),
  STATUS_NAME(TERN_ERR_BAD_SCALE), STATUS_NAME(TERN_ERR_BAD_INDEX), STATUS_NAME(TERN_ERR_BAD_HYPERPARAMETER),
  STATUS_NAME(TERN_ERR_BAD_TOKENIZER),
};

static int status_from_name(const char *name, tern_status *out) {
  for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
    if (strcmp(status_names[i].name, name) == 0) {
      *out = status_names[i].status;
      return 1;
    }
  return 0;
}

static unsigned char *read_file_aligned(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *buffer = aligned_alloc(64, ((size_t)n + 64) / 64 * 64);
  if (buffer != NULL && fread(buffer, 1, (size_t)n, f) != (size_t)n) {
    free(buffer);
    buffer = NULL;
  }
  fclose(f);
  *size = (size_t)n;
  return buffer;
}

/* Loads from a private copy of exactly `size` bytes so ASan sees any read past the end. */
static tern_status load_copy(const unsigned char *data, size_t size, char *err, size_t err_size) {
  unsigned char *copy = aligned_alloc(64, size / 64 * 64 + 64);
  if (copy == NULL) return TERN_ERR_OUT_OF_MEMORY;
  memcpy(copy, data, size);
  tern_model_options options = tern_model_default_options();
  options.error_message = err;
  options.error_message_size = err_size;
  tern_model *model = NULL;
  tern_status status = tern_model_load_from_memory(copy, size, &options, &model);
  if ((status == TERN_OK) != (model != NULL)) {
    fprintf(stderr, "FAIL: status %d but model %p\n", status, (void *)model);
    failures++;
  }
  tern_model_free(model);
  free(copy);
  return status;
}

static void check_manifest(const char *dir) {
  char path[4096], name[256], expected_name[64];
  snprintf(path, sizeof path, "%s/manifest.txt", dir);
  FILE *manifest = fopen(path, "r");
  if (manifest == NULL) {
    fprintf(stderr, "FAIL: cannot open %s\n", path);
    failures++;
    return;
  }
  int count = 0;
  while (fscanf(manifest, "%255s %63s", name, expected_name) == 2) {
    tern_status expected;
    if (!status_from_name(expected_name, &expected)) {
      fprintf(stderr, "FAIL: %s: unknown status %s in the manifest\n", name, expected_name);
      failures++;
      continue;
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    for (int use_mmap = 0; use_mmap <= 1; use_mmap++) {
      char err[512] = "";
      tern_model_options options = tern_model_default_options();
      options.use_mmap = use_mmap;
      options.error_message = err;
      options.error_message_size = sizeof err;
      tern_model *model = NULL;
      tern_status status = tern_model_load(path, &options, &model);
      if (status != expected || model != NULL || err[0] == 0 || strcmp(err, tern_last_load_error()) != 0) {
        fprintf(stderr, "FAIL: %s (mmap %d): got %s (%s), expected %s\n", name, use_mmap, tern_status_string(status),
                err, expected_name);
        failures++;
      } else if (use_mmap) {
        printf("ok %-36s %s\n", name, err);
      }
      tern_model_free(model);
    }
    count++;
  }
  fclose(manifest);
  if (count < 50) {
    fprintf(stderr, "FAIL: only %d cases in the manifest\n", count);
    failures++;
  }
}

static void check_truncations(const char *path, int every_header_byte, int flip_bits) {
  size_t size;
  unsigned char *data = read_file_aligned(path, &size);
  char err[512];
  if (data == NULL) {
    fprintf(stderr, "FAIL: cannot read %s\n", path);
    failures++;
    return;
  }
  if (load_copy(data, size, err, sizeof err) != TERN_OK) {
    fprintf(stderr, "FAIL: %s does not load: %s\n", path, err);
    failures++;
  }
  size_t header_end = size >= 4 ? 4u + (size_t)(data[0] | data[1] << 8 | data[2] << 16 | (size_t)data[3] << 24) : 0;
  if (header_end > size) header_end = size;
  size_t cuts = 0;
  for (size_t i = 0; i < 64; i++) {
    size_t cut = size * i / 64;
    tern_status status = load_copy(data, cut, err, sizeof err);
    cuts++;
    if (status != TERN_ERR_TRUNCATED) {
      fprintf(stderr, "FAIL: %s cut at %zu of %zu: %s (%s)\n", path, cut, size, tern_status_string(status), err);
      failures++;
    }
  }
  if (every_header_byte) {
    for (size_t cut = 0; cut < header_end + 64 && cut < size; cut++, cuts++) {
      tern_status status = load_copy(data, cut, err, sizeof err);
      if (status != TERN_ERR_TRUNCATED) {
        fprintf(stderr, "FAIL: %s cut at %zu: %s (%s)\n", path, cut, tern_status_string(status), err);
        failures++;
      }
    }
  }
  size_t flips = 0, rejected = 0;
  if (flip_bits) {
    for (size_t byte = 0; byte < header_end; byte++)
      for (int bit = 0; bit < 8; bit++, flips++) {
        data[byte] ^= (unsigned char)(1u << bit);
        if (load_copy(data, size, err, sizeof err) != TERN_OK) rejected++;
        data[byte] ^= (unsigned char)(1u << bit);
      }
  }
  printf("%s: %zu truncations rejected; %zu of %zu single-bit flips in the FlatBuffer rejected\n", path, cuts, rejected,
         flips);
  free(data);
}

static void check_api_arguments(const char *valid_path) {
  tern_model *model = (tern_model *)&failures; /* must be reset to NULL on failure */
  if (tern_model_load(NULL, NULL, &model) != TERN_ERR_INVALID_ARGUMENT || model != NULL) {
    fprintf(stderr, "FAIL: NULL path\n");
    failures++;
  }
  if (tern_model_load(valid_path, NULL, NULL) != TERN_ERR_INVALID_ARGUMENT) {
    fprintf(stderr, "FAIL: NULL out_model\n");
    failures++;
  }
  if (tern_model_load("/nonexistent/model.tern", NULL, &model) != TERN_ERR_IO) {
    fprintf(stderr, "FAIL: missing file is not TERN_ERR_IO\n");
    failures++;
  }
  if (tern_model_load_from_memory(NULL, 100, NULL, &model) != TERN_ERR_INVALID_ARGUMENT) {
    fprintf(stderr, "FAIL: NULL data\n");
    failures++;
  }
  /* A misaligned copy of a valid file: the weight segment is not 64-byte aligned. */
  size_t size;
  unsigned char *data = read_file_aligned(valid_path, &size);
  unsigned char *shifted = aligned_alloc(64, size / 64 * 64 + 128);
  if (data != NULL && shifted != NULL) {
    memcpy(shifted + 4, data, size);
    tern_status status = tern_model_load_from_memory(shifted + 4, size, NULL, &model);
    if (status != TERN_ERR_INVALID_ARGUMENT || strstr(tern_last_load_error(), "aligned") == NULL) {
      fprintf(stderr, "FAIL: misaligned buffer: %s (%s)\n", tern_status_string(status), tern_last_load_error());
      failures++;
    }
  }
  free(shifted);
  free(data);
  tern_model_free(NULL);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s BROKEN_DIR [MODELS_DIR]\n", argv[0]);
    return 2;
  }
  char valid[4096];
  snprintf(valid, sizeof valid, "%s/valid.tern", argv[1]);
  check_manifest(argv[1]);
  check_truncations(valid, 1, 1);
  check_api_arguments(valid);
  if (argc > 2) {
    static const char *const models[] = {"minilm-int8.tern", "albert-tiny-groups-int8.tern", "bert-tiny-cls-int8.tern",
                                         "albert-tiny-int8.tern", "bert-tiny-ner-int8.tern"};
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", argv[2], models[i]);
      FILE *f = fopen(path, "rb");
      if (f == NULL) {
        printf("skip %s (not converted)\n", path);
        continue;
      }
      fclose(f);
      check_truncations(path, 0, 0);
    }
  }
  if (failures) {
    fprintf(stderr, "%d failures\n", failures);
    return 1;
  }
  printf("all ok\n");
  return 0;
}
