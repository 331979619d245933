/* utf8.c — out-of-line helpers over utf8.h's inline decoder. */
#include "tokenizer/utf8.h"

size_t tern_utf8_count(const char *text, size_t len) {
  const uint8_t *bytes = (const uint8_t *)text;
  size_t pos = 0, count = 0;
  while (pos < len) {
    (void)tern_utf8_decode(bytes, len, &pos);
    count++;
  }
  return count;
}
