/* The avxvnni kernel file itself (runtime/kernels/x86/avxvnni/gemm_qd8_4x16c4.c), compiled here for a CPU
 * with only AVX2: its one AVX-VNNI intrinsic, _mm256_dpbusd_avx_epi32, is replaced by a C emulation of
 * the instruction (Intel SDM VPDPBUSD), everything else runs natively. Its tiles, row sums, ragged edges,
 * panels and epilogue are then checked against the scalar kernels like a real set (tests/kernels/
 * vnni_shapes.h). On a CPU with AVX-VNNI, test_vnni_matches_scalar runs the real instruction.
 * Exit 77 (SKIP) without AVX2. */
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

/* VPDPBUSD, per 32-bit lane: acc + sum of the four products of unsigned bytes of u and signed bytes of s,
 * with wraparound. */
static __m256i emulated_dpbusd(__m256i acc, __m256i u, __m256i s) {
  uint8_t u_bytes[32];
  int8_t s_bytes[32];
  uint32_t lanes[8];
  memcpy(u_bytes, &u, 32), memcpy(s_bytes, &s, 32), memcpy(lanes, &acc, 32);
  for (int lane = 0; lane < 8; lane++)
    for (int j = 0; j < 4; j++) lanes[lane] += (uint32_t)((int32_t)u_bytes[4 * lane + j] * (int32_t)s_bytes[4 * lane + j]);
  memcpy(&acc, lanes, 32);
  return acc;
}

#define TERN_KERNEL_EMULATION 1
#define _mm256_dpbusd_avx_epi32 emulated_dpbusd
#define tern_gemm_qd8_f32_4x16c4__avxvnni emulated_gemm_qd8_avxvnni
#define tern_gemm_qs8_f32_4x16c4__avxvnni emulated_gemm_qs8_avxvnni
#include "x86/avxvnni/gemm_qd8_4x16c4.c"

#include "dispatch.h"
#include "vnni_shapes.h"

int main(void) {
  if (tern_kernels_by_name("avx2") == NULL) {
    printf("avxvnni_emulated: SKIP (this CPU has no AVX2)\n");
    return 77;
  }
  vnni_all_shapes("avxvnni (emulated vpdpbusd)", emulated_gemm_qd8_avxvnni, emulated_gemm_qs8_avxvnni, 0, 0);
  return test_report("avxvnni_emulated");
}
