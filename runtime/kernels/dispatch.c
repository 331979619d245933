/* dispatch.c — kernel set tables and the once-per-process choice of the default one. */
#include "dispatch.h"

#include "cpu_features.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#ifdef TERN_HAVE_AVX2_KERNELS
#include "x86/kernels_x86.h"
#endif
#ifdef TERN_HAVE_NEON_KERNELS
#include "arm/kernels_arm.h"
#include "arm/kernels_arm_f32.h"
#endif

static const tern_kernels scalar_kernels = {
    .isa = "scalar",
    .quantize_qs8 = tern_quantize_qs8__scalar,
    .gemm_qs8_f32 = tern_gemm_qs8_f32_16x4__scalar,
    .quantize_qd8 = tern_quantize_qd8__scalar,
    .gemm_qd8_f32 = tern_gemm_qd8_f32_16x4__scalar,
    .quantize_qd7 = tern_quantize_qd7__scalar,
    .gemm_qd7_f32 = tern_gemm_qd8_f32_16x4__scalar, /* qd7 rows are valid qd8 rows */
    .gemm_outliers_f32 = tern_gemm_outliers_f32__scalar,
    .gemm_f32_f32 = tern_gemm_f32_f32__scalar,
    .gemm_f32_f16 = tern_gemm_f32_f16__scalar,
    .layer_norm_f32 = tern_layer_norm_f32__scalar,
    .activation_f32 = tern_activation_f32__scalar,
    .softmax_f32 = tern_softmax_f32__scalar,
    .attention_f32 = tern_attention_f32__scalar,
    .add_layer_norm_f32 = tern_add_layer_norm_f32__scalar,
};

#ifdef TERN_HAVE_AVX2_KERNELS
/* x86: the AVX2 quantizers (bit-identical to scalar) and f32 element-wise, attention, outlier and f32/f16
 * GEMM kernels (AVX2 + FMA, within the tolerances of kernels.h), with the int8 GEMMs of each set. One macro
 * so the VNNI sets cannot drift from avx2 in anything but their GEMMs. */
#define TERN_X86_INT8_TABLE(name, qs8_gemm, qd8_gemm, qd7_gemm)                                              \
  {                                                                                                         \
    .isa = name, .quantize_qs8 = tern_quantize_qs8__avx2, .gemm_qs8_f32 = qs8_gemm,                         \
    .quantize_qd8 = tern_quantize_qd8__avx2, .gemm_qd8_f32 = qd8_gemm,                                      \
    .quantize_qd7 = tern_quantize_qd7__avx2, .gemm_qd7_f32 = qd7_gemm,                                      \
    .gemm_outliers_f32 = tern_gemm_outliers_f32__avx2, .gemm_f32_f32 = tern_gemm_f32_f32__avx2,             \
    .gemm_f32_f16 = tern_gemm_f32_f16__avx2, .layer_norm_f32 = tern_layer_norm_f32__avx2,                   \
    .activation_f32 = tern_activation_f32__avx2, .softmax_f32 = tern_softmax_f32__avx2,                     \
    .attention_f32 = tern_attention_f32__avx2, .add_layer_norm_f32 = tern_add_layer_norm_f32__avx2,         \
  }
static const tern_kernels avx2_kernels =
    TERN_X86_INT8_TABLE("avx2", tern_gemm_qs8_f32_4x16c4__avx2, tern_gemm_qd8_f32_4x16c4__avx2,
                        tern_gemm_qd7_f32_4x16c4__avx2);
#ifdef TERN_HAVE_AVX512VNNI_KERNELS
static const tern_kernels avx512vnni_kernels = TERN_X86_INT8_TABLE(
    "avx512vnni", tern_gemm_qs8_f32_8x32c4__avx512vnni, tern_gemm_qd8_f32_8x32c4__avx512vnni,
    tern_gemm_qd8_f32_8x32c4__avx512vnni); /* vpdpbusd is exact for every row: no 7-bit GEMM of its own */
#endif
#ifdef TERN_HAVE_AVXVNNI_KERNELS
static const tern_kernels avxvnni_kernels =
    TERN_X86_INT8_TABLE("avxvnni", tern_gemm_qs8_f32_4x16c4__avxvnni, tern_gemm_qd8_f32_4x16c4__avxvnni,
                        tern_gemm_qd8_f32_4x16c4__avxvnni);
#endif
#endif

#ifdef TERN_HAVE_NEON_KERNELS
/* ARM: the scalar table with the int8 kernels replaced (the Advanced SIMD quantizers are shared by all three
 * sets; 7-bit rows run the qd8 GEMMs, exact for every int8 row) and the NEON f32 kernels (kernels_arm_f32.h,
 * within the tolerances of kernels.h). */
#define TERN_ARM_INT8_TABLE(name, qs8_gemm, qd8_gemm)                                                        \
  {                                                                                                         \
    .isa = name, .quantize_qs8 = tern_quantize_qs8__neon, .gemm_qs8_f32 = qs8_gemm,                         \
    .quantize_qd8 = tern_quantize_qd8__neon, .gemm_qd8_f32 = qd8_gemm,                                      \
    .quantize_qd7 = tern_quantize_qd7__neon, .gemm_qd7_f32 = qd8_gemm,                                      \
    .gemm_outliers_f32 = tern_gemm_outliers_f32__neon, .gemm_f32_f32 = tern_gemm_f32_f32__neon,             \
    .gemm_f32_f16 = tern_gemm_f32_f16__neon, .layer_norm_f32 = tern_layer_norm_f32__neon,                   \
    .activation_f32 = tern_activation_f32__neon, .softmax_f32 = tern_softmax_f32__neon,                     \
    .attention_f32 = tern_attention_f32__neon, .add_layer_norm_f32 = tern_add_layer_norm_f32__neon,         \
  }
static const tern_kernels neon_kernels =
    TERN_ARM_INT8_TABLE("neon", tern_gemm_qs8_f32_2x16c4__neon, tern_gemm_qd8_f32_2x16c4__neon);
#ifdef TERN_HAVE_NEONDOT_KERNELS
static const tern_kernels neondot_kernels =
    TERN_ARM_INT8_TABLE("neondot", tern_gemm_qs8_f32_4x16c4__neondot, tern_gemm_qd8_f32_4x16c4__neondot);
#endif
#ifdef TERN_HAVE_I8MM_KERNELS
static const tern_kernels i8mm_kernels =
    TERN_ARM_INT8_TABLE("i8mm", tern_gemm_qs8_f32_4x16c4__i8mm, tern_gemm_qd8_f32_4x16c4__i8mm);
#endif
#endif

/* Ordered from most to least preferred; a SIMD set adds one line here (guarded by its CPU check in
 * kernels_available). */
static const tern_kernels *const all_kernels[] = {
#ifdef TERN_HAVE_AVX512VNNI_KERNELS
    &avx512vnni_kernels,
#endif
#ifdef TERN_HAVE_AVXVNNI_KERNELS
    &avxvnni_kernels,
#endif
#ifdef TERN_HAVE_AVX2_KERNELS
    &avx2_kernels,
#endif
#ifdef TERN_HAVE_I8MM_KERNELS
    &i8mm_kernels,
#endif
#ifdef TERN_HAVE_NEONDOT_KERNELS
    &neondot_kernels,
#endif
#ifdef TERN_HAVE_NEON_KERNELS
    &neon_kernels,
#endif
    &scalar_kernels,
};
static const char *const all_names[] = {
#ifdef TERN_HAVE_AVX512VNNI_KERNELS
    "avx512vnni",
#endif
#ifdef TERN_HAVE_AVXVNNI_KERNELS
    "avxvnni",
#endif
#ifdef TERN_HAVE_AVX2_KERNELS
    "avx2",
#endif
#ifdef TERN_HAVE_I8MM_KERNELS
    "i8mm",
#endif
#ifdef TERN_HAVE_NEONDOT_KERNELS
    "neondot",
#endif
#ifdef TERN_HAVE_NEON_KERNELS
    "neon",
#endif
    "scalar", NULL};

static int kernels_available(const tern_kernels *kernels) {
#ifdef TERN_HAVE_AVX512VNNI_KERNELS
  if (kernels == &avx512vnni_kernels) {
    const uint32_t needed = TERN_CPU_X86_AVX512VNNI | TERN_CPU_X86_AVX2; /* avx2 quantizers and f32 kernels */
    return (tern_cpu_info_get()->features & needed) == needed;
  }
#endif
#ifdef TERN_HAVE_AVXVNNI_KERNELS
  if (kernels == &avxvnni_kernels) {
    const uint32_t needed = TERN_CPU_X86_AVXVNNI | TERN_CPU_X86_AVX2;
    return (tern_cpu_info_get()->features & needed) == needed;
  }
#endif
#ifdef TERN_HAVE_AVX2_KERNELS
  if (kernels == &avx2_kernels) return (tern_cpu_info_get()->features & TERN_CPU_X86_AVX2) != 0;
#endif
#ifdef TERN_HAVE_I8MM_KERNELS
  if (kernels == &i8mm_kernels) return (tern_cpu_info_get()->features & TERN_CPU_ARM_I8MM) != 0;
#endif
#ifdef TERN_HAVE_NEONDOT_KERNELS
  if (kernels == &neondot_kernels) return (tern_cpu_info_get()->features & TERN_CPU_ARM_DOTPROD) != 0;
#endif
#ifdef TERN_HAVE_NEON_KERNELS
  if (kernels == &neon_kernels) return (tern_cpu_info_get()->features & TERN_CPU_ARM_NEON) != 0;
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
