# 64-bit ARM Linux: Raspberry Pi OS 64-bit (Pi 3/4/5), generic ARMv8-A boards, Graviton. Debian's
# gcc-aarch64-linux-gnu; tests run under qemu-aarch64 (qemu-user).
#   cmake -S . -B build-aarch64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=toolchains/aarch64-linux-gnu.cmake
# TERN_ARM_TUNE: cortex-a53 (Pi 3, Zero 2), cortex-a72 (Pi 4), cortex-a76 (Pi 5) or empty (generic).
# NEON (Advanced SIMD) is part of ARMv8-A, so no flag is needed for it; dotprod/i8mm kernels are compiled
# per file with their own -march and chosen at run time (runtime/kernels/dispatch.c), so -mtune only
# tunes scheduling and never makes the binary need a newer core.
set(TERN_CROSS_TRIPLET aarch64-linux-gnu)
set(TERN_CROSS_PROCESSOR aarch64)
set(TERN_CROSS_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross-common.cmake)

set(TERN_ARM_TUNE "" CACHE STRING "Core to tune for: cortex-a53, cortex-a72, cortex-a76 or empty")
set_property(CACHE TERN_ARM_TUNE PROPERTY STRINGS "" cortex-a53 cortex-a72 cortex-a76)
# GCC 12 for aarch64 (Debian 12's cross gcc and Raspberry Pi OS bookworm's native gcc) dies with an internal
# compiler error in vect_transform_reduction when -O3 vectorizes a double fmax() reduction (test code does
# `worst = fmax(worst, fabs(a[i] - b[i]))`). Keeping fmax a library call avoids it; libtern calls no fmax.
set(CMAKE_C_FLAGS_INIT "-fno-builtin-fmax")
if(TERN_ARM_TUNE MATCHES "^cortex-a(53|72|76)$")
  string(APPEND CMAKE_C_FLAGS_INIT " -mtune=${TERN_ARM_TUNE}")
elseif(TERN_ARM_TUNE)
  message(FATAL_ERROR "TERN_ARM_TUNE='${TERN_ARM_TUNE}': expected cortex-a53, cortex-a72, cortex-a76 or empty")
endif()
