# 32-bit ARM Linux, hard-float: Raspberry Pi OS 32-bit on Pi 2 (v1.2)/3/4/5 and other ARMv7-A boards
# with NEON. Debian's gcc-arm-linux-gnueabihf; tests run under qemu-arm (qemu-user).
#   cmake -S . -B build-armhf -G Ninja -DCMAKE_TOOLCHAIN_FILE=toolchains/arm-linux-gnueabihf.cmake
# NEON is switched on for the whole build (-mfpu=neon-vfpv4): every Pi that runs a 32-bit OS with an
# ARMv7/ARMv8 core has it (the Pi 1 / Zero with ARMv6 are not supported). TERN_ARM_TUNE picks the core:
#   cortex-a53 (Pi 3, Zero 2) / cortex-a72 (Pi 4) / cortex-a76 (Pi 5): -march=armv8-a+crc, NEON with
#     fp-armv8 (AArch32 state of an ARMv8 core), tuned for that core
#   empty (default): -march=armv7-a, NEON with VFPv4 (Pi 2, any ARMv7-A with NEON)
set(TERN_CROSS_TRIPLET arm-linux-gnueabihf)
set(TERN_CROSS_PROCESSOR armv7l)
set(TERN_CROSS_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross-common.cmake)

set(TERN_ARM_TUNE "" CACHE STRING "Core to tune for: cortex-a53, cortex-a72, cortex-a76 or empty (ARMv7-A)")
set_property(CACHE TERN_ARM_TUNE PROPERTY STRINGS "" cortex-a53 cortex-a72 cortex-a76)
if(TERN_ARM_TUNE MATCHES "^cortex-a(53|72|76)$")
  set(CMAKE_C_FLAGS_INIT "-march=armv8-a+crc -mfpu=neon-fp-armv8 -mfloat-abi=hard -mtune=${TERN_ARM_TUNE}")
elseif(TERN_ARM_TUNE)
  message(FATAL_ERROR "TERN_ARM_TUNE='${TERN_ARM_TUNE}': expected cortex-a53, cortex-a72, cortex-a76 or empty")
else()
  set(CMAKE_C_FLAGS_INIT "-march=armv7-a -mfpu=neon-vfpv4 -mfloat-abi=hard")
endif()
