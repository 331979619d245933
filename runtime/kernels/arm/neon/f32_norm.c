/* Softmax, LayerNorm and residual add + LayerNorm for NEON: the f32_simd/norm.h template. */
#include <math.h>

#include "kernels.h"
#include "arm/neon/f32_vec_neon.h"
#include "f32_simd/exp.h"
#include "f32_simd/attention.h"
#include "f32_simd/norm.h"
#include "arm/kernels_arm_f32.h"

void tern_softmax_f32__neon(size_t n, float *x) { f32_softmax_run(n, x); }

void tern_layer_norm_f32__neon(size_t m, size_t n, float *x, size_t x_stride, const float *gamma, const float *beta,
                               float eps) {
  f32_layer_norm_run(m, n, x, x_stride, gamma, beta, eps);
}

void tern_add_layer_norm_f32__neon(size_t m, size_t n, float *x, size_t x_stride, const float *branch,
                                   size_t branch_stride, const float *gamma, const float *beta, float eps) {
  f32_add_layer_norm_run(m, n, x, x_stride, branch, branch_stride, gamma, beta, eps);
}
