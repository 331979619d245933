"""Every error path gives a clear ConversionError and never leaves a file behind."""

import json
import os
import pickle
import shutil
import zipfile

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from tern_convert import writer
from tern_convert.cli import main
from tern_convert.convert import convert
from tern_convert.errors import ConversionError, UnsafeCheckpointError, UnsupportedModelError


@pytest.fixture
def albert_copy(tiny_models, tmp_path):
    target = tmp_path / "albert"
    shutil.copytree(tiny_models / "albert-tiny", target)
    return target


def edit_config(folder, **changes):
    config = json.loads((folder / "config.json").read_text())
    config.update(changes)
    (folder / "config.json").write_text(json.dumps(config))


def edit_tensors(folder, edit):
    tensors = load_file(str(folder / "model.safetensors"))
    edit(tensors)
    save_file(tensors, str(folder / "model.safetensors"))


def assert_no_output(tmp_path):
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith((".tern", ".partial"))]
    assert not leftovers


def test_missing_model_folder(tmp_path):
    with pytest.raises(ConversionError, match="missing model folder"):
        convert(tmp_path / "nope", tmp_path / "out.tern", progress=False)


def test_missing_config(albert_copy, tmp_path):
    (albert_copy / "config.json").unlink()
    with pytest.raises(ConversionError, match="missing file: .*config.json"):
        convert(albert_copy, tmp_path / "out.tern", progress=False)
    assert_no_output(tmp_path)


def test_missing_weights(albert_copy, tmp_path):
    (albert_copy / "model.safetensors").unlink()
    with pytest.raises(ConversionError, match="no weights found"):
        convert(albert_copy, tmp_path / "out.tern", progress=False)


def test_missing_tokenizer(albert_copy, tmp_path):
    (albert_copy / "spiece.model").unlink()
    with pytest.raises(ConversionError, match="spiece.model"):
        convert(albert_copy, tmp_path / "out.tern", progress=False)


@pytest.mark.parametrize("changes,message", [
    ({"architectures": ["GPT2LMHeadModel"]}, "architecture 'GPT2LMHeadModel' is not supported"),
    ({"architectures": ["AlbertForMaskedLM"]}, "not supported"),
    ({"hidden_act": "swish"}, "hidden_act 'swish'"),
    ({"position_embedding_type": "relative_key"}, "position_embedding_type"),
    ({"architectures": ["BertModel"]}, "model_type 'albert'"),
])
def test_unsupported_models(albert_copy, tmp_path, changes, message):
    edit_config(albert_copy, **changes)
    with pytest.raises(UnsupportedModelError, match=message):
        convert(albert_copy, tmp_path / "out.tern", progress=False)


def test_config_that_does_not_match_the_weights(albert_copy, tmp_path):
    edit_config(albert_copy, hidden_size=96)
    with pytest.raises(ConversionError, match="has shape .* config implies"):
        convert(albert_copy, tmp_path / "out.tern", progress=False)


def test_bad_tensor_shape(albert_copy, tmp_path):
    def truncate(tensors):
        tensors["encoder.albert_layer_groups.0.albert_layers.0.ffn.weight"] = np.zeros((128, 60), np.float32)
    edit_tensors(albert_copy, truncate)
    with pytest.raises(ConversionError, match=r"ffn.weight' has shape \[128, 60\], config implies \[128, 64\]"):
        convert(albert_copy, tmp_path / "out.tern", progress=False)


def test_missing_tensor(albert_copy, tmp_path):
    edit_tensors(albert_copy, lambda t: t.pop("encoder.embedding_hidden_mapping_in.bias"))
    with pytest.raises(ConversionError, match="lacks tensor 'encoder.embedding_hidden_mapping_in.bias'"):
        convert(albert_copy, tmp_path / "out.tern", progress=False)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_weights_are_refused(albert_copy, tmp_path, bad):
    def poison(tensors):
        tensors["encoder.albert_layer_groups.0.albert_layers.0.attention.value.weight"][3, 5] = bad
    edit_tensors(albert_copy, poison)
    with pytest.raises(ConversionError, match="attention.value.weight' holds 1 NaN/Inf"):
        convert(albert_copy, tmp_path / "out.tern", progress=False)
    assert_no_output(tmp_path)


def test_heads_not_dividing_hidden(albert_copy, tmp_path):
    edit_config(albert_copy, num_attention_heads=5)
    with pytest.raises(ConversionError, match="not a multiple of num_attention_heads"):
        convert(albert_copy, tmp_path / "out.tern", progress=False)


def test_max_length_beyond_positions(albert_copy, tmp_path):
    with pytest.raises(ConversionError, match="--max-length 1000"):
        convert(albert_copy, tmp_path / "out.tern", max_length=1000, progress=False)


def malicious_zip(path, marker):
    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"weight": Exploit()}, protocol=2))


def test_malicious_pickle_is_refused_without_running_code(albert_copy, tmp_path):
    (albert_copy / "model.safetensors").unlink()
    marker = tmp_path / "pwned"
    malicious_zip(albert_copy / "pytorch_model.bin", marker)
    with pytest.raises(UnsafeCheckpointError, match=r"asks for (posix|os)\.system"):
        convert(albert_copy, tmp_path / "out.tern", progress=False)
    assert not marker.exists()
    assert_no_output(tmp_path)


def test_legacy_non_zip_pickle_is_refused(albert_copy, tmp_path):
    (albert_copy / "model.safetensors").unlink()
    (albert_copy / "pytorch_model.bin").write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(ConversionError, match="not a zip-format torch checkpoint"):
        convert(albert_copy, tmp_path / "out.tern", progress=False)


def test_failure_while_writing_leaves_no_file_and_keeps_the_old_one(albert_copy, tmp_path, monkeypatch):
    output = tmp_path / "out.tern"
    output.write_bytes(b"previous model")

    def fail(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(writer.os, "fsync", fail)
    with pytest.raises(OSError, match="disk full"):
        convert(albert_copy, output, progress=False)
    assert output.read_bytes() == b"previous model"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_cli_reports_errors_with_exit_status_1(tmp_path, capsys):
    assert main([str(tmp_path / "missing"), "-o", str(tmp_path / "x.tern"), "--quiet"]) == 1
    assert "tern-convert: error: missing model folder" in capsys.readouterr().err
