# Shared by the Debian cross toolchain files (aarch64-linux-gnu.cmake, arm-linux-gnueabihf.cmake); not a
# toolchain file on its own. The including file sets TERN_CROSS_TRIPLET, TERN_CROSS_PROCESSOR and
# TERN_CROSS_QEMU before including it.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${TERN_CROSS_PROCESSOR})

# Debian's cross compilers (gcc-<triplet>); TERN_CROSS_PREFIX lets another install (a Linaro / Arm GNU
# toolchain tarball) be used instead: -DTERN_CROSS_PREFIX=/opt/arm-gnu/bin/aarch64-none-linux-gnu-
if(NOT TERN_CROSS_PREFIX)
  set(TERN_CROSS_PREFIX ${TERN_CROSS_TRIPLET}-)
endif()
set(CMAKE_C_COMPILER ${TERN_CROSS_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${TERN_CROSS_PREFIX}g++)
set(CMAKE_STRIP ${TERN_CROSS_PREFIX}strip CACHE FILEPATH "strip for the target")

# Debian installs the target's libc and the cross packages' headers and libraries under /usr/<triplet>.
# TERN_SYSROOT adds a folder made by scripts/arm_sysroot.sh (arm64/armhf .debs unpacked: XNNPACK,
# pthreadpool, cpuinfo) so find_library / find_path see the target's copies and never the host's.
set(CMAKE_FIND_ROOT_PATH /usr/${TERN_CROSS_TRIPLET})
if(TERN_SYSROOT)
  list(APPEND CMAKE_FIND_ROOT_PATH ${TERN_SYSROOT})
  # Multiarch .debs put libraries in usr/lib/<triplet>; the linker needs them for indirect dependencies.
  set(CMAKE_EXE_LINKER_FLAGS_INIT
      "-Wl,-rpath-link,${TERN_SYSROOT}/usr/lib/${TERN_CROSS_TRIPLET} -Wl,-rpath-link,${TERN_SYSROOT}/lib/${TERN_CROSS_TRIPLET}")
  set(CMAKE_SHARED_LINKER_FLAGS_INIT "${CMAKE_EXE_LINKER_FLAGS_INIT}")
endif()
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)   # build tools (python, flatc) run on the host
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest (and add_custom_command's TARGET_FILE runs) execute the target binaries under qemu-user. -L points
# qemu's dynamic loader at the target libc; with a sysroot its libraries are found through LD_LIBRARY_PATH
# set by the caller (scripts/cross_build.sh), since qemu takes a single -L.
# -cpu max: every ISA extension qemu emulates (aarch64: dotprod and i8mm, qemu >= 6), so the tests exercise
# each kernel set (tests/kernels runs them all, runtime/kernels/dispatch.c picks by HWCAP).
find_program(TERN_QEMU_EXECUTABLE ${TERN_CROSS_QEMU})
if(TERN_QEMU_EXECUTABLE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${TERN_QEMU_EXECUTABLE} -cpu max -L /usr/${TERN_CROSS_TRIPLET})
endif()

# Propagate the options above into try_compile projects (CMake re-reads the toolchain file there).
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES TERN_CROSS_PREFIX TERN_SYSROOT TERN_ARM_TUNE)
