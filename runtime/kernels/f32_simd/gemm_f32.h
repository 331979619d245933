/* gemm_f32.h — y = act(x W^T + bias) for row-major weights [n, k] in f32 or f16 (f32 and f16 files);
 * include after activation.h. Both operands are row-major along k, so each output is a dot product of two rows: per
 * block of TERN_VF_WIDTH weight rows (kept in L1/L2 while every x row passes), one accumulator per weight
 * row over k, the x chunk loaded once for all of them, then one transposing reduction gives the block's
 * outputs in one vector (as the attention scores). f16 weights are widened in registers with integer
 * operations (exact, subnormals included except on armv7, which flushes them). Differs from the scalar kernel
 * in summation order and FMA (tolerance in kernels.h). */
#ifndef TERN_F32_SIMD_GEMM_F32_H
#define TERN_F32_SIMD_GEMM_F32_H

/* IEEE half bits (zero-extended in int32 lanes) to float: the magnitude bits shifted into place and scaled
 * by 2^112 (rebiases the exponent and normalizes subnormals exactly); exponent 31 (inf, NaN) set directly. */
static inline tern_vf vf_from_f16_bits(tern_vi half) {
  const tern_vi magnitude = vi_shift_left_13(vi_and(half, vi_set1(0x7FFF)));
  const tern_vf finite = vf_mul(vi_as_float(magnitude), vf_set1(0x1p112f));
  const tern_vmask inf_or_nan = vi_equal(vi_and(half, vi_set1(0x7C00)), vi_set1(0x7C00));
  const tern_vf value = vf_select(inf_or_nan, vi_as_float(vi_or(magnitude, vi_set1(0x7F800000))), finite);
  return vi_as_float(vi_or(vf_as_int(value), vi_shift_left_16(vi_and(half, vi_set1(0x8000)))));
}

/* TERN_VF_WIDTH weights from element `at` of w (f32, or f16 bits when is_f16); the first `count` only
 * (the rest 0) when count < TERN_VF_WIDTH. */
static inline tern_vf gemm_load_weights(const void *w, int is_f16, size_t at, size_t count) {
  if (!is_f16) {
    const float *w_f32 = (const float *)w + at;
    return count == TERN_VF_WIDTH ? vf_load(w_f32) : vf_load_partial(w_f32, count);
  }
  const uint16_t *w_f16 = (const uint16_t *)w + at;
  if (count == TERN_VF_WIDTH) return vf_from_f16_bits(vi_load_u16(w_f16));
  uint16_t buffer[TERN_VF_WIDTH] = {0};
  memcpy(buffer, w_f16, count * sizeof *w_f16);
  return vf_from_f16_bits(vi_load_u16(buffer));
}

/* is_f16 is a constant at each call site, so the weight load is specialized when this is inlined. */
static inline void f32_gemm_run(size_t m, size_t n, size_t k, const float *x, size_t x_stride, const void *w,
                                int is_f16, const float *bias, float *y, size_t y_stride, tern_activation act) {
  const size_t full_k = k / TERN_VF_WIDTH * TERN_VF_WIDTH, tail_k = k - full_k;
  for (size_t col0 = 0; col0 < n; col0 += TERN_VF_WIDTH) {
    const size_t cols = n - col0 < TERN_VF_WIDTH ? n - col0 : TERN_VF_WIDTH;
    const size_t w_block = col0 * k; /* element offset of the block's first weight row */
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
          for (size_t c = 0; c < TERN_VF_WIDTH; c++)
            acc[c] = vf_fma(x_chunk, gemm_load_weights(w, is_f16, w_block + c * k + d, TERN_VF_WIDTH), acc[c]);
        }
      } else {
        for (size_t d = 0; d < full_k; d += TERN_VF_WIDTH) {
          const tern_vf x_chunk = vf_load(x_row + d);
          for (size_t c = 0; c < cols; c++)
            acc[c] = vf_fma(x_chunk, gemm_load_weights(w, is_f16, w_block + c * k + d, TERN_VF_WIDTH), acc[c]);
        }
      }
      if (tail_k != 0) {
        const tern_vf x_chunk = vf_load_partial(x_row + full_k, tail_k);
        for (size_t c = 0; c < cols; c++)
          acc[c] = vf_fma(x_chunk, gemm_load_weights(w, is_f16, w_block + c * k + full_k, tail_k), acc[c]);
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
