/* gemm_f32.h — y = act(x W^T + bias) for f32 row-major weights [n, k] (f32 files); include after
 * activation.h. Both operands are row-major along k, so each output is a dot product of two rows: per
 * block of TERN_VF_WIDTH weight rows (kept in L1/L2 while every x row passes), one accumulator per weight
 * row over k, the x chunk loaded once for all of them, then one transposing reduction gives the block's
 * outputs in one vector (as the attention scores). Differs from the scalar kernel in summation order and FMA
 * (tolerance in kernels.h). */
#ifndef TERN_F32_SIMD_GEMM_F32_H
#define TERN_F32_SIMD_GEMM_F32_H

static inline void f32_gemm_f32_run(size_t m, size_t n, size_t k, const float *x, size_t x_stride, const float *w,
                                    const float *bias, float *y, size_t y_stride, tern_activation act) {
  const size_t full_k = k / TERN_VF_WIDTH * TERN_VF_WIDTH, tail_k = k - full_k;
  for (size_t col0 = 0; col0 < n; col0 += TERN_VF_WIDTH) {
    const size_t cols = n - col0 < TERN_VF_WIDTH ? n - col0 : TERN_VF_WIDTH;
    const float *w_block = w + col0 * k;
    const tern_vf bias_vector = bias == NULL ? vf_zero()
                                : cols == TERN_VF_WIDTH ? vf_load(bias + col0)
                                                        : vf_load_partial(bias + col0, cols);
    for (size_t row = 0; row < m; row++) {
      const float *x_row = x + row * x_stride;
      tern_vf acc[TERN_VF_WIDTH];
      for (size_t c = 0; c < TERN_VF_WIDTH; c++) acc[c] = vf_zero();
      if (cols == TERN_VF_WIDTH) {
        for (size_t d = 0; d < full_k; d += TERN_VF_WIDTH) {
          const tern_vf x_chunk = vf_load(x_row + d);
          for (size_t c = 0; c < TERN_VF_WIDTH; c++) acc[c] = vf_fma(x_chunk, vf_load(w_block + c * k + d), acc[c]);
        }
      } else {
        for (size_t d = 0; d < full_k; d += TERN_VF_WIDTH) {
          const tern_vf x_chunk = vf_load(x_row + d);
          for (size_t c = 0; c < cols; c++) acc[c] = vf_fma(x_chunk, vf_load(w_block + c * k + d), acc[c]);
        }
      }
      if (tail_k != 0) {
        const tern_vf x_chunk = vf_load_partial(x_row + full_k, tail_k);
        for (size_t c = 0; c < cols; c++)
          acc[c] = vf_fma(x_chunk, vf_load_partial(w_block + c * k + full_k, tail_k), acc[c]);
      }
      const tern_vf out = vf_add(vf_reduce_add_lanes(acc), bias_vector);
      if (cols == TERN_VF_WIDTH) {
        vf_store(y + row * y_stride + col0, out);
      } else {
        vf_store_partial(y + row * y_stride + col0, out, cols);
      }
    }
  }
  if (act != TERN_ACT_IDENTITY)
    for (size_t row = 0; row < m; row++) f32_activation_run(n, y + row * y_stride, act);
}

#endif /* TERN_F32_SIMD_GEMM_F32_H */
