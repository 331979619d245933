/* sentencepiece.h — the SentencePiece-unigram tokenizer (internal; dispatched from tokenizer.c).
 *
 * Semantics, in order (each step is the reference's, bit for bit):
 *  1. UTF-8 decoding: each maximal invalid subsequence becomes U+FFFD (Python errors="replace").
 *  2. ALBERT path only (the spec says remove_space, !keep_accents or do_lower_case): transformers'
 *     AlbertTokenizer. The raw text is split at its special tokens (the unk/cls/sep/pad/mask pieces, e.g.
 *     "[MASK]", matched verbatim, longest first); each becomes its id and each stretch in between is
 *     tokenized on its own (own dummy prefix), as the slow 4.x and the 5.x tokenizer both do. Each stretch
 *     goes through AlbertTokenizer.preprocess_text of transformers <= 4.x (= ALBERT's tokenization.py):
 *     remove_space (" ".join(text.strip().split())), `` and '' -> ", NFKD minus combining characters
 *     (keep_accents=0), str.lower() with Final_Sigma (do_lower_case). Not applied: the digit-comma re-split
 *     of AlbertTokenizer._tokenize (only fires for vocabularies with pieces ending in "<digit>,"), and the
 *     deviations of transformers 5's tokenizers-backed AlbertTokenizer from that original (it strips
 *     category-Mn marks instead of combining-class marks, treats some control characters differently from
 *     str.split(), and breaks exact Viterbi ties in double precision: 306 of 24294 corpus items differ,
 *     see tests/tokenizer/sentencepiece/make_oracle.py). Non-ALBERT models: no special-token matching.
 *  3. sentencepiece 0.2.x Normalizer::Normalize: user-defined symbols pass through verbatim (prefix
 *     matcher), otherwise the longest rule of the precompiled charsmap (Darts double-array), leading /
 *     trailing / repeated whitespace removal, dummy prefix, ' ' -> U+2581, treat_whitespace_as_suffix.
 *  4. unigram Model::EncodeOptimized as the 0.2.3 wheel behaves: Viterbi over piece scores summed in
 *     float, strict comparison (ties go to the candidate starting earliest); a user-defined piece of L
 *     bytes scores 0.1*L-0.1 (measured: independent of the model's scores); a character no piece covers
 *     becomes <unk> scored min_score-10.
 *  5. SentencePieceProcessor output: runs of <unk> merge into one id; with byte_fallback each <unk>
 *     character becomes its UTF-8 bytes as <0xXX> pieces.
 *
 * Memory: tern_sp_create allocates (piece hash tables and prefix filters; a charsmap copy only when the blob
 * is misaligned or the host big-endian) and reads the spec's arrays in place, so they must outlive the
 * model; tern_sp_encode never allocates. It streams: the
 * pre-steps feed a small input window (the longest charsmap key or user-defined symbol, twice), the
 * normalizer appends to the pending words, and the Viterbi runs on each completed stretch of words,
 * starting from the float score the stretches before reached and merging <unk> runs across them, which
 * is exactly the whole-text pass because no piece can cross a word boundary: tern_sp_create checks that
 * no normal or user-defined piece holds the space symbol (U+2581, or ' ' without escape_whitespaces)
 * anywhere but first (last with treat_whitespace_as_suffix). A stretch ends before a space symbol at a
 * character start of unigram's walk (after one, for suffix models); with remove_extra_whitespaces only
 * once something other than space symbols follows (trailing spaces are removed at the end). A model that
 * fails the check is tokenized whole: its scratch holds the whole normalized text.
 *
 * Scratch: the pending words (about one word) in normalized bytes, 13 bytes each (the byte + a Viterbi
 * node), plus the window. tern_sp_scratch_size(n) budgets 4 normalized bytes per input byte for one
 * word (SP_WORD_BYTES_PER_TEXT_BYTE): enough for any text of <= n bytes whose longest word is not more
 * than 4x its input bytes after normalization (a word of n ASCII bytes, or of n bytes of letters of any
 * script); about 3.4 MB for n = 65536. A longer word (after normalization) returns TERN_ERR_TOO_LONG and
 * nothing usable; no silent truncation. tern_sp_scratch_size_any_word(n) guarantees every text of <= n
 * bytes, sized from the model's worst-case growth (tern_sp_growth: normalized bytes per input byte,
 * the ALBERT steps composed per character from their tables, times the charsmap's largest growth per
 * key byte); for the models here that is 10x-100x larger, and it is what a model that fails the word
 * boundary check gets from tern_sp_scratch_size too.
 */
#ifndef TERN_TOKENIZER_SENTENCEPIECE_H
#define TERN_TOKENIZER_SENTENCEPIECE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

typedef struct tern_sp_model tern_sp_model;

/* Validates the spec (piece types, exactly one <unk>, no duplicate pieces, every offset of the charsmap
 * inside its blob) and builds the lookup structures. TERN_ERR_BAD_TOKENIZER with a message on bad data. */
tern_status tern_sp_create(const tern_tokenizer_spec *spec, tern_sp_model **out, char *err, size_t err_size);
void tern_sp_free(tern_sp_model *model);

/* Scratch bytes for texts of at most max_text_bytes bytes whose words each normalize to at most
 * 4 * max_text_bytes bytes (see Memory above; SIZE_MAX on overflow). */
size_t tern_sp_scratch_size(const tern_sp_model *model, size_t max_text_bytes);
/* Scratch bytes with which no text of at most max_text_bytes bytes is TERN_ERR_TOO_LONG. */
size_t tern_sp_scratch_size_any_word(const tern_sp_model *model, size_t max_text_bytes);
/* Worst-case normalized bytes per input byte, and whether the model is tokenized word by word. */
size_t tern_sp_growth(const tern_sp_model *model);
int tern_sp_splits_words(const tern_sp_model *model);

/* Ids of one text without special tokens or truncation. Writes min(total, cap) ids and *n_total = total.
 * TERN_ERR_TOO_LONG when a word needs more scratch than scratch_size (nothing usable written),
 * TERN_ERR_INVALID_ARGUMENT on NULL pointers (text may be NULL when text_len is 0; ids when cap is 0). */
tern_status tern_sp_encode(const tern_sp_model *model, const char *text, size_t text_len, void *scratch,
                           size_t scratch_size, int32_t *ids, size_t cap, size_t *n_total);

#endif /* TERN_TOKENIZER_SENTENCEPIECE_H */
