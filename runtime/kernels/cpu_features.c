/* cpu_features.c — fills tern_cpu_info once per process.
 *
 * Features always start from the silent fallback (compiler CPUID checks on x86, getauxval on Linux/ARM,
 * sysconf for the core count). Where the build links cpuinfo (TERN_HAVE_CPUINFO) and the files it parses
 * look sane, cpuinfo replaces the bits it knows (this 2022 snapshot has no AVX-VNNI or i8mm query: those
 * stay from the fallback) and adds what only it knows: cache sizes and the big cores of big.LITTLE.
 *
 * cpuinfo_initialize allocates its tables with the C library once per process and keeps them (its
 * cpuinfo_deinitialize frees nothing), outside any tern_allocator hook; it runs at the first session
 * creation (first kernel choice). It reports parse failures on stderr, which libtern must never do, so it
 * is only called after the files it parses were checked (see cpuinfo_inputs_look_sane). */
#include "cpu_features.h"

#include <pthread.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <unistd.h>

#if defined(__linux__)
#include <fcntl.h>
#endif
#if defined(__linux__) && (defined(__aarch64__) || defined(__arm__))
#include <sys/auxv.h>
#endif
#ifdef TERN_HAVE_CPUINFO
#include <cpuinfo.h>
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
  /* AVX-VNNI (VEX vpdpbusd on ymm): CPUID leaf 7 subleaf 1, EAX bit 4. Neither this cpuinfo snapshot nor
   * clang 14's __builtin_cpu_supports knows it. The OS-saves-ymm check is part of the AVX2 bit. */
  unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
  if ((features & TERN_CPU_X86_AVX2) && __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) && (eax & (1u << 4)))
    features |= TERN_CPU_X86_AVXVNNI;
#elif defined(__aarch64__)
  features |= TERN_CPU_ARM_NEON;
#if defined(__linux__)
  const unsigned long hwcap = getauxval(AT_HWCAP), hwcap2 = getauxval(AT_HWCAP2);
  if (hwcap & (1ul << 20)) features |= TERN_CPU_ARM_DOTPROD; /* HWCAP_ASIMDDP */
  if (hwcap2 & (1ul << 13)) features |= TERN_CPU_ARM_I8MM;   /* HWCAP2_I8MM */
#endif
#elif defined(__arm__) && defined(__linux__)
  /* The armv7 neon set is compiled with VFPv4 (vfma): NEON boards without it (Cortex-A8/A9) run scalar. */
  const unsigned long hwcap = getauxval(AT_HWCAP);
  if ((hwcap & (1ul << 12)) && (hwcap & (1ul << 16))) features |= TERN_CPU_ARM_NEON; /* HWCAP_NEON, VFPv4 */
#endif
  return features;
}

#ifdef TERN_HAVE_CPUINFO

#if defined(__linux__)
/* 1 when the file can be read and (needle != NULL) its first 64 KiB contain needle. */
static int file_has(const char *path, const char *needle) {
  static char text[65536];
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  size_t used = 0;
  for (;;) {
    const ssize_t got = read(fd, text + used, sizeof text - 1 - used);
    if (got <= 0) break;
    used += (size_t)got;
    if (used == sizeof text - 1) break;
  }
  close(fd);
  text[used] = '\0';
  return used > 0 && (needle == NULL || strstr(text, needle) != NULL);
}
#endif

/* cpuinfo logs (stderr) when /sys CPU lists or /proc/cpuinfo are missing or not the architecture's, e.g.
 * in sandboxes without /sys, or under qemu-user, which shows the host's /proc/cpuinfo. Called once, under
 * pthread_once, so the static buffer in file_has is not shared. */
static int cpuinfo_inputs_look_sane(void) {
#if defined(__linux__)
  if (!file_has("/sys/devices/system/cpu/possible", NULL) || !file_has("/sys/devices/system/cpu/present", NULL))
    return 0;
#if defined(__x86_64__) || defined(__i386__)
  return file_has("/proc/cpuinfo", "flags");
#elif defined(__aarch64__) || defined(__arm__)
  return file_has("/proc/cpuinfo", "CPU implementer");
#else
  return 0;
#endif
#else
  return 1; /* Apple / Windows: cpuinfo asks the kernel (sysctl / API), which cannot be misparsed */
#endif
}

/* The bits cpuinfo decides; the others stay from detect_features. */
#define CPUINFO_KNOWN_FEATURES \
  (TERN_CPU_X86_AVX2 | TERN_CPU_X86_AVX512VNNI | TERN_CPU_ARM_NEON | TERN_CPU_ARM_DOTPROD)

static uint32_t cpuinfo_features(void) {
  uint32_t features = 0;
#if defined(__x86_64__) || defined(__i386__)
  if (cpuinfo_has_x86_avx2() && cpuinfo_has_x86_fma3()) features |= TERN_CPU_X86_AVX2;
  if (cpuinfo_has_x86_avx512f() && cpuinfo_has_x86_avx512bw() && cpuinfo_has_x86_avx512vl() &&
      cpuinfo_has_x86_avx512vnni())
    features |= TERN_CPU_X86_AVX512VNNI;
#elif defined(__aarch64__) || defined(__arm__)
  if (cpuinfo_has_arm_neon() && cpuinfo_has_arm_neon_fma()) features |= TERN_CPU_ARM_NEON;
  if (cpuinfo_has_arm_neon_dot()) features |= TERN_CPU_ARM_DOTPROD;
#endif
  return features;
}

/* The fastest cluster: highest clock, then most cores; its core count and its first core's caches. */
static void read_topology(void) {
  const uint32_t clusters = cpuinfo_get_clusters_count();
  const struct cpuinfo_cluster *fastest = NULL;
  for (uint32_t i = 0; i < clusters; i++) {
    const struct cpuinfo_cluster *cluster = cpuinfo_get_cluster(i);
    if (cluster == NULL) continue;
    if (fastest == NULL || cluster->frequency > fastest->frequency ||
        (cluster->frequency == fastest->frequency && cluster->core_count > fastest->core_count))
      fastest = cluster;
  }
  const uint32_t cores = cpuinfo_get_cores_count();
  if (cores > 0) info.num_cores = cores;
  if (fastest == NULL) return;
  /* Unknown clocks (0, common on x86 and in VMs) cannot tell clusters apart: all cores count as big. */
  uint32_t big = 0;
  for (uint32_t i = 0; i < clusters; i++) {
    const struct cpuinfo_cluster *cluster = cpuinfo_get_cluster(i);
    if (cluster != NULL && (fastest->frequency == 0 || cluster->frequency == fastest->frequency))
      big += cluster->core_count;
  }
  if (big > 0) info.num_big_cores = big;
  const struct cpuinfo_processor *processor = cpuinfo_get_processor(fastest->processor_start);
  if (processor == NULL) return;
  if (processor->cache.l1d != NULL) info.l1d_bytes = processor->cache.l1d->size;
  if (processor->cache.l2 != NULL) info.l2_bytes = processor->cache.l2->size;
  if (processor->cache.l3 != NULL) info.l3_bytes = processor->cache.l3->size;
}

static void detect_with_cpuinfo(void) {
  if (!cpuinfo_inputs_look_sane() || !cpuinfo_initialize()) return;
  info.features = (info.features & ~(uint32_t)CPUINFO_KNOWN_FEATURES) | cpuinfo_features();
  read_topology();
  info.from_cpuinfo = 1;
}
#endif /* TERN_HAVE_CPUINFO */

static void detect(void) {
  info.features = detect_features();
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  info.num_cores = cores > 0 ? (uint32_t)cores : 1;
  info.num_big_cores = info.num_cores;
#ifdef TERN_HAVE_CPUINFO
  detect_with_cpuinfo();
#endif
}

const tern_cpu_info *tern_cpu_info_get(void) {
  pthread_once(&info_once, detect);
  return &info;
}
