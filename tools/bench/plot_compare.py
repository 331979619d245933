#!/usr/bin/env python3
"""Draws the PNG of a comparison JSON written by compare_ort.py: latency against sequence length (batch 1,
every runtime), then file size and peak RSS (minus the baseline process) as bars.

    .venv/bin/python tools/bench/plot_compare.py COMPARISON.json OUT.png

The image is always FIGURE_SIZE_INCHES x DPI pixels (no tight bounding box), so tests can check it.
"""
import json
import sys

FIGURE_SIZE_INCHES = (15.0, 4.5)
DPI = 100
PIXEL_SIZE = (int(FIGURE_SIZE_INCHES[0] * DPI), int(FIGURE_SIZE_INCHES[1] * DPI))
COLORS = {"tern": "#1b7837", "tern_a7": "#7fbc41", "ort_fp32": "#2166ac", "ort_int8": "#b2182b"}
LABELS = {"tern": "tern", "tern_a7": "tern a7", "ort_fp32": "ORT fp32", "ort_int8": "ORT int8"}


def plot(comparison, png_path):
    import matplotlib

    matplotlib.use("Agg")  # no display on CI or over ssh
    import matplotlib.pyplot as plt

    runtimes = [r for r in ("tern", "tern_a7", "ort_fp32", "ort_int8") if r in comparison["runtimes"]]
    figure, (latency_axis, size_axis, rss_axis) = plt.subplots(
        1, 3, figsize=FIGURE_SIZE_INCHES, dpi=DPI, gridspec_kw={"width_ratios": [2.2, 1, 1]})
    title = f"{comparison['model']['name']} on {comparison['system']['cpu']}, {comparison['threads']} thread(s)"
    figure.suptitle(title)

    smallest_batch = min(row["batch"] for row in comparison["rows"])
    for runtime in runtimes:
        rows = sorted((r for r in comparison["rows"] if r["batch"] == smallest_batch), key=lambda r: r["seq_len"])
        xs = [r["seq_len"] for r in rows if r[runtime] is not None]
        ys = [r[runtime]["p50_ms"] for r in rows if r[runtime] is not None]
        label = LABELS[runtime]
        if runtime.startswith("tern"):
            label += f" ({comparison['system']['kernel_set']} kernels" + (", 7-bit activations)" if runtime == "tern_a7" else ")")
        latency_axis.plot(xs, ys, marker="o", color=COLORS[runtime], label=label)
    latency_axis.set_xscale("log", base=2)
    latency_axis.set_yscale("log")
    latency_axis.set_xlabel("sequence length (tokens)")
    latency_axis.set_ylabel(f"p50 latency, batch {smallest_batch} (ms)")
    latency_axis.grid(True, which="both", alpha=0.3)
    latency_axis.legend()

    names = [LABELS[r] for r in runtimes]
    colors = [COLORS[r] for r in runtimes]
    sizes = [comparison["runtimes"][r]["file_bytes"] / 1e6 for r in runtimes]
    size_axis.bar(names, sizes, color=colors)
    size_axis.set_ylabel("file size (MB)")
    rss = [comparison["runtimes"][r]["peak_rss_minus_baseline_kib"] / 1024 for r in runtimes]
    rss_axis.bar(names, rss, color=colors)
    rss_axis.set_ylabel("peak RSS minus baseline (MiB)")
    figure.subplots_adjust(left=0.05, right=0.99, bottom=0.13, top=0.88, wspace=0.3)
    figure.savefig(png_path, dpi=DPI)
    plt.close(figure)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        sys.stderr.write("usage: plot_compare.py COMPARISON.json OUT.png\n")
        return 2
    with open(argv[0]) as file:
        plot(json.load(file), argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
