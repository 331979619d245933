/* sentencepiece_albert.h — AlbertTokenizer.preprocess_text (internal; see sentencepiece.h, step 2). */
#ifndef TERN_TOKENIZER_SENTENCEPIECE_ALBERT_H
#define TERN_TOKENIZER_SENTENCEPIECE_ALBERT_H

#include <stddef.h>
#include <stdint.h>

#include "tern.h"

typedef struct tern_albert_options {
  int remove_space, keep_accents, do_lower_case;
} tern_albert_options;

/* Bytes of output per input byte in the worst case, for sizing (decoding + decomposition + lowering). */
size_t tern_albert_max_ratio(const tern_albert_options *options);

/* Decodes text (invalid UTF-8 -> U+FFFD like Python) and applies the pre-steps. The result is valid UTF-8
 * in out[0..*out_len). work (work_cap bytes) holds the intermediate string when lowering is on.
 * TERN_ERR_TOO_LONG when out_cap or work_cap is too small. Never allocates. */
tern_status tern_albert_preprocess(const tern_albert_options *options, const uint8_t *text, size_t text_len,
                                   uint8_t *work, size_t work_cap, uint8_t *out, size_t out_cap, size_t *out_len);

#endif /* TERN_TOKENIZER_SENTENCEPIECE_ALBERT_H */
