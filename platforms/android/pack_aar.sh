#!/usr/bin/env bash
# Packs an AAR-shaped archive: classes.jar, jni/<abi>/libtern_jni.so for every ABI given or found,
# AndroidManifest.xml, R.txt (empty: no resources) and proguard.txt (keep rules for the JNI names).
#   platforms/android/pack_aar.sh OUT.aar CLASSES_JAR [ABI=LIBTERN_JNI_SO ...]
# Without ABI arguments it takes build-android-<abi>/libtern_jni.so for arm64-v8a, armeabi-v7a and x86_64,
# as platforms/android/build_android.sh writes them. At least one ABI is required.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
if [ $# -lt 2 ]; then echo "usage: $0 OUT.aar CLASSES_JAR [ABI=LIBTERN_JNI_SO ...]" >&2; exit 2; fi
out="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" classes="$2"
shift 2
[ -f "$classes" ] || { echo "pack_aar: $classes not found" >&2; exit 1; }
pairs=("$@")
if [ ${#pairs[@]} -eq 0 ]; then
  for abi in arm64-v8a armeabi-v7a x86_64; do
    so="$repo/build-android-$abi/libtern_jni.so"
    if [ -f "$so" ]; then pairs+=("$abi=$so"); fi
  done
fi
if [ ${#pairs[@]} -eq 0 ]; then echo "pack_aar: no libtern_jni.so built (run build_android.sh)" >&2; exit 1; fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp "$classes" "$stage/classes.jar"
cp "$here/AndroidManifest.xml" "$here/proguard.txt" "$stage/"
: > "$stage/R.txt"
for pair in "${pairs[@]}"; do
  abi="${pair%%=*}" so="${pair#*=}"
  case "$abi" in arm64-v8a|armeabi-v7a|x86_64|x86) ;; *) echo "pack_aar: unknown ABI '$abi'" >&2; exit 1 ;; esac
  [ -f "$so" ] || { echo "pack_aar: $so not found" >&2; exit 1; }
  mkdir -p "$stage/jni/$abi"
  cp "$so" "$stage/jni/$abi/libtern_jni.so"
done
rm -f "$out"
# An AAR is a plain zip; jar -M writes one without adding a manifest of its own.
(cd "$stage" && jar --create --no-manifest --file "$out" AndroidManifest.xml classes.jar R.txt proguard.txt jni)
echo "pack_aar: $out ($(printf '%s ' "${pairs[@]%%=*}"))"
