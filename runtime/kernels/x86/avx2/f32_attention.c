/* One head of self-attention for AVX2. Head dims up to TERN_ATTENTION_KEY_DIMS run as small register-tiled
 * GEMMs; wider heads use the shared f32_simd/attention.h template.
 *   1. K is transposed once per head into the scratch (kt[d][j], keys padded with zeros to a multiple of 16),
 *      so QK^T needs no horizontal sums: each step broadcasts q[r][d] of 4 query rows and loads 16 keys'
 *      kt[d][j..j+15], 8 accumulators of 8 FMAs on 6 loads.
 *   2. Scores past seq_len become -inf, so the softmax runs on whole vectors (exp_nonpositive below).
 *   3. P.V: V is copied into the scratch as contiguous rows padded to 16 columns (the encoder's rows are a
 *      hidden-size stride apart: a head's rows would share a few L1 sets); 4 query rows x 16 columns per
 *      pass over V, 8 accumulators, each V load used 4 times.
 * Differs from the scalar reference only in summation order, FMA and exp (tolerance in kernels.h). */
#include <math.h>

#include "kernels.h"
#include "x86/avx2/f32_vec_avx2.h"
#include "f32_simd/exp.h"
#include "f32_simd/attention.h"
#include "x86/kernels_x86.h"

enum { TILE_ROWS = 4, KEY_TILE = 16 };

/* kt[d][j] = k[j][d] for keys [0, seq_len), zeros up to padded_len: 8 x 8 blocks in registers, the edges
 * one float at a time. */
static void transpose_keys(size_t seq_len, size_t padded_len, size_t head_dim, const float *k, size_t k_stride,
                           float *kt) {
  const size_t full_keys = seq_len / 8 * 8, full_dims = head_dim / 8 * 8;
  for (size_t j = 0; j < full_keys; j += 8) {
    const float *k_block = k + j * k_stride;
    for (size_t d = 0; d < full_dims; d += 8) {
      __m256 row[8], half[8], quarter[8];
      for (size_t i = 0; i < 8; i++) row[i] = _mm256_loadu_ps(k_block + i * k_stride + d);
      for (size_t i = 0; i < 8; i += 2) {
        half[i] = _mm256_unpacklo_ps(row[i], row[i + 1]);
        half[i + 1] = _mm256_unpackhi_ps(row[i], row[i + 1]);
      }
      for (size_t i = 0; i < 8; i += 4) {
        quarter[i] = _mm256_shuffle_ps(half[i], half[i + 2], 0x44);
        quarter[i + 1] = _mm256_shuffle_ps(half[i], half[i + 2], 0xEE);
        quarter[i + 2] = _mm256_shuffle_ps(half[i + 1], half[i + 3], 0x44);
        quarter[i + 3] = _mm256_shuffle_ps(half[i + 1], half[i + 3], 0xEE);
      }
      float *kt_block = kt + d * padded_len + j;
      for (size_t i = 0; i < 4; i++) {
        _mm256_store_ps(kt_block + i * padded_len, _mm256_permute2f128_ps(quarter[i], quarter[i + 4], 0x20));
        _mm256_store_ps(kt_block + (i + 4) * padded_len, _mm256_permute2f128_ps(quarter[i], quarter[i + 4], 0x31));
      }
    }
    for (size_t i = 0; i < 8; i++)
      for (size_t d = full_dims; d < head_dim; d++) kt[d * padded_len + j + i] = k_block[i * k_stride + d];
  }
  for (size_t j = full_keys; j < seq_len; j++)
    for (size_t d = 0; d < head_dim; d++) kt[d * padded_len + j] = k[j * k_stride + d];
  for (size_t d = 0; d < head_dim; d++)
    for (size_t j = seq_len; j < padded_len; j++) kt[d * padded_len + j] = 0.0f;
}

/* V rows copied contiguously, head_dim padded with zeros to padded_dim (a multiple of 16): the encoder's V
 * rows are a hidden-size stride apart, which maps a head's rows onto a few L1 sets. */
static void pack_values(size_t seq_len, size_t head_dim, size_t padded_dim, const float *v, size_t v_stride,
                        float *packed) {
  for (size_t j = 0; j < seq_len; j++) {
    const float *v_row = v + j * v_stride;
    float *packed_row = packed + j * padded_dim;
    size_t d = 0;
    for (; d + 8 <= head_dim; d += 8) _mm256_store_ps(packed_row + d, _mm256_loadu_ps(v_row + d));
    for (; d < head_dim; d++) packed_row[d] = v_row[d];
    for (; d < padded_dim; d++) packed_row[d] = 0.0f;
  }
}

/* scores rows [0, rows) (rows <= 4; missing rows repeat the last one and are not stored), keys
 * [0, padded_len), times scale. */
static void scores_tile(size_t rows, size_t padded_len, size_t head_dim, const float *q, size_t q_stride,
                        const float *kt, float scale, float *scores, size_t scores_stride) {
  const float *q0 = q, *q1 = q + (rows > 1 ? 1 : 0) * q_stride;
  const float *q2 = q + (rows > 2 ? 2 : rows - 1) * q_stride, *q3 = q + (rows > 3 ? 3 : rows - 1) * q_stride;
  const __m256 scale_vector = _mm256_set1_ps(scale);
  for (size_t j = 0; j < padded_len; j += KEY_TILE) {
    __m256 a00 = _mm256_setzero_ps(), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
    const float *kt_column = kt + j;
    for (size_t d = 0; d < head_dim; d++, kt_column += padded_len) {
      const __m256 k0 = _mm256_load_ps(kt_column), k1 = _mm256_load_ps(kt_column + 8);
      const __m256 b0 = _mm256_broadcast_ss(q0 + d), b1 = _mm256_broadcast_ss(q1 + d);
      const __m256 b2 = _mm256_broadcast_ss(q2 + d), b3 = _mm256_broadcast_ss(q3 + d);
      a00 = _mm256_fmadd_ps(b0, k0, a00), a01 = _mm256_fmadd_ps(b0, k1, a01);
      a10 = _mm256_fmadd_ps(b1, k0, a10), a11 = _mm256_fmadd_ps(b1, k1, a11);
      a20 = _mm256_fmadd_ps(b2, k0, a20), a21 = _mm256_fmadd_ps(b2, k1, a21);
      a30 = _mm256_fmadd_ps(b3, k0, a30), a31 = _mm256_fmadd_ps(b3, k1, a31);
    }
    const __m256 tile[TILE_ROWS][2] = {{a00, a01}, {a10, a11}, {a20, a21}, {a30, a31}};
    for (size_t r = 0; r < rows; r++) {
      _mm256_store_ps(scores + r * scores_stride + j, _mm256_mul_ps(tile[r][0], scale_vector));
      _mm256_store_ps(scores + r * scores_stride + j + 8, _mm256_mul_ps(tile[r][1], scale_vector));
    }
  }
}

/* exp(x) for x <= 0 (score - max) as exp.h's vf_exp (same reduction and polynomial), cheaper: n is rounded
 * by adding 1.5 * 2^23, whose low bits then hold n, and x is clamped at -87.3 instead of underflowing to 0
 * (exp(-87.3) ~ 1.2e-38 weights are below any rounding of the output). NaN stays NaN. */
static inline __m256 exp_nonpositive(__m256 x) {
  const __m256 magic = _mm256_set1_ps(12582912.0f);
  x = _mm256_max_ps(_mm256_set1_ps(-87.3f), x);
  const __m256 shifted = _mm256_fmadd_ps(x, _mm256_set1_ps(TERN_LOG2E), magic);
  const __m256 n = _mm256_sub_ps(shifted, magic);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(TERN_LN2_HI), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(TERN_LN2_LO), r);
  __m256 poly = _mm256_fmadd_ps(_mm256_set1_ps(1.3814534759148955e-3f), r, _mm256_set1_ps(8.368702605366707e-3f));
  poly = _mm256_fmadd_ps(poly, r, _mm256_set1_ps(4.166838899254799e-2f));
  poly = _mm256_fmadd_ps(poly, r, _mm256_set1_ps(1.666652113199234e-1f));
  poly = _mm256_fmadd_ps(poly, r, _mm256_set1_ps(4.999999403953552e-1f));
  const __m256 p = _mm256_add_ps(_mm256_fmadd_ps(_mm256_mul_ps(r, r), poly, r), _mm256_set1_ps(1.0f));
  const __m256i pow2 = _mm256_add_epi32(_mm256_slli_epi32(_mm256_castps_si256(shifted), 23), _mm256_set1_epi32(127 << 23));
  return _mm256_mul_ps(p, _mm256_castsi256_ps(pow2));
}

/* In place over padded_len scores whose keys past seq_len are set to -inf: exp(score - max); returns
 * 1 / their sum. */
static float softmax_row(size_t seq_len, size_t padded_len, float *scores_row) {
  for (size_t j = seq_len; j < padded_len; j++) scores_row[j] = -INFINITY;
  __m256 max0 = _mm256_set1_ps(-INFINITY), max1 = max0;
  for (size_t j = 0; j < padded_len; j += 16) {
    max0 = _mm256_max_ps(_mm256_load_ps(scores_row + j), max0);
    max1 = _mm256_max_ps(_mm256_load_ps(scores_row + j + 8), max1);
  }
  const __m256 max_broadcast = _mm256_set1_ps(vf_reduce_max(_mm256_max_ps(max0, max1)));
  __m256 sum0 = _mm256_setzero_ps(), sum1 = sum0;
  for (size_t j = 0; j < padded_len; j += 16) {
    const __m256 p0 = exp_nonpositive(_mm256_sub_ps(_mm256_load_ps(scores_row + j), max_broadcast));
    const __m256 p1 = exp_nonpositive(_mm256_sub_ps(_mm256_load_ps(scores_row + j + 8), max_broadcast));
    _mm256_store_ps(scores_row + j, p0);
    _mm256_store_ps(scores_row + j + 8, p1);
    sum0 = _mm256_add_ps(sum0, p0), sum1 = _mm256_add_ps(sum1, p1);
  }
  return 1.0f / vf_reduce_add(_mm256_add_ps(sum0, sum1));
}

static inline void store_columns(float *p, __m256 value, size_t width) {
  if (width >= 8) {
    _mm256_storeu_ps(p, value);
  } else if (width != 0) {
    vf_store_partial(p, value, width);
  }
}

/* out rows [0, rows) (rows <= 4, missing rows repeat the last one and are not stored) = (p rows . V) * their
 * inverse sums, 16 columns of the packed V at a time. */
static void context_tile(size_t rows, size_t seq_len, size_t head_dim, size_t padded_dim, const float *p,
                         size_t p_stride, const float *v_packed, const float *inverse_sum, float *out,
                         size_t out_stride) {
  const float *p0 = p, *p1 = p + (rows > 1 ? 1 : 0) * p_stride;
  const float *p2 = p + (rows > 2 ? 2 : rows - 1) * p_stride, *p3 = p + (rows > 3 ? 3 : rows - 1) * p_stride;
  for (size_t d = 0; d < head_dim; d += 16) {
    __m256 a00 = _mm256_setzero_ps(), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
    const float *v_column = v_packed + d;
    for (size_t j = 0; j < seq_len; j++, v_column += padded_dim) {
      const __m256 v0 = _mm256_load_ps(v_column), v1 = _mm256_load_ps(v_column + 8);
      const __m256 b0 = _mm256_broadcast_ss(p0 + j), b1 = _mm256_broadcast_ss(p1 + j);
      const __m256 b2 = _mm256_broadcast_ss(p2 + j), b3 = _mm256_broadcast_ss(p3 + j);
      a00 = _mm256_fmadd_ps(b0, v0, a00), a01 = _mm256_fmadd_ps(b0, v1, a01);
      a10 = _mm256_fmadd_ps(b1, v0, a10), a11 = _mm256_fmadd_ps(b1, v1, a11);
      a20 = _mm256_fmadd_ps(b2, v0, a20), a21 = _mm256_fmadd_ps(b2, v1, a21);
      a30 = _mm256_fmadd_ps(b3, v0, a30), a31 = _mm256_fmadd_ps(b3, v1, a31);
    }
    const size_t width0 = head_dim - d, width1 = head_dim - d > 8 ? head_dim - d - 8 : 0;
    const __m256 acc[TILE_ROWS][2] = {{a00, a01}, {a10, a11}, {a20, a21}, {a30, a31}};
    for (size_t r = 0; r < rows; r++) {
      const __m256 inverse = _mm256_set1_ps(inverse_sum[r]);
      float *out_row = out + r * out_stride + d;
      store_columns(out_row, _mm256_mul_ps(acc[r][0], inverse), width0);
      store_columns(out_row + 8, _mm256_mul_ps(acc[r][1], inverse), width1);
    }
  }
}

void tern_attention_f32__avx2(size_t seq_len, size_t head_dim, const float *q, size_t q_stride, const float *k,
                              size_t k_stride, const float *v, size_t v_stride, float *out, size_t out_stride,
                              float scale, float *scores) {
  if (head_dim > TERN_ATTENTION_KEY_DIMS || seq_len == 0) {
    f32_attention_run(seq_len, head_dim, q, q_stride, k, k_stride, v, v_stride, out, out_stride, scale, scores);
    return;
  }
  const size_t padded_len = tern_round_up(seq_len, KEY_TILE);
  float *kt = scores + TERN_ATTENTION_SCORE_ROWS * padded_len;
  const size_t padded_dim = tern_round_up(head_dim, 16);
  float *v_packed = kt + TERN_ATTENTION_KEY_DIMS * padded_len;
  transpose_keys(seq_len, padded_len, head_dim, k, k_stride, kt);
  pack_values(seq_len, head_dim, padded_dim, v, v_stride, v_packed);
  for (size_t first = 0; first < seq_len; first += TERN_ATTENTION_SCORE_ROWS) {
    const size_t rows = seq_len - first < TERN_ATTENTION_SCORE_ROWS ? seq_len - first : TERN_ATTENTION_SCORE_ROWS;
    float inverse_sum[TERN_ATTENTION_SCORE_ROWS];
    for (size_t r = 0; r < rows; r += TILE_ROWS) {
      scores_tile(rows - r < TILE_ROWS ? rows - r : TILE_ROWS, padded_len, head_dim, q + (first + r) * q_stride,
                  q_stride, kt, scale, scores + r * padded_len, padded_len);
    }
    for (size_t r = 0; r < rows; r++) inverse_sum[r] = softmax_row(seq_len, padded_len, scores + r * padded_len);
    for (size_t r = 0; r < rows; r += TILE_ROWS) {
      context_tile(rows - r < TILE_ROWS ? rows - r : TILE_ROWS, seq_len, head_dim, padded_dim,
                   scores + r * padded_len, padded_len, v_packed, inverse_sum + r, out + (first + r) * out_stride,
                   out_stride);
    }
  }
}
