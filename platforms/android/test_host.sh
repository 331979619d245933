#!/usr/bin/env bash
# Builds org.tern + libtern_jni for the host JVM and runs the JUnit 4 tests against the converted test models.
#   platforms/android/test_host.sh [MODELS_DIR]   (default: build/models, from models/make_test_models.sh)
# Output: build-android-host/ (classes.jar: the same jar the AAR carries; libtern_jni.so for the host).
# Needs a JDK (javac, jar; Debian: default-jdk-headless) and JUnit 4 + Hamcrest (Debian: junit4).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
models="$(cd "${1:-build/models}" && pwd)"
out="$repo/build-android-host"
junit="${JUNIT_JAR:-/usr/share/java/junit4.jar}"
hamcrest="${HAMCREST_JAR:-/usr/share/java/hamcrest-core.jar}"
mkdir -p "$out"

echo "== javac org.tern (+ JNI headers)"
rm -rf "$out/classes" "$out/jni-headers" "$out/test-classes"
javac --release 8 -Xlint:all,-options -Werror -d "$out/classes" -h "$out/jni-headers" platforms/android/java/org/tern/*.java
jar --create --file "$out/classes.jar" -C "$out/classes" .

echo "== libtern_jni (host)"
cmake -S platforms/android -B "$out/native" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DTERN_JNI_HEADERS_DIR="$out/jni-headers" >/dev/null
ninja -C "$out/native" -j "${JOBS:-2}" >/dev/null
# Nothing but the JNI entry points may be exported (libtern is linked in, hidden).
exported="$(nm -D --defined-only "$out/native/libtern_jni.so" | awk '$2 == "T" {print $3}' | grep -v -E '^(Java_org_tern_|JNI_OnLoad$)' || true)"
if [ -n "$exported" ]; then echo "libtern_jni.so exports more than JNI symbols: $exported" >&2; exit 1; fi

echo "== JUnit"
javac --release 8 -Xlint:all,-options -Werror -d "$out/test-classes" -cp "$out/classes:$junit" platforms/android/test/org/tern/*.java
tests=$(cd platforms/android/test && ls org/tern/*Test.java | sed 's/\.java$//; s|/|.|g')
java -Xcheck:jni -Djava.library.path="$out/native" -Dtern.models.dir="$models" \
  -Dtern.reference.dump="$out/native/tern_reference_dump" \
  -cp "$out/classes:$out/test-classes:$junit:$hamcrest" org.junit.runner.JUnitCore $tests
