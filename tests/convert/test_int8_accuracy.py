"""int8-simulated NumPy reference vs transformers' fp32 fixtures for all-MiniLM-L6-v2: asymmetric per-row int8
activations alone, and with activation outlier channels in f32 (--outlier-channels, calibrate.py); and the
activation quantizer against the runtime's contract (runtime/kernels/kernels.h, quantize_qd8)."""

import copy

import numpy as np

from conftest import FIXTURES, read_fixture
from tern_convert.calibrate import mark_outlier_channels
from tern_convert.convert import read_model
from tern_convert.quantize import quantize_rows_asymmetric
from tern_convert.samples import CALIBRATION_SENTENCES
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
    assert plain.min() > 0.99 and plain.mean() > 0.998  # asymmetric per-row int8 alone: short texts suffer
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


def test_calibration_text_is_not_the_fixture_text():
    fixtures = (FIXTURES / "sentences.txt").read_text(encoding="utf-8").splitlines()
    corpus = (FIXTURES / "corpus.txt").read_text(encoding="utf-8").splitlines()
    assert not set(CALIBRATION_SENTENCES) & (set(fixtures) | set(corpus))


def test_asymmetric_activation_quantizer_follows_the_runtime_contract():
    # The same hand-made rows as tests/kernels/test_qd8_matches_dense_reference.c.
    q, scale, zp = quantize_rows_asymmetric(np.array([[-1.0, 0.0, 3.0, 1.0, 2.0]], np.float32))
    assert scale[0] == np.float32(4.0) / np.float32(255.0) and zp[0] == -64
    assert list(q[0, :3]) == [-128, -64, 127]
    q, scale, zp = quantize_rows_asymmetric(np.array([[0.5, 1.0, 2.0], [0.0, 0.0, 0.0]], np.float32))
    assert zp[0] == -128 and q[0, 2] == 127
    assert scale[1] == 0 and zp[1] == 0 and not q[1].any()
    row = np.random.default_rng(1).uniform(-0.3, 5.0, size=(1, 37)).astype(np.float32)
    q, scale, zp = quantize_rows_asymmetric(row)
    assert np.all(np.abs((q - zp[:, None]) * scale[:, None] - row) <= 0.5001 * scale[:, None])
