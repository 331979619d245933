#!/usr/bin/env bash
# Reliability checks that need their own builds (issue 9). Called by scripts/test.sh after the ASan ctest:
#   scripts/test_reliability.sh BUILD_ASAN_DIR
# 1. a clang build with -DTERN_FUZZ=ON, ASan+UBSan, Release (NDEBUG: no check may live in an assert), and
#    each libFuzzer target run for FUZZ_SECONDS (default 30) on seeds from the real test models;
# 2. the 8-thread mixed-call test and the session thread-pool test under ThreadSanitizer;
# 3. valgrind memcheck on one end-to-end run (albert-tiny) and the allocation-failure test.
# The test models come from BUILD_ASAN_DIR/models (scripts/test.sh links them there).
set -euo pipefail
cd "$(dirname "$0")/.."
ASAN_DIR=${1:?usage: scripts/test_reliability.sh BUILD_ASAN_DIR}
MODELS=$(cd "$ASAN_DIR/models" && pwd)
JOBS=${JOBS:-2}
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_DIR=${FUZZ_DIR:-build-fuzz}
TSAN_DIR=${TSAN_DIR:-build-tsan}
PY=${PYTHON:-$PWD/.venv/bin/python}

echo "== fuzz build (clang, ASan+UBSan, Release/NDEBUG, libFuzzer)"
cmake -S . -B "$FUZZ_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang -DTERN_FUZZ=ON \
  -DTERN_SANITIZE=address,undefined -DTERN_BUILD_TOOLS=OFF -DPython3_EXECUTABLE="$PY" >/dev/null
ninja -C "$FUZZ_DIR" -j "$JOBS" fuzz_load fuzz_model_fields fuzz_api fuzz_wordpiece fuzz_sentencepiece
rm -rf "$FUZZ_DIR/models" && ln -s "$MODELS" "$FUZZ_DIR/models"

# Seeds: real models (small ones) and the broken-file suite's valid file.
SEEDS="$FUZZ_DIR/fuzz-seeds"
rm -rf "$SEEDS" && mkdir -p "$SEEDS/models" "$SEEDS/empty"
"$PY" tests/format/make_broken_models.py "$SEEDS/broken" >/dev/null
cp "$SEEDS/broken/valid.tern" "$MODELS/albert-tiny-int8.tern" "$MODELS/bert-tiny-cls-int8.tern" "$SEEDS/models/"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
run_fuzzer() { # name binary corpus-dirs... (extra libFuzzer flags in FLAGS)
  local name=$1 binary=$2
  shift 2
  local artifacts="$FUZZ_DIR/fuzz-artifacts/$name"
  mkdir -p "$artifacts" "$FUZZ_DIR/fuzz-corpus/$name"
  echo "-- $name (${FUZZ_SECONDS}s)"
  "$binary" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 -artifact_prefix="$artifacts/" $FLAGS \
    "$FUZZ_DIR/fuzz-corpus/$name" "$@" 2>&1 | grep -E "stat::number_of_executed_units|ERROR|SUMMARY|Done" || true
  if ls "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/oom-* "$artifacts"/timeout-* >/dev/null 2>&1; then
    echo "FAIL: $name found a problem; inputs in $artifacts"
    exit 1
  fi
}
FLAGS="-max_len=600000 -rss_limit_mb=4096" run_fuzzer model_fields "$FUZZ_DIR/tests/reliability/fuzz_model_fields" "$SEEDS/models"
FLAGS="-max_len=600000" run_fuzzer load "$FUZZ_DIR/tests/format/fuzz_load" "$SEEDS/broken"
FLAGS="-max_len=4096" run_fuzzer api "$FUZZ_DIR/tests/reliability/fuzz_api" "$SEEDS/empty"
FLAGS="-max_len=4096" run_fuzzer wordpiece "$FUZZ_DIR/tests/tokenizer/wordpiece/fuzz_wordpiece" "$SEEDS/empty"
FLAGS="-max_len=4096" run_fuzzer sentencepiece "$FUZZ_DIR/tests/tokenizer/sentencepiece/fuzz_sentencepiece" "$SEEDS/empty"

echo "== ThreadSanitizer: one model, 8 threads, own sessions, mixed calls; one session shared by two"
cmake -S . -B "$TSAN_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DTERN_SANITIZE=thread -DTERN_BUILD_TOOLS=OFF -DPython3_EXECUTABLE="$PY" >/dev/null
ninja -C "$TSAN_DIR" -j "$JOBS" test_threads_mixed test_session_busy test_threads_outputs_identical
TSAN_OPTIONS=halt_on_error=1 "$TSAN_DIR/tests/reliability/test_threads_mixed" "$MODELS/bert-tiny-cls-int8.tern" 250
TSAN_OPTIONS=halt_on_error=1 "$TSAN_DIR/tests/reliability/test_threads_mixed" "$MODELS/albert-tiny-int8.tern" 100
TSAN_OPTIONS=halt_on_error=1 "$TSAN_DIR/tests/reliability/test_session_busy" "$MODELS/albert-tiny-int8.tern"
# A session's own pool (pthreadpool, 1..4 threads): the linear / attention split shares no scratch.
TSAN_OPTIONS=halt_on_error=1 "$TSAN_DIR/tests/runtime/test_threads_outputs_identical" "$MODELS"

echo "== valgrind memcheck: end-to-end albert-tiny and the allocation-failure test (gcc build in $ASAN_DIR is"
echo "   sanitized, so a plain build is used)"
PLAIN_DIR=${PLAIN_DIR:-build}
ninja -C "$PLAIN_DIR" -j "$JOBS" test_text_path test_allocation_failures
VG="valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect -q"
$VG "$PLAIN_DIR/tests/e2e/test_text_path" "$MODELS/albert-tiny-int8.tern" models/fixtures/albert-tiny \
  models/fixtures/sentences.txt
$VG "$PLAIN_DIR/tests/reliability/test_allocation_failures" "$MODELS" >/dev/null
echo "== reliability checks passed"
