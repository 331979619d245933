#!/usr/bin/env bash
# Long fuzzing runs (issue 9): every libFuzzer target until RUNS executions (default 1 000 000) or SECONDS
# (default 7200) each, on all cores given in JOBS (default 2), sequentially per target. Reuses the fuzz build
# of scripts/test_reliability.sh (FUZZ_DIR, default build-fuzz; built here if missing) and keeps each
# target's corpus in FUZZ_DIR/fuzz-corpus/<target>, so runs accumulate. Prints the executions reached and
# any crash input (FUZZ_DIR/fuzz-artifacts/<target>/): turn each into a regression file in tests/format or
# tests/reliability, then fix it.
#   scripts/fuzz_long.sh MODELS_DIR [TARGET...]
set -uo pipefail
cd "$(dirname "$0")/.."
MODELS=$(cd "${1:?usage: scripts/fuzz_long.sh MODELS_DIR [TARGET...]}" && pwd)
shift
TARGETS=${*:-model_fields api load wordpiece sentencepiece}
RUNS=${RUNS:-1000000}
SECONDS_PER_TARGET=${SECONDS_PER_TARGET:-7200}
JOBS=${JOBS:-2}
FUZZ_DIR=${FUZZ_DIR:-build-fuzz}
PY=${PYTHON:-$PWD/.venv/bin/python}
if [ ! -x "$FUZZ_DIR/tests/reliability/fuzz_api" ]; then
  cmake -S . -B "$FUZZ_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang -DTERN_FUZZ=ON \
    -DTERN_SANITIZE=address,undefined -DTERN_BUILD_TOOLS=OFF -DPython3_EXECUTABLE="$PY" >/dev/null
  ninja -C "$FUZZ_DIR" -j "$JOBS" fuzz_load fuzz_model_fields fuzz_api fuzz_wordpiece fuzz_sentencepiece || exit 1
fi
SEEDS="$FUZZ_DIR/fuzz-seeds"
mkdir -p "$SEEDS/models" "$SEEDS/empty"
[ -f "$SEEDS/broken/valid.tern" ] || "$PY" tests/format/make_broken_models.py "$SEEDS/broken" >/dev/null
cp "$SEEDS/broken/valid.tern" "$MODELS/albert-tiny-int8.tern" "$MODELS/bert-tiny-cls-int8.tern" "$SEEDS/models/"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TERN_FUZZ_MODELS="$MODELS/bert-tiny-cls-int8.tern:$MODELS/albert-tiny-int8.tern:$MODELS/bert-tiny-ner-int8.tern"
status=0
for target in $TARGETS; do
  case $target in
    model_fields) binary=tests/reliability/fuzz_model_fields; seeds=$SEEDS/models; len=600000 ;;
    api) binary=tests/reliability/fuzz_api; seeds=$SEEDS/empty; len=4096 ;;
    load) binary=tests/format/fuzz_load; seeds=$SEEDS/broken; len=600000 ;;
    wordpiece) binary=tests/tokenizer/wordpiece/fuzz_wordpiece; seeds=$SEEDS/empty; len=4096 ;;
    sentencepiece) binary=tests/tokenizer/sentencepiece/fuzz_sentencepiece; seeds=$SEEDS/empty; len=4096 ;;
    *) echo "unknown target $target"; exit 2 ;;
  esac
  corpus="$FUZZ_DIR/fuzz-corpus/$target" artifacts="$FUZZ_DIR/fuzz-artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  log="$FUZZ_DIR/fuzz-long-$target.log"
  # -fork=JOBS runs JOBS workers; each worker's executions add up in the final stats of the parent.
  "$FUZZ_DIR/$binary" -fork="$JOBS" -ignore_crashes=1 -runs="$RUNS" -max_total_time="$SECONDS_PER_TARGET" \
    -max_len="$len" -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "$seeds" \
    >"$log" 2>&1
  execs=$(grep -Eo "stat::number_of_executed_units: [0-9]+|#[0-9]+: cov" "$log" | tail -1 | grep -Eo "[0-9]+" | head -1)
  crashes=$(ls "$artifacts" 2>/dev/null | wc -l)
  echo "$target: ${execs:-?} executions, $crashes crash/leak/timeout inputs in $artifacts (log $log)"
  [ "$crashes" = 0 ] || status=1
done
exit $status
