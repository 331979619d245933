/* utf8_check.c — strict UTF-8 validation (Unicode Table 3-7, well-formed byte sequences). */
#include "format/utf8_check.h"

#include <stdint.h>

int tern_utf8_is_valid(const char *text, size_t len) {
  const uint8_t *s = (const uint8_t *)text;
  size_t i = 0;
  while (i < len) {
    uint8_t c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t n;
    uint8_t lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0) lo = 0xA0;       /* no overlong */
      if (c == 0xED) hi = 0x9F;       /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0) lo = 0x90;       /* no overlong */
      if (c == 0xF4) hi = 0x8F;       /* <= U+10FFFF */
    } else {
      return 0;
    }
    if (len - i < n) return 0;
    if (s[i + 1] < lo || s[i + 1] > hi) return 0;
    for (size_t k = 2; k < n; k++)
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return 0;
    i += n;
  }
  return 1;
}
