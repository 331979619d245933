/* dispatch.c — kernel set tables and the once-per-process choice of the default one. */
#include "dispatch.h"

#include "cpu_features.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#ifdef TERN_HAVE_AVX2_KERNELS
#include "x86/kernels_x86.h"
#endif

static const tern_kernels scalar_kernels = {
    .isa = "scalar",
    .quantize_qs8 = tern_quantize_qs8__scalar,
    .gemm_qs8_f32 = tern_gemm_qs8_f32_16x4__scalar,
    .quantize_qd8 = tern_quantize_qd8__scalar,
    .gemm_qd8_f32 = tern_gemm_qd8_f32_16x4__scalar,
    .gemm_outliers_f32 = tern_gemm_outliers_f32__scalar,
    .gemm_f32_f32 = tern_gemm_f32_f32__scalar,
    .gemm_f32_f16 = tern_gemm_f32_f16__scalar,
    .layer_norm_f32 = tern_layer_norm_f32__scalar,
    .activation_f32 = tern_activation_f32__scalar,
    .softmax_f32 = tern_softmax_f32__scalar,
    .attention_f32 = tern_attention_f32__scalar,
};

#ifdef TERN_HAVE_AVX2_KERNELS
/* The scalar table with the int8 kernels (quantizers and GEMMs) replaced; the f32 kernels stay scalar. */
static const tern_kernels avx2_kernels = {
    .isa = "avx2",
    .quantize_qs8 = tern_quantize_qs8__avx2,
    .gemm_qs8_f32 = tern_gemm_qs8_f32_16x4__avx2,
    .quantize_qd8 = tern_quantize_qd8__avx2,
    .gemm_qd8_f32 = tern_gemm_qd8_f32_16x4__avx2,
    .gemm_outliers_f32 = tern_gemm_outliers_f32__scalar,
    .gemm_f32_f32 = tern_gemm_f32_f32__scalar,
    .gemm_f32_f16 = tern_gemm_f32_f16__scalar,
    .layer_norm_f32 = tern_layer_norm_f32__scalar,
    .activation_f32 = tern_activation_f32__scalar,
    .softmax_f32 = tern_softmax_f32__scalar,
    .attention_f32 = tern_attention_f32__scalar,
};
#endif

/* Ordered from most to least preferred; a SIMD set adds one line here (guarded by its CPU check in
 * kernels_available). */
static const tern_kernels *const all_kernels[] = {
#ifdef TERN_HAVE_AVX2_KERNELS
    &avx2_kernels,
#endif
    &scalar_kernels,
};
static const char *const all_names[] = {
#ifdef TERN_HAVE_AVX2_KERNELS
    "avx2",
#endif
    "scalar", NULL};

static int kernels_available(const tern_kernels *kernels) {
#ifdef TERN_HAVE_AVX2_KERNELS
  if (kernels == &avx2_kernels) return (tern_cpu_info_get()->features & TERN_CPU_X86_AVX2) != 0;
#endif
  (void)kernels; /* scalar runs everywhere */
  return 1;
}

const tern_kernels *tern_kernels_by_name(const char *isa) {
  if (isa == NULL) return NULL;
  for (size_t i = 0; i < sizeof all_kernels / sizeof all_kernels[0]; i++) {
    if (strcmp(all_kernels[i]->isa, isa) == 0) return kernels_available(all_kernels[i]) ? all_kernels[i] : NULL;
  }
  return NULL;
}

const char *const *tern_kernels_names(void) { return all_names; }

static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static const tern_kernels *default_kernels;

static void choose_default(void) {
  const char *forced = getenv("TERN_ISA");
  if (forced != NULL && forced[0] != '\0') {
    default_kernels = tern_kernels_by_name(forced); /* NULL: the session reports the unknown name */
    return;
  }
  for (size_t i = 0; i < sizeof all_kernels / sizeof all_kernels[0]; i++) {
    if (kernels_available(all_kernels[i])) {
      default_kernels = all_kernels[i];
      return;
    }
  }
}

const tern_kernels *tern_kernels_default(void) {
  pthread_once(&default_once, choose_default);
  return default_kernels;
}
