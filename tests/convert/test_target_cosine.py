"""--target-cosine: the search writes the cheapest model it found whose calibration min cosine reaches the
target, and prints the trade-off table it explored."""

import pytest

from tern_convert.cli import main
from tern_convert.convert import convert
from tern_convert.errors import ConversionError
from tern_convert.lightweight import LightweightRequest
from tern_convert.lightweight.evaluate import outputs
from tern_convert.lightweight.search import search
from tern_convert.reader import read_tern

from lightweight_helpers import load


SMALL_LADDERS = {"heads": (0.0, 0.25, 0.5), "ffn": (0.0, 0.25, 0.5), "low_rank": (None, 0.5)}


@pytest.fixture
def calibration_file(tmp_path):
    path = tmp_path / "calibration.txt"
    path.write_text("The quick brown fox jumps over the lazy dog.\nWhy is the sky blue?\nThanks!\n")
    return str(path)


def test_search_writes_the_cheapest_feasible_model(tiny_models, tmp_path, calibration_file):
    target = 0.995
    report = convert(tiny_models / "bert-tiny", tmp_path / "t.tern", progress=False,
                     lightweight=LightweightRequest(target_cosine=target, calibration=calibration_file,
                                                    search_ladders=SMALL_LADDERS))
    part = report["lightweight"]
    rows = part["search"]["rows"]
    assert len(rows) >= 4 and rows[0]["options"] == "unmodified"
    feasible = [r for r in rows if r["cosine_min"] >= target]
    winner = [r for r in rows if r["winner"]]
    assert len(winner) == 1 and winner[0] in feasible
    assert winner[0]["macs_128_tokens"] == min(r["macs_128_tokens"] for r in feasible)
    assert winner[0]["macs_128_tokens"] < rows[0]["macs_128_tokens"]
    # what was written is what the table promised
    converted = part["converted"]
    assert converted["cosine_min"] == pytest.approx(winner[0]["cosine_min"], abs=1e-9)
    assert converted["file_bytes"] == (tmp_path / "t.tern").stat().st_size
    assert abs(winner[0]["file_bytes"] - converted["file_bytes"]) <= 64   # estimated to the header's padding
    assert part["options"] == winner[0]["options"]
    assert read_tern(tmp_path / "t.tern").metadata()["lightweight"] == winner[0]["options"]


def test_size_objective_on_a_shared_albert(tiny_models):
    spec, calibration = load(tiny_models, "albert-tiny")
    reference = outputs(spec, "f32", calibration)
    options, rows = search(spec, calibration, reference, 0.99, "int8", 3, objective="size",
                           ladders=SMALL_LADDERS)
    winner = next(r for r in rows if r["winner"])
    assert winner["file_bytes"] == min(r["file_bytes"] for r in rows if r["cosine_min"] >= 0.99)
    assert options.describe() == winner["options"]
    assert len({r["options"] for r in rows}) == len(rows)   # every model tried once


def test_table_is_printed(tiny_models, tmp_path, capsys, calibration_file):
    # a target only the unmodified model meets: one round of the search, then the unmodified model is written
    assert main([str(tiny_models / "bert-tiny"), "-o", str(tmp_path / "p.tern"), "--target-cosine", "0.999995",
                 "--calibration", calibration_file]) == 0
    printed = capsys.readouterr().out
    assert "trade-off table (calibration min cosine >= 0.999995)" in printed
    assert "unmodified" in printed.split("<- written")[0].splitlines()[-1]
    assert "(below target)" in printed


def test_unreachable_target_is_an_error(tiny_models, tmp_path):
    with pytest.raises(ConversionError, match="already has min cosine"):
        convert(tiny_models / "bert-tiny", tmp_path / "u.tern", progress=False,
                lightweight=LightweightRequest(target_cosine=1.0))
    assert not (tmp_path / "u.tern").exists()
