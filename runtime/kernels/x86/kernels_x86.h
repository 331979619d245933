/* kernels_x86.h — x86-64 SIMD kernel sets (internal). Each function reproduces the scalar kernel of the
 * same family exactly (see kernels.h for the contract); the tests compare them bit for bit.
 * Defined only when the build compiles runtime/kernels/x86 (TERN_HAVE_AVX2_KERNELS), and callable only
 * when the CPU has the ISA (dispatch.c checks once per process). */
#ifndef TERN_KERNELS_X86_H
#define TERN_KERNELS_X86_H

#include "kernels.h"

void tern_quantize_qs8__avx2(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                             float *scale);
void tern_quantize_qd8__avx2(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                             float *scale, int32_t *zero_point);
void tern_gemm_qs8_f32_16x4__avx2(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                  const float *a_scale, const int8_t *w_packed, const float *w_scale,
                                  const float *bias, float *y, size_t y_stride, tern_activation act);
void tern_gemm_qd8_f32_16x4__avx2(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                  const float *a_scale, const int32_t *a_zero_point, const int8_t *w_packed,
                                  const float *w_scale, const int32_t *w_sums, const float *bias, float *y,
                                  size_t y_stride, tern_activation act);

#endif /* TERN_KERNELS_X86_H */
