"""Smaller and faster without retraining (issue 10): head and FFN pruning, layer selection, low-rank layer
linears, and a --target-cosine search over them. Techniques that need retraining to keep accuracy (linear
attention, distillation) are out of scope; see docs/LIGHTWEIGHT.md."""

from dataclasses import dataclass
from typing import Optional

from ..errors import ConversionError
from .apply import Calibration, apply_options
from .calibration import read_calibration
from .cost import cost_summary
from .evaluate import cosine_summary, measure, outputs
from .options import (SEARCH_OBJECTIVES, LightweightOptions, kept_positions, parse_fractions, parse_low_rank)
from .search import format_table, search


@dataclass
class LightweightRequest:
    """The lightweight command-line options as given (text); checked against the model by options()."""
    prune_heads: Optional[str] = None
    prune_ffn: Optional[str] = None
    keep_layers: Optional[str] = None
    drop_layers: Optional[str] = None
    low_rank: Optional[str] = None
    calibration: Optional[str] = None
    target_cosine: Optional[float] = None
    search_objective: str = "macs"
    search_ladders: Optional[dict] = None   # scripts and tests: other rungs for the search (search.LADDERS)
    shared_scores: Optional[dict] = None    # scripts converting one model several times: see Calibration

    def explicit(self):
        return any(v is not None for v in (self.prune_heads, self.prune_ffn, self.keep_layers, self.drop_layers,
                                           self.low_rank))

    def requested(self):
        return self.explicit() or self.target_cosine is not None

    def options(self, spec):
        if self.target_cosine is not None and self.explicit():
            raise ConversionError("--target-cosine searches heads, FFN, layers and low rank itself; give it without "
                                  "--prune-heads / --prune-ffn / --keep-layers / --drop-layers / --low-rank")
        if self.search_objective not in SEARCH_OBJECTIVES:
            raise ConversionError(f"--search-objective {self.search_objective!r}: expected one of "
                                  f"{', '.join(SEARCH_OBJECTIVES)}")
        if self.target_cosine is not None and not 0 < self.target_cosine <= 1:
            raise ConversionError(f"--target-cosine {self.target_cosine}: expected a cosine in (0, 1]")
        return LightweightOptions(
            prune_heads=None if self.prune_heads is None else parse_fractions("--prune-heads", self.prune_heads),
            prune_ffn=None if self.prune_ffn is None else parse_fractions("--prune-ffn", self.prune_ffn),
            keep_layers=kept_positions(self.keep_layers, self.drop_layers, len(spec.schedule)),
            low_rank={} if self.low_rank is None else parse_low_rank(self.low_rank))


def _public(row):
    return {k: v for k, v in row.items() if k != "knobs"}


def lighten(spec, original, request, weight_dtype, outlier_channels, log=None):
    """spec: the float32 model to convert (embeddings possibly factorized); original: the unmodified model the
    cosines are measured against. Returns (spec to write, finish) where finish(written spec, file bytes)
    returns the report part, completed with the written model's numbers."""
    options = request.options(spec)
    calibration = Calibration(spec, read_calibration(request.calibration), request.shared_scores)
    reference = outputs(original, "f32", calibration)
    part = {"calibration_texts": len(calibration.texts),
            "calibration": request.calibration or "built-in sentences (tern_convert/samples.py)"}
    if request.target_cosine is not None:
        options, rows = search(spec, calibration, reference, request.target_cosine, weight_dtype, outlier_channels,
                               request.search_objective, log, request.search_ladders)
        part["search"] = {"target_cosine": request.target_cosine, "objective": request.search_objective,
                          "rows": [_public(row) for row in rows]}
        part["unmodified"] = _public(rows[0])
    else:
        part["unmodified"] = measure(spec, weight_dtype, outlier_channels, calibration, reference)
    spec, details = apply_options(spec, options, calibration)
    part["options"] = options.describe()
    part["details"] = details

    def finish(written, file_bytes):
        converted = outputs(written, weight_dtype, calibration)
        part["converted"] = {"file_bytes": file_bytes, **cost_summary(written),
                             **cosine_summary(reference, converted)}
        return part
    return spec, finish


def format_lightweight(part):
    lines = []
    if "search" in part:
        rows = [dict(row) for row in part["search"]["rows"]]
        lines.append(format_table(rows, part["search"]["target_cosine"]))
    lines.append(f"lightweight: {part['options']} (calibration: {part['calibration_texts']} texts, "
                 f"{part['calibration']})")
    for key in ("unmodified", "converted"):
        row = part.get(key)
        if row:
            lines.append(f"  {key:10}: {row['file_bytes'] / 1e6:8.3f} MB, "
                         f"{row['macs_per_token'] / 1e6:8.3f} MMAC/token "
                         f"(linears; {row['macs_128_tokens'] / 1e9:.3f} GMAC for a 128-token text with attention), "
                         f"min cosine {row['cosine_min']:.5f} mean {row['cosine_mean']:.5f} vs fp32 unmodified")
    note = part["details"].get("low_rank_note")
    if note:
        lines.append(f"  low-rank: {note}")
    return "\n".join(lines)
