/* gemm_outliers.h — the f32 part of an int8 linear with outlier channels (kernels.h "outliers"), then the
 * activation; include after activation.h. Per block of 16 output channels (one Packed16x4 block column),
 * the outlier channels' int8 weights are unpacked once into a small f32 table (up to OUTLIER_CHUNK
 * channels at a time) and reused by every row: y[row][16 cols] += w_scale * sum_i x[row][c_i] w[:, c_i], in
 * list order with FMA as the scalar kernel allows. More than OUTLIER_CHUNK channels add their chunks' sums
 * one after another (a rounding the scalar kernel does not have: within the tolerance of kernels.h). The
 * activation then runs over the block's row segments with the vector GELU. */
#ifndef TERN_F32_SIMD_GEMM_OUTLIERS_H
#define TERN_F32_SIMD_GEMM_OUTLIERS_H

#define OUTLIER_CHUNK 32
#define OUTLIER_VECTORS (TERN_PACK_NR / TERN_VF_WIDTH)

static inline void f32_gemm_outliers_run(size_t m, size_t n, size_t k, size_t count, const uint32_t *channels,
                                         const float *x, size_t x_stride, const int8_t *w_packed,
                                         const float *w_scale, float *y, size_t y_stride, tern_activation act) {
  const size_t k_blocks = tern_round_up(k, TERN_PACK_KR) / TERN_PACK_KR;
  const size_t block_bytes = TERN_PACK_NR * TERN_PACK_KR;
  float weights[OUTLIER_CHUNK][TERN_PACK_NR];
  for (size_t col0 = 0; col0 < n; col0 += TERN_PACK_NR) {
    const size_t cols = n - col0 < TERN_PACK_NR ? n - col0 : TERN_PACK_NR;
    const int8_t *w_column_block = w_packed + (col0 / TERN_PACK_NR) * k_blocks * block_bytes;
    float scale_block[TERN_PACK_NR] = {0};
    memcpy(scale_block, w_scale + col0, cols * sizeof *w_scale);
    for (size_t first = 0; first < count; first += OUTLIER_CHUNK) {
      const size_t chunk = count - first < OUTLIER_CHUNK ? count - first : OUTLIER_CHUNK;
      for (size_t i = 0; i < chunk; i++) {
        const size_t c = channels[first + i];
        /* W[col][c]: block (col / 16, c / 4), row col % 16, lane c % 4. */
        const int8_t *source = w_column_block + (c / TERN_PACK_KR) * block_bytes + c % TERN_PACK_KR;
        for (size_t col = 0; col < TERN_PACK_NR; col++)
          weights[i][col] = col < cols ? (float)source[col * TERN_PACK_KR] : 0.0f;
      }
      for (size_t row = 0; row < m; row++) {
        const float *x_row = x + row * x_stride;
        tern_vf sum[OUTLIER_VECTORS];
        for (size_t v = 0; v < OUTLIER_VECTORS; v++) sum[v] = vf_zero();
        for (size_t i = 0; i < chunk; i++) {
          const tern_vf x_value = vf_set1(x_row[channels[first + i]]);
          for (size_t v = 0; v < OUTLIER_VECTORS; v++)
            sum[v] = vf_fma(x_value, vf_load(weights[i] + v * TERN_VF_WIDTH), sum[v]);
        }
        float *y_row = y + row * y_stride + col0;
        if (cols == TERN_PACK_NR) {
          for (size_t v = 0; v < OUTLIER_VECTORS; v++) {
            const size_t at = v * TERN_VF_WIDTH;
            vf_store(y_row + at, vf_add(vf_load(y_row + at), vf_mul(sum[v], vf_load(scale_block + at))));
          }
        } else {
          float out[TERN_PACK_NR] = {0};
          memcpy(out, y_row, cols * sizeof *out);
          for (size_t v = 0; v < OUTLIER_VECTORS; v++) {
            const size_t at = v * TERN_VF_WIDTH;
            vf_store(out + at, vf_add(vf_load(out + at), vf_mul(sum[v], vf_load(scale_block + at))));
          }
          memcpy(y_row, out, cols * sizeof *out);
        }
      }
    }
    if (act != TERN_ACT_IDENTITY)
      for (size_t row = 0; row < m; row++) f32_activation_run(cols, y + row * y_stride + col0, act);
  }
}

#endif /* TERN_F32_SIMD_GEMM_OUTLIERS_H */
