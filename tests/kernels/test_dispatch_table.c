/* The dispatch table: every known set resolves by name with every slot filled; unknown names do not. */
#include <string.h>

#include "dispatch.h"
#include "test_util.h"

int main(void) {
  const tern_kernels *chosen = tern_kernels_default();
  EXPECT(chosen != NULL, "default kernel set");
  EXPECT(tern_kernels_default() == chosen, "the choice is made once");
  for (const char *const *name = tern_kernels_names(); *name != NULL; name++) {
    const tern_kernels *kernels = tern_kernels_by_name(*name);
    EXPECT(kernels != NULL && strcmp(kernels->isa, *name) == 0, "set %s", *name);
    if (kernels == NULL) continue;
    EXPECT(kernels->quantize_qs8 && kernels->gemm_qs8_f32 && kernels->quantize_qd8 && kernels->gemm_qd8_f32 &&
               kernels->gemm_outliers_f32 && kernels->gemm_f32_f32 && kernels->gemm_f32_f16 &&
               kernels->layer_norm_f32 && kernels->activation_f32 && kernels->softmax_f32 && kernels->attention_f32,
           "set %s has an empty slot", *name);
  }
  EXPECT(tern_kernels_by_name("scalar") != NULL, "scalar always exists");
  EXPECT(tern_kernels_by_name("no-such-isa") == NULL, "unknown name");
  EXPECT(tern_kernels_by_name(NULL) == NULL, "NULL name");
  return test_report("dispatch_table");
}
