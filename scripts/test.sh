#!/usr/bin/env bash
# Runs every test of tern on a fresh Debian 12 machine: set-up (apt-get, .venv), a Release build with
# -Werror, the test models, ctest, pytest, the C tests again under ASan+UBSan, the reliability stage
# (fuzzers, ThreadSanitizer, valgrind) and the platform stage (aarch64/armhf under qemu-user, JNI + JUnit,
# Obj-C on GNUstep, library size budget).
# This is the README's test command and what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}

echo "== set-up"
scripts/setup.sh

echo "== build (Release, -Werror)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE="$PWD/.venv/bin/python" >/dev/null
ninja -C build -j "$JOBS"

echo "== test models"
models/make_test_models.sh build/models

echo "== C tests"
ctest --test-dir build --output-on-failure -j "$JOBS"

echo "== Python tests"
# Two runs: each folder has its own conftest.py, imported by module name in its tests.
TERN_BUILD_DIR="$PWD/build" .venv/bin/python -m pytest -q tests/convert
TERN_BUILD_DIR="$PWD/build" .venv/bin/python -m pytest -q tests/cli

echo "== C tests under ASan+UBSan"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DTERN_SANITIZE=address,undefined -DPython3_EXECUTABLE="$PWD/.venv/bin/python" >/dev/null
ninja -C build-asan -j "$JOBS"
rm -rf build-asan/models && ln -s ../build/models build-asan/models
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$JOBS"

echo "== reliability: fuzzers (ASan+UBSan, NDEBUG), ThreadSanitizer, valgrind"
scripts/test_reliability.sh build-asan

echo "== platforms: cross builds under qemu-user, Android JNI, iOS shim on GNUstep, size budget"
HOST_BUILD=build scripts/test_platforms.sh

echo "== all tests passed"
