"""The conversion report: per-tensor table, totals by part, accuracy numbers; printed and saved as JSON."""

import json

from .tensor_store import DTYPE_NAMES


def build_report(spec, store, file_bytes, accuracy, extra):
    tensors = [{"name": t.name, "shape": list(t.shape), "dtype": DTYPE_NAMES[t.dtype],
                "layout": "packed16x4" if t.layout == 1 else "row_major", "bytes": len(t.payload),
                "part": t.part, "relative_error": t.relative_error} for t in store.tensors]
    totals = {}
    for t in tensors:
        totals[t["part"]] = totals.get(t["part"], 0) + t["bytes"]
    return {"architecture": spec.architecture, "kind": spec.kind, "file_bytes": file_bytes,
            "num_layers": len(spec.schedule), "num_weight_sets": len(spec.weight_sets), "schedule": spec.schedule,
            "bytes_by_part": totals, "tensors": tensors, "accuracy": accuracy, **extra}


def format_report(report):
    lines = [f"{'tensor':52} {'shape':>14} {'dtype':>5} {'bytes':>10} {'rel.err':>9}"]
    for t in report["tensors"]:
        shape = "x".join(str(d) for d in t["shape"])
        lines.append(f"{t['name']:52} {shape:>14} {t['dtype']:>5} {t['bytes']:>10} {t['relative_error']:9.2e}")
    lines.append("bytes by part: " + ", ".join(f"{k} {v}" for k, v in report["bytes_by_part"].items()))
    lines.append(f"file: {report['file_bytes']} bytes ({report['file_bytes'] / 1e6:.2f} MB), "
                 f"{report['num_layers']} layers over {report['num_weight_sets']} weight sets")
    if "outlier_channels_total" in report:
        lines.append(f"activation outlier channels (f32): {report['outlier_channels_total']}")
    for key, value in report["accuracy"].items():
        lines.append(f"{key}: {value:.6f}" if isinstance(value, float) else f"{key}: {value}")
    if "lightweight" in report:
        from .lightweight import format_lightweight
        lines.append(format_lightweight(report["lightweight"]))
    return "\n".join(lines)


def save_report(report, path):
    with open(path, "w", encoding="utf-8") as file:
        json.dump(report, file, indent=1)
