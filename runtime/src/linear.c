/* linear.c — one linear layer through the session's kernel table. */
#include <string.h>

#include "session.h"

/* Quantizes m rows of x into session->quantized (+ scales, zero points when asymmetric). With outlier
 * channels each row is first copied to session->outlier_row and those channels set to 0 there: the
 * caller's x stays intact (query, key and value read the same input) and their f32 part is added later. */
static void quantize_rows(tern_session *session, const tern_linear *linear, int asymmetric, size_t m,
                          const float *x, size_t x_stride, size_t q_stride) {
  const tern_kernels *kernels = session->kernels;
  const size_t in = linear->in_features;
  if (linear->num_outlier_channels == 0) {
    if (asymmetric)
      kernels->quantize_qd8(m, in, x, x_stride, session->quantized, q_stride, session->row_scales,
                            session->row_zero_points);
    else
      kernels->quantize_qs8(m, in, x, x_stride, session->quantized, q_stride, session->row_scales);
    return;
  }
  float *row = session->outlier_row;
  for (size_t r = 0; r < m; r++) {
    memcpy(row, x + r * x_stride, in * sizeof(float));
    for (uint32_t i = 0; i < linear->num_outlier_channels; i++) row[linear->outlier_channels[i]] = 0.0f;
    int8_t *q = session->quantized + r * q_stride;
    if (asymmetric)
      kernels->quantize_qd8(1, in, row, in, q, q_stride, session->row_scales + r, session->row_zero_points + r);
    else
      kernels->quantize_qs8(1, in, row, in, q, q_stride, session->row_scales + r);
  }
}

void tern_linear_forward(tern_session *session, const tern_linear *linear, size_t m, const float *x,
                         size_t x_stride, float *y, size_t y_stride, tern_activation act) {
  const tern_kernels *kernels = session->kernels;
  const tern_tensor *weight = linear->weight;
  const size_t out = linear->weight->shape[0], in = linear->weight->shape[1];
  const float *bias = linear->bias != NULL ? (const float *)linear->bias->data : NULL;
  switch (weight->dtype) {
    case TERN_DTYPE_I8: {
      /* Per-row scales: each row's result depends on that row only (ragged batch == one by one). */
      const size_t q_stride = tern_round_up(in, TERN_PACK_KR);
      const int8_t *w = (const int8_t *)weight->data;
      /* The activation runs after the outlier channels' f32 part is added. */
      const int has_outliers = linear->num_outlier_channels != 0;
      const tern_activation gemm_act = has_outliers ? TERN_ACT_IDENTITY : act;
      /* Asymmetric rows (a zero point each) when the file gives the channel sums that correct for it. */
      const int asymmetric = weight->channel_sums != NULL;
      quantize_rows(session, linear, asymmetric, m, x, x_stride, q_stride);
      if (asymmetric)
        kernels->gemm_qd8_f32(m, out, in, session->quantized, q_stride, session->row_scales,
                              session->row_zero_points, w, weight->scales, weight->channel_sums, bias, y, y_stride,
                              gemm_act);
      else
        kernels->gemm_qs8_f32(m, out, in, session->quantized, q_stride, session->row_scales, w, weight->scales,
                              bias, y, y_stride, gemm_act);
      if (has_outliers)
        kernels->gemm_outliers_f32(m, out, in, linear->num_outlier_channels, linear->outlier_channels, x, x_stride,
                                   w, weight->scales, y, y_stride, act);
      break;
    }
    case TERN_DTYPE_F16:
      kernels->gemm_f32_f16(m, out, in, x, x_stride, (const uint16_t *)weight->data, bias, y, y_stride, act);
      break;
    case TERN_DTYPE_F32:
    default:
      kernels->gemm_f32_f32(m, out, in, x, x_stride, (const float *)weight->data, bias, y, y_stride, act);
      break;
  }
}
