"""Gradient-free importance scores on calibration text, from the fp32 NumPy reference.

Heads: ablation. A head's score is the mean over the calibration texts of 1 - cos(output with the head
masked, output of the model), where the output is what the model returns (pooled embedding, or a sequence
head's logits) and masked means the head's context replaced by its calibration mean, which pruning folds into
the output projection's bias (see heads.py). For a weight set run by several layers (ALBERT) the head is
masked in every layer running the set at once, which is exactly what removing it does (and 1/N of the
forward passes of masking each repetition separately and summing the drops). Layers are resumed from
cached inputs, so masking a head of layer p reruns only layers p..N-1.

FFN neurons: output contribution. Ablating each of thousands of neurons one by one is too slow, so a
neuron's score is the variance of its contribution to the FFN output, Var[a_j] * ||W_out[:, j]||^2 over the
calibration tokens (of every layer running the set): the squared error its removal adds, if neurons are
uncorrelated, once its mean E[a_j] * W_out[:, j] is folded into ffn_out's bias (GELU outputs have a mean far
from 0: all-MiniLM-L6-v2 --prune-ffn 0.25, int8, calibration min / mean cosine 0.727 / 0.902 with E[a_j^2]
scores and no fold, 0.808 / 0.949 with this).

Layers (for --target-cosine's order of dropping): ablation, 1 - cos with the schedule entry skipped."""

import numpy as np

from ..reference import ReferenceEncoder


def cosine(a, b):
    a, b = np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()
    return float(a @ b / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-30))


def _layer_inputs(encoder, ids):
    x = encoder.embedding_output(ids)
    inputs = []
    for set_index in encoder.spec.schedule:
        inputs.append(x)
        x = encoder.layer(x, set_index)
    return inputs, x


def _resume(encoder, x, start, head_masks=None, skip=()):
    for position in range(start, len(encoder.spec.schedule)):
        if position not in skip:
            mask = None if head_masks is None else head_masks.get(position)
            x = encoder.layer(x, encoder.spec.schedule[position], mask)
    return x


def head_context_means(spec, ids_list):
    """One [num_heads, head_dim] array per weight set: each head's mean context (attention output before the
    output projection) over the calibration tokens of every layer running the set."""
    widths = [ws.attention_output.weight.shape[1] for ws in spec.weight_sets]
    sums, _, counts = _input_moments(spec, ids_list, "attention_output", widths)
    return [(s / max(n, 1)).reshape(ws.num_heads, -1) for s, n, ws in zip(sums, counts, spec.weight_sets)]


def head_importance(spec, ids_list, output, means=None):
    """One array per weight set: [num_heads] mean cosine drop when the head is masked (its context replaced
    by its mean when means, from head_context_means, are given: what pruning with the bias fold computes)."""
    encoder = ReferenceEncoder(spec, "f32")
    scores = [np.zeros(ws.num_heads) for ws in spec.weight_sets]
    for ids in ids_list:
        inputs, last = _layer_inputs(encoder, ids)
        base = encoder.output(last, output)
        for set_index, weight_set in enumerate(spec.weight_sets):
            positions = [p for p, entry in enumerate(spec.schedule) if entry == set_index]
            if not positions:
                continue
            for head in range(weight_set.num_heads):
                mask = np.ones(weight_set.num_heads, np.float32)
                mask[head] = 0
                if means is not None:
                    fill = np.zeros_like(means[set_index])
                    fill[head] = means[set_index][head]
                    mask = (mask, fill)
                hidden = _resume(encoder, inputs[positions[0]], positions[0], {p: mask for p in positions})
                scores[set_index][head] += 1 - cosine(encoder.output(hidden, output), base)
    return [s / max(len(ids_list), 1) for s in scores]


def _input_moments(spec, ids_list, op, widths):
    """Per weight set: the sums and sums of squares (float64, [width]) of what the reference encoder's `op`
    receives over the calibration tokens and every layer running the set, and the token counts."""
    encoder = ReferenceEncoder(spec, "f32")
    sums = [np.zeros(width) for width in widths]
    squares = [np.zeros(width) for width in widths]
    counts = [0] * len(spec.weight_sets)
    for index, layer in enumerate(encoder.sets):
        layer[op] = _MomentRecorder(layer[op], sums, squares, index)
    for ids in ids_list:
        encoder.hidden_states(ids)
        for set_index in spec.schedule:
            counts[set_index] += len(ids)
    return sums, squares, counts


class _MomentRecorder:
    def __init__(self, inner, sums, squares, index):
        self.inner, self.sums, self.squares, self.index = inner, sums, squares, index

    def __call__(self, x):
        x64 = np.asarray(x, np.float64)
        self.sums[self.index] = self.sums[self.index] + x64.sum(axis=0)
        self.squares[self.index] = self.squares[self.index] + np.square(x64).sum(axis=0)
        return self.inner(x)


def ffn_statistics(spec, ids_list):
    """One (mean, variance) pair of [intermediate] arrays per weight set: each neuron's activation over the
    calibration tokens (and over every layer running the set)."""
    sums, squares, counts = _input_moments(spec, ids_list, "ffn_out", [ws.intermediate_size for ws in spec.weight_sets])
    stats = []
    for s, q, n in zip(sums, squares, counts):
        mean = s / max(n, 1)
        stats.append((mean, np.maximum(q / max(n, 1) - mean ** 2, 0)))
    return stats


def ffn_importance(spec, stats):
    """One array per weight set: Var[a_j] * ||W_out[:, j]||^2, the squared error removing neuron j adds when
    its mean activation is folded into ffn_out's bias (see ffn.py)."""
    return [variance * np.square(ws.ffn_out.weight.astype(np.float64)).sum(axis=0)
            for (_, variance), ws in zip(stats, spec.weight_sets)]


def layer_importance(spec, ids_list, output):
    """[num_layers]: mean cosine drop when that schedule entry is skipped."""
    encoder = ReferenceEncoder(spec, "f32")
    scores = np.zeros(len(spec.schedule))
    for ids in ids_list:
        inputs, last = _layer_inputs(encoder, ids)
        base = encoder.output(last, output)
        for position in range(len(spec.schedule)):
            hidden = _resume(encoder, inputs[position], position, skip=(position,))
            scores[position] += 1 - cosine(encoder.output(hidden, output), base)
    return scores / max(len(ids_list), 1)
