/* ymm_int8.h — small helpers of the ymm int8 GEMM tiles (avx2 sign trick, avx2 qd7, avxvnni), for files
 * compiled with AVX2. */
#ifndef TERN_X86_YMM_INT8_H
#define TERN_X86_YMM_INT8_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

/* A row's 4 inputs (bytes) broadcast to the 8 lanes. */
static inline __m256i broadcast_quad(const void *quad) {
  int32_t bits;
  memcpy(&bits, quad, sizeof bits);
  return _mm256_set1_epi32(bits);
}

/* acc + x, computed in acc's register: GCC 12 otherwise writes the sum to a new register and copies it back
 * (and spills two accumulators) in the unrolled tile, which costs 10% (measured on Zen3). */
static inline __m256i add_in_place(__m256i acc, __m256i x) {
#if defined(__GNUC__) && !defined(__clang__)
  __asm__("vpaddd %1, %0, %0" : "+x"(acc) : "x"(x));
  return acc;
#else
  return _mm256_add_epi32(acc, x);
#endif
}

#endif /* TERN_X86_YMM_INT8_H */
