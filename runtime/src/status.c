/* status.c — names of status codes and the library version. */
#include "tern.h"

#define TERN_STRINGIFY_(x) #x
#define TERN_STRINGIFY(x) TERN_STRINGIFY_(x)

const char *tern_status_string(tern_status status) {
  switch (status) {
    case TERN_OK: return "ok";
    case TERN_ERR_INVALID_ARGUMENT: return "invalid argument";
    case TERN_ERR_IO: return "I/O error";
    case TERN_ERR_OUT_OF_MEMORY: return "out of memory";
    case TERN_ERR_BAD_IDENTIFIER: return "not a .tern file (bad identifier)";
    case TERN_ERR_UNSUPPORTED_VERSION: return "unsupported format version";
    case TERN_ERR_TRUNCATED: return "truncated: a record or tensor runs past the end of the buffer";
    case TERN_ERR_MALFORMED: return "malformed file structure";
    case TERN_ERR_BAD_TENSOR: return "inconsistent tensor record";
    case TERN_ERR_BAD_SCALE: return "invalid quantization scales";
    case TERN_ERR_BAD_INDEX: return "index out of range";
    case TERN_ERR_BAD_HYPERPARAMETER: return "inconsistent hyper-parameters";
    case TERN_ERR_BAD_TOKENIZER: return "invalid tokenizer vocabulary";
    case TERN_ERR_BUFFER_TOO_SMALL: return "output buffer too small";
    case TERN_ERR_TOO_LONG: return "input too long";
    case TERN_ERR_NO_HEAD: return "model has no classification head";
    case TERN_ERR_SELFTEST_FAILED: return "self-test failed";
    case TERN_ERR_INTERNAL: return "internal error";
    case TERN_ERR_SESSION_BUSY: return "session busy: in use by another thread";
  }
  return "unknown status";
}

const char *tern_version_string(void) {
  return TERN_STRINGIFY(TERN_VERSION_MAJOR) "." TERN_STRINGIFY(TERN_VERSION_MINOR) "." TERN_STRINGIFY(
      TERN_VERSION_PATCH);
}
