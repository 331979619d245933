/* tokenizer.h — the tokenizers inside libtern (internal).
 *
 * A tokenizer is built once at model load from the verified tern_tokenizer_spec (model.h) and is then
 * immutable and shared by all sessions. Encoding never allocates: the caller (a session) passes a scratch
 * buffer sized at session creation with tern_tokenizer_scratch_size().
 *
 * Text handling common to both kinds: input is UTF-8 with an explicit length (embedded NULs are ordinary
 * characters, treated as the Python reference treats "\x00"); each maximal invalid UTF-8 subsequence is
 * replaced by U+FFFD, exactly as Python's bytes.decode("utf-8", errors="replace") does, before the
 * tokenizer's own rules apply.
 */
#ifndef TERN_TOKENIZER_H
#define TERN_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

typedef struct tern_tokenizer tern_tokenizer;

/* Builds lookup structures (hash tables) from the spec, reading its pieces, scores, types and charsmap in
 * place: those arrays must outlive the tokenizer (the model's do). err receives a message on failure. */
tern_status tern_tokenizer_create(const tern_tokenizer_spec *spec, tern_tokenizer **out, char *err, size_t err_size);
void tern_tokenizer_free(tern_tokenizer *tokenizer);

/* Scratch bytes that tern_tokenizer_encode_segment needs for any text of up to max_text_bytes bytes. */
size_t tern_tokenizer_scratch_size(const tern_tokenizer *tokenizer, size_t max_text_bytes);

/* Tokenizes one text segment WITHOUT special tokens and without truncation.
 * Writes min(total, cap) ids to ids[] and the total number of ids the whole text produces to *n_total
 * (so a caller can learn the needed size). Returns TERN_ERR_TOO_LONG if the text needs more scratch than
 * given (see tern_tokenizer_scratch_size), TERN_ERR_INVALID_ARGUMENT on NULL pointers. */
tern_status tern_tokenizer_encode_segment(const tern_tokenizer *tokenizer, const char *text, size_t text_len,
                                          void *scratch, size_t scratch_size, int32_t *ids, size_t cap,
                                          size_t *n_total);

/* Model inputs for one text (pair_text NULL) or a pair: [CLS] a [SEP] (b [SEP]), truncated to max_length
 * (0 = the tokenizer's max_length) with the "longest_first" strategy of Hugging Face tokenizers.
 * ids / type_ids receive *n_out tokens (type_ids may be NULL); cap must be >= max_length. */
tern_status tern_tokenizer_encode(const tern_tokenizer *tokenizer, const char *text, size_t text_len,
                                  const char *pair_text, size_t pair_len, size_t max_length, void *scratch,
                                  size_t scratch_size, int32_t *ids, int32_t *type_ids, size_t cap, size_t *n_out);

#endif /* TERN_TOKENIZER_H */
