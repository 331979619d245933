#!/usr/bin/env python3
"""Accuracy beside speed: how far tern's and ONNX Runtime's embeddings are from the Hugging Face fp32
fixture, on the committed fixture corpus (models/fixtures/<name>: 200 texts, their HF token ids and
sentence embeddings). compare_ort.py measures speed; this says what each runtime's int8 costs in quality,
so a faster setting (tern's --activation-bits 7) can be weighed against ORT's quantize_dynamic int8.

    .venv/bin/python tools/bench/accuracy_ort.py build/models/minilm-int8.tern \\
        --variant default= --variant act7=--activation-bits=7

tern runs through `tern-run embed` (its own tokenizer on models/fixtures/corpus.txt; tests/e2e checks that
it gives the fixture's ids), once per --variant (NAME=TERN-RUN FLAGS, comma-separated, '=' inside a flag
for its value). ONNX Runtime runs the fixture ids through the fp32 and int8 files (export_onnx.py), mean
pooled over the attention mask and L2-normalized as sentence-transformers does for all-MiniLM-L6-v2.
Per runtime: min and mean cosine to the fixture embedding, and the mean top-10 neighbour overlap (the
corpus's 10 nearest texts by cosine, shared with the fixture's; as tests/e2e/test_hf_parity.c).
Prints a markdown table; --json PATH writes the numbers.
"""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
from export_onnx import onnx_paths_for  # noqa: E402


def read_ids(path):
    return [[int(v) for v in line.split()] for line in Path(path).read_text().splitlines() if line.strip()]


def normalized(vectors):
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def metrics(vectors, reference):
    """min / mean cosine to the reference rows and mean top-10 overlap, as test_hf_parity."""
    mine, theirs = normalized(vectors.astype(np.float64)), normalized(reference.astype(np.float64))
    cosines = np.sum(mine * theirs, axis=1)
    overlaps = []
    for similarity in (mine @ mine.T, theirs @ theirs.T):
        np.fill_diagonal(similarity, -2)
        overlaps.append(np.argsort(-similarity, axis=1, kind="stable")[:, :10])
    shared = [len(set(a) & set(b)) / 10 for a, b in zip(*overlaps)]
    return {"min_cosine": float(cosines.min()), "mean_cosine": float(cosines.mean()),
            "top10_overlap": float(np.mean(shared))}


def tern_embeddings(tern_run, model, texts, flags):
    completed = subprocess.run([tern_run, "embed", model, *flags], input="\n".join(texts) + "\n",
                               capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"tern-run failed ({completed.returncode}): {completed.stderr.strip()}")
    rows = [json.loads(line)["embedding"] for line in completed.stdout.splitlines() if line.strip()]
    if len(rows) != len(texts):
        raise RuntimeError(f"tern-run gave {len(rows)} embeddings for {len(texts)} texts")
    return np.asarray(rows, np.float32)


def ort_embeddings(onnx_path, sequences):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
    rows = []
    for ids in sequences:  # one text per call: no padding question at all
        feed = {"input_ids": np.asarray([ids], np.int64), "attention_mask": np.ones((1, len(ids)), np.int64),
                "token_type_ids": np.zeros((1, len(ids)), np.int64)}
        hidden = session.run(["last_hidden_state"], feed)[0][0]
        rows.append(hidden.mean(axis=0))
    return normalized(np.asarray(rows, np.float32))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="the .tern file (a MiniLM-style mean-pooled sentence encoder)")
    parser.add_argument("--fixture", default=str(REPO / "models/fixtures/all-MiniLM-L6-v2"))
    parser.add_argument("--texts", default=str(REPO / "models/fixtures/corpus.txt"),
                        help="the fixture corpus as text, one per line, in the order of corpus_input_ids.txt")
    parser.add_argument("--onnx", help="fp32 ONNX file (default: next to the .tern, see export_onnx.py)")
    parser.add_argument("--tern-run", default=str(Path(os.environ.get("TERN_BUILD_DIR") or REPO / "build")
                                                  / "bin" / "tern-run"))
    parser.add_argument("--variant", action="append", default=[],
                        help="NAME=FLAGS for tern-run, e.g. act7=--activation-bits=7 (default: one 'default=')")
    parser.add_argument("--json", help="write the numbers here")
    args = parser.parse_args(argv)

    texts = [line for line in Path(args.texts).read_text().splitlines() if line.strip()]
    sequences = read_ids(Path(args.fixture) / "corpus_input_ids.txt")
    reference = np.fromfile(Path(args.fixture) / "corpus_embeddings.f32", np.float32).reshape(len(sequences), -1)
    if len(texts) != len(sequences):
        parser.error(f"{args.texts} has {len(texts)} texts, the fixture {len(sequences)} id rows")

    results = {}
    for variant in args.variant or ["default="]:
        name, _, flags = variant.partition("=")
        flag_list = [part for flag in flags.split(",") if flag for part in flag.split("=", 1)]
        results["tern " + name] = metrics(tern_embeddings(args.tern_run, args.model, texts, flag_list), reference)
    fp32, int8 = onnx_paths_for(args.model, args.onnx)
    for label, path in (("ORT fp32", fp32), ("ORT int8", int8)):
        if path.exists():
            results[label] = metrics(ort_embeddings(path, sequences), reference)
        else:
            print(f"note: {path} not found, {label} left out (tools/bench/export_onnx.py makes it)", file=sys.stderr)

    print(f"Against the Hugging Face fp32 fixture ({len(sequences)} corpus texts of {args.fixture}):\n")
    print("| runtime | min cosine | mean cosine | mean top-10 overlap |\n|---|---:|---:|---:|")
    for label, row in results.items():
        print(f"| {label} | {row['min_cosine']:.6f} | {row['mean_cosine']:.6f} | {row['top10_overlap']:.4f} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"fixture": args.fixture, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
