/* kernels_arm.h — ARM int8 kernel sets (internal): quantizers and int8 GEMMs. Each function reproduces the
 * scalar kernel of the same family exactly (kernels.h); the tests compare them bit for bit.
 *   neon:    Advanced SIMD, armv7 (-mfpu=neon) and aarch64; no dot product (Cortex-A53/A72: Pi 3/4).
 *   neondot: aarch64 SDOT (Armv8.2 dotprod; Cortex-A76 / Pi 5).
 *   i8mm:    aarch64 SMMLA (Armv8.6 i8mm; Cortex-A710, Neoverse V1/N2).
 * Defined only when the build compiles the folder (TERN_HAVE_{NEON,NEONDOT,I8MM}_KERNELS) and callable only
 * when the CPU has the ISA (dispatch.c checks once per process). The quantizers are shared by all three
 * (they are Advanced SIMD only). */
#ifndef TERN_KERNELS_ARM_H
#define TERN_KERNELS_ARM_H

#include "kernels.h"

void tern_quantize_qs8__neon(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                             float *scale);
void tern_quantize_qd8__neon(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                             float *scale, int32_t *zero_point);
void tern_quantize_qd7__neon(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                             float *scale, int32_t *zero_point);

void tern_gemm_qs8_f32_2x16c4__neon(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                    const float *a_scale, const int8_t *w_packed, const float *w_scale,
                                    const float *bias, float *y, size_t y_stride, tern_activation act);
void tern_gemm_qd8_f32_2x16c4__neon(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                    const float *a_scale, const int32_t *a_zero_point, const int8_t *w_packed,
                                    const float *w_scale, const int32_t *w_sums, const float *bias, float *y,
                                    size_t y_stride, tern_activation act);

void tern_gemm_qs8_f32_4x16c4__neondot(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                       const float *a_scale, const int8_t *w_packed, const float *w_scale,
                                       const float *bias, float *y, size_t y_stride, tern_activation act);
void tern_gemm_qd8_f32_4x16c4__neondot(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                       const float *a_scale, const int32_t *a_zero_point, const int8_t *w_packed,
                                       const float *w_scale, const int32_t *w_sums, const float *bias, float *y,
                                       size_t y_stride, tern_activation act);

void tern_gemm_qs8_f32_4x16c4__i8mm(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                    const float *a_scale, const int8_t *w_packed, const float *w_scale,
                                    const float *bias, float *y, size_t y_stride, tern_activation act);
void tern_gemm_qd8_f32_4x16c4__i8mm(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                    const float *a_scale, const int32_t *a_zero_point, const int8_t *w_packed,
                                    const float *w_scale, const int32_t *w_sums, const float *bias, float *y,
                                    size_t y_stride, tern_activation act);

#endif /* TERN_KERNELS_ARM_H */
