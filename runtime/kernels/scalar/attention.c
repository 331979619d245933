/* One head of scaled dot-product self-attention over one text (the reference). */
#include "kernels.h"

void tern_attention_f32__scalar(size_t seq_len, size_t head_dim, const float *q, size_t q_stride, const float *k,
                                size_t k_stride, const float *v, size_t v_stride, float *out, size_t out_stride,
                                float scale, float *scores) {
  for (size_t i = 0; i < seq_len; i++) {
    const float *q_row = q + i * q_stride;
    for (size_t j = 0; j < seq_len; j++) {
      const float *k_row = k + j * k_stride;
      float dot = 0.0f;
      for (size_t d = 0; d < head_dim; d++) dot += q_row[d] * k_row[d];
      scores[j] = dot * scale;
    }
    tern_softmax_f32__scalar(seq_len, scores);
    float *out_row = out + i * out_stride;
    for (size_t d = 0; d < head_dim; d++) out_row[d] = 0.0f;
    for (size_t j = 0; j < seq_len; j++) {
      const float *v_row = v + j * v_stride;
      const float weight = scores[j];
      for (size_t d = 0; d < head_dim; d++) out_row[d] += weight * v_row[d];
    }
  }
}
