/* utf8.h — UTF-8 decoding shared by the tokenizers (internal).
 *
 * Invalid input never stops a tokenizer: each maximal invalid subsequence (the longest prefix of a
 * well-formed sequence, or a single byte that cannot start one) becomes one U+FFFD, exactly as Python's
 * bytes.decode("utf-8", errors="replace") does (Unicode 15, section 3.9, "U+FFFD substitution of maximal
 * subparts"). Surrogates (ED A0..BF ..) and overlongs (C0, C1, E0 80..9F, F0 80..8F) are invalid.
 */
#ifndef TERN_TOKENIZER_UTF8_H
#define TERN_TOKENIZER_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define TERN_UTF8_REPLACEMENT 0xFFFDu

/* Decodes the code point at text[*pos] (requires *pos < len) and advances *pos past it, or past the
 * maximal invalid subsequence that starts there (returning U+FFFD). Never reads text[len] or beyond. */
static inline uint32_t tern_utf8_decode(const uint8_t *text, size_t len, size_t *pos) {
  size_t i = *pos;
  uint32_t b0 = text[i];
  if (b0 < 0x80) {
    *pos = i + 1;
    return b0;
  }
  uint32_t need, cp, lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;       /* overlong */
    else if (b0 == 0xED) hi = 0x9F;  /* surrogates */
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;       /* overlong */
    else if (b0 == 0xF4) hi = 0x8F;  /* > U+10FFFF */
  } else {
    *pos = i + 1;  /* 80..BF (stray continuation), C0, C1, F5..FF */
    return TERN_UTF8_REPLACEMENT;
  }
  i++;
  for (uint32_t k = 0; k < need; k++, i++) {
    if (i >= len) {
      *pos = i;
      return TERN_UTF8_REPLACEMENT;
    }
    uint32_t b = text[i];
    if (b < lo || b > hi) {
      *pos = i;  /* the offending byte starts the next sequence */
      return TERN_UTF8_REPLACEMENT;
    }
    lo = 0x80;
    hi = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
  }
  *pos = i;
  return cp;
}

/* Writes the UTF-8 form of cp (a scalar value) to out and returns its length (1..4). */
static inline size_t tern_utf8_encode(uint32_t cp, uint8_t out[4]) {
  if (cp < 0x80) {
    out[0] = (uint8_t)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (uint8_t)(0xC0 | (cp >> 6));
    out[1] = (uint8_t)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (uint8_t)(0xE0 | (cp >> 12));
    out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (uint8_t)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (uint8_t)(0xF0 | (cp >> 18));
  out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (uint8_t)(0x80 | (cp & 0x3F));
  return 4;
}

/* Feeds one more byte of a candidate string: 0 once the bytes so far cannot begin any valid UTF-8 string
 * (so no valid piece has them as a prefix), else 1 with *pending = continuation bytes its last character
 * still needs (0: the candidate ends at a character boundary, the only place a valid piece can end).
 * Structural only (overlongs and surrogates pass): a necessary condition, which is all a lookup needs. */
static inline int tern_utf8_extend(unsigned *pending, uint8_t byte) {
  if ((byte & 0xC0) == 0x80) {
    if (*pending == 0) return 0;
    (*pending)--;
    return 1;
  }
  if (*pending != 0) return 0;
  if (byte < 0x80) return 1;
  if (byte < 0xC2 || byte > 0xF4) return 0;
  *pending = byte >= 0xF0 ? 3u : byte >= 0xE0 ? 2u : 1u;
  return 1;
}

/* Number of code points text decodes to (with U+FFFD substitution). */
size_t tern_utf8_count(const char *text, size_t len);

#endif /* TERN_TOKENIZER_UTF8_H */
