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
# that explains why. Goal 300 KB; sizes in docs/PLATFORMS.md, "Sizes".
SIZE_BUDGET_BYTES="${SIZE_BUDGET_BYTES:-409600}"
if [ ! -x "$HOST_BUILD/bin/tern-run" ] || [ ! -d "$HOST_BUILD/models" ]; then
  echo "test_platforms: needs $HOST_BUILD (host build) and $HOST_BUILD/models (models/make_test_models.sh)" >&2
  exit 1
fi
start=$SECONDS

for arch in aarch64 armhf; do
  # The ARM builds link the same pthreadpool, cpuinfo and XNNPACK as the host, from Debian's arm packages
  # unpacked into a sysroot (scripts/arm_sysroot.sh), so the thread pool and cpuinfo's choice run under qemu
  # too. If the packages cannot be fetched (a mirror mid-sync), the build goes on without them and says so:
  # the kernels are still tested, single-threaded.
  mkdir -p "build-sysroot-$arch"
  fetch_log="build-sysroot-$arch/fetch.log"
  if scripts/arm_sysroot.sh "$arch" "build-sysroot-$arch" > "$fetch_log" 2>&1; then
    export TERN_SYSROOT="$PWD/build-sysroot-$arch"
    echo "$(tail -n 1 "$fetch_log")"
  else
    unset TERN_SYSROOT
    echo "WARNING: no $arch sysroot (scripts/arm_sysroot.sh failed, see $fetch_log):" \
         "the $arch build runs without pthreadpool/cpuinfo/XNNPACK" >&2
    tail -n 5 "$fetch_log" >&2 || true
  fi
  scripts/cross_build.sh "$arch"
  # The budget counts the bytes the loader maps from the file (the PT_LOAD segments' file sizes), not the
  # file size: GNU ld pads the file so the RW segment's offset matches its address modulo the 64 KiB
  # max-page-size of aarch64, zeros that vary by up to 64 KiB with the layout and compress to nothing in an
  # APK or XCFramework.
  library="build-$arch/libtern.stripped.so"
  readelf_tool="$([ "$arch" = aarch64 ] && echo aarch64-linux-gnu || echo arm-linux-gnueabihf)-readelf"
  size=0
  for filesz in $("$readelf_tool" -lW "$library" | awk '$1 == "LOAD" { print $5 }'); do size=$((size + filesz)); done
  if [ "$size" -le 0 ] || [ "$size" -gt "$SIZE_BUDGET_BYTES" ]; then
    echo "FAIL: stripped libtern.so for $arch maps $size bytes, over the budget of $SIZE_BUDGET_BYTES" >&2
    exit 1
  fi
  echo "size budget: $arch $size bytes mapped (file $(stat -c %s "$library")) <= $SIZE_BUDGET_BYTES bytes"
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
