/* utf8_check.h — strict UTF-8 validation for strings read from a model file (internal). */
#ifndef TERN_FORMAT_UTF8_CHECK_H
#define TERN_FORMAT_UTF8_CHECK_H

#include <stddef.h>

/* 1 when text[0, len) is well-formed UTF-8 (no overlong forms, surrogates or code points > U+10FFFF). */
int tern_utf8_is_valid(const char *text, size_t len);

#endif /* TERN_FORMAT_UTF8_CHECK_H */
