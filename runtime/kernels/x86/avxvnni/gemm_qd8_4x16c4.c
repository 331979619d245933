/* int8 GEMMs over the Packed16x4 weight layout with AVX-VNNI (the VEX-encoded ymm vpdpbusd of Alder Lake
 * and Zen 5; qd8: asymmetric rows, qs8: symmetric).
 *
 * The integer scheme of the avx512vnni kernel (x86/avx512vnni/gemm_qd8_8x32c4.c, which explains it) at
 * ymm width: vpdpbusd (_mm256_dpbusd_avx_epi32(acc, u, s): per 32-bit lane, acc + the four products of
 * unsigned bytes of u with signed bytes of s, wrapping) of the weights shifted to unsigned (w ^ 0x80) with
 * a row's 4 inputs broadcast, then dot = acc - 128 * row_sum(a). Exact for every int8 weight and
 * activation; the int32 results are bit-identical to the scalar kernel's.
 *
 * A Packed16x4 sub-block is two ymm (channels 0..7, 8..15, 4 inputs each). A tile is 4 rows x 16
 * channels: 8 accumulators, 2 weight vectors, the broadcast and the 0x80 constant in the 16 ymm. The
 * loops, L2 column panels and epilogue are the avx2 kernel's (x86/gemm_driver.h, x86/avx2/gemm_epilogue.h). */
#include <immintrin.h>
#include <string.h>

#include "x86/kernels_x86.h"
#include "x86/ymm_int8.h"

#define MR 4 /* rows per tile */
#define PANEL_BLOCKS 1

/* A row tile's 128 * row_sum(a) per row, subtracted from its accumulators (see the top). */
typedef struct row_group {
  __m256i correction[MR];
} row_group;

/* acc + vpdpbusd(unsigned bytes, signed bytes): _mm256_dpbusd_avx_epi32, written as the instruction for
 * GCC (AT&T order: signed source, unsigned source, accumulator; {vex}: the AVX-VNNI encoding), which
 * otherwise copies the accumulators around the intrinsic in the unrolled tile. */
static inline __m256i dot_accumulate(__m256i acc, __m256i unsigned_bytes, __m256i signed_bytes) {
/* TERN_KERNEL_EMULATION: tests/kernels compiles this file with the intrinsics emulated in C. */
#if defined(__GNUC__) && !defined(__clang__) && !defined(TERN_KERNEL_EMULATION)
  __asm__("%{vex%} vpdpbusd %2, %1, %0" : "+x"(acc) : "x"(unsigned_bytes), "x"(signed_bytes));
  return acc;
#else
  return _mm256_dpbusd_avx_epi32(acc, unsigned_bytes, signed_bytes);
#endif
}


/* sum of the row's kp bytes (kp a multiple of 4; padding is 0): vpdpbusd of ones with the bytes. */
static int32_t row_sum(const int8_t *row, size_t kp) {
  const __m256i ones = _mm256_set1_epi8(1);
  __m256i sums = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 32 <= kp; i += 32) sums = dot_accumulate(sums, ones, _mm256_loadu_si256((const __m256i *)(row + i)));
  uint32_t total = 0; /* wrapping, like the lanes */
  for (; i < kp; i++) total += (uint32_t)(int32_t)row[i];
  int32_t lanes[8];
  _mm256_storeu_si256((__m256i *)lanes, sums);
  for (size_t lane = 0; lane < 8; lane++) total += (uint32_t)lanes[lane];
  return (int32_t)total;
}

/* acc[r][h] = per channel of half h, sum over k of (w + 128) * a[r]. Inlined with a constant `rows`. */
static inline __attribute__((always_inline)) void tile_dot(size_t rows, const row_group *group, size_t k_blocks,
                                                           const int8_t *a, size_t a_stride, const int8_t *w_block,
                                                           __m256i acc[MR][2]) {
  (void)group;
  const __m256i flip = _mm256_set1_epi8((char)0x80);
  __m256i sums[MR][2]; /* local, so they stay in registers: the caller takes acc's address */
  for (size_t r = 0; r < rows; r++) sums[r][0] = sums[r][1] = _mm256_setzero_si256();
  for (size_t kb = 0; kb < k_blocks; kb++) {
    const int8_t *w_sub = w_block + kb * TERN_PACK_NR * TERN_PACK_KR;
    const __m256i w_low = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)w_sub), flip);
    const __m256i w_high = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(w_sub + 32)), flip);
    for (size_t r = 0; r < rows; r++) {
      const __m256i quad = broadcast_quad(a + r * a_stride + kb * TERN_PACK_KR);
      sums[r][0] = dot_accumulate(sums[r][0], w_low, quad);
      sums[r][1] = dot_accumulate(sums[r][1], w_high, quad);
    }
  }
  for (size_t r = 0; r < rows; r++) acc[r][0] = sums[r][0], acc[r][1] = sums[r][1];
}

static inline void row_group_prepare(size_t rows, const int8_t *a, size_t a_stride, size_t kp, row_group *group) {
  for (size_t r = 0; r < rows; r++) group->correction[r] = _mm256_set1_epi32(128 * row_sum(a + r * a_stride, kp));
}

/* dot = acc - 128 * row_sum(a). */
static inline void dot_finish(const row_group *group, size_t r, __m256i acc[2]) {
  acc[0] = _mm256_sub_epi32(acc[0], group->correction[r]);
  acc[1] = _mm256_sub_epi32(acc[1], group->correction[r]);
}

#include "x86/gemm_driver.h"

TERN_X86_GEMM_QD_ENTRY(tern_gemm_qd8_f32_4x16c4__avxvnni)

TERN_X86_GEMM_QS_ENTRY(tern_gemm_qs8_f32_4x16c4__avxvnni)
