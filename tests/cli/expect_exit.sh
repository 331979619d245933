#!/usr/bin/env bash
# expect_exit.sh EXPECTED_STATUS STDERR_REGEX COMMAND... — runs COMMAND and fails unless it exits with
# EXPECTED_STATUS and its stderr matches STDERR_REGEX (extended regex; "" accepts any). Used by CTest
# for the CLI behaviour of tern-bench and the device scripts.
expected=$1 pattern=$2
shift 2
stderr_file=$(mktemp)
trap 'rm -f "$stderr_file"' EXIT
"$@" >/dev/null 2>"$stderr_file"
status=$?
if [[ $status -ne $expected ]]; then
  echo "expected exit status $expected, got $status from: $*" >&2
  cat "$stderr_file" >&2
  exit 1
fi
if [[ -n $pattern ]] && ! grep -Eq -- "$pattern" "$stderr_file"; then
  echo "stderr does not match /$pattern/:" >&2
  cat "$stderr_file" >&2
  exit 1
fi
exit 0
