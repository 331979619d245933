"""int8-simulated NumPy reference vs transformers' fp32 fixtures for all-MiniLM-L6-v2: plain per-row int8
activations, and with outlier channels in f32 (--outlier-channels, calibrate.py)."""

import copy

import numpy as np

from conftest import read_fixture
from tern_convert.calibrate import mark_outlier_channels
from tern_convert.convert import read_model
from tern_convert.reference import ReferenceEncoder


def cosines(encoder):
    ids_list = read_fixture("all-MiniLM-L6-v2", "input_ids.txt")
    expected = read_fixture("all-MiniLM-L6-v2", "embeddings.f32")
    out = []
    for ids, want in zip(ids_list, expected):
        got = encoder.embed(ids).astype(np.float64)
        out.append(got @ want / (np.linalg.norm(got) * np.linalg.norm(want)))
    return np.array(out)


def test_minilm_int8_with_outlier_channels_reaches_0_998_on_every_fixture(minilm):
    spec = read_model(minilm)
    plain = cosines(ReferenceEncoder(spec, "int8"))
    assert plain.min() > 0.985 and plain.mean() > 0.995  # per-row int8 alone: short texts suffer
    with_outliers = copy.deepcopy(spec)
    assert mark_outlier_channels(with_outliers, 3) > 0
    improved = cosines(ReferenceEncoder(with_outliers, "int8"))
    assert improved.min() >= 0.998
    assert improved.mean() > plain.mean()


def test_outlier_decomposition_stays_close_to_fp32_on_a_tiny_model(tiny_models):
    spec = read_model(tiny_models / "bert-tiny")
    mark_outlier_channels(spec, 3)  # random weights: few or no outliers; the int8 path must stay right
    ids = [2, 10, 20, 30, 3]
    a, b = ReferenceEncoder(spec, "int8").embed(ids), ReferenceEncoder(spec, "f32").embed(ids)
    assert a @ b / (np.linalg.norm(a) * np.linalg.norm(b)) > 0.999
