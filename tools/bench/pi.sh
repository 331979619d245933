#!/usr/bin/env bash
# pi.sh — runs tern-bench on a Raspberry Pi (or any Linux board) over ssh, pinned with taskset, and brings
# the JSON back. Cross-build tern-bench first (toolchains/aarch64-linux-gnu or arm-linux-gnueabihf).
#
#   tools/bench/pi.sh [--cores 0-3|auto] [--out result.json] [--lib libtern.so] [--remote-dir DIR] [--dry-run]
#                     USER@HOST TERN_BENCH MODEL.tern [-- TERN_BENCH_ARGS...]
#
# Files go to /tmp/tern on the board unless --remote-dir. --cores auto (default) picks the CPUs with the
# highest cpuinfo_max_freq (all four on a Pi 4/5). --dry-run prints the ssh/scp commands instead.
set -euo pipefail
PROGRAM=pi.sh
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=device_common.sh
source "$HERE/device_common.sh"

usage() {
  cat <<'EOF'
usage: tools/bench/pi.sh [--cores LIST|auto] [--out FILE] [--lib LIBTERN.so] [--remote-dir DIR] [--dry-run]
                         USER@HOST TERN_BENCH MODEL.tern [-- TERN_BENCH_ARGS...]
EOF
}

DIR=/tmp/tern
parse_extra_option() {
  EXTRA_SHIFT=2
  case $1 in
    --remote-dir) (($# >= 2)) || die_usage "--remote-dir needs a value"; DIR=$2 ;;
    *) return 1 ;;
  esac
}

parse_common "$@"
((${#POSITIONAL[@]} == 3)) || die_usage "expected USER@HOST, TERN_BENCH and MODEL, got ${#POSITIONAL[@]} argument(s)"
HOST=${POSITIONAL[0]} BENCH=${POSITIONAL[1]} MODEL=${POSITIONAL[2]}
[[ $HOST =~ ^[A-Za-z0-9._@:-]+$ ]] || die_usage "bad host '$HOST'"
[[ $DIR =~ ^/[A-Za-z0-9._/-]+$ ]] || die_usage "--remote-dir must be an absolute path of plain characters"
check_local_files "$BENCH" "$MODEL"
OUT=${OUT:-$(basename "$MODEL" .tern)-pi.json}
MODEL_NAME=$(basename "$MODEL")

run ssh "$HOST" mkdir -p "$DIR"
run scp "$BENCH" "$HOST:$DIR/tern-bench"
[[ -z $LIB ]] || run scp "$LIB" "$HOST:$DIR/libtern.so.0"
run scp "$MODEL" "$HOST:$DIR/$MODEL_NAME"
run ssh "$HOST" "$(device_command "$DIR" "$MODEL_NAME")"
run scp "$HOST:$DIR/result.json" "$OUT"
((DRY_RUN)) || echo "$PROGRAM: wrote $OUT" >&2
