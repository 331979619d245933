/* tokenizer.c — dispatch on the tokenizer kind, special tokens and truncation (see tokenizer.h). */
#include "tokenizer/tokenizer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "tokenizer/sentencepiece.h"
#include "tokenizer/wordpiece.h"

struct tern_tokenizer {
  const tern_allocator *allocator;  /* the model's (spec->allocator), or the C library's */
  tern_tokenizer_kind kind;
  uint32_t max_length;
  int32_t cls_id, sep_id;
  tern_wordpiece *wordpiece;
  tern_sp_model *sentencepiece;
};

tern_status tern_tokenizer_create(const tern_tokenizer_spec *spec, tern_tokenizer **out, char *err, size_t err_size) {
  if (out) *out = NULL;
  if (!spec || !out) {
    if (err && err_size) snprintf(err, err_size, "tern_tokenizer_create: NULL argument");
    return TERN_ERR_INVALID_ARGUMENT;
  }
  const tern_allocator *allocator = spec->allocator != NULL ? spec->allocator : &tern_libc_allocator;
  tern_tokenizer *tokenizer = tern_allocate_zeroed(allocator, 1, sizeof *tokenizer);
  if (!tokenizer) {
    if (err && err_size) snprintf(err, err_size, "tokenizer: out of memory");
    return TERN_ERR_OUT_OF_MEMORY;
  }
  tokenizer->allocator = allocator;
  tokenizer->kind = spec->kind;
  tokenizer->max_length = spec->max_length;
  tokenizer->cls_id = spec->cls_id;
  tokenizer->sep_id = spec->sep_id;
  tern_status status;
  switch (spec->kind) {
    case TERN_TOKENIZER_WORDPIECE:
      status = tern_wordpiece_create(spec, &tokenizer->wordpiece, err, err_size);
      break;
    case TERN_TOKENIZER_SENTENCEPIECE_UNIGRAM:
      status = tern_sp_create(spec, &tokenizer->sentencepiece, err, err_size);
      break;
    default:
      if (err && err_size) snprintf(err, err_size, "tokenizer: unknown kind %d", (int)spec->kind);
      status = TERN_ERR_BAD_TOKENIZER;
      break;
  }
  if (status != TERN_OK) {
    tern_tokenizer_free(tokenizer);
    return status;
  }
  *out = tokenizer;
  return TERN_OK;
}

void tern_tokenizer_free(tern_tokenizer *tokenizer) {
  if (!tokenizer) return;
  tern_wordpiece_free(tokenizer->wordpiece);
  tern_sp_free(tokenizer->sentencepiece);
  tern_deallocate(tokenizer->allocator, tokenizer);
}

size_t tern_tokenizer_scratch_size(const tern_tokenizer *tokenizer, size_t max_text_bytes) {
  if (!tokenizer) return 0;
  if (tokenizer->wordpiece) return tern_wordpiece_scratch_size(tokenizer->wordpiece, max_text_bytes);
  if (tokenizer->sentencepiece) return tern_sp_scratch_size(tokenizer->sentencepiece, max_text_bytes);
  return 0;
}

tern_status tern_tokenizer_encode_segment(const tern_tokenizer *tokenizer, const char *text, size_t text_len,
                                          void *scratch, size_t scratch_size, int32_t *ids, size_t cap,
                                          size_t *n_total) {
  if (n_total) *n_total = 0;
  if (!tokenizer || !n_total || (!text && text_len) || (!ids && cap)) return TERN_ERR_INVALID_ARGUMENT;
  if (!text) text = "";
  if (tokenizer->wordpiece)
    return tern_wordpiece_encode(tokenizer->wordpiece, text, text_len, scratch, scratch_size, ids, cap, n_total);
  if (tokenizer->sentencepiece)
    return tern_sp_encode(tokenizer->sentencepiece, text, text_len, scratch, scratch_size, ids, cap, n_total);
  return TERN_ERR_INTERNAL;
}

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }
static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

/* Hugging Face tokenizers' truncate_encodings, strategy LongestFirst, for a pair whose token budget
 * (max_length minus the special tokens) is budget: shorten the longer side first; if both must shrink,
 * split the budget in half with the odd token going to the longer side. */
static void longest_first_pair(size_t n_a, size_t n_b, size_t budget, size_t *keep_a, size_t *keep_b) {
  *keep_a = n_a;
  *keep_b = n_b;
  if (n_a + n_b <= budget) return;
  int swapped = n_a > n_b;
  size_t n1 = swapped ? n_b : n_a, n2;
  if (n1 > budget) {
    n2 = n1;
  } else {
    n2 = max_size(n1, budget - n1);
  }
  if (n1 + n2 > budget) {
    n1 = budget / 2;
    n2 = n1 + budget % 2;
  }
  /* Encoding::truncate(n) keeps min(n, len) tokens. */
  if (swapped) {
    *keep_a = min_size(n_a, n2);
    *keep_b = min_size(n_b, n1);
  } else {
    *keep_a = min_size(n_a, n1);
    *keep_b = min_size(n_b, n2);
  }
}

tern_status tern_tokenizer_encode(const tern_tokenizer *tokenizer, const char *text, size_t text_len,
                                  const char *pair_text, size_t pair_len, size_t max_length, void *scratch,
                                  size_t scratch_size, int32_t *ids, int32_t *type_ids, size_t cap, size_t *n_out) {
  if (n_out) *n_out = 0;
  if (!tokenizer || !n_out || (!text && text_len) || (!pair_text && pair_len) || (!ids && cap))
    return TERN_ERR_INVALID_ARGUMENT;
  const int is_pair = pair_text != NULL;
  if (!text) text = "";
  const size_t has_cls = tokenizer->cls_id >= 0, has_sep = tokenizer->sep_id >= 0;
  const size_t n_special = has_cls + has_sep * (is_pair ? 2 : 1);
  if (max_length == 0) max_length = tokenizer->max_length;
  /* max_length 0 in both places: no truncation. */
  if (max_length && max_length < n_special) return TERN_ERR_INVALID_ARGUMENT;
  const size_t budget = max_length ? max_length - n_special : SIZE_MAX;

  /* a goes right after [CLS]; it never needs more than budget slots. */
  const size_t a_start = has_cls;
  const size_t cap_a = cap > a_start ? min_size(cap - a_start, budget) : 0;
  size_t n_a = 0, n_b = 0;
  tern_status status = tern_tokenizer_encode_segment(tokenizer, text, text_len, scratch, scratch_size,
                                                     cap_a ? ids + a_start : NULL, cap_a, &n_a);
  if (status != TERN_OK) return status;
  const size_t a_written = min_size(n_a, cap_a);
  /* b goes (provisionally) after what a wrote and its [SEP]; it is moved left once a's length is known. */
  const size_t b_start = a_start + a_written + has_sep;
  const size_t cap_b = cap > b_start ? cap - b_start : 0;
  if (is_pair) {
    status = tern_tokenizer_encode_segment(tokenizer, pair_text, pair_len, scratch, scratch_size,
                                           cap_b ? ids + b_start : NULL, cap_b, &n_b);
    if (status != TERN_OK) return status;
  }

  size_t keep_a = n_a, keep_b = n_b;
  if (max_length) {
    if (is_pair) {
      longest_first_pair(n_a, n_b, budget, &keep_a, &keep_b);
    } else {
      keep_a = min_size(n_a, budget);
    }
  }
  const size_t needed = n_special + keep_a + keep_b;
  *n_out = needed;
  if (needed > cap) return TERN_ERR_BUFFER_TOO_SMALL;

  /* keep_a <= a_written here: keep_a <= budget, keep_a <= n_a, and keep_a <= cap - a_start. */
  if (has_cls) ids[0] = tokenizer->cls_id;
  size_t pos = a_start + keep_a;
  if (has_sep) ids[pos++] = tokenizer->sep_id;
  const size_t a_end = pos;
  if (is_pair) {
    if (keep_b <= min_size(n_b, cap_b)) {
      if (keep_b) memmove(ids + pos, ids + b_start, keep_b * sizeof *ids);
    } else {
      /* b was cut short by a's provisional space: encode it again straight into place (same prefix). */
      size_t n_again = 0;
      status = tern_tokenizer_encode_segment(tokenizer, pair_text, pair_len, scratch, scratch_size, ids + pos,
                                             keep_b, &n_again);
      if (status != TERN_OK) return status;
    }
    pos += keep_b;
    if (has_sep) ids[pos++] = tokenizer->sep_id;
  }
  if (type_ids) {
    for (size_t i = 0; i < pos; i++) type_ids[i] = i < a_end ? 0 : 1;
  }
  return TERN_OK;
}
