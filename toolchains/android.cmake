# Android: wraps the NDK's own toolchain file so the NDK decides compiler, sysroot, API level and flags.
#   export ANDROID_NDK=$HOME/Android/Sdk/ndk/26.3.11579264
#   cmake -S platforms/android -B build-android-arm64-v8a -G Ninja \
#         -DCMAKE_TOOLCHAIN_FILE=$PWD/toolchains/android.cmake -DANDROID_ABI=arm64-v8a
# (platforms/android/build_android.sh does this for every ABI; the core library alone: -S . with
# -DTERN_BUILD_TESTS=OFF -DTERN_BUILD_TOOLS=OFF.)
# ANDROID_ABI: arm64-v8a (default), armeabi-v7a (NEON is on by default since NDK r21) or x86_64 (emulator).
# ANDROID_PLATFORM: default android-24 (Android 7.0; the first level with a full POSIX mmap/pthread set
# that libtern uses and 99% of devices in use).
# No CMAKE_CROSSCOMPILING_EMULATOR: Android binaries link against bionic (/system/bin/linker64), which
# qemu-user cannot provide on a Linux host; run tests on a device or emulator with adb (docs/PLATFORMS.md).
if(NOT ANDROID_NDK AND DEFINED ENV{ANDROID_NDK})
  set(ANDROID_NDK $ENV{ANDROID_NDK})
endif()
if(NOT ANDROID_NDK AND DEFINED ENV{ANDROID_NDK_HOME})
  set(ANDROID_NDK $ENV{ANDROID_NDK_HOME})
endif()
if(NOT ANDROID_NDK OR NOT EXISTS "${ANDROID_NDK}/build/cmake/android.toolchain.cmake")
  message(FATAL_ERROR
    "toolchains/android.cmake needs the Android NDK: set ANDROID_NDK (environment or -DANDROID_NDK=...) to "
    "the NDK folder that contains build/cmake/android.toolchain.cmake (r23 or newer), "
    "e.g. $HOME/Android/Sdk/ndk/26.3.11579264. Got: '${ANDROID_NDK}'.")
endif()

if(NOT ANDROID_ABI)
  set(ANDROID_ABI arm64-v8a)
endif()
if(NOT ANDROID_ABI MATCHES "^(arm64-v8a|armeabi-v7a|x86_64)$")
  message(FATAL_ERROR "ANDROID_ABI='${ANDROID_ABI}': tern supports arm64-v8a, armeabi-v7a and x86_64")
endif()
if(NOT ANDROID_PLATFORM)
  set(ANDROID_PLATFORM android-24)
endif()
if(ANDROID_ABI STREQUAL "armeabi-v7a")
  set(ANDROID_ARM_NEON ON)
endif()
# The NDK links libc++ only for C++; libtern is C, so no STL is needed.
set(ANDROID_STL none)
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ANDROID_NDK)

include("${ANDROID_NDK}/build/cmake/android.toolchain.cmake")
