/* low_rank.c — a low-rank linear pair (converter --low-rank, tern.fbs Linear.input_factor):
 * y = act((x F^T) W^T + b), F [rank, in], W [out, rank], run as two plain linears on the same kernels.
 * x F^T stays in f32 (session->low_rank_rows): the second product quantizes its own input rows, exactly as
 * the converter's NumPy reference does, so no precision is lost to an extra int8 rounding of the rank-r
 * activations beyond the one every int8 linear makes. */
#include "session.h"

void tern_low_rank_forward(tern_session *session, const tern_linear *linear, size_t m, const float *x,
                           size_t x_stride, float *y, size_t y_stride, tern_activation act) {
  const size_t rank = linear->rank;
  /* The factor reads x: it carries the outlier channels; no bias, no activation. */
  const tern_linear factor = {.weight = linear->input_factor,
                              .bias = NULL,
                              .out_features = linear->rank,
                              .in_features = linear->in_features,
                              .outlier_channels = linear->outlier_channels,
                              .num_outlier_channels = linear->num_outlier_channels};
  const tern_linear outer = {.weight = linear->weight,
                             .bias = linear->bias,
                             .out_features = linear->out_features,
                             .in_features = linear->rank};
  tern_linear_forward(session, &factor, m, x, x_stride, session->low_rank_rows, rank, TERN_ACT_IDENTITY);
  tern_linear_forward(session, &outer, m, session->low_rank_rows, rank, y, y_stride, act);
}
