#!/usr/bin/env bash
# android.sh — runs tern-bench on an Android phone over adb, pinned to the big cores, and brings the JSON
# back. Build tern-bench for the phone first (toolchains/: Android NDK, arm64-v8a).
#
#   tools/bench/android.sh [--serial ID] [--cores 4-7|auto] [--out result.json] [--lib libtern.so] [--dry-run]
#                          TERN_BENCH MODEL.tern [-- TERN_BENCH_ARGS...]
#
# Files go to /data/local/tmp/tern on the phone. --cores auto (default) picks, on the phone, the CPUs with
# the highest cpuinfo_max_freq. --dry-run prints the adb commands instead of running them.
set -euo pipefail
PROGRAM=android.sh
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=device_common.sh
source "$HERE/device_common.sh"

usage() {
  cat <<'EOF'
usage: tools/bench/android.sh [--serial ID] [--cores LIST|auto] [--out FILE] [--lib LIBTERN.so] [--dry-run]
                              TERN_BENCH MODEL.tern [-- TERN_BENCH_ARGS...]
EOF
}

SERIAL=""
parse_extra_option() {
  EXTRA_SHIFT=2
  case $1 in
    --serial) (($# >= 2)) || die_usage "--serial needs a value"; SERIAL=$2 ;;
    *) return 1 ;;
  esac
}

parse_common "$@"
((${#POSITIONAL[@]} == 2)) || die_usage "expected TERN_BENCH and MODEL, got ${#POSITIONAL[@]} argument(s)"
BENCH=${POSITIONAL[0]} MODEL=${POSITIONAL[1]}
check_local_files "$BENCH" "$MODEL"
OUT=${OUT:-$(basename "$MODEL" .tern)-android.json}
DIR=/data/local/tmp/tern
MODEL_NAME=$(basename "$MODEL")
ADB=(adb)
[[ -z $SERIAL ]] || ADB=(adb -s "$SERIAL")
if ((!DRY_RUN)) && ! command -v adb >/dev/null; then
  echo "$PROGRAM: adb not found (Android platform-tools)" >&2
  exit 1
fi

run "${ADB[@]}" shell mkdir -p "$DIR"
run "${ADB[@]}" push "$BENCH" "$DIR/tern-bench"
[[ -z $LIB ]] || run "${ADB[@]}" push "$LIB" "$DIR/libtern.so.0"
run "${ADB[@]}" push "$MODEL" "$DIR/$MODEL_NAME"
run "${ADB[@]}" shell chmod 755 "$DIR/tern-bench"
run "${ADB[@]}" shell "$(device_command "$DIR" "$MODEL_NAME")"
run "${ADB[@]}" pull "$DIR/result.json" "$OUT"
((DRY_RUN)) || echo "$PROGRAM: wrote $OUT" >&2
