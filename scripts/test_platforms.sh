#!/usr/bin/env bash
# Platform checks (issue 8), all on this machine: the aarch64 and armhf cross builds with their tests under
# qemu-user, the size budget of the stripped libtern.so, the Java API's JUnit tests on the host JVM, the
# Obj-C shim's tests with GNUstep, and the AAR-shaped archive. Called by scripts/test.sh after the host build
# and the test models exist: HOST_BUILD (default build/) with HOST_BUILD/models.
# Needs (Debian): gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf qemu-user default-jdk-headless junit4
#                 gobjc libgnustep-base-dev (see scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export HOST_BUILD="${HOST_BUILD:-build}"
export JOBS="${JOBS:-2}"
# The stripped core library (no XNNPACK) may not pass this without a decision: raise it in the same change
# that explains why. Goal 300 KB; today aarch64 ~258 KiB, armhf ~210 KiB (docs/PLATFORMS.md, "Sizes").
SIZE_BUDGET_BYTES="${SIZE_BUDGET_BYTES:-409600}"
if [ ! -x "$HOST_BUILD/bin/tern-run" ] || [ ! -d "$HOST_BUILD/models" ]; then
  echo "test_platforms: needs $HOST_BUILD (host build) and $HOST_BUILD/models (models/make_test_models.sh)" >&2
  exit 1
fi
start=$SECONDS

for arch in aarch64 armhf; do
  scripts/cross_build.sh "$arch"
  size=$(stat -c %s "build-$arch/libtern.stripped.so")
  if [ "$size" -gt "$SIZE_BUDGET_BYTES" ]; then
    echo "FAIL: stripped libtern.so for $arch is $size bytes, over the budget of $SIZE_BUDGET_BYTES" >&2
    exit 1
  fi
  echo "size budget: $arch $size <= $SIZE_BUDGET_BYTES bytes"
done

echo "== Android: Java API + JNI, JUnit on the host JVM"
platforms/android/test_host.sh "$HOST_BUILD/models"

echo "== Android: AAR-shaped archive"
# No NDK here: the archive is packed with the host's libtern_jni.so under a scratch name to check its shape
# (platforms/android/build_android.sh + pack_aar.sh make the real one with the NDK).
aar="build-android-host/tern-shape-check.aar"
platforms/android/pack_aar.sh "$aar" build-android-host/classes.jar \
  arm64-v8a=build-android-host/native/libtern_jni.so x86_64=build-android-host/native/libtern_jni.so
expected=$'AndroidManifest.xml\nR.txt\nclasses.jar\njni/arm64-v8a/libtern_jni.so\njni/x86_64/libtern_jni.so\nproguard.txt'
entries=$(jar tf "$aar" | grep -v '/$' | sort)
if [ "$entries" != "$expected" ]; then
  echo "FAIL: AAR entries differ:" >&2; echo "$entries" >&2; exit 1
fi
# classes.jar inside must carry the API classes.
unzip_dir=$(mktemp -d)
(cd "$unzip_dir" && jar xf "$OLDPWD/$aar" classes.jar && jar tf classes.jar) | grep -q '^org/tern/TernSession.class$' ||
  { echo "FAIL: classes.jar in the AAR lacks org/tern/TernSession.class" >&2; rm -rf "$unzip_dir"; exit 1; }
rm -rf "$unzip_dir"
echo "AAR entries ok"

echo "== iOS: Obj-C shim on GNUstep"
platforms/ios/test_gnustep.sh "$HOST_BUILD"

echo "== platforms: all passed in $((SECONDS - start)) s"
