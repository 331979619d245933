#!/usr/bin/env python3
"""tern against ONNX Runtime (fp32 and quantize_dynamic int8) on the same checkpoint, the same token ids
and the same number of threads, in one command:

    .venv/bin/python tools/bench/compare_ort.py build/models/minilm-int8.tern --out-dir build/bench/minilm

For each batch size, every round runs tern-bench --json, then ONNX Runtime fp32 and int8 (each in its own
process, tools/bench/ort_worker.py, so peak RSS is per runtime); the next round runs them in the reverse
order; the table reports the median over rounds. Batches above 1 have mixed lengths (L/N, 2L/N, ..., L):
tern runs them ragged, ONNX Runtime padded to the longest with an attention mask, as applications do.
With --activation-bits-too 7, a second tern runtime ("tern_a7": tern-bench --activation-bits 7, the
opt-in 7-bit activation mode) runs in the same rounds and gets its own ratio columns; its accuracy cost is
measured by tools/bench/accuracy_ort.py.
Writes OUT_DIR/NAME.json (everything, schema "tern-compare/1", docs/BENCHMARKS.md), OUT_DIR/NAME.md (table
of ratios tern / ORT; below 1 means tern is faster) and OUT_DIR/NAME.png (tools/bench/plot_compare.py).

The ONNX files come from tools/bench/export_onnx.py (needs torch, so it is a separate one-time step); by
default they are looked up next to the .tern (minilm-int8.tern -> minilm.fp32.onnx, minilm.int8.onnx).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from export_onnx import onnx_paths_for  # noqa: E402
import plot_compare  # noqa: E402

RUNTIMES = ("tern", "ort_fp32", "ort_int8")
TERN_A7 = "tern_a7"  # tern with --activation-bits 7, when asked for


def tern_runtimes(runtimes):
    return [r for r in runtimes if r.startswith("tern")]


def parse_int_list(text):
    try:
        values = [int(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected integers separated by commas, got {text!r}")
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def default_tern_bench():
    build = os.environ.get("TERN_BUILD_DIR") or str(HERE.parent.parent / "build")
    return str(Path(build) / "bin" / "tern-bench")


def export_hint(tern_path, fp32, int8):
    return (f"ONNX files not found ({fp32}, {int8}).\n"
            "Export them once from the Hugging Face folder the .tern was converted from (needs torch):\n"
            f"  HF_HUB_OFFLINE=1 /work/fixvenv/bin/python tools/bench/export_onnx.py HF_FOLDER --tern {tern_path}\n"
            "or pass your own file with --onnx PATH (and --onnx-int8 PATH).")


def run_json(command):
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({completed.returncode}): {completed.stderr.strip()}")
    return json.loads(completed.stdout)


def tern_command(args, seq_lens, batch, inputs_path=None, activation_bits=None):
    command = [args.tern_bench, args.model, "--json", "--quiet", "--threads", str(args.threads),
               "--warmup", str(args.warmup), "--runs", str(args.runs), "--seq-len", ",".join(map(str, seq_lens)),
               "--batch", str(batch), "--seed", str(args.seed)]
    if batch > 1:
        command.append("--mixed")
    if args.max_seconds:
        command += ["--max-seconds", str(args.max_seconds)]
    if args.isa:
        command += ["--isa", args.isa]
    if inputs_path:
        command += ["--save-inputs", inputs_path]
    if activation_bits:
        command += ["--activation-bits", str(activation_bits)]
    return command


def ort_command(args, onnx_path, inputs_path):
    command = [sys.executable, str(HERE / "ort_worker.py"), str(onnx_path), inputs_path, "--threads",
               str(args.threads), "--warmup", str(args.warmup), "--runs", str(args.runs)]
    if args.max_seconds:
        command += ["--max-seconds", str(args.max_seconds)]
    return command


def median_row(samples):
    """Median over rounds of each latency statistic of one configuration."""
    row = {key + "_ms": statistics.median(s["latency_ms"][key] for s in samples) for key in ("p50", "p90", "p99")}
    row["tokens_per_second"] = samples[0]["tokens"] / (row["p50_ms"] * 1e-3)
    return row


def summarize(args, raw, onnx_files, seq_lens, runtimes=RUNTIMES):
    first_tern = raw["tern"][0]
    comparison = {
        "schema": "tern-compare/1",
        "model": {"name": args.name, "tern": args.model, "onnx_fp32": str(onnx_files["ort_fp32"]),
                  "onnx_int8": str(onnx_files["ort_int8"])},
        "system": first_tern["system"],
        "threads": args.threads,
        "settings": {"seq_lens": seq_lens, "batches": args.batch, "rounds": args.rounds, "warmup": args.warmup,
                     "runs": args.runs, "max_seconds": args.max_seconds or None, "seed": args.seed},
        "runtimes": {},
        "rows": [],
        "raw": raw,
    }
    sizes = {"tern": os.path.getsize(args.model), TERN_A7: os.path.getsize(args.model), "ort_fp32": os.path.getsize(onnx_files["ort_fp32"]),
             "ort_int8": os.path.getsize(onnx_files["ort_int8"])}
    smallest_batch = min(args.batch)
    for runtime in runtimes:
        # Load and first-result times from the smallest batch (the latency case); peaks from every run.
        runs = [r for r in raw[runtime] if r["results"][0]["batch"] == smallest_batch]
        if runtime.startswith("tern"):
            load_ms = statistics.median(r["load"]["cold_ms"] for r in runs)
            first_ms = statistics.median(r["load"]["time_to_first_result_ms"] for r in runs)
            version = first_tern["tern_version"]
        else:
            load_ms = statistics.median(r["load"]["ms"] for r in runs)
            first_ms = statistics.median(r["load"]["time_to_first_result_ms"] for r in runs)
            version = runs[0]["version"]
        comparison["runtimes"][runtime] = {
            "version": version, "file_bytes": sizes[runtime], "load_ms": load_ms,
            "time_to_first_result_ms": first_ms,
            # The largest workload sets the peak: the maximum over every run of this runtime.
            "peak_rss_kib": max(r["memory"]["peak_rss_kib"] for r in raw[runtime]),
            "peak_rss_minus_baseline_kib": max(r["memory"]["peak_rss_minus_baseline_kib"] for r in raw[runtime]),
        }
    for batch in args.batch:
        for seq_len in seq_lens:
            row = {"seq_len": seq_len, "batch": batch}
            for runtime in runtimes:
                samples = [res for run in raw[runtime] for res in run["results"]
                           if res["seq_len"] == seq_len and res["batch"] == batch]
                row[runtime] = median_row(samples) if samples else None
                if samples:
                    row["tokens"] = samples[0]["tokens"]
            for tern in tern_runtimes(runtimes):
                for peer in ("ort_fp32", "ort_int8"):
                    ok = row[tern] and row[peer]
                    prefix = "ratio_" if tern == "tern" else f"ratio_{tern}_"
                    row[prefix + peer] = row[tern]["p50_ms"] / row[peer]["p50_ms"] if ok else None
            comparison["rows"].append(row)
    return comparison


LABELS = {"tern": "tern", TERN_A7: "tern a7", "ort_fp32": "ORT fp32", "ort_int8": "ORT int8"}


def markdown(comparison):
    runtimes = comparison["runtimes"]
    names = list(runtimes)
    terns = tern_runtimes(names)
    lines = [f"**{comparison['model']['name']}** on {comparison['system']['cpu']}, "
             f"{comparison['threads']} thread(s), tern kernels: {comparison['system']['kernel_set']}, "
             f"ONNX Runtime {runtimes['ort_fp32']['version']}; median of {comparison['settings']['rounds']} rounds "
             "(alternating order). Ratio = tern p50 / ORT p50 (below 1: tern faster)"
             + ("; tern a7 = --activation-bits 7." if TERN_A7 in terns else "."), ""]
    ratio_names = [f"{LABELS[t]}/{peer}" for t in terns for peer in ("fp32", "int8")]
    header = ["seq len", "batch", "tokens"] + [f"{LABELS[r]} p50 ms" for r in names] + ratio_names
    lines += ["| " + " | ".join(header) + " |", "|" + "---:|" * len(header)]

    def cell(row, runtime):
        return f"{row[runtime]['p50_ms']:.2f}" if row[runtime] else "-"

    def ratio(value):
        return f"{value:.2f}" if value is not None else "-"

    for row in comparison["rows"]:
        cells = [str(row["seq_len"]), str(row["batch"]), str(row.get("tokens", "-"))]
        cells += [cell(row, r) for r in names]
        for tern in terns:
            prefix = "ratio_" if tern == "tern" else f"ratio_{tern}_"
            cells += [ratio(row[prefix + "ort_fp32"]), ratio(row[prefix + "ort_int8"])]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| | " + " | ".join(LABELS[r] for r in names) + " |", "|---|" + "---:|" * len(names)]
    lines.append("| file size (MB) | " + " | ".join(f"{runtimes[r]['file_bytes'] / 1e6:.2f}" for r in names) + " |")
    lines.append("| peak RSS minus baseline (MiB) | " +
                 " | ".join(f"{runtimes[r]['peak_rss_minus_baseline_kib'] / 1024:.1f}" for r in names) + " |")
    lines.append("| load (ms; tern: cold) | " + " | ".join(f"{runtimes[r]['load_ms']:.1f}" for r in names) + " |")
    lines.append("| time to first result (ms) | " +
                 " | ".join(f"{runtimes[r]['time_to_first_result_ms']:.1f}" for r in names) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="the .tern file")
    parser.add_argument("--onnx", help="fp32 ONNX file (default: next to the .tern, see export_onnx.py)")
    parser.add_argument("--onnx-int8", help="int8 ONNX file (default: derived from --onnx or the .tern)")
    parser.add_argument("--tern-bench", default=default_tern_bench(), help="tern-bench binary (default: %(default)s)")
    parser.add_argument("--seq-len", type=parse_int_list, default=[16, 32, 64, 128, 256],
                        help="sweep, lengths above the model's positions are dropped (default 16,32,64,128,256)")
    parser.add_argument("--batch", type=parse_int_list, default=[1, 8], help="batch sizes (default 1,8)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--isa", help="tern kernel set")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--max-seconds", type=float, default=0.0, help="cap per configuration and runtime")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, alternating the order (default 2)")
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--out-dir", default=".")
    parser.add_argument("--name", help="output name (default: the .tern name without extension)")
    parser.add_argument("--activation-bits-too", type=int, choices=[7],
                        help="also run tern with --activation-bits 7 in the same rounds (runtime tern_a7)")
    args = parser.parse_args(argv)
    args.name = args.name or Path(args.model).name.removesuffix(".tern")

    if not os.path.exists(args.model):
        parser.error(f"{args.model}: no such file")
    if not os.access(args.tern_bench, os.X_OK):
        parser.error(f"tern-bench not found at {args.tern_bench} (build first, or pass --tern-bench / TERN_BUILD_DIR)")
    fp32, int8 = onnx_paths_for(args.model, args.onnx)
    if args.onnx_int8:
        int8 = Path(args.onnx_int8)
    if not fp32.exists() or not int8.exists():
        sys.stderr.write(export_hint(args.model, fp32, int8) + "\n")
        return 2
    onnx_files = {"ort_fp32": fp32, "ort_int8": int8}

    probe = run_json([args.tern_bench, args.model, "--json", "--quiet", "--seq-len", "8", "--runs", "1",
                      "--warmup", "0"])
    max_position = probe["model"]["max_position"]
    seq_lens = [n for n in args.seq_len if n <= max_position]
    if len(seq_lens) < len(args.seq_len):
        sys.stderr.write(f"note: dropped sequence lengths above the model's {max_position} positions\n")
    if not seq_lens:
        parser.error("no sequence length fits the model")

    runtimes = RUNTIMES if not args.activation_bits_too else ("tern", TERN_A7) + RUNTIMES[1:]
    raw = {runtime: [] for runtime in runtimes}
    with tempfile.TemporaryDirectory() as scratch:
        for batch in args.batch:
            inputs_path = os.path.join(scratch, f"inputs-b{batch}.json")
            for round_index in range(args.rounds):
                order = runtimes if round_index % 2 == 0 else tuple(reversed(runtimes))
                if not os.path.exists(inputs_path):  # ORT needs tern's exact ids before it can run
                    order = runtimes
                for runtime in order:
                    sys.stderr.write(f"batch {batch} round {round_index + 1}/{args.rounds}: {runtime}\n")
                    if runtime == "tern":
                        raw[runtime].append(run_json(tern_command(args, seq_lens, batch, inputs_path)))
                    elif runtime == TERN_A7:
                        raw[runtime].append(run_json(tern_command(args, seq_lens, batch, None, 7)))
                    else:
                        raw[runtime].append(run_json(ort_command(args, onnx_files[runtime], inputs_path)))

    comparison = summarize(args, raw, onnx_files, seq_lens, runtimes)
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{args.name}.json").write_text(json.dumps(comparison, indent=1) + "\n")
    table = markdown(comparison)
    (out_dir / f"{args.name}.md").write_text(table)
    plot_compare.plot(comparison, out_dir / f"{args.name}.png")
    sys.stdout.write(table)
    sys.stdout.write(f"\nwrote {out_dir / args.name}.json, .md, .png\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
