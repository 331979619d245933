/* dispatch.h — the table of kernel function pointers a session runs with (internal).
 *
 * Like XNNPACK's config tables: each kernel set is a const table; the default set is chosen once per
 * process (init-once guard) from the CPU's features, or forced by the TERN_ISA environment variable or
 * a session option. Hot loops call through the table and never test CPU features.
 * Sets: scalar, avx2, avxvnni, avx512vnni (x86-64), neon, neondot, i8mm (ARM).
 */
#ifndef TERN_DISPATCH_H
#define TERN_DISPATCH_H

#include "kernels.h"

typedef struct tern_kernels {
  const char *isa;                       /* "scalar", ... */
  tern_quantize_qs8_fn quantize_qs8;
  tern_gemm_qs8_f32_fn gemm_qs8_f32;
  tern_quantize_qd8_fn quantize_qd8;
  tern_gemm_qd8_f32_fn gemm_qd8_f32;
  tern_quantize_qd8_fn quantize_qd7;     /* 7-bit activations (kernels.h): 127 levels, q in [-128, -1] */
  tern_gemm_qd8_f32_fn gemm_qd7_f32;     /* for quantize_qd7's rows; gemm_qd8_f32 in every set but avx2 */
  tern_gemm_outliers_f32_fn gemm_outliers_f32;
  tern_gemm_f32_f32_fn gemm_f32_f32;
  tern_gemm_f32_f16_fn gemm_f32_f16;
  tern_layer_norm_f32_fn layer_norm_f32;
  tern_activation_f32_fn activation_f32;
  tern_softmax_f32_fn softmax_f32;
  tern_attention_f32_fn attention_f32;
  tern_add_layer_norm_f32_fn add_layer_norm_f32; /* NULL in a table: the encoder adds, then layer_norm_f32 */
} tern_kernels;

/* The best set for this CPU, or the one TERN_ISA names. Thread-safe; the choice is made once.
 * Returns NULL only when TERN_ISA names a set this build/CPU lacks. */
const tern_kernels *tern_kernels_default(void);

/* The set with this name ("scalar", ...), or NULL when this build/CPU does not have it. */
const tern_kernels *tern_kernels_by_name(const char *isa);

/* Names of every set this build knows, NULL-terminated (for messages and tests). */
const char *const *tern_kernels_names(void);

#endif /* TERN_DISPATCH_H */
