/* kernels_arm_f32.h — the f32 kernels of the ARM sets (internal), NEON on aarch64 and armv7, shared by the
 * neon, neondot and i8mm tables. Within the tolerances of kernels.h, not bit-identical to scalar. Defined
 * when the build compiles runtime/kernels/arm/neon (TERN_HAVE_NEON_KERNELS). */
#ifndef TERN_KERNELS_ARM_F32_H
#define TERN_KERNELS_ARM_F32_H

#include "kernels.h"

void tern_activation_f32__neon(size_t n, float *x, tern_activation act);
void tern_softmax_f32__neon(size_t n, float *x);
void tern_layer_norm_f32__neon(size_t m, size_t n, float *x, size_t x_stride, const float *gamma, const float *beta,
                               float eps);
void tern_add_layer_norm_f32__neon(size_t m, size_t n, float *x, size_t x_stride, const float *branch,
                                   size_t branch_stride, const float *gamma, const float *beta, float eps);
void tern_gemm_outliers_f32__neon(size_t m, size_t n, size_t k, size_t count, const uint32_t *channels,
                                  const float *x, size_t x_stride, const int8_t *w_packed, const float *w_scale,
                                  float *y, size_t y_stride, tern_activation act);
void tern_gemm_f32_f32__neon(size_t m, size_t n, size_t k, const float *x, size_t x_stride, const float *w,
                             const float *bias, float *y, size_t y_stride, tern_activation act);
void tern_gemm_f32_f16__neon(size_t m, size_t n, size_t k, const float *x, size_t x_stride, const uint16_t *w,
                             const float *bias, float *y, size_t y_stride, tern_activation act);
void tern_attention_f32__neon(size_t seq_len, size_t head_dim, const float *q, size_t q_stride, const float *k,
                              size_t k_stride, const float *v, size_t v_stride, float *out, size_t out_stride,
                              float scale, float *scores);

#endif /* TERN_KERNELS_ARM_F32_H */
