#!/usr/bin/env bash
# Builds libtern_jni.so for each Android ABI with the NDK and packs the AAR (not run in CI: no NDK there).
#   ANDROID_NDK=$HOME/Android/Sdk/ndk/26.3.11579264 platforms/android/build_android.sh [OUT.aar]
# ABIS (default "arm64-v8a armeabi-v7a x86_64") picks the ABIs; ANDROID_PLATFORM (default android-24).
# Output: build-android-<abi>/libtern_jni.so (stripped), build-android-host/classes.jar, OUT.aar
# (default build-android/tern.aar). Needs a JDK (javac, jar) besides the NDK.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
: "${ANDROID_NDK:?set ANDROID_NDK to the NDK folder (the one with build/cmake/android.toolchain.cmake)}"
out="${1:-build-android/tern.aar}"
mkdir -p "$(dirname "$out")" build-android-host

# Java first: javac -h writes the JNI headers that the C side is compiled against (signatures checked).
rm -rf build-android-host/classes build-android-host/jni-headers
javac --release 8 -d build-android-host/classes -h build-android-host/jni-headers platforms/android/java/org/tern/*.java
jar --create --file build-android-host/classes.jar -C build-android-host/classes .

strip_tool=$(ls "$ANDROID_NDK"/toolchains/llvm/prebuilt/*/bin/llvm-strip | head -n 1)
pairs=()
for abi in ${ABIS:-arm64-v8a armeabi-v7a x86_64}; do
  echo "== $abi"
  cmake -S platforms/android -B "build-android-$abi" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$repo/toolchains/android.cmake" -DANDROID_NDK="$ANDROID_NDK" -DANDROID_ABI="$abi" \
    -DANDROID_PLATFORM="${ANDROID_PLATFORM:-android-24}" \
    -DTERN_JNI_HEADERS_DIR="$repo/build-android-host/jni-headers" >/dev/null
  ninja -C "build-android-$abi" -j "${JOBS:-$(nproc)}" tern_jni
  "$strip_tool" --strip-unneeded "build-android-$abi/libtern_jni.so"
  echo "$abi: libtern_jni.so $(wc -c < "build-android-$abi/libtern_jni.so") bytes (stripped, libtern inside)"
  pairs+=("$abi=build-android-$abi/libtern_jni.so")
done
platforms/android/pack_aar.sh "$out" build-android-host/classes.jar "${pairs[@]}"
