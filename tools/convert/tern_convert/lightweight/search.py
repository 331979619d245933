"""--target-cosine C: a greedy search over the lightweight options for the cheapest model (estimated MACs for
a 128-token text, or file size) whose min cosine against the unmodified model on the calibration set stays
>= C. Four knobs, each a ladder of settings: head fraction, FFN fraction, layers dropped (least important
first, by ablation), and a low-rank error budget (auto:ERR on every layer linear). From the unmodified model,
each round tries one more step on every knob and takes the feasible step that saves the most work per unit of
cosine lost; it stops when no step stays >= C. The winner is the cheapest feasible model seen. Every model
tried is a row of the trade-off table."""

from dataclasses import dataclass

import numpy as np

from ..errors import ConversionError
from .apply import apply_options
from .evaluate import measure, tokenizer_header_bytes
from .options import LAYER_LINEARS, SEARCH_OBJECTIVES, LightweightOptions

LADDERS = {"heads": (0.0, 0.0625, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75),
           "ffn": (0.0, 0.05, 0.1, 0.15, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875),
           "low_rank": (None, 0.1, 0.2, 0.3, 0.4, 0.5)}
OBJECTIVE_KEYS = {"macs": "macs_128_tokens", "size": "file_bytes"}


@dataclass(frozen=True)
class Knobs:
    """Rung per ladder; dropped = how many of the least important layers are dropped."""
    heads: int = 0
    ffn: int = 0
    dropped: int = 0
    low_rank: int = 0

    def step(self, name):
        return Knobs(**{**self.__dict__, name: getattr(self, name) + 1})


def _options(knobs, ladders, layer_order, num_layers):
    dropped = set(int(p) for p in layer_order[:knobs.dropped])
    budget = ladders["low_rank"][knobs.low_rank]
    return LightweightOptions(
        prune_heads=[ladders["heads"][knobs.heads]] if knobs.heads else None,
        prune_ffn=[ladders["ffn"][knobs.ffn]] if knobs.ffn else None,
        keep_layers=[p for p in range(num_layers) if p not in dropped] if knobs.dropped else None,
        low_rank={name: ("auto", budget) for name in LAYER_LINEARS} if budget else {})


def _signature(spec):
    sets = tuple((ws.num_heads, ws.intermediate_size, tuple(
        None if getattr(ws, n).input_factor is None else getattr(ws, n).input_factor.shape[0] for n in LAYER_LINEARS))
        for ws in spec.weight_sets)
    return sets, tuple(spec.schedule)


def search(spec, calibration, reference, target, weight_dtype, outlier_channels, objective="macs", log=None,
           ladders=None):
    """Returns (the winner's LightweightOptions, table rows). Each row: options text, measurements (file
    size estimated to 64 bytes), feasible, winner. ladders: {"heads", "ffn", "low_rank"} rungs (tests)."""
    if not 0 < target <= 1:
        raise ConversionError(f"--target-cosine {target}: expected a cosine in (0, 1]")
    if objective not in SEARCH_OBJECTIVES:
        raise ConversionError(f"--search-objective {objective!r}: expected one of {', '.join(SEARCH_OBJECTIVES)}")
    key = OBJECTIVE_KEYS[objective]
    num_layers = len(spec.schedule)
    layer_order = np.argsort(calibration.layers(), kind="stable") if num_layers > 1 else []
    ladders = dict(LADDERS, **(ladders or {}))
    limits = {name: len(rungs) for name, rungs in ladders.items()}
    limits["dropped"] = num_layers
    tokenizer_bytes = tokenizer_header_bytes(spec, weight_dtype, int(np.size(reference[0])))
    seen, rows = {}, []

    def build(knobs):
        options = _options(knobs, ladders, layer_order, num_layers)
        candidate, _ = apply_options(spec, options, calibration)
        return options, candidate

    def evaluate(knobs):
        options, candidate = build(knobs)
        signature = _signature(candidate)
        if signature not in seen:
            row = {"options": options.describe(), "knobs": knobs, **measure(
                candidate, weight_dtype, outlier_channels, calibration, reference, tokenizer_bytes)}
            row["feasible"] = row["cosine_min"] >= target
            seen[signature] = row
            rows.append(row)
            if log:
                log(row)
        return seen[signature], signature

    current, current_signature = evaluate(Knobs())
    if not current["feasible"]:
        raise ConversionError(f"--target-cosine {target}: the unmodified {weight_dtype} model already has min cosine "
                              f"{current['cosine_min']:.5f} on the calibration set; nothing smaller can reach it")
    while True:
        steps = []
        for name in ("heads", "ffn", "dropped", "low_rank"):
            knobs = current["knobs"]
            while getattr(knobs, name) + 1 < limits[name]:
                knobs = knobs.step(name)
                row, signature = evaluate(knobs)
                if signature != current_signature:  # a step that changes nothing: take the next one
                    steps.append((row, signature))
                    break
        feasible = [(row, signature) for row, signature in steps if row["feasible"] and row[key] < current[key]]
        if not feasible:
            break
        gain = lambda row: (current[key] - row[key]) / max(current["cosine_min"] - row["cosine_min"], 1e-5)
        current, current_signature = max(feasible, key=lambda item: gain(item[0]))
    winner = min((row for row in rows if row["feasible"]), key=lambda row: (row[key], -row["cosine_min"]))
    for row in rows:
        row["winner"] = row is winner
    return _options(winner["knobs"], ladders, layer_order, num_layers), rows


def format_table(rows, target):
    lines = [f"trade-off table (calibration min cosine >= {target})",
             "  MMAC/tok: linears; MMAC/tok@128: with attention, 128-token text; MB: estimated to 64 bytes",
             f"{'options':58} {'MB':>7} {'MMAC/tok':>9} {'MMAC/tok@128':>12} {'min cos':>8} {'mean cos':>8}"]
    for row in rows:
        mark = " <- written" if row.get("winner") else ("" if row["feasible"] else " (below target)")
        lines.append(f"{row['options'][:58]:58} {row['file_bytes'] / 1e6:7.2f} {row['macs_per_token'] / 1e6:9.2f} "
                     f"{row['macs_per_token_128'] / 1e6:12.2f} {row['cosine_min']:8.5f} {row['cosine_mean']:8.5f}"
                     f"{mark}")
    return "\n".join(lines)
