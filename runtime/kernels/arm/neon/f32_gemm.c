/* f32 GEMMs against row-major f32 or f16 weights (f32 and f16 files) for NEON: the f32_simd/gemm_f32.h
 * template. */
#include <string.h>

#include "kernels.h"
#include "arm/neon/f32_vec_neon.h"
#include "f32_simd/exp.h"
#include "f32_simd/activation.h"
#include "f32_simd/gemm_f32.h"
#include "arm/kernels_arm_f32.h"

void tern_gemm_f32_f32__neon(size_t m, size_t n, size_t k, const float *x, size_t x_stride, const float *w,
                             const float *bias, float *y, size_t y_stride, tern_activation act) {
  f32_gemm_run(m, n, k, x, x_stride, w, 0, bias, y, y_stride, act);
}

void tern_gemm_f32_f16__neon(size_t m, size_t n, size_t k, const float *x, size_t x_stride, const uint16_t *w,
                             const float *bias, float *y, size_t y_stride, tern_activation act) {
  f32_gemm_run(m, n, k, x, x_stride, w, 1, bias, y, y_stride, act);
}
