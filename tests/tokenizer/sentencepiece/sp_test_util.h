/* sp_test_util.h — builds a SentencePiece tern_tokenizer_spec straight from a sentencepiece .model file
 * (a ModelProto, read with a minimal protobuf wire reader: no loader, no Python) and reads the shared
 * corpus format (tests/data/tokenizer_corpus/README.md). Test-only; exits on I/O or format errors. */
#ifndef TERN_TEST_SP_UTIL_H
#define TERN_TEST_SP_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "../corpus_util.h"


typedef struct sp_test_reader {
  const uint8_t *p, *end;
} sp_test_reader;

static inline uint64_t sp_test_varint(sp_test_reader *r) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (r->p >= r->end) {
      fprintf(stderr, "model: truncated varint\n");
      exit(2);
    }
    uint8_t b = *r->p++;
    v |= (uint64_t)(b & 0x7F) << shift;
    if (!(b & 0x80)) return v;
  }
  fprintf(stderr, "model: bad varint\n");
  exit(2);
}

/* Reads the next field: returns 0 at the end; sets *field, *wire, and for length-delimited fields *sub. */
static inline int sp_test_field(sp_test_reader *r, uint32_t *field, uint32_t *wire, uint64_t *value,
                                sp_test_reader *sub) {
  if (r->p >= r->end) return 0;
  uint64_t key = sp_test_varint(r);
  *field = (uint32_t)(key >> 3);
  *wire = (uint32_t)(key & 7);
  switch (*wire) {
    case 0: *value = sp_test_varint(r); break;
    case 1: if (r->end - r->p < 8) exit(2); memcpy(value, r->p, 8); r->p += 8; break;
    case 5: { uint32_t v32; if (r->end - r->p < 4) exit(2); memcpy(&v32, r->p, 4); *value = v32; r->p += 4; break; }
    case 2: {
      uint64_t len = sp_test_varint(r);
      if (len > (uint64_t)(r->end - r->p)) {
        fprintf(stderr, "model: truncated field %u\n", *field);
        exit(2);
      }
      sub->p = r->p;
      sub->end = r->p + len;
      r->p += len;
      *value = len;
      break;
    }
    default: fprintf(stderr, "model: wire type %u unsupported\n", *wire); exit(2);
  }
  return 1;
}

typedef struct sp_test_model {
  char *file;
  tern_str *pieces;
  float *scores;
  uint8_t *types;
  tern_tokenizer_spec spec;
} sp_test_model;

/* albert: 1 sets AlbertTokenizer's defaults (do_lower_case, remove_space, !keep_accents); 0 plain. */
static inline sp_test_model sp_test_load_model(const char *path, int albert) {
  sp_test_model m;
  memset(&m, 0, sizeof m);
  size_t size;
  m.file = corpus_read_file(path, &size);
  sp_test_reader r = {(const uint8_t *)m.file, (const uint8_t *)m.file + size}, sub, sub2;
  uint32_t field, wire, count = 0;
  uint64_t value;
  sp_test_reader scan = r;
  while (sp_test_field(&scan, &field, &wire, &value, &sub)) count += field == 1 && wire == 2;
  m.pieces = calloc(count, sizeof *m.pieces);
  m.scores = calloc(count, sizeof *m.scores);
  m.types = calloc(count, 1);
  tern_tokenizer_spec *s = &m.spec;
  s->kind = TERN_TOKENIZER_SENTENCEPIECE_UNIGRAM;
  s->unk_id = s->cls_id = s->sep_id = s->pad_id = s->mask_id = -1;
  s->add_dummy_prefix = s->remove_extra_whitespaces = s->escape_whitespaces = 1; /* proto defaults */
  uint32_t k = 0;
  while (sp_test_field(&r, &field, &wire, &value, &sub)) {
    if (field == 1 && wire == 2) { /* SentencePiece */
      m.types[k] = 1;
      while (sp_test_field(&sub, &field, &wire, &value, &sub2)) {
        if (field == 1 && wire == 2) m.pieces[k] = (tern_str){(const char *)sub2.p, (uint32_t)value};
        else if (field == 2 && wire == 5) { uint32_t bits = (uint32_t)value; memcpy(&m.scores[k], &bits, 4); }
        else if (field == 3 && wire == 0) m.types[k] = (uint8_t)value;
      }
      k++;
    } else if (field == 2 && wire == 2) { /* TrainerSpec */
      while (sp_test_field(&sub, &field, &wire, &value, &sub2)) {
        if (field == 24 && wire == 0) s->treat_whitespace_as_suffix = value != 0;
        if (field == 35 && wire == 0) s->byte_fallback = value != 0;
      }
    } else if (field == 3 && wire == 2) { /* NormalizerSpec */
      while (sp_test_field(&sub, &field, &wire, &value, &sub2)) {
        if (field == 2 && wire == 2) {
          s->precompiled_charsmap = sub2.p;
          s->precompiled_charsmap_size = (uint32_t)value;
        }
        if (field == 3 && wire == 0) s->add_dummy_prefix = value != 0;
        if (field == 4 && wire == 0) s->remove_extra_whitespaces = value != 0;
        if (field == 5 && wire == 0) s->escape_whitespaces = value != 0;
      }
    }
  }
  s->vocab_size = count;
  s->pieces = m.pieces;
  s->scores = m.scores;
  s->piece_types = m.types;
  s->max_length = 512;
  for (uint32_t i = 0; i < count; i++) {
    const tern_str *p = &m.pieces[i];
    if (m.types[i] == 2) s->unk_id = (int32_t)i;
    if (p->len == 5 && memcmp(p->ptr, "[CLS]", 5) == 0) s->cls_id = (int32_t)i;
    if (p->len == 5 && memcmp(p->ptr, "[SEP]", 5) == 0) s->sep_id = (int32_t)i;
    if (p->len == 6 && memcmp(p->ptr, "[MASK]", 6) == 0) s->mask_id = (int32_t)i;
    if (p->len == 5 && memcmp(p->ptr, "<pad>", 5) == 0) s->pad_id = (int32_t)i;
  }
  s->remove_space = albert;
  s->keep_accents = !albert;
  s->do_lower_case = albert;
  return m;
}

/* Appends a user-defined piece holding the space symbol mid-piece and a byte (0xFF) that normalized text
 * never holds: it never matches, but tern_sp_create must then tokenize whole texts instead of word by word,
 * which gives the reference for the word-by-word Viterbi. */
static inline void sp_test_force_whole_text(sp_test_model *m) {
  static const char piece[] = "x\xE2\x96\x81\xFF";
  uint32_t n = m->spec.vocab_size + 1;
  m->pieces = realloc(m->pieces, n * sizeof *m->pieces);
  m->scores = realloc(m->scores, n * sizeof *m->scores);
  m->types = realloc(m->types, n);
  if (!m->pieces || !m->scores || !m->types) exit(2);
  m->pieces[n - 1] = (tern_str){piece, (uint32_t)(sizeof piece - 1)};
  m->scores[n - 1] = 0.0f;
  m->types[n - 1] = 4;
  m->spec.vocab_size = n;
  m->spec.pieces = m->pieces;
  m->spec.scores = m->scores;
  m->spec.piece_types = m->types;
}

static inline void sp_test_free_model(sp_test_model *m) {
  free(m->file);
  free(m->pieces);
  free(m->scores);
  free(m->types);
}



#endif /* TERN_TEST_SP_UTIL_H */
