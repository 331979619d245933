# iOS: arm64 devices and the arm64 simulator (Apple-silicon Macs), built with Xcode's clang on a macOS host.
#   cmake -S . -B build-ios -G Xcode -DCMAKE_TOOLCHAIN_FILE=toolchains/ios.cmake -DTERN_IOS_PLATFORM=OS
#   cmake -S . -B build-ios-sim -G Xcode -DCMAKE_TOOLCHAIN_FILE=toolchains/ios.cmake -DTERN_IOS_PLATFORM=SIMULATOR
# (Ninja works too.) platforms/ios/build_xcframework.sh runs both and merges them into an XCFramework.
# No CMAKE_CROSSCOMPILING_EMULATOR: iOS binaries run only on a device or the simulator (xcrun simctl spawn),
# which exists only on macOS; on Linux the Obj-C shim is tested with GNUstep instead (platforms/ios/).
set(CMAKE_SYSTEM_NAME iOS)
set(TERN_IOS_PLATFORM "OS" CACHE STRING "OS (device, iphoneos) or SIMULATOR (iphonesimulator)")
set_property(CACHE TERN_IOS_PLATFORM PROPERTY STRINGS OS SIMULATOR)
set(TERN_IOS_DEPLOYMENT_TARGET "13.0" CACHE STRING "Minimum iOS version")

if(TERN_IOS_PLATFORM STREQUAL "OS")
  set(CMAKE_OSX_SYSROOT iphoneos)
elseif(TERN_IOS_PLATFORM STREQUAL "SIMULATOR")
  set(CMAKE_OSX_SYSROOT iphonesimulator)
else()
  message(FATAL_ERROR "TERN_IOS_PLATFORM='${TERN_IOS_PLATFORM}': expected OS or SIMULATOR")
endif()
# arm64 only: every iPhone since the 5s, and the simulator on Apple silicon. (An x86_64 simulator slice for
# Intel Macs can be added with -DCMAKE_OSX_ARCHITECTURES="arm64;x86_64" with the SIMULATOR platform.)
if(NOT CMAKE_OSX_ARCHITECTURES)
  set(CMAKE_OSX_ARCHITECTURES arm64 CACHE STRING "Architectures")
endif()
set(CMAKE_OSX_DEPLOYMENT_TARGET ${TERN_IOS_DEPLOYMENT_TARGET} CACHE STRING "Minimum iOS version")
set(CMAKE_XCODE_ATTRIBUTE_ONLY_ACTIVE_ARCH NO)
# Xcode cannot run iOS executables during the build; try_compile builds static libraries instead.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES TERN_IOS_PLATFORM TERN_IOS_DEPLOYMENT_TARGET)
