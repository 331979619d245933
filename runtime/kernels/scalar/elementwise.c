/* Element-wise functions: activations, f16 conversion, softmax, LayerNorm (the reference). */
#include <math.h>
#include <string.h>

#include "kernels.h"

float tern_apply_activation(float x, tern_activation act) {
  switch (act) {
    /* Both GELUs in forms without cancellation for negative x: 1 + erf(x/sqrt2) = erfc(-x/sqrt2), and
     * 0.5 (1 + tanh(u)) = 1 / (1 + exp(-2u)) (for x < -10, exp overflows to inf and the result is -0,
     * within 1e-37 of the exact value). */
    case TERN_ACT_GELU_ERF:
      return 0.5f * x * erfcf(x * -0.70710678118654752440f);
    case TERN_ACT_GELU_TANH: {
      const float sqrt_2_over_pi = 0.79788456080286535588f;
      return x / (1.0f + expf(-2.0f * sqrt_2_over_pi * (x + 0.044715f * x * x * x)));
    }
    case TERN_ACT_RELU:
      return x > 0.0f ? x : 0.0f;
    case TERN_ACT_TANH:
      return tanhf(x);
    case TERN_ACT_IDENTITY:
    default:
      return x;
  }
}

float tern_f16_to_f32(uint16_t bits) {
  const uint32_t sign = (uint32_t)(bits & 0x8000u) << 16;
  const uint32_t exponent = (bits >> 10) & 0x1Fu;
  const uint32_t mantissa = bits & 0x3FFu;
  uint32_t out;
  if (exponent == 0) {
    if (mantissa == 0) {
      out = sign;
    } else { /* subnormal half: value = mantissa * 2^-24, exact in f32 */
      const float value = (float)mantissa * 5.9604644775390625e-8f;
      memcpy(&out, &value, sizeof out);
      out |= sign;
    }
  } else if (exponent == 31) {
    out = sign | 0x7F800000u | (mantissa << 13);
  } else {
    out = sign | ((exponent + 112u) << 23) | (mantissa << 13);
  }
  float result;
  memcpy(&result, &out, sizeof result);
  return result;
}

void tern_activation_f32__scalar(size_t n, float *x, tern_activation act) {
  for (size_t i = 0; i < n; i++) x[i] = tern_apply_activation(x[i], act);
}

void tern_softmax_f32__scalar(size_t n, float *x) {
  if (n == 0) return;
  float max_value = x[0];
  for (size_t i = 1; i < n; i++)
    if (x[i] > max_value) max_value = x[i];
  float sum = 0.0f;
  for (size_t i = 0; i < n; i++) {
    x[i] = expf(x[i] - max_value);
    sum += x[i];
  }
  for (size_t i = 0; i < n; i++) x[i] /= sum;
}

void tern_layer_norm_f32__scalar(size_t m, size_t n, float *x, size_t x_stride, const float *gamma,
                                 const float *beta, float eps) {
  for (size_t row = 0; row < m; row++) {
    float *x_row = x + row * x_stride;
    float sum = 0.0f;
    for (size_t i = 0; i < n; i++) sum += x_row[i];
    const float mean = sum / (float)n;
    float square_sum = 0.0f;
    for (size_t i = 0; i < n; i++) {
      const float centered = x_row[i] - mean;
      square_sum += centered * centered;
    }
    const float inverse_std = 1.0f / sqrtf(square_sum / (float)n + eps);
    for (size_t i = 0; i < n; i++) x_row[i] = (x_row[i] - mean) * inverse_std * gamma[i] + beta[i];
  }
}

void tern_add_layer_norm_f32__scalar(size_t m, size_t n, float *x, size_t x_stride, const float *branch,
                                     size_t branch_stride, const float *gamma, const float *beta, float eps) {
  for (size_t row = 0; row < m; row++) {
    float *x_row = x + row * x_stride;
    const float *branch_row = branch + row * branch_stride;
    for (size_t i = 0; i < n; i++) x_row[i] = branch_row[i] + x_row[i];
  }
  tern_layer_norm_f32__scalar(m, n, x, x_stride, gamma, beta, eps);
}
