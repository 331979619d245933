#!/usr/bin/env python3
"""Runs one ONNX Runtime session over the inputs tern-bench saved (--save-inputs) and prints a JSON
document shaped like tern-bench's "results", plus load time and peak RSS of this process.

It is a separate process on purpose: its VmHWM then measures ONNX Runtime alone, comparable with
tern-bench's own. Called by compare_ort.py; usable alone:

    .venv/bin/python tools/bench/ort_worker.py MODEL.onnx INPUTS.json [--threads 1] [--runs 20] ...
"""
import argparse
import json
import sys
import time


def memory_kib(field):
    """VmHWM / VmRSS of this process in KiB (-1 without /proc)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def summarize(samples_ms):
    import numpy as np

    values = np.asarray(samples_ms, dtype=np.float64)
    return {"mean": float(values.mean()), "min": float(values.min()), "p50": float(np.percentile(values, 50)),
            "p90": float(np.percentile(values, 90)), "p99": float(np.percentile(values, 99)),
            "max": float(values.max())}


def padded_batch(sequences, pad_id=0):
    """ONNX Runtime needs a rectangle: pad to the longest text and mask the padding out."""
    import numpy as np

    longest = max(len(s) for s in sequences)
    ids = np.full((len(sequences), longest), pad_id, dtype=np.int64)
    mask = np.zeros((len(sequences), longest), dtype=np.int64)
    for row, sequence in enumerate(sequences):
        ids[row, :len(sequence)] = sequence
        mask[row, :len(sequence)] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("onnx")
    parser.add_argument("inputs", help="JSON written by tern-bench --save-inputs")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=0.0)
    args = parser.parse_args(argv)

    import numpy as np  # noqa: F401  (counted in the baseline, like the interpreter)
    import onnxruntime as ort

    baseline_kib = memory_kib("VmHWM")
    with open(args.inputs) as file:
        configs = json.load(file)["configs"]

    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    start = time.perf_counter()
    session = ort.InferenceSession(args.onnx, options, providers=["CPUExecutionProvider"])
    load_ms = 1e3 * (time.perf_counter() - start)
    wanted = {i.name for i in session.get_inputs()}

    results = []
    first_result_ms = None
    for config in configs:
        feeds = {k: v for k, v in padded_batch(config["ids"]).items() if k in wanted}
        session.run(None, feeds)
        if first_result_ms is None:
            first_result_ms = 1e3 * (time.perf_counter() - start)
        for _ in range(args.warmup):
            session.run(None, feeds)
        samples = []
        began = time.perf_counter()
        while len(samples) < args.runs:
            t0 = time.perf_counter()
            session.run(None, feeds)
            samples.append(1e3 * (time.perf_counter() - t0))
            if args.max_seconds > 0 and time.perf_counter() - began >= args.max_seconds:
                break
        lengths = [len(s) for s in config["ids"]]
        latency = summarize(samples)
        results.append({"seq_len": config["seq_len"], "batch": len(lengths), "lengths": lengths,
                        "tokens": sum(lengths), "runs": len(samples), "latency_ms": latency,
                        "tokens_per_second": sum(lengths) / (latency["p50"] * 1e-3),
                        "texts_per_second": len(lengths) / (latency["p50"] * 1e-3)})
    peak_kib = memory_kib("VmHWM")
    json.dump({"runtime": "onnxruntime", "version": ort.__version__, "model": args.onnx,
               "threads": args.threads,
               "load": {"ms": load_ms, "time_to_first_result_ms": first_result_ms},
               "memory": {"baseline_rss_kib": baseline_kib, "peak_rss_kib": peak_kib,
                          "peak_rss_minus_baseline_kib": peak_kib - baseline_kib},
               "results": results}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
