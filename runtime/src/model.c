/* model.c — loading a .tern file: map (or read) it, verify it, build the view and the tokenizer.
 * Nothing in the file is read before format/model_view.c has verified the FlatBuffer around it. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allocator.h"
#include "format/model_view.h"
#include "model.h"
#include "tokenizer/tokenizer.h"

#define TERN_BUFFER_ALIGNMENT 64u
#define TERN_LOAD_ERROR_SIZE 512u

static _Thread_local char last_load_error[TERN_LOAD_ERROR_SIZE];

const char *tern_last_load_error(void) { return last_load_error; }

tern_model_options tern_model_default_options(void) {
  tern_model_options options;
  memset(&options, 0, sizeof options);
  options.struct_size = (uint32_t)sizeof options;
  options.use_mmap = 1;
  return options;
}

/* Copies the thread's message to the caller's buffer, if any. */
static tern_status finish(tern_status status, const tern_model_options *options) {
  if (status == TERN_OK) last_load_error[0] = 0;
  if (options != NULL && options->error_message != NULL && options->error_message_size > 0)
    snprintf(options->error_message, options->error_message_size, "%s", status == TERN_OK ? "" : last_load_error);
  return status;
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 2, 3)))
#endif
static tern_status load_error(tern_status status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(last_load_error, sizeof last_load_error, format, args);
  va_end(args);
  return status;
}

static int options_valid(const tern_model_options *options) {
  return options == NULL || options->struct_size >= offsetof(tern_model_options, error_message_size) + sizeof(size_t);
}

/* The allocator the options name (fields a shorter, older struct lacks count as NULL), or NULL when it is
 * present but incomplete. */
static const tern_allocator *options_allocator(const tern_model_options *options) {
  if (options == NULL || options->struct_size < offsetof(tern_model_options, allocator) + sizeof options->allocator ||
      options->allocator == NULL)
    return &tern_libc_allocator;
  return tern_allocator_is_valid(options->allocator) ? options->allocator : NULL;
}

/* The model record itself comes from the allocator and keeps a copy of it for everything after. */
static tern_model *new_model(const tern_allocator *allocator) {
  tern_model *model = tern_allocate_zeroed(allocator, 1, sizeof *model);
  if (model != NULL) model->allocator = *allocator;
  return model;
}

static void delete_model(tern_model *model) {
  tern_allocator allocator = model->allocator;
  tern_deallocate(&allocator, model);
}

static void release_storage(tern_model *model) {
  if (model->file == NULL) return;
  if (model->mapped)
    munmap((void *)model->file, model->file_size);
  else if (model->owns_buffer)
    tern_aligned_deallocate(&model->allocator, (void *)model->file);
  model->file = NULL;
}

/* Takes ownership of model (and its storage): frees both on failure. */
static tern_status build_model(tern_model *model, tern_model **out_model) {
  char message[TERN_LOAD_ERROR_SIZE];
  message[0] = 0;
  tern_status status = tern_model_view_build(model, message, sizeof message);
  if (status == TERN_OK && model->tokenizer_spec.vocab_size > 0) {
    model->tokenizer_spec.allocator = &model->allocator;
    status = tern_tokenizer_create(&model->tokenizer_spec, &model->tokenizer, message, sizeof message);
    if (status != TERN_OK) tern_model_view_release(model);
  }
  if (status != TERN_OK) {
    load_error(status, "%s", message[0] ? message : tern_status_string(status));
    release_storage(model);
    delete_model(model);
    return status;
  }
  *out_model = model;
  return TERN_OK;
}

tern_status tern_model_load_from_memory(const void *data, size_t size, const tern_model_options *options,
                                        tern_model **out_model) {
  if (out_model == NULL) return finish(load_error(TERN_ERR_INVALID_ARGUMENT, "out_model is NULL"), options);
  *out_model = NULL;
  if (!options_valid(options))
    return finish(load_error(TERN_ERR_INVALID_ARGUMENT, "options: struct_size %u too small",
                             options->struct_size), options);
  if (data == NULL) return finish(load_error(TERN_ERR_INVALID_ARGUMENT, "data is NULL"), options);
  const tern_allocator *allocator = options_allocator(options);
  if (allocator == NULL)
    return finish(load_error(TERN_ERR_INVALID_ARGUMENT, "options.allocator: a function pointer is NULL"), options);
  tern_model *model = new_model(allocator);
  if (model == NULL) return finish(load_error(TERN_ERR_OUT_OF_MEMORY, "out of memory"), options);
  model->file = data;
  model->file_size = size;
  return finish(build_model(model, out_model), options);
}

static tern_status read_whole_file(const tern_allocator *allocator, int fd, size_t size, uint8_t **out,
                                   const char *path) {
  /* 64-byte aligned so the weight segment (at a multiple of 64 in the file) is aligned in memory. */
  uint8_t *buffer = tern_aligned_allocate(allocator, TERN_BUFFER_ALIGNMENT, size);
  if (buffer == NULL) return load_error(TERN_ERR_OUT_OF_MEMORY, "%s: out of memory for %zu bytes", path, size);
  size_t done = 0;
  while (done < size) {
    ssize_t n = read(fd, buffer + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      tern_aligned_deallocate(allocator, buffer);
      return load_error(TERN_ERR_IO, "%s: read failed after %zu of %zu bytes: %s", path, done, size,
                        n < 0 ? strerror(errno) : "unexpected end of file");
    }
    done += (size_t)n;
  }
  *out = buffer;
  return TERN_OK;
}

tern_status tern_model_load(const char *path, const tern_model_options *options, tern_model **out_model) {
  if (out_model == NULL) return finish(load_error(TERN_ERR_INVALID_ARGUMENT, "out_model is NULL"), options);
  *out_model = NULL;
  if (path == NULL) return finish(load_error(TERN_ERR_INVALID_ARGUMENT, "path is NULL"), options);
  if (!options_valid(options))
    return finish(load_error(TERN_ERR_INVALID_ARGUMENT, "options: struct_size %u too small", options->struct_size),
                  options);
  int use_mmap = options == NULL || options->use_mmap;
  const tern_allocator *allocator = options_allocator(options);
  if (allocator == NULL)
    return finish(load_error(TERN_ERR_INVALID_ARGUMENT, "options.allocator: a function pointer is NULL"), options);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return finish(load_error(TERN_ERR_IO, "%s: cannot open: %s", path, strerror(errno)), options);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    tern_status s = load_error(TERN_ERR_IO, "%s: cannot stat: %s", path, strerror(errno));
    close(fd);
    return finish(s, options);
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return finish(load_error(TERN_ERR_IO, "%s: not a regular file", path), options);
  }
  if (st.st_size < 12) {
    close(fd);
    return finish(load_error(TERN_ERR_TRUNCATED, "%s: %lld bytes, too short for a .tern file", path,
                             (long long)st.st_size), options);
  }
  if ((uint64_t)st.st_size > (uint64_t)SIZE_MAX) {
    close(fd);
    return finish(load_error(TERN_ERR_IO, "%s: too large to map", path), options);
  }
  size_t size = (size_t)st.st_size;
  tern_model *model = new_model(allocator);
  if (model == NULL) {
    close(fd);
    return finish(load_error(TERN_ERR_OUT_OF_MEMORY, "out of memory"), options);
  }
  if (use_mmap) {
    void *mapped = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapped == MAP_FAILED) {
      tern_status s = load_error(TERN_ERR_IO, "%s: mmap of %zu bytes failed: %s", path, size, strerror(errno));
      close(fd);
      delete_model(model);
      return finish(s, options);
    }
    model->file = mapped;
    model->mapped = 1;
  } else {
    uint8_t *buffer = NULL;
    tern_status s = read_whole_file(allocator, fd, size, &buffer, path);
    if (s != TERN_OK) {
      close(fd);
      delete_model(model);
      return finish(s, options);
    }
    model->file = buffer;
    model->owns_buffer = 1;
  }
  close(fd); /* a mapping stays valid after close */
  model->file_size = size;
  tern_status status = build_model(model, out_model);
  if (status != TERN_OK) {
    /* Prefix the path so a message from a batch of loads says which file. */
    char message[TERN_LOAD_ERROR_SIZE];
    snprintf(message, sizeof message, "%s", last_load_error);
    load_error(status, "%s: %s", path, message);
  }
  return finish(status, options);
}

void tern_model_free(tern_model *model) {
  if (model == NULL) return;
  tern_tokenizer_free(model->tokenizer);
  tern_model_view_release(model);
  release_storage(model);
  delete_model(model);
}
