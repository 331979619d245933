/* f32 GEMM against row-major f32 or f16 weights (the reference for f32/f16 files). */
#include "kernels.h"

void tern_gemm_f32_f32__scalar(size_t m, size_t n, size_t k, const float *x, size_t x_stride, const float *w,
                               const float *bias, float *y, size_t y_stride, tern_activation act) {
  for (size_t row = 0; row < m; row++) {
    const float *x_row = x + row * x_stride;
    for (size_t col = 0; col < n; col++) {
      const float *w_row = w + col * k;
      float acc = 0.0f;
      for (size_t i = 0; i < k; i++) acc += x_row[i] * w_row[i];
      if (bias != NULL) acc += bias[col];
      y[row * y_stride + col] = tern_apply_activation(acc, act);
    }
  }
}

void tern_gemm_f32_f16__scalar(size_t m, size_t n, size_t k, const float *x, size_t x_stride, const uint16_t *w,
                               const float *bias, float *y, size_t y_stride, tern_activation act) {
  for (size_t row = 0; row < m; row++) {
    const float *x_row = x + row * x_stride;
    for (size_t col = 0; col < n; col++) {
      const uint16_t *w_row = w + col * k;
      float acc = 0.0f;
      for (size_t i = 0; i < k; i++) acc += x_row[i] * tern_f16_to_f32(w_row[i]);
      if (bias != NULL) acc += bias[col];
      y[row * y_stride + col] = tern_apply_activation(acc, act);
    }
  }
}
