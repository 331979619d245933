"""Activation outlier input channels for int8 linears (--outlier-channels K, default 3).

BERT-family LayerNorm outputs and FFN activations carry a few channels 5-25x larger than the rest, the same
channels for every token. Per-row int8 activation quantization then spends its range on them and rounds the
other channels coarsely (all-MiniLM-L6-v2: cosine to fp32 down to 0.988 on short texts). LLM.int8()-style
decomposition keeps those channels in f32: the runtime zeroes them in x before quantizing the row and adds
x[:, channels] @ W[:, channels]^T in f32, with W's columns read from the int8 weight (only the indices are
stored). Channels are found by running the fp32 reference over calibration
sentences and recording each linear's per-input-channel max |x|."""

import numpy as np

from .python_tokenizer import make_tokenizer
from .reference import ReferenceEncoder
from .samples import CALIBRATION_SENTENCES

LAYER_LINEARS = ("query", "key", "value", "attention_output", "ffn_in", "ffn_out")
# Per linear; all-MiniLM-L6-v2 int8 with asymmetric activations: 0 -> fixture min cosine 0.996, 3 -> 0.999.
DEFAULT_OUTLIER_CHANNELS = 3
# A channel is an outlier when its max |x| is this many times the median channel's.
OUTLIER_RATIO = 3.0


class _Recorder:
    def __init__(self, inner, store, key):
        self.inner, self.store, self.key = inner, store, key

    def __call__(self, x):
        self.store[self.key] = np.maximum(self.store.get(self.key, 0), np.abs(x).max(axis=0))
        return self.inner(x)


def input_absmax(spec, sentences=CALIBRATION_SENTENCES):
    """{(weight set index, linear name): per-input-channel max |x|} over the sentences."""
    encoder = ReferenceEncoder(spec, "f32")
    stats = {}
    for index, layer in enumerate(encoder.sets):
        for name in LAYER_LINEARS:
            layer[name] = _Recorder(layer[name], stats, (index, name))
    encode = make_tokenizer(spec.tokenizer)
    for text in sentences:
        encoder.hidden_states(encode(text))
    return stats


def mark_outlier_channels(spec, max_channels):
    """Sets LinearSpec.outlier_channels (ascending) on every weight-set linear; returns the total count."""
    stats = input_absmax(spec)
    total = 0
    for index, weight_set in enumerate(spec.weight_sets):
        for name in LAYER_LINEARS:
            absmax = stats[(index, name)]
            median = max(float(np.median(absmax)), 1e-12)
            top = np.argsort(absmax)[::-1][:max_channels]
            chosen = np.sort(top[absmax[top] >= OUTLIER_RATIO * median]).astype(np.uint32)
            getattr(weight_set, name).outlier_channels = chosen if chosen.size else None
            total += int(chosen.size)
    return total
