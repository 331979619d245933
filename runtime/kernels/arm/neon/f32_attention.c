/* One head of self-attention for NEON: the f32_simd/attention.h template. */
#include <math.h>

#include "kernels.h"
#include "arm/neon/f32_vec_neon.h"
#include "f32_simd/exp.h"
#include "f32_simd/attention.h"
#include "arm/kernels_arm_f32.h"

void tern_attention_f32__neon(size_t seq_len, size_t head_dim, const float *q, size_t q_stride, const float *k,
                              size_t k_stride, const float *v, size_t v_stride, float *out, size_t out_stride,
                              float scale, float *scores) {
  f32_attention_run(seq_len, head_dim, q, q_stride, k, k_stride, v, v_stride, out, out_stride, scale, scores);
}
