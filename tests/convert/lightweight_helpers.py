"""Shared by the lightweight tests (test_prune*.py, test_low_rank*.py, test_target_cosine*.py): a tiny model
read as a float32 spec, its calibration, and fp32 reference outputs with heads masked / layers skipped /
FFN neurons zeroed, the oracles the pruned models must reproduce."""

import numpy as np

from tern_convert.convert import read_model
from tern_convert.lightweight.apply import Calibration
from tern_convert.lightweight.importance import cosine
from tern_convert.reference import ReferenceEncoder

TEXTS = ["The quick brown fox jumps over the lazy dog.", "Edge devices need small fast models.", "Ok"]


def load(tiny_models, name):
    spec = read_model(tiny_models / name)
    return spec, Calibration(spec, TEXTS)


def embeddings(spec, calibration, dtype="f32", **kwargs):
    encoder = ReferenceEncoder(spec, dtype)
    return [encoder.pool(encoder.hidden_states(ids, **kwargs)) for ids in calibration.ids]


def assert_close(a_list, b_list, atol=2e-5):
    for a, b in zip(a_list, b_list):
        np.testing.assert_allclose(a, b, atol=atol, rtol=0)


def min_cosine(a_list, b_list):
    return min(cosine(a, b) for a, b in zip(a_list, b_list))
