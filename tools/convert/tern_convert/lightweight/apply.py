"""Applies the lightweight options to a float32 ModelSpec, in this order: heads, FFN neurons (both per
weight set, scored on the unmodified model), layers, low rank. The input spec is not modified; weight sets
an option leaves alone are shared with it. With nothing to do, the spec itself comes back."""

import dataclasses

from ..reference import output_kind
from .calibration import calibration_ids
from .ffn import prune_ffn
from .heads import prune_heads
from .importance import (ffn_importance, ffn_statistics, head_context_means, head_importance,
                         layer_importance)
from .layers import keep_layers
from .low_rank import apply_low_rank
from .options import per_set


class Calibration:
    """Calibration texts for one base model, with its importance scores computed once, on first use."""

    def __init__(self, spec, texts, shared=None):
        """shared: a dict kept by a caller converting the same model several times (benchmarks), so the
        scores and SVDs are computed once."""
        self.spec, self.texts = spec, texts
        self.ids = calibration_ids(spec, texts)
        self.output = output_kind(spec)
        shared = {} if shared is None else shared
        self.svd_cache = shared.setdefault("svd", {})
        self._scores = shared.setdefault(("scores", tuple(texts)), {})

    def _score(self, key, compute):
        if key not in self._scores:
            self._scores[key] = compute()
        return self._scores[key]

    def head_means(self):
        return self._score("head_means", lambda: head_context_means(self.spec, self.ids))

    def heads(self):
        return self._score("heads", lambda: head_importance(self.spec, self.ids, self.output, self.head_means()))

    def ffn_statistics(self):
        return self._score("ffn_statistics", lambda: ffn_statistics(self.spec, self.ids))

    def ffn(self):
        return self._score("ffn", lambda: ffn_importance(self.spec, self.ffn_statistics()))

    def ffn_means(self):
        return [mean for mean, _ in self.ffn_statistics()]

    def layers(self):
        return self._score("layers", lambda: layer_importance(self.spec, self.ids, self.output))


def apply_options(spec, options, calibration):
    """Returns (spec, details for the report). details is empty when nothing changed."""
    details = {}
    num_sets = len(spec.weight_sets)
    head_fractions = per_set("--prune-heads", options.prune_heads, num_sets)
    if any(head_fractions):
        sets, removed = prune_heads(spec, head_fractions, calibration.heads(), calibration.head_means())
        if removed:
            spec = dataclasses.replace(spec, weight_sets=sets)
            details["removed_heads"] = {str(k): v for k, v in removed.items()}
    ffn_fractions = per_set("--prune-ffn", options.prune_ffn, num_sets)
    if any(ffn_fractions):
        sets, widths = prune_ffn(spec, ffn_fractions, calibration.ffn(), calibration.ffn_means())
        if widths:
            spec = dataclasses.replace(spec, weight_sets=sets)
            details["ffn_widths"] = {str(k): v for k, v in widths.items()}
    if options.keep_layers is not None and options.keep_layers != list(range(len(spec.schedule))):
        spec = keep_layers(spec, options.keep_layers)
        details["kept_layers"] = list(options.keep_layers)
    if options.low_rank:
        sets, records = apply_low_rank(spec, options.low_rank, calibration.svd_cache)
        if any(not r.get("kept_full") for r in records):
            spec = dataclasses.replace(spec, weight_sets=sets)
        details["low_rank"] = records
        if all(r.get("kept_full") for r in records):
            details["low_rank_note"] = "no linear factored: no rank saves work (rank * (out + in) < out * in)"
    if changed(details):
        spec = dataclasses.replace(spec, metadata=dict(spec.metadata, lightweight=options.describe()))
    return spec, details


def changed(details):
    return any(key in details for key in ("removed_heads", "ffn_widths", "kept_layers")) or any(
        not r.get("kept_full") for r in details.get("low_rank", []))
