"""--prune-heads: removes attention heads from weight sets. A removed head's rows of Q, K and V and its columns
of the attention output projection are cut out of the matrices (not zeroed), so the set computes exactly what
the unpruned set computes with that head's context masked to 0 or, when the heads' mean contexts on the
calibration text are given (the converter's default), replaced by that mean: b_o += W_o[:, head] @ mean.
Attention heads often attend to [CLS]/[SEP] and output a near-constant vector; the fold keeps it (MiniLM,
--prune-heads 0.125: see LIGHTWEIGHT.md). A shared ALBERT set is pruned once, so the same heads go in every
layer that runs it."""

import dataclasses

import numpy as np

from ..errors import ConversionError
from ..spec import LinearSpec


def _rows(heads, head_dim):
    return np.concatenate([np.arange(h * head_dim, (h + 1) * head_dim) for h in heads])


def keep_heads(weight_set, kept, head_dim, means=None):
    """A copy of weight_set running only the heads in kept (indices into its current heads, ascending).
    means: [num_heads, head_dim] mean contexts, folded into the output bias for the removed heads."""
    kept = sorted(int(h) for h in kept)
    if not kept:
        raise ConversionError("at least one attention head must stay in every weight set")
    rows = _rows(kept, head_dim)
    cut = lambda linear: LinearSpec(linear.weight[rows], None if linear.bias is None else linear.bias[rows])
    output = weight_set.attention_output
    bias = output.bias
    if means is not None:
        removed = [h for h in range(weight_set.num_heads) if h not in kept]
        gone = _rows(removed, head_dim)
        folded = output.weight[:, gone].astype(np.float64) @ np.asarray(means, np.float64).reshape(-1)[gone]
        bias = ((np.zeros(output.weight.shape[0]) if bias is None else bias.astype(np.float64)) + folded)
        bias = bias.astype(np.float32)
    return dataclasses.replace(weight_set, query=cut(weight_set.query), key=cut(weight_set.key),
                               value=cut(weight_set.value),
                               attention_output=LinearSpec(output.weight[:, rows], bias),
                               num_heads=len(kept))


def heads_to_remove(fraction, num_heads, set_index):
    count = int(fraction * num_heads + 0.5)  # half rounds up, the same on every Python
    if count >= num_heads:
        raise ConversionError(f"--prune-heads {fraction:g} removes all {num_heads} heads of weight set "
                              f"{set_index}; at least one must stay")
    return count


def prune_heads(spec, fractions, importance, means=None):
    """fractions: one per weight set; importance: one array per set (higher = keep); means: one
    [num_heads, head_dim] array per set or None (no bias fold). Returns (new weight sets, {set index: removed
    head indices})."""
    head_dim = spec.hyper.hidden_size // spec.hyper.num_heads
    sets, removed = [], {}
    for index, (weight_set, fraction) in enumerate(zip(spec.weight_sets, fractions)):
        count = heads_to_remove(fraction, weight_set.num_heads, index)
        if count == 0:
            sets.append(weight_set)
            continue
        # Stable order: ties (e.g. identical scores) remove the lower index first, the same on every run.
        order = np.argsort(np.asarray(importance[index]), kind="stable")
        gone = sorted(int(h) for h in order[:count])
        removed[index] = gone
        sets.append(keep_heads(weight_set, [h for h in range(weight_set.num_heads) if h not in gone], head_dim,
                               None if means is None else means[index]))
    return sets, removed
