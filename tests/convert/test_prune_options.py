"""Pruning nothing changes nothing (byte-identical files), and bad option values give clear errors."""

import pytest

from tern_convert.cli import main
from tern_convert.convert import convert
from tern_convert.lightweight import LightweightRequest


@pytest.mark.parametrize("name", ["bert-tiny", "albert-tiny"])
def test_pruning_zero_is_byte_identical(tiny_models, tmp_path, name):
    convert(tiny_models / name, tmp_path / "plain.tern", progress=False)
    request = LightweightRequest(prune_heads="0", prune_ffn="0.0", keep_layers="0-1" if name == "bert-tiny" else "0-3")
    report = convert(tiny_models / name, tmp_path / "zero.tern", progress=False, lightweight=request)
    assert (tmp_path / "plain.tern").read_bytes() == (tmp_path / "zero.tern").read_bytes()
    assert report["lightweight"]["details"] == {}


def test_low_rank_that_saves_nothing_is_byte_identical(tiny_models, tmp_path):
    convert(tiny_models / "bert-tiny", tmp_path / "plain.tern", progress=False)
    report = convert(tiny_models / "bert-tiny", tmp_path / "rank.tern", progress=False,
                     lightweight=LightweightRequest(low_rank="attention=40"))  # 40 * 128 > 64 * 64
    assert (tmp_path / "plain.tern").read_bytes() == (tmp_path / "rank.tern").read_bytes()
    assert "no linear factored" in report["lightweight"]["details"]["low_rank_note"]


BAD = [
    (["--prune-heads", "1.0"], "outside [0, 1)"),
    (["--prune-heads", "-0.1"], "outside [0, 1)"),
    (["--prune-heads", "half"], "'half' is not a number"),
    (["--prune-heads", "0.5,0.5,0.5"], "3 fractions given but the model has 2 weight sets"),
    (["--prune-heads", "0.9"], "removes all 4 heads of weight set 0"),
    (["--prune-ffn", "2"], "outside [0, 1)"),
    (["--keep-layers", "5"], "layer 5 does not exist; the model has 2 layers"),
    (["--keep-layers", "0", "--drop-layers", "1"], "give one or the other"),
    (["--drop-layers", "0,1"], "no layer would be left"),
    (["--drop-layers", "x"], "'x' is not a layer index"),
    (["--low-rank", "0"], "not a positive rank"),
    (["--low-rank", "mlp=4"], "unknown layer kind 'mlp'"),
    (["--low-rank", "auto:2"], "error budget after auto: must be"),
    (["--target-cosine", "1.5"], "expected a cosine in (0, 1]"),
    (["--target-cosine", "0.9", "--prune-heads", "0.5"], "give it without --prune-heads"),
    (["--target-cosine", "0.9", "--search-objective", "speed"], "--search-objective 'speed'"),
    (["--prune-heads", "0.5", "--calibration", "/nonexistent/cal.txt"], "no such file"),
]


@pytest.mark.parametrize("arguments,message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_values_give_clear_errors(tiny_models, tmp_path, capsys, arguments, message):
    output = tmp_path / "bad.tern"
    assert main([str(tiny_models / "bert-tiny"), "-o", str(output), "--quiet"] + arguments) == 1
    error = capsys.readouterr().err
    assert message in error and error.startswith("tern-convert: error: ")
    assert not output.exists()


def test_empty_calibration_file_is_an_error(tiny_models, tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("\n  \n")
    assert main([str(tiny_models / "bert-tiny"), "-o", str(tmp_path / "x.tern"), "--quiet", "--prune-ffn", "0.5",
                 "--calibration", str(tmp_path / "empty.txt")]) == 1
    assert "no text in the file" in capsys.readouterr().err


def test_calibration_file_is_used(tiny_models, tmp_path, capsys):
    (tmp_path / "cal.txt").write_text("first text here\n\nsecond one\n")
    report = tmp_path / "r.json"
    assert main([str(tiny_models / "bert-tiny"), "-o", str(tmp_path / "x.tern"), "--prune-ffn", "0.5",
                 "--calibration", str(tmp_path / "cal.txt"), "--report", str(report)]) == 0
    printed = capsys.readouterr().out
    assert "lightweight: ffn 0.5 (calibration: 2 texts" in printed and "MMAC/token" in printed


def test_low_rank_text_round_trips():
    from tern_convert.lightweight.options import format_low_rank, parse_low_rank
    for text in ("64", "auto:0.3", "attention=16,ffn=32", "ffn=auto:0.2", "query=8,ffn_out=24"):
        assert format_low_rank(parse_low_rank(text)) == text
    assert parse_low_rank("attention=16")["attention_output"] == 16
