/* The dispatch table: every known set this CPU can run resolves by name with every slot filled; unknown
 * names do not. With an argument (run with TERN_ISA set to it): the default is that set, or SKIP (77)
 * when this CPU lacks it. */
#include <string.h>

#include "dispatch.h"
#include "test_util.h"

int main(int argc, char **argv) {
  if (argc > 1) {
    if (tern_kernels_by_name(argv[1]) == NULL && strcmp(argv[1], "scalar") != 0) {
      printf("dispatch_table: SKIP (no %s set on this build/CPU)\n", argv[1]);
      return 77;
    }
    const tern_kernels *forced = tern_kernels_default();
    EXPECT(forced != NULL && strcmp(forced->isa, argv[1]) == 0, "TERN_ISA=%s gives %s", argv[1],
           forced != NULL ? forced->isa : "NULL");
  }
  const tern_kernels *chosen = tern_kernels_default();
  EXPECT(chosen != NULL, "default kernel set");
  EXPECT(tern_kernels_default() == chosen, "the choice is made once");
  for (const char *const *name = tern_kernels_names(); *name != NULL; name++) {
    const tern_kernels *kernels = tern_kernels_by_name(*name);
    if (kernels == NULL && strcmp(*name, "scalar") != 0) continue; /* listed, but this CPU lacks it */
    EXPECT(kernels != NULL && strcmp(kernels->isa, *name) == 0, "set %s", *name);
    if (kernels == NULL) continue;
    EXPECT(kernels->quantize_qs8 && kernels->gemm_qs8_f32 && kernels->quantize_qd8 && kernels->gemm_qd8_f32 &&
               kernels->quantize_qd7 && kernels->gemm_qd7_f32 &&
               kernels->gemm_outliers_f32 && kernels->gemm_f32_f32 && kernels->gemm_f32_f16 &&
               kernels->layer_norm_f32 && kernels->activation_f32 && kernels->softmax_f32 && kernels->attention_f32,
           "set %s has an empty slot", *name);
  }
  EXPECT(tern_kernels_by_name("scalar") != NULL, "scalar always exists");
  EXPECT(tern_kernels_by_name("no-such-isa") == NULL, "unknown name");
  EXPECT(tern_kernels_by_name(NULL) == NULL, "NULL name");
  return test_report("dispatch_table");
}
