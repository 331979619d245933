/* The VNNI int8 GEMMs (avx512vnni and avxvnni sets) against the scalar reference, in two parts.
 *
 * 1. Always (any x86 or not): a scalar emulation of the kernels' integer algebra, step for step
 *    (runtime/kernels/x86/avx512vnni/gemm_qd8_8x32c4.c, avxvnni/gemm_qd8_4x16c4.c): unsigned weights w ^ 0x80, vpdpbusd lanes with
 *    32-bit wraparound, the row sum by vpdpbusd against ones, dot = acc - 128 * row_sum, then the scalar
 *    epilogue order. It must equal the scalar kernel bit for bit on every shape and extreme value (weights
 *    down to -128, which this scheme, unlike the avx2 sign trick, handles).
 * 2. For each set the CPU has: the real kernels, bit for bit (GELU within the f32 activation kernel's
 *    tolerance), with guard values around the output. When it has neither: exit 77 (SKIP) after part 1. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "kernels.h"
#include "packing.h"
#include "test_util.h"
#include "vnni_shapes.h"
#if defined(TERN_HAVE_AVX512VNNI_KERNELS) || defined(TERN_HAVE_AVXVNNI_KERNELS)
#include "x86/kernels_x86.h"
#endif

/* vpdpbusd on one 32-bit lane: acc + sum_j u[j] * s[j], u unsigned and s signed bytes, wrapping mod 2^32. */
static uint32_t lane_dpbusd(uint32_t acc, const uint8_t u[4], const int8_t s[4]) {
  for (int j = 0; j < 4; j++) acc += (uint32_t)(int32_t)((int32_t)u[j] * (int32_t)s[j]);
  return acc;
}

/* The kernel's algebra for qd8 (w_sums != NULL) and qs8 rows, one lane at a time. */
static void emulated_gemm(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride, const float *a_scale,
                          const int32_t *a_zero_point, const int8_t *w_packed, const float *w_scale,
                          const int32_t *w_sums, const float *bias, float *y, size_t y_stride, tern_activation act) {
  const size_t kp = tern_round_up(k, TERN_PACK_KR), k_blocks = kp / TERN_PACK_KR;
  const uint8_t ones[4] = {1, 1, 1, 1};
  for (size_t row = 0; row < m; row++) {
    const int8_t *a_row = a + row * a_stride;
    uint32_t row_sum = 0;
    for (size_t i = 0; i < kp; i += 4) row_sum = lane_dpbusd(row_sum, ones, a_row + i);
    const uint32_t correction = 128u * row_sum;
    for (size_t col = 0; col < n; col++) {
      const int8_t *w_block = w_packed + (col / TERN_PACK_NR) * k_blocks * TERN_PACK_NR * TERN_PACK_KR;
      const size_t lane = col % TERN_PACK_NR;
      uint32_t acc = 0;
      for (size_t kb = 0; kb < k_blocks; kb++) {
        uint8_t weights_u8[4];
        for (int j = 0; j < 4; j++)
          weights_u8[j] = (uint8_t)w_block[kb * TERN_PACK_NR * TERN_PACK_KR + lane * TERN_PACK_KR + (size_t)j] ^ 0x80u;
        acc = lane_dpbusd(acc, weights_u8, a_row + kb * TERN_PACK_KR);
      }
      uint32_t centered = acc - correction; /* the true dot product, exact as its value fits in int32 */
      if (w_sums != NULL) centered -= (uint32_t)a_zero_point[row] * (uint32_t)w_sums[col];
      float value = (float)(int32_t)centered * (a_scale[row] * w_scale[col]);
      if (bias != NULL) value += bias[col];
      y[row * y_stride + col] = tern_apply_activation(value, act);
    }
  }
}

static void emulated_qd8(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride, const float *a_scale,
                         const int32_t *a_zero_point, const int8_t *w_packed, const float *w_scale,
                         const int32_t *w_sums, const float *bias, float *y, size_t y_stride, tern_activation act) {
  emulated_gemm(m, n, k, a, a_stride, a_scale, a_zero_point, w_packed, w_scale, w_sums, bias, y, y_stride, act);
}

static void emulated_qs8(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride, const float *a_scale,
                         const int8_t *w_packed, const float *w_scale, const float *bias, float *y, size_t y_stride,
                         tern_activation act) {
  emulated_gemm(m, n, k, a, a_stride, a_scale, NULL, w_packed, w_scale, NULL, bias, y, y_stride, act);
}

int main(void) {
  vnni_all_shapes("emulated", emulated_qd8, emulated_qs8, 1, 1);
  if (test_failures) return test_report("vnni_matches_scalar");
  int sets_run = 0;
#ifdef TERN_HAVE_AVX512VNNI_KERNELS
  if (tern_kernels_by_name("avx512vnni") != NULL) {
    vnni_all_shapes("avx512vnni", tern_gemm_qd8_f32_8x32c4__avx512vnni, tern_gemm_qs8_f32_8x32c4__avx512vnni, 0, 0);
    vnni_gemms_match("avx512vnni", tern_gemm_qd8_f32_8x32c4__avx512vnni, tern_gemm_qs8_f32_8x32c4__avx512vnni, 0, 128,
                384, 384, 0, 0.003f); /* a MiniLM shape */
    sets_run++;
  } else {
    printf("vnni_matches_scalar: SKIP avx512vnni (this CPU lacks AVX-512 VNNI)\n");
  }
#endif
#ifdef TERN_HAVE_AVXVNNI_KERNELS
  if (tern_kernels_by_name("avxvnni") != NULL) {
    vnni_all_shapes("avxvnni", tern_gemm_qd8_f32_4x16c4__avxvnni, tern_gemm_qs8_f32_4x16c4__avxvnni, 0, 0);
    vnni_gemms_match("avxvnni", tern_gemm_qd8_f32_4x16c4__avxvnni, tern_gemm_qs8_f32_4x16c4__avxvnni, 0, 128, 384,
                384, 0, 0.003f);
    sets_run++;
  } else {
    printf("vnni_matches_scalar: SKIP avxvnni (this CPU lacks AVX-VNNI)\n");
  }
#endif
  if (sets_run > 0) return test_report("vnni_matches_scalar");
  printf("vnni_matches_scalar: emulation ok; SKIP the kernels (no VNNI set on this build/CPU)\n");
  return 77;
}
