/* tern.h — the public API of libtern, a small inference runtime for Transformer encoders.
 *
 * Ownership: every *_create / *_load has a matching *_free. A tern_model is immutable after load and may
 * be shared by any number of threads; a tern_session belongs to one thread at a time (using one session
 * from two threads at once is undefined behaviour: give each thread its own session).
 * Every fallible call returns a tern_status and writes results through out-parameters; the library never
 * aborts, exits or prints. A human message for the last failure is tern_session_last_error() or, for
 * load, the message buffer in tern_model_options / tern_last_load_error().
 */
#ifndef TERN_H
#define TERN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define TERN_API __declspec(dllexport)
#else
#define TERN_API __attribute__((visibility("default")))
#endif

#define TERN_VERSION_MAJOR 0
#define TERN_VERSION_MINOR 1
#define TERN_VERSION_PATCH 0

typedef enum tern_status {
  TERN_OK = 0,
  TERN_ERR_INVALID_ARGUMENT = 1,  /* NULL pointer, zero count, bad option value */
  TERN_ERR_IO = 2,                /* file cannot be opened, read or mapped */
  TERN_ERR_OUT_OF_MEMORY = 3,
  TERN_ERR_BAD_IDENTIFIER = 4,    /* not a .tern file */
  TERN_ERR_UNSUPPORTED_VERSION = 5,
  TERN_ERR_TRUNCATED = 6,         /* a record or tensor runs past the end of the buffer */
  TERN_ERR_MALFORMED = 7,         /* FlatBuffer structure invalid: offsets, vtables, strings, depth */
  TERN_ERR_BAD_TENSOR = 8,        /* dtype/layout/shape/length/alignment/offset inconsistent */
  TERN_ERR_BAD_SCALE = 9,         /* quantization scales: wrong count, 0, negative, NaN, Inf */
  TERN_ERR_BAD_INDEX = 10,        /* tensor, schedule, weight-set, token or label index out of range */
  TERN_ERR_BAD_HYPERPARAMETER = 11, /* inconsistent dimensions (heads do not divide hidden size, ...) */
  TERN_ERR_BAD_TOKENIZER = 12,    /* vocabulary invalid: bad UTF-8, empty/duplicate pieces, bad charsmap */
  TERN_ERR_BUFFER_TOO_SMALL = 13, /* output capacity too small; the needed size was written back */
  TERN_ERR_TOO_LONG = 14,         /* input longer than the session allows */
  TERN_ERR_NO_HEAD = 15,          /* classify on a model without a classification head */
  TERN_ERR_SELFTEST_FAILED = 16,
  TERN_ERR_INTERNAL = 17
} tern_status;

TERN_API const char *tern_status_string(tern_status status);
TERN_API const char *tern_version_string(void);

typedef struct tern_model tern_model;
typedef struct tern_session tern_session;

/* Options: always start from tern_*_default_options() so fields added later get their defaults. */
typedef struct tern_model_options {
  uint32_t struct_size;       /* sizeof(tern_model_options); set by the default constructor */
  int use_mmap;               /* 1 (default): map the file read-only; 0: read it into memory */
  char *error_message;        /* optional: receives a NUL-terminated message on failure */
  size_t error_message_size;
} tern_model_options;

TERN_API tern_model_options tern_model_default_options(void);

TERN_API tern_status tern_model_load(const char *path, const tern_model_options *options, tern_model **out_model);
/* The buffer must stay valid and unchanged until tern_model_free; it is used in place (no copy). The
 * weight segment needs 64-byte alignment for full speed; a misaligned buffer is rejected. */
TERN_API tern_status tern_model_load_from_memory(const void *data, size_t size, const tern_model_options *options,
                                                 tern_model **out_model);
TERN_API void tern_model_free(tern_model *model);

#ifdef __cplusplus
}
#endif

#endif /* TERN_H */
