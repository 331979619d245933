/* Every SIMD set's attention against the scalar reference (kernels.h tolerance: |out - ref| <= max|v| (1e-6 +
 * 6e-7 S), S = scale * max_ij sum_d |q_id k_jd| <= scale max|q_i| max|k_j|: the rounding of the scores,
 * which the softmax turns into relative errors of the weights) for seq_len 1..300 and head dims 1, 7, 32, 64, 96 (and a few more), with strides as in the
 * encoder (q/k/v/out rows inside wider rows), peaked and flat score distributions; the scratch is exactly
 * tern_attention_scratch_floats(seq_len) floats with guards after it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "test_util.h"

#define GUARD 64
static double worst_error;

static void check(const tern_kernels *kernels, size_t seq_len, size_t head_dim, float magnitude) {
  const size_t stride = head_dim * 3 + 5; /* a head's columns inside a wider row */
  float *q = malloc(seq_len * stride * sizeof *q), *k = malloc(seq_len * stride * sizeof *q);
  float *v = malloc(seq_len * stride * sizeof *q), *out = malloc(seq_len * stride * sizeof *q);
  float *want = malloc(seq_len * stride * sizeof *q);
  const size_t scratch = tern_attention_scratch_floats(seq_len);
  float *scores = aligned_alloc(64, tern_round_up((scratch + GUARD) * sizeof(float), 64));
  for (size_t i = 0; i < seq_len * stride; i++) {
    q[i] = test_rand_float(-magnitude, magnitude);
    k[i] = test_rand_float(-magnitude, magnitude);
    v[i] = test_rand_float(-3.0f, 3.0f);
    out[i] = want[i] = 777.0f;
  }
  const float scale = 1.0f / sqrtf((float)head_dim);
  tern_attention_f32__scalar(seq_len, head_dim, q + 1, stride, k + 2, stride, v + 3, stride, want + 4, stride, scale,
                             scores);
  for (size_t i = 0; i < GUARD; i++) scores[scratch + i] = -555.0f;
  kernels->attention_f32(seq_len, head_dim, q + 1, stride, k + 2, stride, v + 3, stride, out + 4, stride, scale,
                         scores);
  for (size_t i = 0; i < GUARD; i++) EXPECT(scores[scratch + i] == -555.0f, "%s wrote past the scratch", kernels->isa);
  /* S <= scale * max_i |q_i| max_j |k_j| (Cauchy-Schwarz), linear in seq_len to compute. */
  double max_v = 0.0, max_q = 0.0, max_k = 0.0;
  for (size_t i = 0; i < seq_len; i++) {
    double q_norm = 0.0, k_norm = 0.0;
    for (size_t d = 0; d < head_dim; d++) {
      if (fabs(v[i * stride + 3 + d]) > max_v) max_v = fabs(v[i * stride + 3 + d]);
      q_norm += pow(q[i * stride + 1 + d], 2.0);
      k_norm += pow(k[i * stride + 2 + d], 2.0);
    }
    max_q = fmax(max_q, sqrt(q_norm));
    max_k = fmax(max_k, sqrt(k_norm));
  }
  const double bound = max_v * (1e-6 + 6e-7 * scale * max_q * max_k);
  for (size_t row = 0; row < seq_len; row++) {
    for (size_t col = 0; col < stride; col++) {
      const size_t at = row * stride + col;
      if (col < 4 || col >= 4 + head_dim) {
        EXPECT(out[at] == 777.0f, "%s wrote outside the head's columns", kernels->isa);
        continue;
      }
      const double error = fabs((double)out[at] - want[at]);
      if (error / bound > worst_error) worst_error = error / bound;
      EXPECT(error <= bound, "%s seq=%zu dim=%zu mag=%g [%zu][%zu]: %.9g vs %.9g", kernels->isa, seq_len,
             head_dim, magnitude, row, col - 4, out[at], want[at]);
    }
  }
  free(q), free(k), free(v), free(out), free(want), free(scores);
}

int main(void) {
  const size_t head_dims[] = {1, 7, 8, 16, 32, 33, 64, 96, 128};
  tern_attention_f32_fn tested[8];
  size_t tested_count = 0;
  for (const char *const *name = tern_kernels_names(); *name != NULL; name++) {
    const tern_kernels *kernels = tern_kernels_by_name(*name);
    if (kernels == NULL || strcmp(*name, "scalar") == 0) continue;
    int seen = 0; /* sets sharing one kernel (neon, neondot, i8mm) test it once: qemu time */
    for (size_t i = 0; i < tested_count; i++) seen |= tested[i] == kernels->attention_f32;
    if (seen || tested_count == 8) continue;
    tested[tested_count++] = kernels->attention_f32;
    for (size_t d = 0; d < sizeof head_dims / sizeof head_dims[0]; d++) {
      for (size_t seq_len = 1; seq_len <= 40; seq_len++) check(kernels, seq_len, head_dims[d], 1.0f);
      if (head_dims[d] == 8 || head_dims[d] == 16 || head_dims[d] == 128) continue; /* long texts: fewer dims */
      const size_t long_lengths[] = {63, 64, 65, 127, 128, 129, 300};
      for (size_t i = 0; i < sizeof long_lengths / sizeof long_lengths[0]; i++) {
        check(kernels, long_lengths[i], head_dims[d], 1.0f);
        check(kernels, long_lengths[i], head_dims[d], 4.0f); /* peaked: scores up to ~16 sqrt(dim) * scale */
      }
    }
  }
  printf("worst attention error / bound %.3g\n", worst_error);
  return test_report("f32_attention");
}
