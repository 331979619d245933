/* cpu_features.h — what the CPU this process runs on can do (internal).
 *
 * Read once per process (thread-safe) and used by dispatch.c to choose a kernel set and by the session to
 * size work: kernels never test features themselves. The source is cpuinfo where the build links it, else
 * the compiler runtime's CPUID check (x86) or getauxval's HWCAPs (Linux on ARM).
 */
#ifndef TERN_CPU_FEATURES_H
#define TERN_CPU_FEATURES_H

#include <stddef.h>
#include <stdint.h>

enum {
  TERN_CPU_X86_AVX2 = 1u << 0,        /* AVX2 + FMA, with the OS saving ymm state */
  TERN_CPU_X86_AVX512VNNI = 1u << 1,  /* AVX-512 F/BW/VL + VNNI, with the OS saving zmm state */
  TERN_CPU_X86_AVXVNNI = 1u << 2,     /* VEX-encoded VNNI on ymm (Alder Lake, Zen 5) */
  TERN_CPU_ARM_NEON = 1u << 8,        /* Advanced SIMD (always on aarch64) */
  TERN_CPU_ARM_DOTPROD = 1u << 9,     /* SDOT/UDOT (Armv8.2 dotprod) */
  TERN_CPU_ARM_I8MM = 1u << 10,       /* SMMLA/USMMLA (Armv8.6 i8mm) */
};

typedef struct tern_cpu_info {
  uint32_t features;          /* TERN_CPU_* bits */
  size_t l1d_bytes;           /* data cache sizes of the fastest core; 0 when unknown */
  size_t l2_bytes;
  size_t l3_bytes;
  uint32_t num_cores;         /* all cores the process may run on */
  uint32_t num_big_cores;     /* cores of the fastest cluster (== num_cores when not big.LITTLE) */
  uint32_t from_cpuinfo;      /* 1 when cpuinfo initialized (silently) and filled this: XNNPACK may start */
} tern_cpu_info;

/* The process-wide description; never NULL. */
const tern_cpu_info *tern_cpu_info_get(void);

#endif /* TERN_CPU_FEATURES_H */
