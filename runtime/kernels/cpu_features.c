/* cpu_features.c — fills tern_cpu_info once per process.
 * Fallback implementation (no cpuinfo): compiler CPUID checks on x86, getauxval on Linux/ARM, and
 * sysconf for the core count. TODO(issue 6, threads): cpuinfo for features, caches and big cores. */
#include "cpu_features.h"

#include <pthread.h>
#include <unistd.h>

#if defined(__linux__) && (defined(__aarch64__) || defined(__arm__))
#include <sys/auxv.h>
#endif

static pthread_once_t info_once = PTHREAD_ONCE_INIT;
static tern_cpu_info info;

static uint32_t detect_features(void) {
  uint32_t features = 0;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) features |= TERN_CPU_X86_AVX2;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni"))
    features |= TERN_CPU_X86_AVX512VNNI;
#elif defined(__aarch64__)
  features |= TERN_CPU_ARM_NEON;
#if defined(__linux__)
  const unsigned long hwcap = getauxval(AT_HWCAP), hwcap2 = getauxval(AT_HWCAP2);
  if (hwcap & (1ul << 20)) features |= TERN_CPU_ARM_DOTPROD; /* HWCAP_ASIMDDP */
  if (hwcap2 & (1ul << 13)) features |= TERN_CPU_ARM_I8MM;   /* HWCAP2_I8MM */
#endif
#elif defined(__arm__) && defined(__linux__)
  if (getauxval(AT_HWCAP) & (1ul << 12)) features |= TERN_CPU_ARM_NEON; /* HWCAP_NEON */
#endif
  return features;
}

static void detect(void) {
  info.features = detect_features();
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  info.num_cores = cores > 0 ? (uint32_t)cores : 1;
  info.num_big_cores = info.num_cores;
}

const tern_cpu_info *tern_cpu_info_get(void) {
  pthread_once(&info_once, detect);
  return &info;
}
