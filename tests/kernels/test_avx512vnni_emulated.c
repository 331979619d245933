/* The avx512vnni kernel file itself (runtime/kernels/x86/avx512vnni/gemm_qd8_8x32c4.c), compiled for a CPU
 * without AVX-512: every intrinsic it uses is replaced by a C emulation written from its definition in the
 * Intel SDM / Intrinsics Guide (below, one function each; masked loads read only the selected elements,
 * masked stores write only them). Its tiles, row sums, masks, ragged edges, panels and epilogue are then
 * checked against the scalar kernels like a real set (vnni_shapes.h). On a CPU with AVX-512 VNNI,
 * test_vnni_matches_scalar runs the real instructions. Exit 77 (SKIP) without AVX2 (the GELU epilogue
 * calls the avx2 activation kernel). */
#include <immintrin.h> /* first: its typedefs are done before the names below are redefined */
#include <stdint.h>
#include <string.h>

typedef struct {
  uint32_t lane[16];
} emulated_m512i;
typedef struct {
  float lane[16];
} emulated_m512;

static emulated_m512i emulated_set1_epi32(int value) {
  emulated_m512i r;
  for (int i = 0; i < 16; i++) r.lane[i] = (uint32_t)value;
  return r;
}
static emulated_m512i emulated_set1_epi8(char value) {
  emulated_m512i r;
  memset(&r, (unsigned char)value, sizeof r);
  return r;
}
static emulated_m512i emulated_setzero_si512(void) { return emulated_set1_epi32(0); }
static emulated_m512i emulated_loadu_si512(const void *p) {
  emulated_m512i r;
  memcpy(&r, p, sizeof r);
  return r;
}
static emulated_m512i emulated_xor_si512(emulated_m512i a, emulated_m512i b) {
  for (int i = 0; i < 16; i++) a.lane[i] ^= b.lane[i];
  return a;
}
/* VPDPBUSD: per 32-bit lane, src + the four products of unsigned bytes of a and signed bytes of b, wrapping. */
static emulated_m512i emulated_dpbusd_epi32(emulated_m512i src, emulated_m512i a, emulated_m512i b) {
  uint8_t a_bytes[64];
  int8_t b_bytes[64];
  memcpy(a_bytes, &a, 64), memcpy(b_bytes, &b, 64);
  for (int i = 0; i < 16; i++)
    for (int j = 0; j < 4; j++) src.lane[i] += (uint32_t)((int32_t)a_bytes[4 * i + j] * (int32_t)b_bytes[4 * i + j]);
  return src;
}
static __mmask64 emulated_cvtu64_mask64(unsigned long long bits) { return bits; }
static emulated_m512i emulated_maskz_loadu_epi8(__mmask64 mask, const void *p) {
  uint8_t bytes[64];
  for (int i = 0; i < 64; i++) bytes[i] = (mask >> i) & 1 ? ((const uint8_t *)p)[i] : 0;
  emulated_m512i r;
  memcpy(&r, bytes, sizeof r);
  return r;
}
static int emulated_reduce_add_epi32(emulated_m512i a) {
  uint32_t sum = 0;
  for (int i = 0; i < 16; i++) sum += a.lane[i];
  return (int)(int32_t)sum;
}
static emulated_m512i emulated_sub_epi32(emulated_m512i a, emulated_m512i b) {
  for (int i = 0; i < 16; i++) a.lane[i] -= b.lane[i];
  return a;
}
static emulated_m512i emulated_mullo_epi32(emulated_m512i a, emulated_m512i b) {
  for (int i = 0; i < 16; i++) a.lane[i] *= b.lane[i]; /* the low 32 bits of the product */
  return a;
}
static emulated_m512i emulated_maskz_loadu_epi32(__mmask16 mask, const void *p) {
  emulated_m512i r = emulated_set1_epi32(0);
  for (int i = 0; i < 16; i++)
    if ((mask >> i) & 1) memcpy(&r.lane[i], (const char *)p + 4 * i, 4);
  return r;
}
static emulated_m512 emulated_set1_ps(float value) {
  emulated_m512 r;
  for (int i = 0; i < 16; i++) r.lane[i] = value;
  return r;
}
static emulated_m512 emulated_setzero_ps(void) { return emulated_set1_ps(0.0f); }
static emulated_m512 emulated_maskz_loadu_ps(__mmask16 mask, const void *p) {
  emulated_m512 r = emulated_set1_ps(0.0f);
  for (int i = 0; i < 16; i++)
    if ((mask >> i) & 1) memcpy(&r.lane[i], (const char *)p + 4 * i, 4);
  return r;
}
static emulated_m512 emulated_mul_ps(emulated_m512 a, emulated_m512 b) {
  for (int i = 0; i < 16; i++) a.lane[i] = a.lane[i] * b.lane[i];
  return a;
}
static emulated_m512 emulated_add_ps(emulated_m512 a, emulated_m512 b) {
  for (int i = 0; i < 16; i++) a.lane[i] = a.lane[i] + b.lane[i];
  return a;
}
static emulated_m512 emulated_cvtepi32_ps(emulated_m512i a) {
  emulated_m512 r;
  for (int i = 0; i < 16; i++) r.lane[i] = (float)(int32_t)a.lane[i];
  return r;
}
/* MAXPS: the first operand when it is greater, else the second (so NaN in either, or +-0 pairs, give b). */
static emulated_m512 emulated_max_ps(emulated_m512 a, emulated_m512 b) {
  for (int i = 0; i < 16; i++) a.lane[i] = a.lane[i] > b.lane[i] ? a.lane[i] : b.lane[i];
  return a;
}
static void emulated_mask_storeu_ps(void *p, __mmask16 mask, emulated_m512 a) {
  for (int i = 0; i < 16; i++)
    if ((mask >> i) & 1) memcpy((char *)p + 4 * i, &a.lane[i], 4);
}

#define TERN_KERNEL_EMULATION 1
#define __m512i emulated_m512i
#define __m512 emulated_m512
#define _mm512_set1_epi32 emulated_set1_epi32
#define _mm512_set1_epi8 emulated_set1_epi8
#define _mm512_setzero_si512 emulated_setzero_si512
#define _mm512_loadu_si512 emulated_loadu_si512
#define _mm512_xor_si512 emulated_xor_si512
#define _mm512_dpbusd_epi32 emulated_dpbusd_epi32
#define _cvtu64_mask64 emulated_cvtu64_mask64
#define _mm512_maskz_loadu_epi8 emulated_maskz_loadu_epi8
#define _mm512_reduce_add_epi32 emulated_reduce_add_epi32
#define _mm512_sub_epi32 emulated_sub_epi32
#define _mm512_mullo_epi32 emulated_mullo_epi32
#define _mm512_maskz_loadu_epi32 emulated_maskz_loadu_epi32
#define _mm512_set1_ps emulated_set1_ps
#define _mm512_setzero_ps emulated_setzero_ps
#define _mm512_maskz_loadu_ps emulated_maskz_loadu_ps
#define _mm512_mul_ps emulated_mul_ps
#define _mm512_add_ps emulated_add_ps
#define _mm512_cvtepi32_ps emulated_cvtepi32_ps
#define _mm512_max_ps emulated_max_ps
#define _mm512_mask_storeu_ps emulated_mask_storeu_ps
#define tern_gemm_qd8_f32_8x32c4__avx512vnni emulated_gemm_qd8_avx512vnni
#define tern_gemm_qs8_f32_8x32c4__avx512vnni emulated_gemm_qs8_avx512vnni
#include "x86/avx512vnni/gemm_qd8_8x32c4.c"

#include "dispatch.h"
#include "vnni_shapes.h"

int main(void) {
  if (tern_kernels_by_name("avx2") == NULL) {
    printf("avx512vnni_emulated: SKIP (this CPU has no AVX2)\n");
    return 77;
  }
  vnni_all_shapes("avx512vnni (emulated intrinsics)", emulated_gemm_qd8_avx512vnni, emulated_gemm_qs8_avx512vnni, 0, 0);
  return test_report("avx512vnni_emulated");
}
