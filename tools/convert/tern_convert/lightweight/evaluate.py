"""What a lightweight option costs and keeps: file size, estimated MACs and the cosine of the converted
model (weights as stored, int8 path simulated exactly) against the unmodified fp32 model on calibration
text. The converter's report and the --target-cosine search both measure with this."""

import copy
import dataclasses

import numpy as np

from ..calibrate import mark_outlier_channels
from ..reference import ReferenceEncoder
from ..samples import SAMPLE_SENTENCES, SELF_TEST_COUNT
from ..writer import serialize, store_tensors
from .cost import cost_summary
from .importance import cosine


def outputs(spec, weight_dtype, calibration):
    encoder = ReferenceEncoder(spec, weight_dtype)
    return [encoder.output(encoder.hidden_states(ids), calibration.output) for ids in calibration.ids]


def with_outlier_channels(spec, weight_dtype, outlier_channels):
    """The spec as convert() writes it: own copies of the weight sets, outlier channels marked (int8)."""
    spec = dataclasses.replace(spec, weight_sets=copy.deepcopy(spec.weight_sets))
    if outlier_channels and weight_dtype == "int8":
        mark_outlier_channels(spec, outlier_channels)
    return spec


def _header_bytes(spec, store, index, output_dim):
    self_test = {"texts": SAMPLE_SENTENCES[:SELF_TEST_COUNT], "output": "embedding", "dim": output_dim,
                 "expected": np.zeros(output_dim * SELF_TEST_COUNT, np.float32), "min_cosine": 0.99}
    header, _, weights_length = serialize(spec, store, index, self_test)
    return len(header), weights_length


def _stub_tokenizer(tokenizer):
    """The tokenizer with one piece: serializing the vocabulary dominates the header's cost, not its size."""
    stub = dict(tokenizer, pieces=tokenizer["pieces"][:1], precompiled_charsmap=b"")
    for key in ("scores", "piece_types"):
        if key in stub:
            stub[key] = list(stub[key])[:1]
    return stub


def file_bytes(spec, weight_dtype, output_dim, tokenizer_bytes=None):
    """The size the .tern file will have (its self-test vector has the same length as the real one).
    tokenizer_bytes (from tokenizer_header_bytes): estimate with a one-piece tokenizer plus that many bytes,
    exact to the header's 64-byte padding, and ~100x faster for a 30k vocabulary."""
    store, index = store_tensors(spec, weight_dtype)
    if tokenizer_bytes is None:
        header, weights_length = _header_bytes(spec, store, index, output_dim)
        return header + weights_length
    stub = dataclasses.replace(spec, tokenizer=_stub_tokenizer(spec.tokenizer))
    header, weights_length = _header_bytes(stub, store, index, output_dim)
    return header + tokenizer_bytes + weights_length


def tokenizer_header_bytes(spec, weight_dtype, output_dim):
    """Header bytes the full vocabulary adds over the one-piece stub."""
    return file_bytes(spec, weight_dtype, output_dim) - file_bytes(spec, weight_dtype, output_dim, 0)


def cosine_summary(reference, converted):
    cosines = [cosine(a, b) for a, b in zip(reference, converted)]
    return {"cosine_min": min(cosines), "cosine_mean": float(np.mean(cosines))}


def measure(spec, weight_dtype, outlier_channels, calibration, reference, tokenizer_bytes=None):
    """spec: float32, before outlier channels. reference: the unmodified model's fp32 calibration outputs.
    file_bytes is exact, or within the header's 64-byte padding when tokenizer_bytes is given."""
    written = with_outlier_channels(spec, weight_dtype, outlier_channels)
    converted = outputs(written, weight_dtype, calibration)
    size = file_bytes(written, weight_dtype, int(np.size(converted[0])), tokenizer_bytes)
    return {"file_bytes": size, **cost_summary(spec), **cosine_summary(reference, converted)}
