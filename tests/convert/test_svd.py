"""--factorize-embeddings: truncated SVD of the word table."""

import numpy as np

from tern_convert.convert import convert
from tern_convert.reader import read_tern
from tern_convert.svd import factorize


def test_error_decreases_with_rank_and_full_rank_is_exact():
    rng = np.random.default_rng(7)
    table = (rng.standard_normal((300, 40)) @ np.diag(np.linspace(2, 0.1, 40))).astype(np.float32)
    errors = [factorize(table, rank)[2] for rank in (1, 5, 10, 20, 30, 39)]
    assert all(a > b for a, b in zip(errors, errors[1:]))
    word, factor, error = factorize(table, 40)
    assert word.shape == (300, 40) and factor.shape == (40, 40)
    assert error < 1e-6
    np.testing.assert_allclose(word @ factor.T, table, atol=1e-5)


def test_factorized_conversion_stores_word_and_factor(tiny_models, tmp_path):
    report = convert(tiny_models / "bert-tiny", tmp_path / "f.tern", dtype="f32", factorize_rank=16, progress=False)
    tern = read_tern(tmp_path / "f.tern")
    word, factor = tern.tensor("embeddings.word"), tern.tensor("embeddings.word_factor.weight")
    assert word.shape[1] == 16 and factor.shape == (64, 16)
    assert tern.model.Embeddings().WordFactor().Bias() == -1
    assert 0 < report["svd_relative_error"] < 1
    assert "f32_svd16_vs_fp32_cosine_min" in report["accuracy"]
    full = convert(tiny_models / "bert-tiny", tmp_path / "full.tern", dtype="f32", factorize_rank=64,
                   progress=False)
    assert full["svd_relative_error"] < 1e-5
    assert full["accuracy"]["f32_svd64_vs_fp32_cosine_min"] > 0.99999
