/* activation.h — GELU (erf and tanh forms) and ReLU over a vector; include after exp.h.
 *
 * Both GELUs are written without cancellation, so they are accurate in relative terms over the whole float
 * range (tolerance in kernels.h):
 *   erf form:  gelu(x) = x * Phi(x), Phi(-a) = 0.5 erfc(a / sqrt 2) = exp(-a^2/2) * g(a) for a = |x|, and
 *              Phi(x) = 1 - Phi(-a) for x >= 0. g(a) = 0.5 erfcx(a / sqrt 2) is smooth and is fitted as
 *              t P(t), t = 1 / (1 + 0.35 a), P of degree 9 (relative error 3e-7 in float over [0, 15]; the
 *              Numerical Recipes erfcc form with a refitted polynomial). a^2 is carried in two floats
 *              (FMA) into exp, which for a = 13 would otherwise lose 85 ulps.
 *   tanh form: 0.5 x (1 + tanh(u)) = x * sigma(2u) = x / (1 + exp(-2u)), u = sqrt(2/pi) (x + 0.044715 x^3);
 *              2u is computed in two floats (error-free products and sums), since exp(-2u) amplifies an
 *              absolute error of 2u (up to 130) into the same relative error of the result.
 * Results below FLT_MIN are built with a two-step power-of-two scale (gradual underflow). gelu(-inf) is
 * -0 (the limit), gelu(+inf) = +inf, NaN stays NaN. */
#ifndef TERN_F32_SIMD_ACTIVATION_H
#define TERN_F32_SIMD_ACTIVATION_H

static inline tern_vf vf_gelu_erf(tern_vf x) {
  /* Beyond |x| = 15, Phi(-|x|) < 2^-160: the result is x or -0. The clamp drops NaN (fixed at the end). */
  const tern_vf a = vf_min(vf_abs(x), vf_set1(15.0f));
  const tern_vf x_clamped = vf_copysign(a, x);
  const tern_vf square = vf_mul(a, a);
  const tern_vf square_error = vf_fma(a, a, vf_sub(vf_zero(), square));
  const tern_vf minus_half = vf_set1(-0.5f);
  tern_vi n;
  const tern_vf p = vf_exp_parts(vf_mul(square, minus_half), vf_mul(square_error, minus_half), &n);

  const tern_vf t = vf_div(vf_set1(1.0f), vf_fma(a, vf_set1(0.35f), vf_set1(1.0f)));
  tern_vf g = vf_set1(2.579409396275878e-3f);
  g = vf_fma(g, t, vf_set1(-4.268651455640793e-2f));
  g = vf_fma(g, t, vf_set1(1.7458178102970123e-1f));
  g = vf_fma(g, t, vf_set1(-2.947041690349579e-1f));
  g = vf_fma(g, t, vf_set1(1.899094432592392e-1f));
  g = vf_fma(g, t, vf_set1(-3.860393166542053e-2f));
  g = vf_fma(g, t, vf_set1(1.1048494279384613e-1f));
  g = vf_fma(g, t, vf_set1(1.1885401606559753e-1f));
  g = vf_fma(g, t, vf_set1(1.3996851444244385e-1f));
  g = vf_fma(g, t, vf_set1(1.3961650431156158e-1f));
  g = vf_mul(g, t);

  const tern_vf q = vf_mul(p, g); /* Phi(-a) = q 2^n */
  const tern_vf phi_negative = vf_scale_pow2(q, n);
  const tern_vf y_positive = vf_mul(x, vf_sub(vf_set1(1.0f), phi_negative));
  const tern_vf y_negative = vf_scale_pow2(vf_mul(x_clamped, q), n);
  const tern_vf y = vf_select(vf_less(x, vf_zero()), y_negative, y_positive);
  return vf_select(vf_is_nan(x), x, y);
}

/* 2 sqrt(2/pi) and 2 sqrt(2/pi) 0.044715, each as a float plus the float nearest its remainder. */
#define TERN_GELU_K1_HI 1.595769167f
#define TERN_GELU_K1_LO -4.534068054e-08f
#define TERN_GELU_K3_HI 7.135481387e-02f
#define TERN_GELU_K3_LO 2.398832466e-09f

static inline tern_vf vf_gelu_tanh(tern_vf x) {
  /* Beyond |x| = 11.5, exp(-2u) < 2^-180. */
  const tern_vf a = vf_min(vf_abs(x), vf_set1(11.5f));
  const tern_vf x_clamped = vf_copysign(a, x);
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
  tern_vi n;
  const tern_vf p = vf_exp_parts(vf_sub(zero, v_hi), vf_sub(zero, v_lo), &n); /* exp(-2u(a)) = p 2^n */

  const tern_vf e = vf_scale_pow2(p, n);
  const tern_vf denominator = vf_add(vf_set1(1.0f), e);
  const tern_vf y_positive = vf_div(x, denominator);
  const tern_vf y_negative = vf_scale_pow2(vf_div(vf_mul(x_clamped, p), denominator), n);
  const tern_vf y = vf_select(vf_less(x, zero), y_negative, y_positive);
  return vf_select(vf_is_nan(x), x, y);
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
