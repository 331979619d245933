/* norm.h — softmax, LayerNorm and residual add + LayerNorm over rows; include after exp.h. The same
 * two-pass formulas as the scalar reference (mean, then the mean of centered squares, so a row of equal
 * values gives exactly 0 variance), with vector partial sums (tolerance in kernels.h). */
#ifndef TERN_F32_SIMD_NORM_H
#define TERN_F32_SIMD_NORM_H

#include <math.h>

static inline void f32_softmax_run(size_t n, float *x) {
  if (n == 0) return;
  /* attention_softmax_row: exp(x - max) in place and 1 / sum. */
  const float inverse_sum = attention_softmax_row(n, x);
  const tern_vf inverse = vf_set1(inverse_sum);
  size_t i = 0;
  for (; i + TERN_VF_WIDTH <= n; i += TERN_VF_WIDTH) vf_store(x + i, vf_mul(vf_load(x + i), inverse));
  for (; i < n; i++) x[i] *= inverse_sum;
}

/* Sum of x[0..n), vector lanes then across. */
static inline float row_sum(size_t n, const float *x) {
  tern_vf acc0 = vf_zero(), acc1 = vf_zero();
  size_t i = 0;
  for (; i + 2 * TERN_VF_WIDTH <= n; i += 2 * TERN_VF_WIDTH) {
    acc0 = vf_add(acc0, vf_load(x + i));
    acc1 = vf_add(acc1, vf_load(x + i + TERN_VF_WIDTH));
  }
  for (; i + TERN_VF_WIDTH <= n; i += TERN_VF_WIDTH) acc0 = vf_add(acc0, vf_load(x + i));
  float sum = vf_reduce_add(vf_add(acc0, acc1));
  for (; i < n; i++) sum += x[i];
  return sum;
}

/* Normalizes one row in place given its values (already summed into `sum`). */
static inline void layer_norm_row(size_t n, float *x, float sum, const float *gamma, const float *beta, float eps) {
  const float mean = sum / (float)n;
  const tern_vf mean_vector = vf_set1(mean);
  tern_vf acc0 = vf_zero(), acc1 = vf_zero();
  size_t i = 0;
  for (; i + 2 * TERN_VF_WIDTH <= n; i += 2 * TERN_VF_WIDTH) {
    const tern_vf c0 = vf_sub(vf_load(x + i), mean_vector), c1 = vf_sub(vf_load(x + i + TERN_VF_WIDTH), mean_vector);
    acc0 = vf_fma(c0, c0, acc0);
    acc1 = vf_fma(c1, c1, acc1);
  }
  for (; i + TERN_VF_WIDTH <= n; i += TERN_VF_WIDTH) {
    const tern_vf c0 = vf_sub(vf_load(x + i), mean_vector);
    acc0 = vf_fma(c0, c0, acc0);
  }
  float square_sum = vf_reduce_add(vf_add(acc0, acc1));
  for (; i < n; i++) square_sum += (x[i] - mean) * (x[i] - mean);
  const float inverse_std = 1.0f / sqrtf(square_sum / (float)n + eps);
  const tern_vf inverse_vector = vf_set1(inverse_std);
  for (i = 0; i + TERN_VF_WIDTH <= n; i += TERN_VF_WIDTH) {
    const tern_vf normalized = vf_mul(vf_sub(vf_load(x + i), mean_vector), inverse_vector);
    vf_store(x + i, vf_fma(normalized, vf_load(gamma + i), vf_load(beta + i)));
  }
  for (; i < n; i++) x[i] = (x[i] - mean) * inverse_std * gamma[i] + beta[i];
}

static inline void f32_layer_norm_run(size_t m, size_t n, float *x, size_t x_stride, const float *gamma,
                                      const float *beta, float eps) {
  for (size_t row = 0; row < m; row++) {
    float *x_row = x + row * x_stride;
    layer_norm_row(n, x_row, row_sum(n, x_row), gamma, beta, eps);
  }
}

/* x = LayerNorm(x + branch) per row: the add and the sum in one pass over the row. */
static inline void f32_add_layer_norm_run(size_t m, size_t n, float *x, size_t x_stride, const float *branch,
                                          size_t branch_stride, const float *gamma, const float *beta, float eps) {
  for (size_t row = 0; row < m; row++) {
    float *x_row = x + row * x_stride;
    const float *branch_row = branch + row * branch_stride;
    tern_vf acc = vf_zero();
    size_t i = 0;
    for (; i + TERN_VF_WIDTH <= n; i += TERN_VF_WIDTH) {
      const tern_vf sum = vf_add(vf_load(branch_row + i), vf_load(x_row + i));
      vf_store(x_row + i, sum);
      acc = vf_add(acc, sum);
    }
    float total = vf_reduce_add(acc);
    for (; i < n; i++) {
      x_row[i] = branch_row[i] + x_row[i];
      total += x_row[i];
    }
    layer_norm_row(n, x_row, total, gamma, beta, eps);
  }
}

#endif /* TERN_F32_SIMD_NORM_H */
