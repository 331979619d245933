/* int8 GEMMs over the Packed16x4 weight layout with AVX2 (qd8: asymmetric rows, qs8: symmetric rows).
 *
 * Why vpmaddwd and not vpmaddubsw: vpmaddubsw multiplies u8 x s8 and adds pairs into int16 with
 * saturation (2 * 255 * 127 > 32767), so it is not exact for our activations (down to -128). Here both
 * sides are sign-extended to int16 and vpmaddwd adds pairs of exact products into int32, which cannot
 * overflow; the int32 accumulators are then bit-identical to the scalar kernel's (integer addition is
 * exact in any order while the true sum fits in int32, kernels.h).
 *
 * One Packed16x4 sub-block is 16 channels x 4 inputs = 64 bytes: 16 bytes (4 channels) sign-extend to one
 * ymm of int16, which vpmaddwd against the row's 4 inputs (broadcast) turns into 8 int32 = 4 channels x 2
 * pair sums. Those pair sums are kept apart across the whole k loop and joined once at the end (vphaddd),
 * so the hot loop is load+extend once per block and multiply-add per row. ROWS rows share every weight
 * load (register blocking): 2 rows (8 accumulators) measured 26 GMAC/s on the 128x384x1536 GEMM (Zen,
 * one core), 3 rows 22 (16 ymm live: spills), 4 rows 21.
 *
 * The f32 epilogue is the scalar one in the same order, separate multiplies and adds (this file is
 * compiled with -ffp-contract=off so nothing is fused into an FMA): y = (float)(acc - zp * w_sum) *
 * (a_scale * w_scale) + bias, then the activation (tern_apply_activation per element, except identity
 * and ReLU which are exact in vector form). Results are identical to the scalar kernel's. */
#include <immintrin.h>
#include <string.h>

#include "x86/kernels_x86.h"

#define ROWS 2

/* A row's 4 inputs of block kb as int16, broadcast to all four 64-bit lanes. */
static inline __m256i load_quad_i16(const int8_t *quad) {
  int32_t bits;
  memcpy(&bits, quad, sizeof bits);
  return _mm256_broadcastq_epi64(_mm_cvtepi8_epi16(_mm_cvtsi32_si128(bits)));
}

/* int32 dot products of `rows` (1..ROWS) activation rows with one 16-channel weight block, written to
 * acc[r][0..15] in channel order. Inlined with a constant `rows`, so the loops unroll into registers. */
static inline __attribute__((always_inline)) void dot_block(size_t rows, size_t k_blocks, const int8_t *a,
                                                            size_t a_stride, const int8_t *w_block,
                                                            int32_t acc[ROWS][TERN_PACK_NR]) {
  __m256i sums[ROWS][4];
  for (size_t r = 0; r < rows; r++)
    for (size_t q = 0; q < 4; q++) sums[r][q] = _mm256_setzero_si256();
  for (size_t kb = 0; kb < k_blocks; kb++) {
    const int8_t *w_sub = w_block + kb * TERN_PACK_NR * TERN_PACK_KR;
    __m256i inputs[ROWS];
    for (size_t r = 0; r < rows; r++) inputs[r] = load_quad_i16(a + r * a_stride + kb * TERN_PACK_KR);
    for (size_t q = 0; q < 4; q++) {
      const __m256i weights = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w_sub + 16 * q)));
      for (size_t r = 0; r < rows; r++)
        sums[r][q] = _mm256_add_epi32(sums[r][q], _mm256_madd_epi16(weights, inputs[r]));
    }
  }
  for (size_t r = 0; r < rows; r++) {
    /* sums[q] lanes: (c, pair 0), (c, pair 1) for channels 4q..4q+3; hadd gives per 128-bit lane
     * [c0 c1 c4 c5 | c2 c3 c6 c7], and the 64-bit permute (0, 2, 1, 3) puts them in order. */
    const __m256i low = _mm256_permute4x64_epi64(_mm256_hadd_epi32(sums[r][0], sums[r][1]), 0xD8);
    const __m256i high = _mm256_permute4x64_epi64(_mm256_hadd_epi32(sums[r][2], sums[r][3]), 0xD8);
    _mm256_storeu_si256((__m256i *)acc[r], low);
    _mm256_storeu_si256((__m256i *)(acc[r] + 8), high);
  }
}

/* y[0..cols) = act((float)(acc - zero_point * w_sums) * (a_scale * w_scale) + bias), as the scalar kernel;
 * w_sums NULL means zero_point 0 (the symmetric qs8 kernel). */
static void epilogue(size_t cols, const int32_t acc[TERN_PACK_NR], float a_scale, int32_t zero_point,
                     const float *w_scale, const int32_t *w_sums, const float *bias, float *y, tern_activation act) {
  if (cols == TERN_PACK_NR) {
    const __m256 row_scale = _mm256_set1_ps(a_scale);
    const __m256i zp = _mm256_set1_epi32(zero_point);
    for (size_t half = 0; half < TERN_PACK_NR; half += 8) {
      __m256i centered = _mm256_loadu_si256((const __m256i *)(acc + half));
      if (w_sums != NULL)
        centered = _mm256_sub_epi32(centered, _mm256_mullo_epi32(zp, _mm256_loadu_si256((const __m256i *)(w_sums + half))));
      const __m256 scale = _mm256_mul_ps(row_scale, _mm256_loadu_ps(w_scale + half));
      __m256 value = _mm256_mul_ps(_mm256_cvtepi32_ps(centered), scale);
      if (bias != NULL) value = _mm256_add_ps(value, _mm256_loadu_ps(bias + half));
      /* maxps returns its second operand for NaN and for +-0, matching x > 0 ? x : 0. */
      if (act == TERN_ACT_RELU) value = _mm256_max_ps(value, _mm256_setzero_ps());
      _mm256_storeu_ps(y + half, value);
    }
    if (act != TERN_ACT_IDENTITY && act != TERN_ACT_RELU)
      for (size_t c = 0; c < cols; c++) y[c] = tern_apply_activation(y[c], act);
    return;
  }
  for (size_t c = 0; c < cols; c++) {
    const int32_t centered = w_sums != NULL ? acc[c] - zero_point * w_sums[c] : acc[c];
    float value = (float)centered * (a_scale * w_scale[c]);
    if (bias != NULL) value += bias[c];
    y[c] = tern_apply_activation(value, act);
  }
}

static inline __attribute__((always_inline)) void gemm_rows(size_t rows, size_t row, size_t n, size_t k_blocks,
                                                            const int8_t *a, size_t a_stride, const float *a_scale,
                                                            const int32_t *a_zero_point, const int8_t *w_packed,
                                                            const float *w_scale, const int32_t *w_sums,
                                                            const float *bias, float *y, size_t y_stride,
                                                            tern_activation act) {
  const size_t block_bytes = TERN_PACK_NR * TERN_PACK_KR;
  for (size_t first_col = 0; first_col < n; first_col += TERN_PACK_NR) {
    int32_t acc[ROWS][TERN_PACK_NR];
    dot_block(rows, k_blocks, a + row * a_stride, a_stride,
              w_packed + (first_col / TERN_PACK_NR) * k_blocks * block_bytes, acc);
    const size_t cols = n - first_col < TERN_PACK_NR ? n - first_col : TERN_PACK_NR;
    for (size_t r = 0; r < rows; r++)
      epilogue(cols, acc[r], a_scale[row + r], a_zero_point != NULL ? a_zero_point[row + r] : 0,
               w_scale + first_col, w_sums != NULL ? w_sums + first_col : NULL,
               bias != NULL ? bias + first_col : NULL, y + (row + r) * y_stride + first_col, act);
  }
}

/* Both GEMMs: a_zero_point and w_sums NULL for symmetric rows. */
static void gemm_16x4(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride, const float *a_scale,
                      const int32_t *a_zero_point, const int8_t *w_packed, const float *w_scale,
                      const int32_t *w_sums, const float *bias, float *y, size_t y_stride, tern_activation act) {
  const size_t k_blocks = tern_round_up(k, TERN_PACK_KR) / TERN_PACK_KR;
  size_t row = 0;
  for (; row + ROWS <= m; row += ROWS)
    gemm_rows(ROWS, row, n, k_blocks, a, a_stride, a_scale, a_zero_point, w_packed, w_scale, w_sums, bias, y,
              y_stride, act);
  for (; row < m; row++)
    gemm_rows(1, row, n, k_blocks, a, a_stride, a_scale, a_zero_point, w_packed, w_scale, w_sums, bias, y, y_stride,
              act);
}

void tern_gemm_qd8_f32_16x4__avx2(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                  const float *a_scale, const int32_t *a_zero_point, const int8_t *w_packed,
                                  const float *w_scale, const int32_t *w_sums, const float *bias, float *y,
                                  size_t y_stride, tern_activation act) {
  gemm_16x4(m, n, k, a, a_stride, a_scale, a_zero_point, w_packed, w_scale, w_sums, bias, y, y_stride, act);
}

void tern_gemm_qs8_f32_16x4__avx2(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                  const float *a_scale, const int8_t *w_packed, const float *w_scale,
                                  const float *bias, float *y, size_t y_stride, tern_activation act) {
  gemm_16x4(m, n, k, a, a_stride, a_scale, NULL, w_packed, w_scale, NULL, bias, y, y_stride, act);
}
