/* The f32 reference kernels against double-precision formulas: LayerNorm, softmax, GELU (erf, tanh),
 * f16 conversion (every bit pattern), f32/f16 GEMM and one attention head. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "test_util.h"

static double gelu_erf(double x) { return 0.5 * x * (1.0 + erf(x / sqrt(2.0))); }
static double gelu_tanh(double x) { return 0.5 * x * (1.0 + tanh(sqrt(2.0 / 3.14159265358979323846) * (x + 0.044715 * x * x * x))); }

static double f16_reference(uint16_t bits) {
  const int sign = bits >> 15, exponent = (bits >> 10) & 31, mantissa = bits & 1023;
  double value;
  if (exponent == 0) value = ldexp(mantissa, -24);
  else if (exponent == 31) value = mantissa ? NAN : INFINITY;
  else value = ldexp(1024 + mantissa, exponent - 25);
  return sign ? -value : value;
}

int main(void) {
  for (uint32_t bits = 0; bits < 65536; bits++) {
    const float got = tern_f16_to_f32((uint16_t)bits);
    const double expected = f16_reference((uint16_t)bits);
    EXPECT((isnan(got) && isnan(expected)) || (double)got == expected, "f16 0x%04x: %g vs %g", bits, got, expected);
  }
  for (float x = -12.0f; x <= 12.0f; x += 0.01f) {
    const double erf_form = gelu_erf(x), tanh_form = gelu_tanh(x);
    EXPECT(fabs(tern_apply_activation(x, TERN_ACT_GELU_ERF) - erf_form) <= 1e-6 * (1.0 + fabs(erf_form)), "gelu erf %g", x);
    EXPECT(fabs(tern_apply_activation(x, TERN_ACT_GELU_TANH) - tanh_form) <= 1e-6 * (1.0 + fabs(tanh_form)), "gelu tanh %g", x);
    EXPECT(tern_apply_activation(x, TERN_ACT_RELU) == (x > 0 ? x : 0.0f), "relu");
    EXPECT(fabs(tern_apply_activation(x, TERN_ACT_TANH) - tanh(x)) <= 1e-6, "tanh");
  }
  /* LayerNorm rows with an offset (checks the two-pass variance) and softmax with large logits. */
  enum { ROWS = 3, N = 384 };
  static float x[ROWS][N], gamma[N], beta[N], original[ROWS][N];
  for (size_t i = 0; i < N; i++) gamma[i] = test_rand_float(0.5f, 1.5f), beta[i] = test_rand_float(-0.5f, 0.5f);
  for (size_t r = 0; r < ROWS; r++)
    for (size_t i = 0; i < N; i++) x[r][i] = original[r][i] = test_rand_float(-3.0f, 3.0f) + (float)r * 100.0f;
  tern_layer_norm_f32__scalar(ROWS, N, &x[0][0], N, gamma, beta, 1e-12f);
  for (size_t r = 0; r < ROWS; r++) {
    double mean = 0, var = 0;
    for (size_t i = 0; i < N; i++) mean += original[r][i];
    mean /= N;
    for (size_t i = 0; i < N; i++) var += (original[r][i] - mean) * (original[r][i] - mean);
    var /= N;
    for (size_t i = 0; i < N; i++) {
      const double expected = (original[r][i] - mean) / sqrt(var + 1e-12) * gamma[i] + beta[i];
      EXPECT(fabs(x[r][i] - expected) < 2e-4, "layernorm row %zu [%zu]: %g vs %g", r, i, x[r][i], expected);
    }
  }
  {
    float logits[5] = {1000.0f, 999.0f, -1000.0f, 0.0f, 998.5f};
    double sum = exp(0.0) + exp(-1.0) + exp(-1.5);
    tern_softmax_f32__scalar(5, logits);
    EXPECT(fabs(logits[0] - 1.0 / sum) < 1e-6 && logits[2] == 0.0f && fabs(logits[4] - exp(-1.5) / sum) < 1e-6,
           "softmax %g %g %g", logits[0], logits[2], logits[4]);
  }
  /* GEMM f32 and f16 against double sums. */
  {
    enum { M = 5, NN = 7, K = 33 };
    float a[M * K], w[NN * K], bias[NN], y[M * NN], y16[M * NN];
    uint16_t w16[NN * K];
    for (size_t i = 0; i < M * K; i++) a[i] = test_rand_float(-1, 1);
    for (size_t i = 0; i < NN * K; i++) {
      w16[i] = (uint16_t)(0x3000 + test_rand_u32() % 0x0C00) | (uint16_t)((test_rand_u32() & 1) << 15);
      w[i] = tern_f16_to_f32(w16[i]);
    }
    for (size_t i = 0; i < NN; i++) bias[i] = test_rand_float(-1, 1);
    tern_gemm_f32_f32__scalar(M, NN, K, a, K, w, bias, y, NN, TERN_ACT_IDENTITY);
    tern_gemm_f32_f16__scalar(M, NN, K, a, K, w16, bias, y16, NN, TERN_ACT_IDENTITY);
    for (size_t m = 0; m < M; m++)
      for (size_t n = 0; n < NN; n++) {
        double expected = bias[n];
        for (size_t k = 0; k < K; k++) expected += (double)a[m * K + k] * w[n * K + k];
        EXPECT(fabs(y[m * NN + n] - expected) < 1e-5, "gemm f32 [%zu][%zu]", m, n);
        EXPECT(y16[m * NN + n] == y[m * NN + n], "gemm f16 [%zu][%zu] must equal f32 on the same values", m, n);
      }
  }
  /* One attention head against a double-precision computation. */
  {
    enum { L = 9, D = 8, STRIDE = 20 };
    float q[L * STRIDE], k[L * STRIDE], v[L * STRIDE], out[L * STRIDE], scores[L];
    for (size_t i = 0; i < L * STRIDE; i++) q[i] = test_rand_float(-2, 2), k[i] = test_rand_float(-2, 2), v[i] = test_rand_float(-2, 2);
    const float scale = 1.0f / sqrtf((float)D);
    tern_attention_f32__scalar(L, D, q, STRIDE, k, STRIDE, v, STRIDE, out, STRIDE, scale, scores);
    for (size_t i = 0; i < L; i++) {
      double p[L], max = -1e300, sum = 0;
      for (size_t j = 0; j < L; j++) {
        double dot = 0;
        for (size_t d = 0; d < D; d++) dot += (double)q[i * STRIDE + d] * k[j * STRIDE + d];
        p[j] = dot / sqrt((double)D);
        if (p[j] > max) max = p[j];
      }
      for (size_t j = 0; j < L; j++) sum += p[j] = exp(p[j] - max);
      for (size_t d = 0; d < D; d++) {
        double expected = 0;
        for (size_t j = 0; j < L; j++) expected += p[j] / sum * v[j * STRIDE + d];
        EXPECT(fabs(out[i * STRIDE + d] - expected) < 1e-5, "attention [%zu][%zu]: %g vs %g", i, d, out[i * STRIDE + d], expected);
      }
    }
  }
  return test_report("float_kernels");
}
