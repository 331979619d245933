"""Cross-layer sharing (a weight set is stored once) and the outer file layout of tern.fbs."""

import json
import shutil

import numpy as np
import pytest

from tern_convert.convert import convert
from tern_convert.reader import read_tern


def albert_with_layers(tiny_models, tmp_path, layers):
    folder = tmp_path / f"albert-{layers}"
    shutil.copytree(tiny_models / "albert-tiny", folder)
    config = json.loads((folder / "config.json").read_text())
    config["num_hidden_layers"] = layers
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def test_twelve_shared_layers_cost_only_a_few_bytes_more_than_one(tiny_models, tmp_path):
    one = convert(albert_with_layers(tiny_models, tmp_path, 1), tmp_path / "1.tern", progress=False)
    twelve = convert(albert_with_layers(tiny_models, tmp_path, 12), tmp_path / "12.tern", progress=False)
    assert twelve["num_weight_sets"] == one["num_weight_sets"] == 1
    assert 0 <= twelve["file_bytes"] - one["file_bytes"] <= 4096
    model = read_tern(tmp_path / "12.tern").model
    assert model.ScheduleAsNumpy().tolist() == [0] * 12
    assert model.Hyper().NumLayers() == 12 and model.Hyper().ConfigNumHiddenLayers() == 12


def test_groups_schedule_follows_albert(tiny_models, tmp_path):
    convert(tiny_models / "albert-tiny-groups", tmp_path / "g.tern", progress=False)
    model = read_tern(tmp_path / "g.tern").model
    # 4 layers, 2 groups (layers 0-1 -> group 0, 2-3 -> group 1), each group runs its 2 inner layers.
    assert model.ScheduleAsNumpy().tolist() == [0, 1, 0, 1, 2, 3, 2, 3]
    assert model.WeightSetsLength() == 4
    hyper = model.Hyper()
    assert (hyper.NumHiddenGroups(), hyper.InnerGroupNum(), hyper.NumLayers()) == (2, 2, 8)


@pytest.mark.parametrize("name", ["albert-tiny", "bert-tiny-cls"])
def test_file_layout_matches_the_schema_header(tiny_models, tmp_path, name):
    convert(tiny_models / name, tmp_path / "m.tern", progress=False)
    data = (tmp_path / "m.tern").read_bytes()
    size = int.from_bytes(data[:4], "little")
    assert data[8:12] == b"TERN"
    tern = read_tern(tmp_path / "m.tern")
    model = tern.model
    assert model.FormatVersion() == 1
    assert tern.weights_offset % 64 == 0 and tern.weights_offset >= 4 + size
    assert len(data) == tern.weights_offset + tern.weights_length
    for i in range(model.TensorsLength()):
        record = model.Tensors(i)
        assert record.Offset() % 64 == 0
        assert record.Offset() + record.Length() <= tern.weights_length
    metadata = tern.metadata()
    assert metadata["converter"] == "tern-convert" and metadata["dtype"] == "int8"
    self_test = model.SelfTest()
    assert self_test.TextsLength() == 4
    assert self_test.ExpectedLength() == 4 * self_test.Dim()


def test_heads_carry_labels(tiny_models, tmp_path):
    convert(tiny_models / "bert-tiny-cls", tmp_path / "c.tern", progress=False)
    head = read_tern(tmp_path / "c.tern").model.Heads(0)
    assert head.Kind() == 0
    assert [head.Labels(i).decode() for i in range(head.LabelsLength())] == ["negative", "neutral", "positive"]
    assert head.Pooler().Weight() >= 0 and head.Classifier().Weight() >= 0
    convert(tiny_models / "bert-tiny-ner", tmp_path / "n.tern", progress=False)
    head = read_tern(tmp_path / "n.tern").model.Heads(0)
    assert head.Kind() == 1 and head.LabelsLength() == 5
    assert head.Pooler() is None


def test_minilm_pooling_and_tokenizer_come_from_its_files(minilm, tmp_path):
    convert(minilm, tmp_path / "m.tern", dtype="f16", progress=False)
    model = read_tern(tmp_path / "m.tern").model
    assert model.Pooling().Mode() == 0 and model.Pooling().Normalize()
    tokenizer = model.Tokenizer()
    assert tokenizer.Lowercase() and tokenizer.StripAccents()  # strip_accents null -> follows lowercase
    assert (tokenizer.UnkId(), tokenizer.ClsId(), tokenizer.SepId(), tokenizer.PadId(), tokenizer.MaskId()) == \
        (100, 101, 102, 0, 103)
    assert tokenizer.MaxLength() == 512 and tokenizer.PiecesLength() == 30522
    assert read_tern(tmp_path / "m.tern").metadata()["license"] == "apache-2.0"


def test_albert_keeps_factorized_embeddings(tiny_models, tmp_path):
    convert(tiny_models / "albert-tiny", tmp_path / "a.tern", progress=False)
    tern = read_tern(tmp_path / "a.tern")
    assert tern.tensor("embeddings.word").shape == (3000, 32)
    assert tern.tensor("embeddings.projection.weight").shape == (64, 32)
    tokenizer = tern.model.Tokenizer()
    assert tokenizer.Kind() == 1 and tokenizer.PrecompiledCharsmapLength() > 0
    assert (tokenizer.UnkId(), tokenizer.ClsId(), tokenizer.SepId(), tokenizer.PadId(), tokenizer.MaskId()) == \
        (1, 2, 3, 0, 4)
    assert tokenizer.MaxLength() == 128
