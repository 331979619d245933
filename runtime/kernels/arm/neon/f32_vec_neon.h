/* f32_vec_neon.h — the vector vocabulary of the f32 SIMD kernel templates (kernels/f32_simd/) for NEON:
 * 4 floats per vector, aarch64 and armv7 (which lacks vector divide, round-to-nearest and across-lane sums:
 * emulated below). The same names as x86/avx2/f32_vec_avx2.h. armv7 NEON flushes subnormals to zero. */
#ifndef TERN_F32_VEC_NEON_H
#define TERN_F32_VEC_NEON_H

#include <arm_neon.h>
#include <stdint.h>
#include <string.h>

#define TERN_VF_WIDTH 4

typedef float32x4_t tern_vf;
typedef uint32x4_t tern_vmask;
typedef int32x4_t tern_vi;

static inline tern_vf vf_load(const float *p) { return vld1q_f32(p); }
static inline void vf_store(float *p, tern_vf v) { vst1q_f32(p, v); }
static inline tern_vf vf_set1(float c) { return vdupq_n_f32(c); }
static inline tern_vf vf_zero(void) { return vdupq_n_f32(0.0f); }
static inline tern_vf vf_add(tern_vf a, tern_vf b) { return vaddq_f32(a, b); }
static inline tern_vf vf_sub(tern_vf a, tern_vf b) { return vsubq_f32(a, b); }
static inline tern_vf vf_mul(tern_vf a, tern_vf b) { return vmulq_f32(a, b); }
/* a * b + c and c - a * b, one rounding (armv7 needs VFPv4, as the armhf toolchain's -mfpu=neon-vfpv4;
 * without it they round twice and the error-free products of the templates lose their low part). */
#if defined(__aarch64__) || defined(__ARM_FEATURE_FMA)
static inline tern_vf vf_fma(tern_vf a, tern_vf b, tern_vf c) { return vfmaq_f32(c, a, b); }
static inline tern_vf vf_fnma(tern_vf a, tern_vf b, tern_vf c) { return vfmsq_f32(c, a, b); }
#else
static inline tern_vf vf_fma(tern_vf a, tern_vf b, tern_vf c) { return vmlaq_f32(c, a, b); }
static inline tern_vf vf_fnma(tern_vf a, tern_vf b, tern_vf c) { return vmlsq_f32(c, a, b); }
#endif
static inline tern_vf vf_div(tern_vf a, tern_vf b) {
#if defined(__aarch64__)
  return vdivq_f32(a, b);
#else
  /* Reciprocal estimate, two Newton steps, then one correction of the quotient (within an ulp or two). */
  float32x4_t r = vrecpeq_f32(b);
  r = vmulq_f32(r, vrecpsq_f32(b, r));
  r = vmulq_f32(r, vrecpsq_f32(b, r));
  const float32x4_t q = vmulq_f32(a, r);
  const float32x4_t corrected = vf_fma(vf_fnma(b, q, a), r, q);
  return vbslq_f32(vceqq_f32(corrected, corrected), corrected, q); /* inf / finite: the correction is NaN */
#endif
}
/* NEON max/min return NaN when a lane of either is NaN. */
static inline tern_vf vf_max(tern_vf a, tern_vf b) { return vmaxq_f32(a, b); }
static inline tern_vf vf_min(tern_vf a, tern_vf b) { return vminq_f32(a, b); }
static inline tern_vf vf_abs(tern_vf a) { return vabsq_f32(a); }
static inline tern_vf vf_copysign(tern_vf a, tern_vf s) {
  const uint32x4_t sign = vdupq_n_u32(0x80000000u);
  return vbslq_f32(sign, s, a);
}
static inline tern_vmask vf_less(tern_vf a, tern_vf b) { return vcltq_f32(a, b); }
static inline tern_vmask vf_is_nan(tern_vf a) { return vmvnq_u32(vceqq_f32(a, a)); }
/* Whether every lane of the mask is set. */
static inline int vf_all(tern_vmask mask) {
#if defined(__aarch64__)
  return vminvq_u32(mask) != 0;
#else
  const uint32x2_t both = vand_u32(vget_low_u32(mask), vget_high_u32(mask));
  return (vget_lane_u32(both, 0) & vget_lane_u32(both, 1)) != 0;
#endif
}
static inline tern_vf vf_select(tern_vmask mask, tern_vf if_true, tern_vf if_false) {
  return vbslq_f32(mask, if_true, if_false);
}
static inline tern_vf vf_round_nearest(tern_vf a) {
#if defined(__aarch64__)
  return vrndnq_f32(a);
#else
  /* Adding and removing 1.5 * 2^23 rounds to nearest even for |a| < 2^22 (all callers' range). */
  const float32x4_t magic = vdupq_n_f32(12582912.0f);
  return vsubq_f32(vaddq_f32(a, magic), magic);
#endif
}
static inline tern_vi vf_to_int(tern_vf a) { return vcvtq_s32_f32(a); }
static inline tern_vi vi_sub(tern_vi a, tern_vi b) { return vsubq_s32(a, b); }
static inline tern_vi vi_half(tern_vi a) { return vshrq_n_s32(a, 1); }
static inline tern_vf vf_pow2_int(tern_vi n) {
  return vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(n, vdupq_n_s32(127)), 23));
}

/* Integer lanes, for the f16 -> f32 conversion. */
static inline tern_vi vi_set1(int32_t c) { return vdupq_n_s32(c); }
static inline tern_vi vi_and(tern_vi a, tern_vi b) { return vandq_s32(a, b); }
static inline tern_vi vi_or(tern_vi a, tern_vi b) { return vorrq_s32(a, b); }
static inline tern_vi vi_shift_left_13(tern_vi a) { return vshlq_n_s32(a, 13); }
static inline tern_vi vi_shift_left_16(tern_vi a) { return vshlq_n_s32(a, 16); }
static inline tern_vmask vi_equal(tern_vi a, tern_vi b) { return vceqq_s32(a, b); }
static inline tern_vf vi_as_float(tern_vi a) { return vreinterpretq_f32_s32(a); }
static inline tern_vi vf_as_int(tern_vf a) { return vreinterpretq_s32_f32(a); }
/* 4 uint16 zero-extended to int32 lanes. */
static inline tern_vi vi_load_u16(const uint16_t *p) { return vreinterpretq_s32_u32(vmovl_u16(vld1_u16(p))); }

static inline float vf_reduce_add(tern_vf v) {
#if defined(__aarch64__)
  return vaddvq_f32(v);
#else
  const float32x2_t s = vadd_f32(vget_low_f32(v), vget_high_f32(v));
  return vget_lane_f32(vpadd_f32(s, s), 0);
#endif
}
static inline float vf_reduce_max(tern_vf v) {
#if defined(__aarch64__)
  return vmaxvq_f32(v);
#else
  const float32x2_t s = vmax_f32(vget_low_f32(v), vget_high_f32(v));
  return vget_lane_f32(vpmax_f32(s, s), 0);
#endif
}
/* acc[0..3] -> one vector whose lane i is the sum of the lanes of acc[i]. */
static inline tern_vf vf_reduce_add_lanes(const tern_vf acc[TERN_VF_WIDTH]) {
#if defined(__aarch64__)
  return vpaddq_f32(vpaddq_f32(acc[0], acc[1]), vpaddq_f32(acc[2], acc[3]));
#else
  float32x2_t half[4];
  for (int i = 0; i < 4; i++) half[i] = vadd_f32(vget_low_f32(acc[i]), vget_high_f32(acc[i]));
  return vcombine_f32(vpadd_f32(half[0], half[1]), vpadd_f32(half[2], half[3]));
#endif
}

static inline tern_vf vf_load_partial(const float *p, size_t n) {
  float buffer[TERN_VF_WIDTH] = {0};
  memcpy(buffer, p, n * sizeof *p);
  return vld1q_f32(buffer);
}
static inline void vf_store_partial(float *p, tern_vf v, size_t n) {
  float buffer[TERN_VF_WIDTH];
  vst1q_f32(buffer, v);
  memcpy(p, buffer, n * sizeof *p);
}

#endif /* TERN_F32_VEC_NEON_H */
