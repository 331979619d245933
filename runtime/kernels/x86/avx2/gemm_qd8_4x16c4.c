/* int8 GEMMs over the Packed16x4 weight layout with AVX2 (qd8: asymmetric rows, qs8: symmetric rows).
 *
 * The integer core is the sign trick of ONNX Runtime's MLAS: vpmaddubsw multiplies unsigned by signed bytes
 * and adds adjacent pairs into int16 with saturation. Fed |a| (0..128 as u8) and w * sign(a) (vpsignb),
 * each product is a * w exactly and a pair sum is at most 2 * 128 * 127 = 32512 < 32767 in magnitude, so
 * nothing saturates: that needs weights in [-127, 127], which the format guarantees for int8 weights
 * (kernels.h; a -128 weight times a negative activation would wrap in vpsignb). vpmaddwd with ones then
 * adds the two pairs of each channel into int32 lanes, in channel order, and vpaddd accumulates. Integer
 * addition is exact in any order while the true sum fits in int32 (the verifier caps k), so the
 * accumulators are bit-identical to the scalar kernel's.
 *
 * One 32-byte load of a Packed16x4 sub-block is 8 channels x 4 inputs; a row's 4 inputs are broadcast to
 * the 8 lanes. A tile is MR rows x 16 channels (8 ymm accumulators): each weight load serves MR rows and
 * each activation broadcast two weight vectors. On Zen3 the loop is bound by vector instruction
 * throughput (about 3 per cycle), not by loads: per row and 4 inputs it issues 8 (2 x vpsignb, vpmaddubsw,
 * vpmaddwd, vpaddd; |a| is precomputed per row group), i.e. 64 MACs in ~2.7 cycles; tiles 3x16 to 6x16
 * and 2x32 measured within 3% of 4x16. tools/bench/gemm_bench: ~71 GMAC/s at 3.2 GHz, 70% of the exact
 * AVX2 peak (32 MACs/cycle), vs ~53 for the previous int16 vpmaddwd kernel (2x16).
 *
 * Cache blocking: columns are taken in panels whose packed weights fill about half of L2, and every row
 * group passes over a panel before the next one, so for batches of many rows the weights come from L2
 * instead of L3/DRAM once per row group (the loops: x86/gemm_driver.h, shared by every x86 int8 GEMM).
 * gemm_qd7_4x16c4.c drops the vpsignb for rows quantized to 127 levels.
 *
 * The f32 epilogue is the scalar one in the same order, separate multiplies and adds (this folder is
 * compiled with -ffp-contract=off): y = (float)(acc - zp * w_sum) * (a_scale * w_scale) + bias, then the
 * activation (identity and ReLU exactly, in vector form; GELU through tern_activation_f32__avx2). */
#include <immintrin.h>
#include <string.h>

#include "x86/kernels_x86.h"
#include "x86/ymm_int8.h"

#define MR 4 /* rows per tile */
#define PANEL_BLOCKS 1
#define MAX_PRECOMPUTED_KP 4096 /* the |a| of a row group is kept on the stack up to this many inputs */

/* A row tile's |a| (row r at r * kp), when kp <= MAX_PRECOMPUTED_KP. */
typedef struct row_group {
  int precomputed;
  size_t kp;
  int8_t magnitudes[MR * MAX_PRECOMPUTED_KP];
} row_group;



/* acc += the int32 dot products of one broadcast activation quad with 8 channels x 4 inputs. */
static inline __m256i dot_add(__m256i acc, __m256i quad_magnitude, __m256i quad, __m256i weights, __m256i ones) {
  const __m256i pairs = _mm256_maddubs_epi16(quad_magnitude, _mm256_sign_epi8(weights, quad));
  return add_in_place(acc, _mm256_madd_epi16(pairs, ones));
}

/* int32 dot products of `rows` (1..MR) activation rows with one 16-channel weight block: acc[r][0] holds
 * channels 0..7, acc[r][1] channels 8..15. With `precomputed`, |a| is read from `magnitudes` (row r at
 * r * magnitude_stride) instead of taken here: one of the nine vector instructions per row and 4 inputs
 * less (+8% on Zen3). Inlined with constant `rows` and `precomputed`, so it unrolls into registers. */
static inline __attribute__((always_inline)) void tile_dot_magnitudes(size_t rows, int precomputed, size_t k_blocks,
                                                                      const int8_t *a, size_t a_stride,
                                                                      const int8_t *magnitudes,
                                                                      size_t magnitude_stride,
                                                                      const int8_t *w_block, __m256i acc[MR][2]) {
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i sums[MR][2]; /* local, so they stay in registers: acc's address is taken by the caller */
  for (size_t r = 0; r < rows; r++) sums[r][0] = sums[r][1] = _mm256_setzero_si256();
  for (size_t kb = 0; kb < k_blocks; kb++) {
    const int8_t *w_sub = w_block + kb * TERN_PACK_NR * TERN_PACK_KR;
    const __m256i w_low = _mm256_loadu_si256((const __m256i *)w_sub);
    const __m256i w_high = _mm256_loadu_si256((const __m256i *)(w_sub + 32));
    for (size_t r = 0; r < rows; r++) {
      const __m256i quad = broadcast_quad(a + r * a_stride + kb * TERN_PACK_KR);
      /* |-128| is 0x80, which vpmaddubsw reads as the unsigned 128. */
      const __m256i magnitude = precomputed ? broadcast_quad(magnitudes + r * magnitude_stride + kb * TERN_PACK_KR)
                                            : _mm256_abs_epi8(quad);
      sums[r][0] = dot_add(sums[r][0], magnitude, quad, w_low, ones);
      sums[r][1] = dot_add(sums[r][1], magnitude, quad, w_high, ones);
    }
  }
  for (size_t r = 0; r < rows; r++) acc[r][0] = sums[r][0], acc[r][1] = sums[r][1];
}

static inline __attribute__((always_inline)) void tile_dot(size_t rows, const row_group *group, size_t k_blocks,
                                                           const int8_t *a, size_t a_stride, const int8_t *w_block,
                                                           __m256i acc[MR][2]) {
  if (group->precomputed)
    tile_dot_magnitudes(rows, 1, k_blocks, a, a_stride, group->magnitudes, group->kp, w_block, acc);
  else
    tile_dot_magnitudes(rows, 0, k_blocks, a, a_stride, NULL, 0, w_block, acc);
}

/* |a| of rows x kp bytes into group->magnitudes (row r at r * kp), kp a multiple of 4. */
static inline void row_group_prepare(size_t rows, const int8_t *a, size_t a_stride, size_t kp, row_group *group) {
  group->kp = kp;
  group->precomputed = kp <= MAX_PRECOMPUTED_KP;
  if (!group->precomputed) return;
  for (size_t r = 0; r < rows; r++) {
    const int8_t *row = a + r * a_stride;
    int8_t *out = group->magnitudes + r * kp;
    size_t i = 0;
    for (; i + 32 <= kp; i += 32)
      _mm256_storeu_si256((__m256i *)(out + i), _mm256_abs_epi8(_mm256_loadu_si256((const __m256i *)(row + i))));
    for (; i < kp; i += 4) {
      int32_t bits;
      memcpy(&bits, row + i, sizeof bits);
      bits = _mm_cvtsi128_si32(_mm_abs_epi8(_mm_cvtsi32_si128(bits)));
      memcpy(out + i, &bits, sizeof bits);
    }
  }
}

/* The accumulators are the dot products already. */
static inline void dot_finish(const row_group *group, size_t r, __m256i acc[2]) { (void)group, (void)r, (void)acc; }

#include "x86/gemm_driver.h"

TERN_X86_GEMM_QD_ENTRY(tern_gemm_qd8_f32_4x16c4__avx2)

TERN_X86_GEMM_QS_ENTRY(tern_gemm_qs8_f32_4x16c4__avx2)
