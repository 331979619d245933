/* A small random model built directly as a tern_model view (no file, no loader), covering every path
 * of the encoder: factorized word rows, E != H with a projection, two weight sets (one pruned to fewer
 * heads) in a shared schedule, int8 / f32 / f16 linears, a sequence head with a pooler; plus an
 * independent double-precision reference forward pass that reads the same weights through the layout
 * formulas of tern.fbs. */
#ifndef TERN_TEST_SYNTHETIC_MODEL_H
#define TERN_TEST_SYNTHETIC_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

typedef enum { SYNTHETIC_INT8, SYNTHETIC_F32, SYNTHETIC_MIXED } synthetic_weights;

typedef struct synthetic_options {
  synthetic_weights weights;
  tern_pooling_mode pooling;
  int normalize;
  uint32_t matryoshka_dim;
  tern_head_kind head_kind;
  int with_head;
} synthetic_options;

synthetic_options synthetic_default_options(void);
tern_model *synthetic_model_create(const synthetic_options *options);
void synthetic_model_free(tern_model *model);
/* Turns set 0's ffn_in and attention_output, set 1's query and the head's classifier into low-rank pairs
 * (Linear.input_factor) of random F [rank, in] and W [out, rank] in dtype; the reference follows them. */
void synthetic_model_make_low_rank(tern_model *model, tern_dtype dtype, uint32_t rank);

/* Double-precision forward of one text: last hidden [length x H], pooled [output_dim] (may be NULL),
 * logits of the first head (sequence: [labels], token: [length x labels]; may be NULL). */
void synthetic_reference_forward(const tern_model *model, const int32_t *ids, size_t length, double *last_hidden,
                                 double *pooled, double *logits);

#endif
