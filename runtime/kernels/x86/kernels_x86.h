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
void tern_quantize_qd7__avx2(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                             float *scale, int32_t *zero_point);
/* 7-bit rows only (kernels.h "qd7 GEMM"): bytes in [-128, 0]; any int8 weight. */
void tern_gemm_qd7_f32_4x16c4__avx2(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                    const float *a_scale, const int32_t *a_zero_point, const int8_t *w_packed,
                                    const float *w_scale, const int32_t *w_sums, const float *bias, float *y,
                                    size_t y_stride, tern_activation act);
void tern_gemm_qs8_f32_4x16c4__avx2(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                    const float *a_scale, const int8_t *w_packed, const float *w_scale,
                                    const float *bias, float *y, size_t y_stride, tern_activation act);
void tern_gemm_qd8_f32_4x16c4__avx2(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                    const float *a_scale, const int32_t *a_zero_point, const int8_t *w_packed,
                                    const float *w_scale, const int32_t *w_sums, const float *bias, float *y,
                                    size_t y_stride, tern_activation act);

/* avx512vnni set (TERN_HAVE_AVX512VNNI_KERNELS; the CPU needs AVX-512 F/BW/VL + VNNI and AVX2): the int8
 * GEMMs; the set's quantizers and f32 kernels are the avx2 ones. */
void tern_gemm_qs8_f32_8x32c4__avx512vnni(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                          const float *a_scale, const int8_t *w_packed, const float *w_scale,
                                          const float *bias, float *y, size_t y_stride, tern_activation act);
void tern_gemm_qd8_f32_8x32c4__avx512vnni(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                          const float *a_scale, const int32_t *a_zero_point, const int8_t *w_packed,
                                          const float *w_scale, const int32_t *w_sums, const float *bias, float *y,
                                          size_t y_stride, tern_activation act);

/* avxvnni set (TERN_HAVE_AVXVNNI_KERNELS; the CPU needs AVX-VNNI and AVX2): the int8 GEMMs, the rest avx2. */
void tern_gemm_qs8_f32_4x16c4__avxvnni(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                       const float *a_scale, const int8_t *w_packed, const float *w_scale,
                                       const float *bias, float *y, size_t y_stride, tern_activation act);
void tern_gemm_qd8_f32_4x16c4__avxvnni(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                       const float *a_scale, const int32_t *a_zero_point, const int8_t *w_packed,
                                       const float *w_scale, const int32_t *w_sums, const float *bias, float *y,
                                       size_t y_stride, tern_activation act);

/* f32 kernels (f32simd): within the tolerances of kernels.h, not bit-identical. */
void tern_activation_f32__avx2(size_t n, float *x, tern_activation act);
void tern_softmax_f32__avx2(size_t n, float *x);
void tern_layer_norm_f32__avx2(size_t m, size_t n, float *x, size_t x_stride, const float *gamma, const float *beta,
                               float eps);
void tern_add_layer_norm_f32__avx2(size_t m, size_t n, float *x, size_t x_stride, const float *branch,
                                   size_t branch_stride, const float *gamma, const float *beta, float eps);
void tern_gemm_outliers_f32__avx2(size_t m, size_t n, size_t k, size_t count, const uint32_t *channels,
                                  const float *x, size_t x_stride, const int8_t *w_packed, const float *w_scale,
                                  float *y, size_t y_stride, tern_activation act);
void tern_gemm_f32_f32__avx2(size_t m, size_t n, size_t k, const float *x, size_t x_stride, const float *w,
                             const float *bias, float *y, size_t y_stride, tern_activation act);
void tern_gemm_f32_f16__avx2(size_t m, size_t n, size_t k, const float *x, size_t x_stride, const uint16_t *w,
                             const float *bias, float *y, size_t y_stride, tern_activation act);
void tern_attention_f32__avx2(size_t seq_len, size_t head_dim, const float *q, size_t q_stride, const float *k,
                              size_t k_stride, const float *v, size_t v_stride, float *out, size_t out_stride,
                              float scale, float *scores);

#endif /* TERN_KERNELS_X86_H */
