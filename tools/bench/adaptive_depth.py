#!/usr/bin/env python3
"""Adaptive depth: quality and latency of a shared-layer model run at depth k = 1..N (tern-bench --depth K,
tern_session_options.depth), as a Markdown table:

    .venv/bin/python tools/bench/adaptive_depth.py --build build --work /tmp/depth [--models albert-tiny,albert-base]

For each model and k: the cosine of the k-layer sentence embedding against the full-depth one on the sample
texts (models/fixtures/sentences.txt; min and mean), and the p50 latency of one text of --seq-len tokens
(tern-bench --json, 1 thread). The machine may be shared, which inflates wall-clock times at random, so the
ratio k / full is taken from CPU time instead: the user + system time of a tern-bench child with --runs R
minus one with --runs 1, divided by R - 1, i.e. the CPU cost of one forward pass without load and setup
(one thread: CPU time is compute time). Each k is measured --rounds times, alternating with full depth;
the table gives the median wall p50 and the median CPU ms per text.

Models: albert-tiny (the committed seeded checkpoint, models/albert-tiny) and albert-base (the ALBERT-base
shape of models/make_albert_base.py: fixed-seed random weights, so its cosines show how the representation
drifts with depth, not the quality of a trained model). Both are converted to int8 into --work.
"""
import argparse
import json
import math
import resource
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def run(command, stdin=None):
    completed = subprocess.run(command, input=stdin, capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed ({completed.returncode}): {completed.stderr.strip()}")
    return completed.stdout


def convert(checkpoint, out):
    if not out.exists():
        run([PYTHON, "-m", "tern_convert.cli", str(checkpoint), "-o", str(out), "--quiet"])
    return out


def prepare_models(names, work):
    work.mkdir(parents=True, exist_ok=True)
    models = {}
    for name in names:
        if name == "albert-tiny":
            models[name] = convert(REPO / "models" / "albert-tiny", work / "albert-tiny-int8.tern")
        elif name == "albert-base":
            checkpoint = work / "albert-base-checkpoint"
            if not (checkpoint / "model.safetensors").exists():
                run([PYTHON, str(REPO / "models" / "make_albert_base.py"), str(checkpoint)])
            models[name] = convert(checkpoint, work / "albert-base-int8.tern")
        else:
            raise SystemExit(f"unknown model {name!r} (albert-tiny, albert-base)")
    return models


def embeddings(tern_run, model, depth, texts):
    out = run([str(tern_run), "embed", str(model), "--depth", str(depth), "--threads", "1"], stdin="\n".join(texts))
    return [json.loads(line)["embedding"] for line in out.splitlines() if line.strip()]


def cosine(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    return dot / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def bench(tern_bench, model, depth, seq_len, runs):
    """(p50, min) latency in ms and the model's layer count."""
    report = json.loads(run([str(tern_bench), str(model), "--depth", str(depth), "--seq-len", str(seq_len),
                             "--runs", str(runs), "--warmup", "2", "--threads", "1", "--json", "--quiet"]))
    latency = report["results"][0]["latency_ms"]
    return (latency["p50"], latency["min"]), report["model"]["num_layers"]


def cpu_seconds_of(command):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run(command)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cpu_ms_per_pass(tern_bench, model, depth, seq_len, runs):
    """CPU time of one forward pass: a child with `runs` passes minus one with a single pass."""
    base = [str(tern_bench), str(model), "--depth", str(depth), "--seq-len", str(seq_len), "--warmup", "0",
            "--threads", "1", "--quiet"]
    many = cpu_seconds_of(base + ["--runs", str(runs)])
    one = cpu_seconds_of(base + ["--runs", "1"])
    return max(many - one, 0.0) / (runs - 1) * 1000.0


def measure(name, model, bin_dir, texts, seq_len, runs, rounds):
    _, layers = bench(bin_dir / "tern-bench", model, 1, 8, 1)
    full = embeddings(bin_dir / "tern-run", model, layers, texts)
    rows = []
    for depth in range(1, layers + 1):
        vectors = embeddings(bin_dir / "tern-run", model, depth, texts)
        cosines = [cosine(a, b) for a, b in zip(vectors, full)]
        times, cpu, full_cpu = [], [], []
        for _ in range(rounds):
            times.append(bench(bin_dir / "tern-bench", model, depth, seq_len, runs)[0][0])
            cpu.append(cpu_ms_per_pass(bin_dir / "tern-bench", model, depth, seq_len, runs))
            full_cpu.append(cpu_ms_per_pass(bin_dir / "tern-bench", model, layers, seq_len, runs))
        rows.append({"model": name, "depth": depth, "layers": layers, "min_cosine": min(cosines),
                     "mean_cosine": statistics.fmean(cosines), "p50_ms": statistics.median(times),
                     "cpu_ms": statistics.median(cpu), "full_cpu_ms": statistics.median(full_cpu),
                     "ratio": statistics.median(cpu) / statistics.median(full_cpu)})
        print(f"{name} depth {depth}/{layers}: min cos {min(cosines):.4f}  p50 {rows[-1]['p50_ms']:.2f} ms  "
              f"x{rows[-1]['ratio']:.2f} of full", file=sys.stderr)
    return rows


def table(rows, seq_len, texts):
    lines = [f"| model | depth k / N | min cosine vs N | mean cosine vs N | p50 ms ({seq_len} tokens) | "
             f"CPU ms per text | CPU time k / N |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['model']} | {r['depth']} / {r['layers']} | {r['min_cosine']:.4f} | "
                     f"{r['mean_cosine']:.4f} | {r['p50_ms']:.2f} | {r['cpu_ms']:.2f} | {r['ratio']:.2f} |")
    lines.append("")
    lines.append(f"Cosines over the {len(texts)} sentences of models/fixtures/sentences.txt (int8 files, 1 thread); "
                 "wall p50 is disturbed by other load on a shared machine; the CPU columns are medians over "
                 "rounds of the CPU time of one forward pass (see the script's docstring).")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=str(REPO / "build"),
                        help="build directory with bin/tern-bench, bin/tern-run")
    parser.add_argument("--work", default="/tmp/tern-adaptive-depth", help="where the converted models go")
    parser.add_argument("--models", default="albert-tiny,albert-base")
    parser.add_argument("--seq-len", type=int, default=128)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", help="write the Markdown table here (default: stdout)")
    parser.add_argument("--json", help="write the rows as JSON here")
    args = parser.parse_args()
    bin_dir = Path(args.build) / "bin"
    texts = [t for t in (REPO / "models" / "fixtures" / "sentences.txt").read_text(encoding="utf-8").splitlines() if t]
    models = prepare_models(args.models.split(","), Path(args.work))
    rows = []
    for name, model in models.items():
        rows += measure(name, model, bin_dir, texts, args.seq_len, args.runs, args.rounds)
    markdown = table(rows, args.seq_len, texts)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")
    if args.out:
        Path(args.out).write_text(markdown)
    else:
        sys.stdout.write(markdown)


if __name__ == "__main__":
    main()
