/* wordpiece.h — the WordPiece tokenizer of BERT-family models (internal).
 *
 * Semantics are those of Hugging Face tokenizers' BertTokenizerFast pipeline (tokenizer.json):
 *   added tokens   the special pieces ([UNK] [CLS] [SEP] [PAD] [MASK]) written literally in the raw text
 *                  are matched first (leftmost-longest, not normalized) and map to their ids;
 *   BertNormalizer clean_text (drop U+0000, U+FFFD and "other" characters, whitespace -> ' '),
 *                  spaces around CJK ideographs, strip_accents (NFD, drop marks), lowercase (per char);
 *   BertPreTokenizer split on whitespace, isolate punctuation;
 *   WordPiece      greedy longest-match-first, continuation pieces carry the prefix ("##"), a word that
 *                  cannot be covered or has more than max_input_chars_per_word chars -> [UNK]. Candidates
 *                  end at character boundaries only (pieces are valid UTF-8, as HF's are Rust strs).
 * The text is streamed word by word, so scratch is bounded by max_input_chars_per_word, not by the text.
 */
#ifndef TERN_TOKENIZER_WORDPIECE_H
#define TERN_TOKENIZER_WORDPIECE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

typedef struct tern_wordpiece tern_wordpiece;

/* Indexes the pieces in place (tokenizer/piece_hash.h): spec->pieces and the bytes it points to must outlive
 * the tokenizer (the model's do). Equal pieces are TERN_ERR_BAD_TOKENIZER. */
tern_status tern_wordpiece_create(const tern_tokenizer_spec *spec, tern_wordpiece **out, char *err, size_t err_size);
void tern_wordpiece_free(tern_wordpiece *wordpiece);
/* Independent of max_text_bytes: the encoder holds at most one (bounded) word. */
size_t tern_wordpiece_scratch_size(const tern_wordpiece *wordpiece, size_t max_text_bytes);
/* Same contract as tern_tokenizer_encode_segment. */
tern_status tern_wordpiece_encode(const tern_wordpiece *wordpiece, const char *text, size_t text_len, void *scratch,
                                  size_t scratch_size, int32_t *ids, size_t cap, size_t *n_total);

#endif /* TERN_TOKENIZER_WORDPIECE_H */
