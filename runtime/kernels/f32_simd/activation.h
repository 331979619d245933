/* activation.h — GELU (erf and tanh forms) and ReLU over a vector; include after exp.h.
 *
 * Both GELUs are written without cancellation, so they are accurate in relative terms over the whole float
 * range (tolerance in kernels.h):
 *   erf form:  gelu(x) = x * Phi(x), Phi(-a) = 0.5 erfc(a / sqrt 2) = exp(-a^2/2) * g(a) for a = |x|, and
 *              Phi(x) = 1 - Phi(-a) for x >= 0. g(a) = 0.5 erfcx(a / sqrt 2) is smooth and is fitted as
 *              t P(t), t = 1 / (1 + 0.35 a), P of degree 8 (relative error 3.2e-8 over [0, 15] in exact
 *              arithmetic, 3e-7 in float; the Numerical Recipes erfcc form with a refitted minimax polynomial).
 *              a^2 is carried in two floats (FMA) into exp, which for a = 13 would otherwise lose 85 ulps.
 *              Vectors whose lanes all have |x| < 12.5 (activations nearly always) skip the underflow, clamp
 *              and NaN handling, which cannot change their result (likewise |x| < 9 in the tanh form).
 *   tanh form: 0.5 x (1 + tanh(u)) = x * sigma(2u) = x / (1 + exp(-2u)), u = sqrt(2/pi) (x + 0.044715 x^3);
 *              2u is computed in two floats (error-free products and sums), since exp(-2u) amplifies an
 *              absolute error of 2u (up to 130) into the same relative error of the result.
 * Results below FLT_MIN are built with a two-step power-of-two scale (gradual underflow). gelu(-inf) is
 * -0 (the limit), gelu(+inf) = +inf, NaN stays NaN. */
#ifndef TERN_F32_SIMD_ACTIVATION_H
#define TERN_F32_SIMD_ACTIVATION_H

/* Phi(-a) = q 2^n for 0 <= a <= 15 (exp(-a^2/2) = p 2^n, q = p g(a)). */
static inline tern_vf vf_gelu_erf_phi_parts(tern_vf a, tern_vi *n) {
  /* -a^2/2 = hi + lo exactly (error-free product); exp_parts takes hi and -lo. */
  const tern_vf minus_half_a = vf_mul(a, vf_set1(-0.5f));
  const tern_vf hi = vf_mul(minus_half_a, a);
  const tern_vf p = vf_exp_parts(hi, vf_fnma(minus_half_a, a, hi), n);

  const tern_vf t = vf_div(vf_set1(1.0f), vf_fma(a, vf_set1(0.35f), vf_set1(1.0f)));
  tern_vf g = vf_set1(-0.029163476079702377f);
  g = vf_fma(g, t, vf_set1(0.14405876398086548f));
  g = vf_fma(g, t, vf_set1(-0.25589796900749207f));
  g = vf_fma(g, t, vf_set1(0.15938882529735565f));
  g = vf_fma(g, t, vf_set1(-0.02326125092804432f));
  g = vf_fma(g, t, vf_set1(0.10557380318641663f));
  g = vf_fma(g, t, vf_set1(0.11981572955846786f));
  g = vf_fma(g, t, vf_set1(0.13986431062221527f));
  g = vf_fma(g, t, vf_set1(0.13962125778198242f));
  return vf_mul(p, vf_mul(g, t));
}

/* Below this |x|, 2^n >= 2^-113 and Phi(-|x|) > 2^-118 are normal floats: one multiply by 2^n scales exactly
 * and x Phi rounds once, as in the two-step path; NaN and inf lanes fail the bound. */
#define TERN_GELU_ERF_NORMAL_BOUND 12.5f

static inline tern_vf vf_gelu_erf_normal_range(tern_vf x) {
  tern_vi n;
  const tern_vf a = vf_abs(x);
  const tern_vf q = vf_gelu_erf_phi_parts(a, &n);
  const tern_vf phi_negative = vf_mul(q, vf_pow2_int(n));
  /* x Phi(x) = max(0, x) - a Phi(-a) for either sign (gelu(-0) = +0 on NEON, whose max drops the sign). */
  return vf_fnma(a, phi_negative, vf_max(vf_zero(), x));
}

static inline tern_vf vf_gelu_erf_any_range(tern_vf x) {
  /* Beyond |x| = 15, Phi(-|x|) < 2^-160: the result is x or -0. The clamp drops NaN (fixed at the end). */
  const tern_vf a = vf_min(vf_abs(x), vf_set1(15.0f));
  const tern_vf x_clamped = vf_copysign(a, x);
  tern_vi n;
  const tern_vf q = vf_gelu_erf_phi_parts(a, &n); /* Phi(-a) = q 2^n */
  const tern_vf phi_negative = vf_scale_pow2(q, n);
  const tern_vf y_positive = vf_fnma(a, phi_negative, x); /* x - x Phi(-a), rounded once */
  const tern_vf y_negative = vf_scale_pow2(vf_mul(x_clamped, q), n);
  const tern_vf y = vf_select(vf_less(x, vf_zero()), y_negative, y_positive);
  return vf_select(vf_is_nan(x), x, y);
}

/* Activations are mostly small: a vector whose lanes all are takes the short path (the same result). The
 * branch on a movemask per vector is cheaper than computing both paths and selecting. */
static inline tern_vf vf_gelu_erf(tern_vf x) {
  if (vf_all(vf_less(vf_abs(x), vf_set1(TERN_GELU_ERF_NORMAL_BOUND)))) return vf_gelu_erf_normal_range(x);
  return vf_gelu_erf_any_range(x);
}

/* 2 sqrt(2/pi) and 2 sqrt(2/pi) 0.044715, each as a float plus the float nearest its remainder. */
#define TERN_GELU_K1_HI 1.595769167f
#define TERN_GELU_K1_LO -4.534068054e-08f
#define TERN_GELU_K3_HI 7.135481387e-02f
#define TERN_GELU_K3_LO 2.398832466e-09f

/* exp(-2u(a)) = p 2^n for 0 <= a <= 11.5. */
static inline tern_vf vf_gelu_tanh_exp_parts(tern_vf a, tern_vi *n) {
  const tern_vf zero = vf_zero();
  /* w = K1 + K3 a^2 as w_hi + w_lo. */
  const tern_vf square = vf_mul(a, a);
  const tern_vf square_error = vf_fma(a, a, vf_sub(zero, square));
  const tern_vf k3_hi = vf_set1(TERN_GELU_K3_HI), k1_hi = vf_set1(TERN_GELU_K1_HI);
  const tern_vf product = vf_mul(k3_hi, square);
  const tern_vf product_error = vf_fma(k3_hi, square, vf_sub(zero, product));
  const tern_vf tail = vf_add(product_error, vf_fma(k3_hi, square_error, vf_mul(vf_set1(TERN_GELU_K3_LO), square)));
  const tern_vf w_hi = vf_add(k1_hi, product); /* two-sum of k1_hi + product */
  const tern_vf b_virtual = vf_sub(w_hi, k1_hi);
  const tern_vf sum_error = vf_add(vf_sub(k1_hi, vf_sub(w_hi, b_virtual)), vf_sub(product, b_virtual));
  const tern_vf w_lo = vf_add(vf_add(sum_error, tail), vf_set1(TERN_GELU_K1_LO));
  /* v = 2u(a) = a w as v_hi + v_lo. */
  const tern_vf v_hi = vf_mul(a, w_hi);
  const tern_vf v_lo = vf_fma(a, w_lo, vf_fma(a, w_hi, vf_sub(zero, v_hi)));
  return vf_exp_parts(vf_sub(zero, v_hi), v_lo, n);
}

/* Below this |x|, 2u < 67: 2^n >= 2^-97 and exp(-2u) > 2^-97 are normal floats, so the exact one-multiply
 * scale and a single division (x e / (1 + e) for x < 0) give the two-step path's result. */
#define TERN_GELU_TANH_NORMAL_BOUND 9.0f

static inline tern_vf vf_gelu_tanh_normal_range(tern_vf x) {
  tern_vi n;
  const tern_vf p = vf_gelu_tanh_exp_parts(vf_abs(x), &n);
  const tern_vf e = vf_mul(p, vf_pow2_int(n));
  const tern_vf numerator = vf_select(vf_less(x, vf_zero()), vf_mul(x, e), x);
  return vf_div(numerator, vf_add(vf_set1(1.0f), e));
}

static inline tern_vf vf_gelu_tanh_any_range(tern_vf x) {
  /* Beyond |x| = 11.5, exp(-2u) < 2^-180. */
  const tern_vf a = vf_min(vf_abs(x), vf_set1(11.5f));
  const tern_vf x_clamped = vf_copysign(a, x);
  tern_vi n;
  const tern_vf p = vf_gelu_tanh_exp_parts(a, &n); /* exp(-2u(a)) = p 2^n */
  const tern_vf e = vf_scale_pow2(p, n);
  const tern_vf denominator = vf_add(vf_set1(1.0f), e);
  const tern_vf y_positive = vf_div(x, denominator);
  const tern_vf y_negative = vf_scale_pow2(vf_div(vf_mul(x_clamped, p), denominator), n);
  const tern_vf y = vf_select(vf_less(x, vf_zero()), y_negative, y_positive);
  return vf_select(vf_is_nan(x), x, y);
}

static inline tern_vf vf_gelu_tanh(tern_vf x) {
  if (vf_all(vf_less(vf_abs(x), vf_set1(TERN_GELU_TANH_NORMAL_BOUND)))) return vf_gelu_tanh_normal_range(x);
  return vf_gelu_tanh_any_range(x);
}

static inline tern_vf vf_relu(tern_vf x) {
  /* As the scalar x > 0 ? x : 0, NaN included. */
  return vf_select(vf_less(vf_zero(), x), x, vf_zero());
}

#define TERN_ACTIVATION_LOOP(vector_function)                                     \
  do {                                                                           \
    size_t i = 0;                                                                \
    for (; i + TERN_VF_WIDTH <= n; i += TERN_VF_WIDTH)                           \
      vf_store(x + i, vector_function(vf_load(x + i)));                          \
    if (i < n) vf_store_partial(x + i, vector_function(vf_load_partial(x + i, n - i)), n - i); \
  } while (0)

/* The body of tern_activation_f32__<isa>. tanh (only pooler heads use it, on one row) stays scalar. */
static inline void f32_activation_run(size_t n, float *x, tern_activation act) {
  switch (act) {
    case TERN_ACT_GELU_ERF:
      TERN_ACTIVATION_LOOP(vf_gelu_erf);
      return;
    case TERN_ACT_GELU_TANH:
      TERN_ACTIVATION_LOOP(vf_gelu_tanh);
      return;
    case TERN_ACT_RELU:
      TERN_ACTIVATION_LOOP(vf_relu);
      return;
    case TERN_ACT_IDENTITY:
      return;
    default:
      for (size_t i = 0; i < n; i++) x[i] = tern_apply_activation(x[i], act);
      return;
  }
}

#endif /* TERN_F32_SIMD_ACTIVATION_H */
