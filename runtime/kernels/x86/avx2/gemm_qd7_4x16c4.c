/* The avx2 int8 GEMM for 7-bit activation rows (quantize_qd7: bytes in [-128, -1]; zero rows and padding 0),
 * Packed16x4 weights. kernels.h "qd7 GEMM": the qd8 GEMM's result, bit for bit, for such rows.
 *
 * vpmaddubsw multiplies unsigned by signed bytes and adds adjacent pairs into int16 with saturation. Here
 * the unsigned operand is the activation shifted, u = a ^ 0x80 = a + 128 in [0, 128], and the signed one the
 * weight as stored, so a pair sum lies in [2 * 128 * -128, 2 * 128 * 127] = [-32768, 32512]: it never
 * saturates, for every int8 weight including -128. vpmaddwd with ones adds the two pairs of each channel
 * into int32 lanes and vpaddd accumulates, exact while the true sum fits (k < 2^16). The accumulators hold
 * sum_k (a + 128) * w = dot + 128 * w_sum, so the epilogue subtracts (zero_point + 128) * w_sum instead of
 * zero_point * w_sum: the same int32 as the scalar kernel's acc - zero_point * w_sum, then the same f32 steps.
 *
 * Against the sign trick of gemm_qd8_4x16c4.c (vpmaddubsw(|a|, vpsignb(w, a))), the two vpsignb per row and
 * 4 inputs are gone: 6 vector instructions instead of 8 for 64 MACs, with the u8 rows prepared once per row
 * tile like |a| there. tools/bench/gemm_bench on Zen3: ~1.28x the sign trick on the MiniLM and ALBERT-base
 * shapes (89-94 GMAC/s). 6-row tiles measured no faster than 4. The loops, panels and epilogue are the
 * shared ones (x86/gemm_driver.h). */
#include <immintrin.h>
#include <string.h>

#include "x86/kernels_x86.h"
#include "x86/ymm_int8.h"

#define MR 4 /* rows per tile */
#define PANEL_BLOCKS 1
#define MAX_PRECOMPUTED_KP 4096 /* a row tile's a + 128 is kept on the stack up to this many inputs */
#define ZERO_POINT_OFFSET 128   /* the accumulators carry 128 * w_sum (see the top) */

/* A row tile's unsigned activations a ^ 0x80 (row r at r * kp), when kp <= MAX_PRECOMPUTED_KP. */
typedef struct row_group {
  int precomputed;
  size_t kp;
  uint8_t shifted[MR * MAX_PRECOMPUTED_KP];
} row_group;



/* acc += the int32 dot products of one broadcast unsigned activation quad with 8 channels x 4 inputs. */
static inline __m256i dot_add(__m256i acc, __m256i quad_unsigned, __m256i weights, __m256i ones) {
  return add_in_place(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(quad_unsigned, weights), ones));
}

/* acc[r][h] = per channel of half h, sum over k of (a[r] + 128) * w. With `precomputed`, a + 128 is read
 * from `shifted` (row r at r * shifted_stride), else flipped here. Inlined with constant `rows` and
 * `precomputed`, so it unrolls into registers. */
static inline __attribute__((always_inline)) void tile_dot_shifted(size_t rows, int precomputed, size_t k_blocks,
                                                                   const int8_t *a, size_t a_stride,
                                                                   const uint8_t *shifted, size_t shifted_stride,
                                                                   const int8_t *w_block, __m256i acc[MR][2]) {
  const __m256i ones = _mm256_set1_epi16(1), flip = _mm256_set1_epi8((char)0x80);
  __m256i sums[MR][2]; /* local, so they stay in registers: acc's address is taken by the caller */
  for (size_t r = 0; r < rows; r++) sums[r][0] = sums[r][1] = _mm256_setzero_si256();
  for (size_t kb = 0; kb < k_blocks; kb++) {
    const int8_t *w_sub = w_block + kb * TERN_PACK_NR * TERN_PACK_KR;
    const __m256i w_low = _mm256_loadu_si256((const __m256i *)w_sub);
    const __m256i w_high = _mm256_loadu_si256((const __m256i *)(w_sub + 32));
    for (size_t r = 0; r < rows; r++) {
      const __m256i quad = precomputed ? broadcast_quad(shifted + r * shifted_stride + kb * TERN_PACK_KR)
                                       : _mm256_xor_si256(broadcast_quad(a + r * a_stride + kb * TERN_PACK_KR), flip);
      sums[r][0] = dot_add(sums[r][0], quad, w_low, ones);
      sums[r][1] = dot_add(sums[r][1], quad, w_high, ones);
    }
  }
  for (size_t r = 0; r < rows; r++) acc[r][0] = sums[r][0], acc[r][1] = sums[r][1];
}

static inline __attribute__((always_inline)) void tile_dot(size_t rows, const row_group *group, size_t k_blocks,
                                                           const int8_t *a, size_t a_stride, const int8_t *w_block,
                                                           __m256i acc[MR][2]) {
  if (group->precomputed)
    tile_dot_shifted(rows, 1, k_blocks, a, a_stride, group->shifted, group->kp, w_block, acc);
  else
    tile_dot_shifted(rows, 0, k_blocks, a, a_stride, NULL, 0, w_block, acc);
}

/* a ^ 0x80 of rows x kp bytes into group->shifted (row r at r * kp), kp a multiple of 4. */
static inline void row_group_prepare(size_t rows, const int8_t *a, size_t a_stride, size_t kp, row_group *group) {
  group->kp = kp;
  group->precomputed = kp <= MAX_PRECOMPUTED_KP;
  if (!group->precomputed) return;
  const __m256i flip = _mm256_set1_epi8((char)0x80);
  for (size_t r = 0; r < rows; r++) {
    const int8_t *row = a + r * a_stride;
    uint8_t *out = group->shifted + r * kp;
    size_t i = 0;
    for (; i + 32 <= kp; i += 32)
      _mm256_storeu_si256((__m256i *)(out + i), _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(row + i)), flip));
    for (; i < kp; i++) out[i] = (uint8_t)row[i] ^ 0x80u;
  }
}

/* The accumulators' 128 * w_sum goes with the zero point (ZERO_POINT_OFFSET). */
static inline void dot_finish(const row_group *group, size_t r, __m256i acc[2]) { (void)group, (void)r, (void)acc; }

#include "x86/gemm_driver.h"

TERN_X86_GEMM_QD_ENTRY(tern_gemm_qd7_f32_4x16c4__avx2)
