#!/usr/bin/env bash
# Builds TernKit.xcframework (device arm64 + simulator arm64) on a macOS host with Xcode 14+ and CMake 3.20+.
# Not run in CI (Linux); the same Obj-C sources are tested there with GNUstep (test_gnustep.sh).
#   platforms/ios/build_xcframework.sh [OUT_DIR]     (default build-ios/)
# Each slice is one static library (TernKit's .m files compiled with -fobjc-arc + libtern) and a Headers
# folder with TernKit.h, tern.h and a module map, so Swift can `import TernKit`.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
out="${1:-build-ios}"
[ "$(uname)" = Darwin ] || { echo "build_xcframework.sh needs macOS with Xcode" >&2; exit 1; }
rm -rf "$out/TernKit.xcframework"
args=()
for platform in OS SIMULATOR; do
  build="$out/$platform"
  cmake -S platforms/ios -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$repo/toolchains/ios.cmake" -DTERN_IOS_PLATFORM="$platform"
  ninja -C "$build" TernKit tern_static
  # One archive per slice: the shim and the runtime together.
  lib="$build/slice/libTernKit.a"
  mkdir -p "$build/slice"
  libtool -static -o "$lib" "$build/libTernKit.a" "$build/tern/runtime/libtern_static.a"
  headers="$build/Headers"
  rm -rf "$headers" && mkdir -p "$headers"
  cp platforms/ios/TernKit/*.h "$headers/"
  rm -f "$headers/TNInternal.h"
  cp runtime/include/tern.h "$headers/"
  cat > "$headers/module.modulemap" <<'MAP'
module TernKit {
  umbrella header "TernKit.h"
  export *
}
MAP
  args+=(-library "$lib" -headers "$headers")
done
xcodebuild -create-xcframework "${args[@]}" -output "$out/TernKit.xcframework"
echo "built $out/TernKit.xcframework"
