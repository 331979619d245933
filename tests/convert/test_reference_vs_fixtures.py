"""The NumPy reference encoder (fp32) matches transformers' outputs saved in models/fixtures, and the
converter's Python tokenizers give the fixture ids."""

import numpy as np
import pytest

from conftest import FIXTURES, read_fixture
from tern_convert.convert import read_model
from tern_convert.python_tokenizer import make_tokenizer
from tern_convert.reference import ReferenceEncoder

MODELS = ["all-MiniLM-L6-v2", "albert-tiny", "albert-tiny-groups", "bert-tiny", "bert-tiny-cls",
          "albert-tiny-cls", "bert-tiny-ner"]
SENTENCES = [s for s in (FIXTURES / "sentences.txt").read_text(encoding="utf-8").split("\n") if s]


def cosine(a, b):
    a, b = np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()
    return a @ b / (np.linalg.norm(a) * np.linalg.norm(b))


def model_dir(name, tiny_models, minilm):
    return minilm if name == "all-MiniLM-L6-v2" else tiny_models / name


@pytest.mark.parametrize("name", MODELS)
def test_python_tokenizer_gives_the_fixture_ids(name, tiny_models, minilm):
    spec = read_model(model_dir(name, tiny_models, minilm))
    encode = make_tokenizer(spec.tokenizer)
    assert [encode(s) for s in SENTENCES] == read_fixture(name, "input_ids.txt")


@pytest.mark.parametrize("name", MODELS)
def test_fp32_reference_matches_transformers(name, tiny_models, minilm):
    spec = read_model(model_dir(name, tiny_models, minilm))
    encoder = ReferenceEncoder(spec, "f32")
    ids_list = read_fixture(name, "input_ids.txt")
    embeddings = read_fixture(name, "embeddings.f32")
    for ids, expected in zip(ids_list, embeddings):
        assert cosine(encoder.embed(ids), expected) >= 0.99999
    hidden = read_fixture(name, "last_hidden.f32")
    rows = 0
    for ids in ids_list[: 4]:
        ours = encoder.hidden_states(ids)
        theirs = hidden[rows: rows + len(ids)]
        rows += len(ids)
        assert np.max(np.abs(ours - theirs)) <= 1e-4
        for a, b in zip(ours, theirs):
            assert cosine(a, b) >= 0.99999
    assert rows == hidden.shape[0]
    if spec.heads:
        logits = read_fixture(name, "logits.f32")
        if spec.heads[0].kind == "sequence":
            for ids, expected in zip(ids_list, logits):
                np.testing.assert_allclose(encoder.logits(ids), expected, atol=1e-4)
        else:
            ours = np.concatenate([encoder.logits(ids) for ids in ids_list])
            np.testing.assert_allclose(ours, logits, atol=1e-4)


def test_minilm_corpus_embeddings_match_for_a_sample(minilm):
    spec = read_model(minilm)
    encoder = ReferenceEncoder(spec, "f32")
    ids_list = read_fixture("all-MiniLM-L6-v2", "corpus_input_ids.txt")
    vectors = read_fixture("all-MiniLM-L6-v2", "corpus_embeddings.f32")
    assert len(ids_list) == vectors.shape[0] == 200
    for ids, expected in list(zip(ids_list, vectors))[::20]:
        assert cosine(encoder.embed(ids), expected) >= 0.99999
