/* kernels.h — kernel function types and the scalar reference kernels (internal).
 *
 * Naming follows XNNPACK's microkernels: operation, datatypes, tile, then the ISA after a double
 * underscore (tern_gemm_qs8_f32_16x4__scalar). Every family has one function-pointer type with the same
 * argument order everywhere: sizes first, then pointers (each followed by its stride in elements), then
 * parameters. A SIMD set provides the same functions under its own suffix and is tested against the
 * scalar ones, which define the exact result.
 *
 * Exact semantics every implementation must reproduce:
 *   quantize:  amax = max_k |x[k]| (f32); if amax == 0: scale = 0 and every q = 0; else
 *              scale = amax / 127.0f, inv = 127.0f / amax, q[k] = nearest-even(x[k] * inv) clamped to
 *              [-127, 127] (round-to-nearest, ties to even: lrintf in the default FP environment).
 *              Row k..Kp-1 padding bytes are 0, Kp = round_up(K, 4).
 *   int8 GEMM: acc[m][n] = sum_k a[m][k] * w[n][k] in int32 (exact, any order); weights are in [-127, 127]
 *              (the format's symmetric int8, all the converter writes; not re-checked at load, which would read
 *              every weight page: a -128 weight gives a wrong, memory-safe result in the avx2 set's qs8/qd8 GEMMs);
 *              y = (float)acc * (a_scale[m] * w_scale[n]) + bias[n]   (bias 0 when NULL), then act(y).
 *              The products are evaluated exactly in that order, without FMA contraction. act is the set's
 *              activation kernel (GELU within its tolerance below; identity, ReLU and tanh bit-identical).
 *   quantize_qd8 (asymmetric, what int8 linears with channel sums run):
 *              low = min(0, min_k x[k]), high = max(0, max_k x[k]), range = high - low (f32);
 *              if range == 0 or not finite, or 255.0f / range not finite (a row below ~7.5e-37):
 *              scale = 0, zero_point = 0, every q = 0; else
 *              scale = range / 255.0f, inv = 255.0f / range, zero_point = -128 - nearest-even(low * inv),
 *              q[k] = nearest-even(x[k] * inv) + zero_point clamped to [-128, 127]; x ~ (q - zero_point) * scale.
 *              Row padding bytes are 0.
 *   qd8 GEMM:  acc as above; y = (float)(acc - a_zero_point[m] * w_sum[n]) * (a_scale[m] * w_scale[n])
 *              + bias[n], then act(y); w_sum[n] = sum_k w[n][k] (Tensor.channel_sums). Exact in int32 for
 *              k < 2^16.
 *   quantize_qd7 (the opt-in 7-bit activations, tern_session_options.activation_bits = 7): quantize_qd8 with
 *              127 levels instead of 255. low, high, range and the zero-range / non-finite rule as there
 *              (with 127.0f / range: scale = 0, zero_point = 0, every q = 0); else scale = range / 127.0f, inv = 127.0f / range,
 *              zero_point = -128 - nearest-even(low * inv) clamped to [-128, -1], q[k] = nearest-even(x[k] * inv)
 *              + zero_point clamped to [-128, -1], so q + 128 is in [0, 127]. Row padding bytes are 0.
 *   qd7 GEMM:  the qd8 GEMM (same arguments, same result bit for bit) for rows whose bytes are all in
 *              [-128, 0] (quantize_qd7's rows: q in [-128, -1], zero rows and padding 0), any int8 weight
 *              including -128. Every set but avx2 runs its gemm_qd8_f32 for it; avx2's feeds vpmaddubsw the
 *              unsigned a + 128 <= 128 and the weights unchanged (no vpsignb), exact for these rows.
 *   outliers:  for a linear with outlier channels c_0 < ... < c_{C-1} (Linear.outlier_channels), the int8
 *              GEMM runs on rows whose outlier channels were set to 0 before quantizing, with act = identity;
 *              then gemm_outliers: s = sum_i x[m][c_i] * (float)w[n][c_i] in f32, in list order (FMA
 *              contraction allowed), y[m][n] = act(y[m][n] + s * w_scale[n]).
 */
#ifndef TERN_KERNELS_H
#define TERN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define TERN_PACK_NR 16 /* output channels per Packed16x4 block */
#define TERN_PACK_KR 4  /* inputs per Packed16x4 block */

static inline size_t tern_round_up(size_t value, size_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

/* Quantizes m rows of k floats (x, stride x_stride) to int8 rows of round_up(k, 4) bytes (q, stride
 * q_stride >= round_up(k,4)) with one scale per row. */
typedef void (*tern_quantize_qs8_fn)(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q,
                                     size_t q_stride, float *scale);

/* As tern_quantize_qs8_fn, asymmetric: one scale and one zero point per row (see above). Also the type of
 * quantize_qd7 (127 levels). */
typedef void (*tern_quantize_qd8_fn)(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q,
                                     size_t q_stride, float *scale, int32_t *zero_point);

/* As tern_gemm_qs8_f32_fn for rows quantized by quantize_qd8; w_sums: the weight's channel sums. Also the
 * type of gemm_qd7_f32 (rows from quantize_qd7). */
typedef void (*tern_gemm_qd8_f32_fn)(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                     const float *a_scale, const int32_t *a_zero_point, const int8_t *w_packed,
                                     const float *w_scale, const int32_t *w_sums, const float *bias, float *y,
                                     size_t y_stride, tern_activation act);

/* y[m][n] = act(y[m][n] + w_scale[n] * sum_i x[m][channels[i]] * w[n][channels[i]]) over count channels,
 * w int8 Packed16x4 [n, k] (see "outliers" above); x is the linear's unmodified f32 input. */
typedef void (*tern_gemm_outliers_f32_fn)(size_t m, size_t n, size_t k, size_t count, const uint32_t *channels,
                                          const float *x, size_t x_stride, const int8_t *w_packed,
                                          const float *w_scale, float *y, size_t y_stride, tern_activation act);

/* y[m][n] = act(dequant(a[m] . w[n]) + bias[n]); w in the Packed16x4 layout of tern.fbs for [n, k]. */
typedef void (*tern_gemm_qs8_f32_fn)(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                     const float *a_scale, const int8_t *w_packed, const float *w_scale,
                                     const float *bias, float *y, size_t y_stride, tern_activation act);

/* y[m][n] = act(sum_k x[m][k] * w[n][k] + bias[n]); w row-major [n, k] (f32, or f16 bits as uint16). */
typedef void (*tern_gemm_f32_f32_fn)(size_t m, size_t n, size_t k, const float *x, size_t x_stride,
                                     const float *w, const float *bias, float *y, size_t y_stride,
                                     tern_activation act);
typedef void (*tern_gemm_f32_f16_fn)(size_t m, size_t n, size_t k, const float *x, size_t x_stride,
                                     const uint16_t *w, const float *bias, float *y, size_t y_stride,
                                     tern_activation act);

/* In place: x[m][:] = (x - mean) / sqrt(var + eps) * gamma + beta, over n values per row. */
typedef void (*tern_layer_norm_f32_fn)(size_t m, size_t n, float *x, size_t x_stride, const float *gamma,
                                       const float *beta, float eps);

/* In place over n values: x = act(x). */
typedef void (*tern_activation_f32_fn)(size_t n, float *x, tern_activation act);

/* In place over n values: x = softmax(x) (max-subtracted). */
typedef void (*tern_softmax_f32_fn)(size_t n, float *x);

/* Floats of attention scratch (`scores`) a kernel may use for a text of seq_len tokens: room for a block
 * of TERN_ATTENTION_SCORE_ROWS query rows' scores, so SIMD kernels can work on several rows at once, then
 * for a copy of K transposed and one of V (TERN_ATTENTION_KEY_DIMS x round_up(seq_len, 16) floats each),
 * so heads up to that dim can run QK^T and P.V as register-tiled GEMMs from L1-friendly layouts (AVX2). */
#define TERN_ATTENTION_SCORE_ROWS 8
#define TERN_ATTENTION_KEY_DIMS 64
static inline size_t tern_attention_scratch_floats(size_t seq_len) {
  return (TERN_ATTENTION_SCORE_ROWS + 2 * TERN_ATTENTION_KEY_DIMS) * tern_round_up(seq_len, 16);
}

/* One head of self-attention over one text of seq_len tokens:
 * out[i] = sum_j softmax_j(q[i] . k[j] * scale) v[j]. Every token attends only to the seq_len tokens
 * given (the text's own), which is the attention mask of a ragged batch. scores: 64-byte aligned,
 * tern_attention_scratch_floats(seq_len) floats. */
typedef void (*tern_attention_f32_fn)(size_t seq_len, size_t head_dim, const float *q, size_t q_stride,
                                      const float *k, size_t k_stride, const float *v, size_t v_stride,
                                      float *out, size_t out_stride, float scale, float *scores);

void tern_quantize_qs8__scalar(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                               float *scale);
void tern_gemm_qs8_f32_16x4__scalar(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                    const float *a_scale, const int8_t *w_packed, const float *w_scale,
                                    const float *bias, float *y, size_t y_stride, tern_activation act);
void tern_quantize_qd8__scalar(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                               float *scale, int32_t *zero_point);
void tern_gemm_qd8_f32_16x4__scalar(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                    const float *a_scale, const int32_t *a_zero_point, const int8_t *w_packed,
                                    const float *w_scale, const int32_t *w_sums, const float *bias, float *y,
                                    size_t y_stride, tern_activation act);
void tern_quantize_qd7__scalar(size_t m, size_t k, const float *x, size_t x_stride, int8_t *q, size_t q_stride,
                               float *scale, int32_t *zero_point);
void tern_gemm_outliers_f32__scalar(size_t m, size_t n, size_t k, size_t count, const uint32_t *channels,
                                    const float *x, size_t x_stride, const int8_t *w_packed, const float *w_scale,
                                    float *y, size_t y_stride, tern_activation act);
void tern_gemm_f32_f32__scalar(size_t m, size_t n, size_t k, const float *x, size_t x_stride, const float *w,
                               const float *bias, float *y, size_t y_stride, tern_activation act);
void tern_gemm_f32_f16__scalar(size_t m, size_t n, size_t k, const float *x, size_t x_stride, const uint16_t *w,
                               const float *bias, float *y, size_t y_stride, tern_activation act);
void tern_layer_norm_f32__scalar(size_t m, size_t n, float *x, size_t x_stride, const float *gamma,
                                 const float *beta, float eps);
void tern_activation_f32__scalar(size_t n, float *x, tern_activation act);
void tern_softmax_f32__scalar(size_t n, float *x);
void tern_attention_f32__scalar(size_t seq_len, size_t head_dim, const float *q, size_t q_stride, const float *k,
                                size_t k_stride, const float *v, size_t v_stride, float *out, size_t out_stride,
                                float scale, float *scores);

/* Shared element-wise helpers (pure functions, used by every set's epilogues). */
float tern_apply_activation(float x, tern_activation act);
float tern_f16_to_f32(uint16_t bits);

/* In place, per row: x[m][:] = LayerNorm(x[m][:] + branch[m][:]) with gamma, beta, eps as
 * tern_layer_norm_f32_fn (the residual add of an encoder layer fused with its norm). The reference adds
 * branch + x in f32, then runs tern_layer_norm_f32__scalar. */
typedef void (*tern_add_layer_norm_f32_fn)(size_t m, size_t n, float *x, size_t x_stride, const float *branch,
                                           size_t branch_stride, const float *gamma, const float *beta, float eps);
void tern_add_layer_norm_f32__scalar(size_t m, size_t n, float *x, size_t x_stride, const float *branch,
                                     size_t branch_stride, const float *gamma, const float *beta, float eps);

/* Tolerances of the f32 SIMD kernels (avx2, neon; tests/kernels/test_f32_*.c). They are compiled with FMA
 * and differ from the scalar reference in summation order and in their exp/erfc, so they are not
 * bit-identical:
 *   activation: GELU (erf and tanh forms) |y - exact| <= 1e-6 |exact| + 2^-149 against the exact function in
 *               double, for every float x (measured worst 3.1e-7 relative); gelu(+-inf) = +inf / -0, NaN
 *               stays NaN; armv7 NEON flushes subnormal results to 0. ReLU and identity exact; tanh scalar.
 *   softmax:    |p - p_ref| <= 1e-6 + 1e-5 p_ref (exp within 2 ulp; 1/sum multiplied instead of divided).
 *   LayerNorm, add + LayerNorm: |y - y_ref| <= 1e-5 (|y_ref| + |beta| + 1) + 1.2e-7 (sqrt(n) + 2) |gamma|
 *               |mean| / std (the second term: the rounding of the mean of a row far from 0, which both
 *               orders of summation have); rows of equal values give exactly beta.
 *   f32 GEMMs:  (f32 and f16 weights) |y - y_ref| <= 1.2 (1e-6 + 2.4e-7 sqrt(k)) (sum_k |x w| + |bias|)
 *               + 1e-6 |y_ref| (summation order and FMA; the activation's own after it); armv7 reads f16
 *               subnormal weights as 0.
 *   outliers:   |y - y_ref| <= 2e-6 (|y_ref| + 3 + w_scale sum_i |x[c_i] w[c_i]|) (then the activation's own).
 *   attention:  |out - out_ref| <= max|v| (1e-6 + 6e-7 S), S = scale * max_ij sum_d |q_id k_jd| (the rounding
 *               of the scores, which softmax turns into relative errors of the weights).
 */
#endif /* TERN_KERNELS_H */
