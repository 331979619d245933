/* f32_vec_avx2.h — the small vector vocabulary the f32 SIMD kernel templates (kernels/f32_simd/) are
 * written in, for AVX2 + FMA: 8 floats per vector. arm/neon/f32_vec_neon.h defines the same names for NEON,
 * so one template serves both ISAs (as XNNPACK generates each ISA's kernels from one template). */
#ifndef TERN_F32_VEC_AVX2_H
#define TERN_F32_VEC_AVX2_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#define TERN_VF_WIDTH 8

typedef __m256 tern_vf;
typedef __m256 tern_vmask; /* all-ones lanes where a comparison holds */
typedef __m256i tern_vi;

static inline tern_vf vf_load(const float *p) { return _mm256_loadu_ps(p); }
static inline void vf_store(float *p, tern_vf v) { _mm256_storeu_ps(p, v); }
static inline tern_vf vf_set1(float c) { return _mm256_set1_ps(c); }
static inline tern_vf vf_zero(void) { return _mm256_setzero_ps(); }
static inline tern_vf vf_add(tern_vf a, tern_vf b) { return _mm256_add_ps(a, b); }
static inline tern_vf vf_sub(tern_vf a, tern_vf b) { return _mm256_sub_ps(a, b); }
static inline tern_vf vf_mul(tern_vf a, tern_vf b) { return _mm256_mul_ps(a, b); }
static inline tern_vf vf_div(tern_vf a, tern_vf b) { return _mm256_div_ps(a, b); }
/* a * b + c and c - a * b, one rounding. */
static inline tern_vf vf_fma(tern_vf a, tern_vf b, tern_vf c) { return _mm256_fmadd_ps(a, b, c); }
static inline tern_vf vf_fnma(tern_vf a, tern_vf b, tern_vf c) { return _mm256_fnmadd_ps(a, b, c); }
/* max/min return b when a lane of either is NaN (x86 rule); templates put the value to keep NaN second. */
static inline tern_vf vf_max(tern_vf a, tern_vf b) { return _mm256_max_ps(a, b); }
static inline tern_vf vf_min(tern_vf a, tern_vf b) { return _mm256_min_ps(a, b); }
static inline tern_vf vf_abs(tern_vf a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
/* |a| with the sign of s. */
static inline tern_vf vf_copysign(tern_vf a, tern_vf s) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  return _mm256_or_ps(_mm256_andnot_ps(sign, a), _mm256_and_ps(sign, s));
}
static inline tern_vmask vf_less(tern_vf a, tern_vf b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
static inline tern_vmask vf_is_nan(tern_vf a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
/* Whether every lane of the mask is set. */
static inline int vf_all(tern_vmask mask) { return _mm256_movemask_ps(mask) == 0xff; }
/* mask ? if_true : if_false, per lane. */
static inline tern_vf vf_select(tern_vmask mask, tern_vf if_true, tern_vf if_false) {
  return _mm256_blendv_ps(if_false, if_true, mask);
}
static inline tern_vf vf_round_nearest(tern_vf a) {
  return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
/* An integer-valued float to int32 lanes (exact). */
static inline tern_vi vf_to_int(tern_vf a) { return _mm256_cvtps_epi32(a); }
static inline tern_vi vi_sub(tern_vi a, tern_vi b) { return _mm256_sub_epi32(a, b); }
static inline tern_vi vi_half(tern_vi a) { return _mm256_srai_epi32(a, 1); }
/* 2^n for n in [-126, 127], built from the exponent bits. */
static inline tern_vf vf_pow2_int(tern_vi n) {
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n, _mm256_set1_epi32(127)), 23));
}

/* Integer lanes, for the f16 -> f32 conversion (shift counts fixed by name: intrinsics need immediates). */
static inline tern_vi vi_set1(int32_t c) { return _mm256_set1_epi32(c); }
static inline tern_vi vi_and(tern_vi a, tern_vi b) { return _mm256_and_si256(a, b); }
static inline tern_vi vi_or(tern_vi a, tern_vi b) { return _mm256_or_si256(a, b); }
static inline tern_vi vi_shift_left_13(tern_vi a) { return _mm256_slli_epi32(a, 13); }
static inline tern_vi vi_shift_left_16(tern_vi a) { return _mm256_slli_epi32(a, 16); }
static inline tern_vmask vi_equal(tern_vi a, tern_vi b) { return _mm256_castsi256_ps(_mm256_cmpeq_epi32(a, b)); }
static inline tern_vf vi_as_float(tern_vi a) { return _mm256_castsi256_ps(a); }
static inline tern_vi vf_as_int(tern_vf a) { return _mm256_castps_si256(a); }
/* 8 uint16 zero-extended to int32 lanes. */
static inline tern_vi vi_load_u16(const uint16_t *p) { return _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p)); }

static inline float vf_reduce_add(tern_vf v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
static inline float vf_reduce_max(tern_vf v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
/* acc[0..7] -> one vector whose lane i is the sum of the lanes of acc[i]. */
static inline tern_vf vf_reduce_add_lanes(const tern_vf acc[TERN_VF_WIDTH]) {
  const __m256 s01 = _mm256_hadd_ps(acc[0], acc[1]), s23 = _mm256_hadd_ps(acc[2], acc[3]);
  const __m256 s45 = _mm256_hadd_ps(acc[4], acc[5]), s67 = _mm256_hadd_ps(acc[6], acc[7]);
  const __m256 s0123 = _mm256_hadd_ps(s01, s23), s4567 = _mm256_hadd_ps(s45, s67);
  /* s0123 = [0 1 2 3 | 0 1 2 3] halves (low lanes, high lanes); likewise s4567. */
  const __m256 low = _mm256_permute2f128_ps(s0123, s4567, 0x20);
  const __m256 high = _mm256_permute2f128_ps(s0123, s4567, 0x31);
  return _mm256_add_ps(low, high);
}

/* The first n < 8 lanes from p, the rest 0 (never reads past p + n). */
static inline tern_vf vf_load_partial(const float *p, size_t n) {
  float buffer[TERN_VF_WIDTH] = {0};
  memcpy(buffer, p, n * sizeof *p);
  return _mm256_loadu_ps(buffer);
}
static inline void vf_store_partial(float *p, tern_vf v, size_t n) {
  float buffer[TERN_VF_WIDTH];
  _mm256_storeu_ps(buffer, v);
  memcpy(p, buffer, n * sizeof *p);
}

#endif /* TERN_F32_VEC_AVX2_H */
