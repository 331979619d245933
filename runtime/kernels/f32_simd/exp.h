/* exp.h — vector exp for the f32 kernel templates; include after an ISA's f32_vec_*.h.
 *
 * exp(hi - lo) = p * 2^n: n = nearest(hi / ln 2), r = hi - n ln2 (Cody-Waite, ln 2 in two parts, FMA) - lo,
 * |r| <= ln2/2, p = 1 + r + r^2 P(r) with P a degree-4 minimax fit (relative error 3e-9 in exact
 * arithmetic; a few ulp in float). The extra `lo` term lets callers pass an argument carried in two floats
 * (GELU's -x^2/2), whose rounding would otherwise cost |argument| ulps; it is subtracted because both GELUs
 * get it negated from one FNMA. */
#ifndef TERN_F32_SIMD_EXP_H
#define TERN_F32_SIMD_EXP_H

#define TERN_LOG2E 1.44269504088896341f
#define TERN_LN2_HI 0.693359375f     /* 9 significant bits: n * TERN_LN2_HI is exact */
#define TERN_LN2_LO -2.12194440e-4f  /* ln 2 - TERN_LN2_HI */

/* p with exp(hi - lo) = p * 2^n, p in [0.7, 1.42]; needs |hi| < 2^22. */
static inline tern_vf vf_exp_parts(tern_vf hi, tern_vf lo, tern_vi *n) {
  const tern_vf n_float = vf_round_nearest(vf_mul(hi, vf_set1(TERN_LOG2E)));
  tern_vf r = vf_fnma(n_float, vf_set1(TERN_LN2_HI), hi);
  r = vf_fnma(n_float, vf_set1(TERN_LN2_LO), r);
  r = vf_sub(r, lo);
  tern_vf poly = vf_set1(1.3814534759148955e-3f);
  poly = vf_fma(poly, r, vf_set1(8.368702605366707e-3f));
  poly = vf_fma(poly, r, vf_set1(4.166838899254799e-2f));
  poly = vf_fma(poly, r, vf_set1(1.666652113199234e-1f));
  poly = vf_fma(poly, r, vf_set1(4.999999403953552e-1f));
  *n = vf_to_int(n_float);
  return vf_add(vf_fma(vf_mul(r, r), poly, r), vf_set1(1.0f));
}

/* value * 2^n for n in [-252, 254] in two steps, so a result below FLT_MIN is rounded once, gradually
 * (where the ISA keeps subnormals), instead of flushed. */
static inline tern_vf vf_scale_pow2(tern_vf value, tern_vi n) {
  const tern_vi first = vi_half(n);
  return vf_mul(vf_mul(value, vf_pow2_int(first)), vf_pow2_int(vi_sub(n, first)));
}

/* exp(x) for x <= 88.3 (softmax and attention pass x - max <= 0); 0 below -87.3, where exp(x) < FLT_MIN.
 * NaN in, NaN out. */
static inline tern_vf vf_exp(tern_vf x) {
  const tern_vf lowest = vf_set1(-87.3f);
  const tern_vmask underflow = vf_less(x, lowest);
  tern_vi n;
  const tern_vf p = vf_exp_parts(vf_max(lowest, x), vf_zero(), &n);
  return vf_select(underflow, vf_zero(), vf_mul(p, vf_pow2_int(n)));
}

#endif /* TERN_F32_SIMD_EXP_H */
