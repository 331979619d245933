"""tools/bench: the plot and the Markdown table from a recorded comparison, the export hint when ONNX
files are missing, and the full comparison on albert-tiny when ONNX Runtime and the exported files exist."""
import json
import shutil
import struct
import sys

import pytest

from cli_helpers import BENCH_TOOLS, DATA, python_tool, run

sys.path.insert(0, str(BENCH_TOOLS))
RECORDED = DATA / "albert-tiny-compare.json"


def png_size(path):
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and header[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_plot_of_a_recorded_comparison_has_the_expected_size(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib not installed in this venv (tools/convert/requirements.txt)")
    import plot_compare

    png = tmp_path / "plot.png"
    completed = run(python_tool("plot_compare.py") + [RECORDED, png])
    assert completed.returncode == 0, completed.stderr
    assert png_size(png) == plot_compare.PIXEL_SIZE == (1500, 450)
    assert png.stat().st_size > 20_000  # three panels with lines, bars and labels, not a blank canvas


def test_plot_script_rejects_wrong_arguments():
    completed = run(python_tool("plot_compare.py") + [RECORDED])
    assert completed.returncode == 2 and "usage" in completed.stderr


def test_markdown_table_has_one_row_per_configuration_with_ratios():
    import compare_ort

    comparison = json.loads(RECORDED.read_text())
    table = compare_ort.markdown(comparison)
    rows = [line for line in table.splitlines() if line.startswith("| ") and line[2:3].isdigit()]
    assert len(rows) == len(comparison["rows"]) == 8
    first = comparison["rows"][0]
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert cells[:3] == [str(first["seq_len"]), str(first["batch"]), str(first["tokens"])]
    assert float(cells[6]) == pytest.approx(first["tern"]["p50_ms"] / first["ort_fp32"]["p50_ms"], abs=0.01)
    assert "AMD EPYC" in table and "file size (MB)" in table and "peak RSS" in table


def test_onnx_paths_follow_the_tern_name():
    from export_onnx import onnx_paths_for

    fp32, int8 = onnx_paths_for("/m/minilm-int8.tern")
    assert (str(fp32), str(int8)) == ("/m/minilm.fp32.onnx", "/m/minilm.int8.onnx")
    fp32, int8 = onnx_paths_for(None, "/x/mine.onnx")
    assert (str(fp32), str(int8)) == ("/x/mine.onnx", "/x/mine.int8.onnx")


def test_compare_without_onnx_files_explains_how_to_export(tern_bench, albert_tiny, tmp_path):
    model = tmp_path / "albert-tiny-int8.tern"
    shutil.copy(albert_tiny, model)
    completed = run(python_tool("compare_ort.py") + [model, "--tern-bench", tern_bench, "--out-dir", tmp_path])
    assert completed.returncode == 2
    assert "export_onnx.py" in completed.stderr and "--onnx PATH" in completed.stderr


def test_compare_on_albert_tiny_writes_json_table_and_plot(tern_bench, albert_tiny, tmp_path):
    pytest.importorskip("onnxruntime", reason="onnxruntime not installed in this venv")
    pytest.importorskip("matplotlib", reason="matplotlib not installed in this venv")
    from export_onnx import onnx_paths_for

    fp32, int8 = onnx_paths_for(albert_tiny)
    if not fp32.exists() or not int8.exists():
        pytest.skip(f"{fp32} / {int8} not exported (needs torch: HF_HUB_OFFLINE=1 /work/fixvenv/bin/python "
                    f"tools/bench/export_onnx.py {albert_tiny.parent}/checkpoints/albert-tiny --tern {albert_tiny})")
    completed = run(python_tool("compare_ort.py") + [
        albert_tiny, "--tern-bench", tern_bench, "--out-dir", tmp_path, "--name", "cmp", "--seq-len", "8,16,1000",
        "--batch", "1,3", "--runs", "2", "--warmup", "0", "--rounds", "2"])
    assert completed.returncode == 0, completed.stderr
    assert "dropped sequence lengths" in completed.stderr  # 1000 > albert-tiny's 128 positions
    comparison = json.loads((tmp_path / "cmp.json").read_text())
    assert [(r["seq_len"], r["batch"]) for r in comparison["rows"]] == [(8, 1), (16, 1), (8, 3), (16, 3)]
    for row in comparison["rows"]:
        for peer in ("ort_fp32", "ort_int8"):
            assert row["ratio_" + peer] == pytest.approx(row["tern"]["p50_ms"] / row[peer]["p50_ms"])
    # Two rounds per batch size, every runtime, fed the same ids: identical lengths everywhere.
    raw = comparison["raw"]
    assert all(len(raw[r]) == 4 for r in ("tern", "ort_fp32", "ort_int8"))
    lengths = {tuple(tuple(res["lengths"]) for res in run_["results"]) for r in raw.values() for run_ in r}
    assert len(lengths) == 2  # one set for batch 1, one for batch 3 (mixed)
    for runtime in comparison["runtimes"].values():
        assert runtime["peak_rss_minus_baseline_kib"] > 0 and runtime["file_bytes"] > 0
    assert png_size(tmp_path / "cmp.png") == (1500, 450)
    assert "| 16 | 3 |" in (tmp_path / "cmp.md").read_text()


def test_markdown_table_with_the_7bit_tern_runtime_has_its_own_ratio_columns():
    import compare_ort

    comparison = json.loads(RECORDED.read_text())
    runtimes = comparison["runtimes"]
    comparison["runtimes"] = {"tern": runtimes["tern"], "tern_a7": dict(runtimes["tern"]),
                              "ort_fp32": runtimes["ort_fp32"], "ort_int8": runtimes["ort_int8"]}
    for row in comparison["rows"]:
        row["tern_a7"] = {key: value * 0.5 for key, value in row["tern"].items()}
        for peer in ("ort_fp32", "ort_int8"):
            row["ratio_tern_a7_" + peer] = row["tern_a7"]["p50_ms"] / row[peer]["p50_ms"]
    table = compare_ort.markdown(comparison)
    header = next(line for line in table.splitlines() if line.startswith("| seq len"))
    assert [c.strip() for c in header.strip("|").split("|")][3:] == [
        "tern p50 ms", "tern a7 p50 ms", "ORT fp32 p50 ms", "ORT int8 p50 ms",
        "tern/fp32", "tern/int8", "tern a7/fp32", "tern a7/int8"]
    first = comparison["rows"][0]
    cells = [c.strip() for c in next(line for line in table.splitlines()
                                     if line.startswith("| ") and line[2:3].isdigit()).strip("|").split("|")]
    assert float(cells[4]) == pytest.approx(first["tern_a7"]["p50_ms"], abs=0.01)
    assert float(cells[10]) == pytest.approx(first["ratio_tern_a7_ort_int8"], abs=0.01)
    assert "--activation-bits 7" in table


def test_accuracy_metrics_are_one_for_the_reference_and_drop_with_noise():
    import numpy as np
    from accuracy_ort import metrics

    rng = np.random.default_rng(7)
    reference = rng.standard_normal((40, 16)).astype(np.float32)
    same = metrics(reference * 3.0, reference)  # scale does not matter: cosine
    assert same["min_cosine"] == pytest.approx(1.0) and same["top10_overlap"] == 1.0
    noisy = metrics(reference + 0.5 * rng.standard_normal(reference.shape).astype(np.float32), reference)
    assert noisy["min_cosine"] < 0.99 and noisy["top10_overlap"] < 1.0


def test_accuracy_of_minilm_through_tern_run_matches_the_e2e_threshold(build_dir, minilm, tmp_path):
    tern_run = build_dir / "bin" / "tern-run"
    if not tern_run.exists():
        pytest.skip(f"{tern_run} not built")
    out = tmp_path / "accuracy.json"
    completed = run(python_tool("accuracy_ort.py") + [minilm, "--tern-run", tern_run, "--json", out,
                                                      "--onnx", tmp_path / "absent.onnx"])
    assert completed.returncode == 0, completed.stderr
    assert "not found" in completed.stderr  # no ONNX files here: ORT rows are left out, said so
    result = json.loads(out.read_text())["results"]["tern default"]
    # The text path (tern's own tokenizer on corpus.txt) must give what tests/e2e gives on the fixture ids.
    assert result["min_cosine"] >= 0.998 and result["top10_overlap"] >= 0.95
