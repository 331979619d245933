"""--prune-ffn: removes intermediate neurons of the feed-forward block: their rows (and bias entries) of
ffn_in and their columns of ffn_out. Each removed neuron's mean activation on the calibration text is folded
into ffn_out's bias (b += W_out[:, removed] @ mean[removed]), so the set computes exactly what the unpruned one
computes with those neurons' activations replaced by their means (set to 0 when means are not given)."""

import dataclasses

import numpy as np

from ..errors import ConversionError
from ..spec import LinearSpec

# Kept widths are rounded to a multiple of this (when the set is at least this wide) because the packed int8
# layout pads output channels to blocks of 16: a width of 1530 costs what 1536 does.
WIDTH_MULTIPLE = 16


def keep_neurons(weight_set, kept, means=None):
    kept = np.sort(np.asarray(kept, np.int64))
    if kept.size == 0:
        raise ConversionError("at least one FFN neuron must stay in every weight set")
    ffn_in, ffn_out = weight_set.ffn_in, weight_set.ffn_out
    bias = ffn_out.bias
    if means is not None:
        removed = np.setdiff1d(np.arange(weight_set.intermediate_size), kept)
        folded = ffn_out.weight[:, removed].astype(np.float64) @ np.asarray(means, np.float64)[removed]
        bias = (np.zeros(ffn_out.weight.shape[0]) if bias is None else bias.astype(np.float64)) + folded
        bias = bias.astype(np.float32)
    return dataclasses.replace(
        weight_set, ffn_in=LinearSpec(ffn_in.weight[kept], None if ffn_in.bias is None else ffn_in.bias[kept]),
        ffn_out=LinearSpec(ffn_out.weight[:, kept], bias), intermediate_size=int(kept.size))


def neurons_to_keep(fraction, width, set_index):
    keep = width - int(fraction * width + 0.5)
    if keep >= WIDTH_MULTIPLE and keep < width:
        keep = min(width, max(WIDTH_MULTIPLE, int(round(keep / WIDTH_MULTIPLE)) * WIDTH_MULTIPLE))
    if keep < 1:
        raise ConversionError(f"--prune-ffn {fraction:g} removes all {width} FFN neurons of weight set {set_index}")
    return keep


def prune_ffn(spec, fractions, importance, means=None):
    """fractions: one per weight set; importance: one array per set; means: one array per set (or None: no
    bias fold). Returns (new sets, {set: kept width})."""
    sets, widths = [], {}
    for index, (weight_set, fraction) in enumerate(zip(spec.weight_sets, fractions)):
        width = weight_set.intermediate_size
        keep = neurons_to_keep(fraction, width, index)
        if keep == width:
            sets.append(weight_set)
            continue
        order = np.argsort(-np.asarray(importance[index]), kind="stable")
        sets.append(keep_neurons(weight_set, order[:keep], None if means is None else means[index]))
        widths[index] = keep
    return sets, widths
