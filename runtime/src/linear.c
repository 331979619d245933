/* linear.c — one linear layer through the session's kernel table. */
#include "session.h"

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
      if (weight->channel_sums != NULL) {
        /* Asymmetric rows (a zero point each) when the file gives the channel sums that correct for it. */
        kernels->quantize_qd8(m, in, x, x_stride, session->quantized, q_stride, session->row_scales,
                              session->row_zero_points);
        kernels->gemm_qd8_f32(m, out, in, session->quantized, q_stride, session->row_scales,
                              session->row_zero_points, (const int8_t *)weight->data, weight->scales,
                              weight->channel_sums, bias, y, y_stride, act);
        break;
      }
      kernels->quantize_qs8(m, in, x, x_stride, session->quantized, q_stride, session->row_scales);
      kernels->gemm_qs8_f32(m, out, in, session->quantized, q_stride, session->row_scales,
                            (const int8_t *)weight->data, weight->scales, bias, y, y_stride, act);
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
