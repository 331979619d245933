"""The console script end to end, and the committed albert-tiny checkpoint is what the recipe makes."""

import json
import pathlib

from conftest import REPO
from tern_convert.cli import main
from tern_convert.reader import read_tern


def test_cli_writes_model_and_report(tiny_models, tmp_path, capsys):
    output, report = tmp_path / "a.tern", tmp_path / "a.json"
    assert main([str(tiny_models / "albert-tiny-cls"), "-o", str(output), "--report", str(report),
                 "--max-length", "64"]) == 0
    printed = capsys.readouterr().out
    assert "bytes by part" in printed and "int8_vs_fp32_cosine_min" in printed
    data = json.loads(report.read_text())
    assert data["file_bytes"] == output.stat().st_size
    assert set(data["bytes_by_part"]) == {"embeddings", "layers", "heads"}
    assert data["accuracy"]["argmax_agreement"] == 1.0
    assert all({"name", "shape", "dtype", "bytes", "relative_error"} <= set(t) for t in data["tensors"])
    assert read_tern(output).model.Tokenizer().MaxLength() == 64


def test_committed_albert_tiny_is_reproduced_by_the_recipe(tiny_models):
    committed = REPO / "models" / "albert-tiny"
    for name in ("config.json", "model.safetensors", "spiece.model", "tokenizer_config.json"):
        assert (committed / name).read_bytes() == (tiny_models / "albert-tiny" / name).read_bytes(), name
