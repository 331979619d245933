/* int8 GEMMs over the Packed16x4 weight layout with AVX-512 VNNI (qd8: asymmetric rows, qs8: symmetric).
 *
 * vpdpbusd (_mm512_dpbusd_epi32(acc, u, s)) adds, in each 32-bit lane, the four products of the lane's
 * unsigned bytes of u with the signed bytes of s to acc, with wraparound (no saturation). One zmm of a
 * Packed16x4 sub-block is exactly 16 channels x 4 inputs: lane c holds channel c's 4 weights. Activations
 * are signed, so the unsigned operand is the weights shifted by 128 (w ^ 0x80 = w + 128 in [1, 255] for
 * w in [-128, 127]) and the signed operand a row's 4 inputs broadcast to all lanes:
 *     lane c:  sum_j (w[c][j] + 128) * a[j]  =  dot(w[c], a) + 128 * sum_j a[j],
 * so over the whole row  acc[c] = dot(a, w[c]) + 128 * row_sum(a)  and  dot = acc - 128 * row_sum(a),
 * where row_sum (padding bytes are 0) is computed once per row with the same instruction against ones.
 * Every quantity here fits in int32 for k <= 65536 inputs (255 * 128 * k < 2^31), and wraparound makes the
 * order irrelevant anyway: the int32 results are bit-identical to the scalar kernel's. (The correction
 * depends on the row, not on the channel, so the kernel needs no weight sums and serves qs8 and qd8 alike;
 * shifting the weights rather than the activations costs one xor per weight vector, shared by MR rows.)
 *
 * A tile is MR = 8 rows x 32 channels (two Packed16x4 blocks, 16 zmm accumulators of the 32): per 4
 * inputs, 2 weight loads + 2 xors and 8 broadcasts feed 16 vpdpbusd. Columns are taken in panels whose
 * packed weights fill about half of L2, and every row group passes over a panel before the next (the loops
 * shared by every x86 int8 GEMM: x86/gemm_driver.h).
 *
 * The f32 epilogue is the scalar one in the same order, separate multiplies and adds (this folder is
 * compiled with -ffp-contract=off): y = (float)(dot - zp * w_sum) * (a_scale * w_scale) + bias, then the
 * activation (identity and ReLU exactly in vector form; GELU and tanh through tern_activation_f32__avx2).
 * Ragged column blocks use masked loads and stores (lanes past n are neither read nor written). */
#include <immintrin.h>
#include <string.h>

#include "x86/kernels_x86.h"

#define MR 8 /* rows per tile */
#define NB 2 /* 16-channel blocks per tile */
#define PANEL_BLOCKS NB
#define TERN_X86_GEMM_OWN_ROWS 1 /* the 32-channel zmm tiles and masked epilogue below */

/* A row tile's 128 * row_sum(a) per row (see the top). */
typedef struct row_group {
  int32_t correction[MR];
} row_group;

#include "x86/gemm_driver.h"

/* acc + vpdpbusd(u8 bytes of `unsigned_bytes`, s8 bytes of `signed_bytes`): _mm512_dpbusd_epi32. Written as
 * the instruction itself (AT&T operand order: signed source, unsigned source, accumulator) because GCC 12
 * copies every accumulator twice per iteration around the intrinsic in the unrolled tile (and spills). */
static inline __m512i dot_accumulate(__m512i acc, __m512i unsigned_bytes, __m512i signed_bytes) {
/* TERN_KERNEL_EMULATION: tests/kernels compiles this file with the intrinsics emulated in C. */
#if defined(__GNUC__) && !defined(__clang__) && !defined(TERN_KERNEL_EMULATION)
  __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(unsigned_bytes), "v"(signed_bytes));
  return acc;
#else
  return _mm512_dpbusd_epi32(acc, unsigned_bytes, signed_bytes);
#endif
}

/* A row's 4 inputs kb*4..kb*4+3 in every 32-bit lane. */
static inline __m512i broadcast_quad(const int8_t *quad) {
  int32_t bits;
  memcpy(&bits, quad, sizeof bits);
  return _mm512_set1_epi32(bits);
}

/* sum of the row's kp bytes (kp a multiple of 4; padding is 0): vpdpbusd of ones (unsigned) with the
 * bytes (signed). Masked loads read nothing past kp. */
static int32_t row_sum(const int8_t *row, size_t kp) {
  const __m512i ones = _mm512_set1_epi8(1);
  __m512i sums = _mm512_setzero_si512();
  size_t i = 0;
  for (; i + 64 <= kp; i += 64) sums = _mm512_dpbusd_epi32(sums, ones, _mm512_loadu_si512((const void *)(row + i)));
  if (i < kp) {
    const __mmask64 tail = _cvtu64_mask64(~0ull >> (64 - (kp - i)));
    sums = _mm512_dpbusd_epi32(sums, ones, _mm512_maskz_loadu_epi8(tail, row + i));
  }
  return _mm512_reduce_add_epi32(sums);
}

/* acc[r][b] = per channel of block b, sum over k of (w + 128) * a[r] (see the top). Inlined with constant
 * `rows` (1..MR) and `blocks` (1..NB), so the loops unroll into registers. */
static inline __attribute__((always_inline)) void tile_dot(size_t rows, size_t blocks, size_t k_blocks,
                                                           const int8_t *a, size_t a_stride, const int8_t *w_block,
                                                           size_t w_block_bytes, __m512i acc[MR][NB]) {
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  __m512i sums[MR][NB]; /* local, so they stay in registers whatever the caller does with acc */
  for (size_t r = 0; r < rows; r++)
    for (size_t b = 0; b < blocks; b++) sums[r][b] = _mm512_setzero_si512();
  for (size_t kb = 0; kb < k_blocks; kb++) {
    __m512i weights_u8[NB];
    for (size_t b = 0; b < blocks; b++)
      weights_u8[b] = _mm512_xor_si512(
          _mm512_loadu_si512((const void *)(w_block + b * w_block_bytes + kb * TERN_PACK_NR * TERN_PACK_KR)), flip);
    for (size_t r = 0; r < rows; r++) {
      const __m512i quad = broadcast_quad(a + r * a_stride + kb * TERN_PACK_KR);
      for (size_t b = 0; b < blocks; b++) sums[r][b] = dot_accumulate(sums[r][b], weights_u8[b], quad);
    }
  }
  for (size_t r = 0; r < rows; r++)
    for (size_t b = 0; b < blocks; b++) acc[r][b] = sums[r][b];
}

/* y[0..cols) = (float)(dot - zero_point * w_sums) * (a_scale * w_scale) + bias (ReLU when asked), as the
 * scalar kernel; dot = acc - correction; w_sums NULL means zero point 0 (qs8). */
static inline void epilogue(size_t cols, __m512i acc, int32_t correction, float a_scale, int32_t zero_point,
                            const float *w_scale, const int32_t *w_sums, const float *bias, float *y, int relu) {
  const __mmask16 mask = (__mmask16)((1u << cols) - 1u); /* cols in 1..16 */
  __m512i centered = _mm512_sub_epi32(acc, _mm512_set1_epi32(correction));
  if (w_sums != NULL)
    centered = _mm512_sub_epi32(centered,
                                _mm512_mullo_epi32(_mm512_set1_epi32(zero_point), _mm512_maskz_loadu_epi32(mask, w_sums)));
  const __m512 scale = _mm512_mul_ps(_mm512_set1_ps(a_scale), _mm512_maskz_loadu_ps(mask, w_scale));
  __m512 value = _mm512_mul_ps(_mm512_cvtepi32_ps(centered), scale);
  if (bias != NULL) value = _mm512_add_ps(value, _mm512_maskz_loadu_ps(mask, bias));
  /* maxps returns its second operand for NaN and for +-0, matching x > 0 ? x : 0. */
  if (relu) value = _mm512_max_ps(value, _mm512_setzero_ps());
  _mm512_mask_storeu_ps(y, mask, value);
}

/* Rows [row, row + rows) x columns [first_col, end_col) (whole 16-channel blocks, the last one possibly
 * ragged at n), `blocks` blocks at a time. */
static inline __attribute__((always_inline)) void gemm_tiles(size_t rows, size_t blocks, size_t row, size_t col,
                                                             const int32_t correction[MR], const gemm_args *g) {
  const size_t block_bytes = g->k_blocks * TERN_PACK_NR * TERN_PACK_KR;
  __m512i acc[MR][NB];
  tile_dot(rows, blocks, g->k_blocks, g->a + row * g->a_stride, g->a_stride,
           g->w_packed + (col / TERN_PACK_NR) * block_bytes, block_bytes, acc);
  for (size_t b = 0; b < blocks; b++) {
    const size_t first = col + b * TERN_PACK_NR;
    const size_t cols = g->n - first < TERN_PACK_NR ? g->n - first : TERN_PACK_NR;
    for (size_t r = 0; r < rows; r++)
      epilogue(cols, acc[r][b], correction[r], g->a_scale[row + r],
               g->a_zero_point != NULL ? g->a_zero_point[row + r] : 0, g->w_scale + first,
               g->w_sums != NULL ? g->w_sums + first : NULL, g->bias != NULL ? g->bias + first : NULL,
               g->y + (row + r) * g->y_stride + first, g->act == TERN_ACT_RELU);
  }
}

static inline __attribute__((always_inline)) void gemm_rows(size_t rows, size_t row, size_t first_col,
                                                            size_t end_col, const gemm_args *g, row_group *group) {
  for (size_t r = 0; r < rows; r++)
    group->correction[r] = 128 * row_sum(g->a + (row + r) * g->a_stride, g->k_blocks * TERN_PACK_KR);
  size_t col = first_col;
  for (; col + TERN_PACK_NR < end_col; col += NB * TERN_PACK_NR) gemm_tiles(rows, NB, row, col, group->correction, g);
  if (col < end_col) gemm_tiles(rows, 1, row, col, group->correction, g);
  activation_pass(rows, row, first_col, end_col, g);
}

TERN_X86_GEMM_QD_ENTRY(tern_gemm_qd8_f32_8x32c4__avx512vnni)

TERN_X86_GEMM_QS_ENTRY(tern_gemm_qs8_f32_8x32c4__avx512vnni)
