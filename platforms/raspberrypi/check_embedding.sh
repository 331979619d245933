#!/usr/bin/env bash
# End-to-end check of a cross-built tern-run: embeds the same texts with the host's tern-run and with the
# target's (under an emulator such as qemu-aarch64, or natively on the Pi with no emulator) and requires the
# same vectors: cosine >= 0.99999 and max |diff| <= 1e-5 per text. The target runs the scalar kernels, as the
# host does with --isa scalar, so the only differences allowed are float rounding of libm calls.
#   check_embedding.sh HOST_TERN_RUN TARGET_TERN_RUN MODEL [EMULATOR ARGS...]
set -euo pipefail
if [ $# -lt 3 ]; then echo "usage: $0 HOST_TERN_RUN TARGET_TERN_RUN MODEL [EMULATOR...]" >&2; exit 2; fi
host_run="$1" target_run="$2" model="$3"
shift 3
texts=$'The quick brown fox jumps over the lazy dog.\nRaspberry Pi boards run tern under Linux.\nÜber den Wolken muss die Freiheit wohl grenzenlos sein.\n短い日本語の文。\nx'
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '%s\n' "$texts" | "$host_run" embed "$model" --isa scalar > "$work/host.jsonl"
printf '%s\n' "$texts" | "$@" "$target_run" embed "$model" --isa scalar > "$work/target.jsonl"
python3 - "$work/host.jsonl" "$work/target.jsonl" <<'PY'
import json, math, sys
host = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
target = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
assert len(host) == len(target) == 5, f"expected 5 embeddings, got {len(host)} (host) and {len(target)} (target)"
worst_cos, worst_abs = 2.0, 0.0
for h, t in zip(host, target):
    a, b = h["embedding"], t["embedding"]
    assert h["text"] == t["text"] and len(a) == len(b) and len(a) > 0, f"mismatch on {h['text']!r}"
    dot = sum(x * y for x, y in zip(a, b))
    cos = dot / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
    worst_cos = min(worst_cos, cos)
    worst_abs = max(worst_abs, max(abs(x - y) for x, y in zip(a, b)))
print(f"embeddings: {len(host)} texts x {len(host[0]['embedding'])} floats, min cosine {worst_cos:.7f}, max abs diff {worst_abs:.2e}")
if not (worst_cos >= 0.99999 and worst_abs <= 1e-5):
    sys.exit("FAIL: the target's embeddings differ from the host's")
PY
