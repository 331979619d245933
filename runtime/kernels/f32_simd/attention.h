/* attention.h — one head of self-attention over one text, in blocks of TERN_ATTENTION_SCORE_ROWS query
 * rows; include after exp.h. For each block:
 *   1. scores[r][j] = q[i] . k[j] * scale: TERN_VF_WIDTH keys at a time, one accumulator vector per key
 *      over head_dim, then one transposing reduction (vf_reduce_add_lanes) gives the keys' scores in one
 *      vector; the query chunk is loaded once per chunk and reused by every key.
 *   2. p = exp(score - max) unnormalized, and 1 / sum per row.
 *   3. out[i] = (sum_j p[r][j] v[j]) / sum: two query rows x 4 vectors of head_dim per pass over V, so each
 *      V row loaded is used twice from registers, with 8 accumulators (fits armv7's 16 registers).
 * The block's K and V rows are read once per block of rows (L1/L2-resident for texts of a few hundred
 * tokens). Differs from the scalar reference only in summation order, FMA and exp (tolerance in kernels.h). */
#ifndef TERN_F32_SIMD_ATTENTION_H
#define TERN_F32_SIMD_ATTENTION_H

/* Scores of one query row against keys [0, seq_len), times scale. */
static inline void attention_scores_row(size_t seq_len, size_t head_dim, const float *q_row, const float *k,
                                        size_t k_stride, float scale, float *scores_row) {
  const size_t full_dims = head_dim / TERN_VF_WIDTH * TERN_VF_WIDTH, tail_dims = head_dim - full_dims;
  const tern_vf scale_vector = vf_set1(scale);
  for (size_t j = 0; j < seq_len; j += TERN_VF_WIDTH) {
    const size_t keys = seq_len - j < TERN_VF_WIDTH ? seq_len - j : TERN_VF_WIDTH;
    tern_vf acc[TERN_VF_WIDTH];
    for (size_t key = 0; key < TERN_VF_WIDTH; key++) acc[key] = vf_zero();
    const float *k_block = k + j * k_stride;
    for (size_t d = 0; d < full_dims; d += TERN_VF_WIDTH) {
      const tern_vf q_chunk = vf_load(q_row + d);
      if (keys == TERN_VF_WIDTH) {
        for (size_t key = 0; key < TERN_VF_WIDTH; key++)
          acc[key] = vf_fma(q_chunk, vf_load(k_block + key * k_stride + d), acc[key]);
      } else {
        for (size_t key = 0; key < keys; key++)
          acc[key] = vf_fma(q_chunk, vf_load(k_block + key * k_stride + d), acc[key]);
      }
    }
    if (tail_dims != 0) {
      const tern_vf q_chunk = vf_load_partial(q_row + full_dims, tail_dims);
      for (size_t key = 0; key < keys; key++)
        acc[key] = vf_fma(q_chunk, vf_load_partial(k_block + key * k_stride + full_dims, tail_dims), acc[key]);
    }
    const tern_vf block_scores = vf_mul(vf_reduce_add_lanes(acc), scale_vector);
    if (keys == TERN_VF_WIDTH) {
      vf_store(scores_row + j, block_scores);
    } else {
      vf_store_partial(scores_row + j, block_scores, keys);
    }
  }
}

/* scores_row = exp(scores_row - max), returns 1 / their sum. */
static inline float attention_softmax_row(size_t seq_len, float *scores_row) {
  const size_t full = seq_len / TERN_VF_WIDTH * TERN_VF_WIDTH;
  tern_vf max_vector = vf_set1(-INFINITY);
  for (size_t j = 0; j < full; j += TERN_VF_WIDTH) max_vector = vf_max(vf_load(scores_row + j), max_vector);
  float max_value = vf_reduce_max(max_vector);
  for (size_t j = full; j < seq_len; j++)
    if (scores_row[j] > max_value) max_value = scores_row[j];
  const tern_vf max_broadcast = vf_set1(max_value);
  tern_vf sum_vector = vf_zero();
  for (size_t j = 0; j < full; j += TERN_VF_WIDTH) {
    const tern_vf p = vf_exp(vf_sub(vf_load(scores_row + j), max_broadcast));
    vf_store(scores_row + j, p);
    sum_vector = vf_add(sum_vector, p);
  }
  if (full < seq_len) {
    const size_t rest = seq_len - full;
    /* Padding lanes get exp(-inf) = 0. */
    tern_vf tail = vf_load_partial(scores_row + full, rest);
    float padded[TERN_VF_WIDTH];
    vf_store(padded, tail);
    for (size_t lane = rest; lane < TERN_VF_WIDTH; lane++) padded[lane] = -INFINITY;
    tail = vf_exp(vf_sub(vf_load(padded), max_broadcast));
    vf_store_partial(scores_row + full, tail, rest);
    sum_vector = vf_add(sum_vector, tail);
  }
  return 1.0f / vf_reduce_add(sum_vector);
}

/* out rows (ROWS = 1 or 2) = (p rows . V) * inverse sums, over head_dim columns. */
static inline void attention_context_rows(size_t rows, size_t seq_len, size_t head_dim, const float *p,
                                          size_t p_stride, const float *v, size_t v_stride, const float *inverse_sum,
                                          float *out, size_t out_stride) {
  enum { CHUNK = 4 * TERN_VF_WIDTH };
  size_t d = 0;
  for (; d + CHUNK <= head_dim; d += CHUNK) {
    tern_vf acc0[4] = {vf_zero(), vf_zero(), vf_zero(), vf_zero()};
    tern_vf acc1[4] = {vf_zero(), vf_zero(), vf_zero(), vf_zero()};
    if (rows == 2) {
      for (size_t j = 0; j < seq_len; j++) {
        const float *v_row = v + j * v_stride + d;
        const tern_vf p0 = vf_set1(p[j]), p1 = vf_set1(p[p_stride + j]);
        for (size_t c = 0; c < 4; c++) {
          const tern_vf v_chunk = vf_load(v_row + c * TERN_VF_WIDTH);
          acc0[c] = vf_fma(p0, v_chunk, acc0[c]);
          acc1[c] = vf_fma(p1, v_chunk, acc1[c]);
        }
      }
    } else {
      for (size_t j = 0; j < seq_len; j++) {
        const float *v_row = v + j * v_stride + d;
        const tern_vf p0 = vf_set1(p[j]);
        for (size_t c = 0; c < 4; c++) acc0[c] = vf_fma(p0, vf_load(v_row + c * TERN_VF_WIDTH), acc0[c]);
      }
    }
    const tern_vf inverse0 = vf_set1(inverse_sum[0]);
    for (size_t c = 0; c < 4; c++) vf_store(out + d + c * TERN_VF_WIDTH, vf_mul(acc0[c], inverse0));
    if (rows == 2) {
      const tern_vf inverse1 = vf_set1(inverse_sum[1]);
      for (size_t c = 0; c < 4; c++) vf_store(out + out_stride + d + c * TERN_VF_WIDTH, vf_mul(acc1[c], inverse1));
    }
  }
  /* Columns left: one vector (or a partial one) at a time. */
  for (; d < head_dim; d += TERN_VF_WIDTH) {
    const size_t width = head_dim - d < TERN_VF_WIDTH ? head_dim - d : TERN_VF_WIDTH;
    for (size_t r = 0; r < rows; r++) {
      tern_vf acc = vf_zero();
      const float *p_row = p + r * p_stride;
      for (size_t j = 0; j < seq_len; j++) {
        const float *v_row = v + j * v_stride + d;
        acc = vf_fma(vf_set1(p_row[j]), width == TERN_VF_WIDTH ? vf_load(v_row) : vf_load_partial(v_row, width),
                     acc);
      }
      acc = vf_mul(acc, vf_set1(inverse_sum[r]));
      if (width == TERN_VF_WIDTH) {
        vf_store(out + r * out_stride + d, acc);
      } else {
        vf_store_partial(out + r * out_stride + d, acc, width);
      }
    }
  }
}

static inline void f32_attention_run(size_t seq_len, size_t head_dim, const float *q, size_t q_stride,
                                     const float *k, size_t k_stride, const float *v, size_t v_stride, float *out,
                                     size_t out_stride, float scale, float *scores) {
  const size_t scores_stride = tern_round_up(seq_len, 16);
  for (size_t first = 0; first < seq_len; first += TERN_ATTENTION_SCORE_ROWS) {
    const size_t rows = seq_len - first < TERN_ATTENTION_SCORE_ROWS ? seq_len - first : TERN_ATTENTION_SCORE_ROWS;
    float inverse_sum[TERN_ATTENTION_SCORE_ROWS];
    for (size_t r = 0; r < rows; r++) {
      float *scores_row = scores + r * scores_stride;
      attention_scores_row(seq_len, head_dim, q + (first + r) * q_stride, k, k_stride, scale, scores_row);
      inverse_sum[r] = attention_softmax_row(seq_len, scores_row);
    }
    for (size_t r = 0; r < rows; r += 2) {
      attention_context_rows(rows - r >= 2 ? 2 : 1, seq_len, head_dim, scores + r * scores_stride, scores_stride, v,
                             v_stride, inverse_sum + r, out + (first + r) * out_stride, out_stride);
    }
  }
}

#endif /* TERN_F32_SIMD_ATTENTION_H */
