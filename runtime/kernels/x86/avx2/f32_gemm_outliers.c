/* The f32 part of int8 linears with outlier channels, and their activation, for AVX2: the
 * f32_simd/gemm_outliers.h template. */
#include <string.h>

#include "kernels.h"
#include "x86/avx2/f32_vec_avx2.h"
#include "f32_simd/exp.h"
#include "f32_simd/activation.h"
#include "f32_simd/gemm_outliers.h"
#include "x86/kernels_x86.h"

void tern_gemm_outliers_f32__avx2(size_t m, size_t n, size_t k, size_t count, const uint32_t *channels,
                                  const float *x, size_t x_stride, const int8_t *w_packed, const float *w_scale,
                                  float *y, size_t y_stride, tern_activation act) {
  f32_gemm_outliers_run(m, n, k, count, channels, x, x_stride, w_packed, w_scale, y, y_stride, act);
}
