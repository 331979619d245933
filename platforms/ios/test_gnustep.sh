#!/usr/bin/env bash
# Compiles TernKit (the Obj-C shim) and its tests with gcc's Objective-C front end and GNUstep base, links
# the host build's libtern.so, and runs them on the converted test models.
#   platforms/ios/test_gnustep.sh [HOST_BUILD]   (default build/; needs HOST_BUILD/runtime/libtern.so and
#                                                 HOST_BUILD/models from models/make_test_models.sh)
# GNUstep's gcc has no ARC: the sources are written for ARC (Apple builds use -fobjc-arc) and compile here
# with manual retain/release through TNInternal.h's macros (see there). Debian: gobjc, libgnustep-base-dev.
set -euo pipefail
cd "$(dirname "$0")/../.."
host_build="$(cd "${1:-build}" && pwd)"
out="$PWD/build-ios-gnustep"
mkdir -p "$out"
# GNUstep's own headers as system headers: they do not build warning-free under -Wextra.
objc_flags=$(gnustep-config --objc-flags | sed -e 's/-MMD -MP//' -e 's/-I\([^ ]*GNUstep[^ ]*\)/-isystem \1/g')
base_libs=$(gnustep-config --base-libs)
# -Wno-unknown-pragmas: NS_ASSUME_NONNULL_BEGIN is a clang pragma that GNUstep's headers emit for gcc too.
# shellcheck disable=SC2086
gcc $objc_flags -std=gnu11 -O1 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-unknown-pragmas \
  -I platforms/ios/TernKit -I runtime/include \
  platforms/ios/TernKit/TNError.m platforms/ios/TernKit/TNModel.m platforms/ios/TernKit/TNSession.m \
  platforms/ios/tests/test_ternkit.m -o "$out/test_ternkit" \
  -L "$host_build/runtime" -Wl,-rpath,"$host_build/runtime" -ltern $base_libs -lpthread
"$out/test_ternkit" "$host_build/models"
