/* tern_pack_16x4 places W[n][k] where tern.fbs says, fills padding with zeros, and the scalar GEMM reads
 * it back: every weight is located by a one-hot activation. */
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "packing.h"
#include "test_util.h"

int main(void) {
  const size_t shapes[][2] = {{1, 1}, {16, 4}, {17, 5}, {3, 33}, {40, 9}};
  for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
    const size_t n = shapes[s][0], k = shapes[s][1];
    const size_t kp = tern_round_up(k, 4), np = tern_round_up(n, 16);
    int8_t *w = malloc(n * k);
    int8_t *packed = malloc(tern_packed_16x4_size(n, k));
    EXPECT(tern_packed_16x4_size(n, k) == np * kp, "size");
    for (size_t i = 0; i < n * k; i++) w[i] = (int8_t)(1 + i % 120);
    tern_pack_16x4(w, n, k, packed);
    size_t nonzero = 0;
    for (size_t b = 0; b < np * kp; b++) nonzero += packed[b] != 0;
    EXPECT(nonzero == n * k, "shape %zux%zu: %zu nonzero bytes, padding must be 0", n, k, nonzero);
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < k; j++) {
        const size_t index = ((i / 16) * (kp / 4) + j / 4) * 64 + (i % 16) * 4 + (j % 4);
        EXPECT(packed[index] == w[i * k + j], "shape %zux%zu W[%zu][%zu]", n, k, i, j);
      }
    /* One-hot rows read single weights back through the GEMM. */
    int8_t *a = calloc(kp, 1);
    float one = 1.0f, *w_scale = malloc(n * sizeof(float)), *y = malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++) w_scale[i] = 1.0f;
    for (size_t j = 0; j < k; j++) {
      memset(a, 0, kp);
      a[j] = 1;
      tern_gemm_qs8_f32_16x4__scalar(1, n, k, a, kp, &one, packed, w_scale, NULL, y, n, TERN_ACT_IDENTITY);
      for (size_t i = 0; i < n; i++) EXPECT(y[i] == (float)w[i * k + j], "gemm reads W[%zu][%zu]", i, j);
    }
    free(a), free(w_scale), free(y), free(w), free(packed);
  }
  return test_report("pack_16x4_layout");
}
