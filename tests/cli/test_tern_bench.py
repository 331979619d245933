"""tern-bench: the JSON schema of its output, its inputs (exact lengths, mixed batches, text mode, saved ids)
and its behaviour on bad files. CLI exit codes for bad flags are CTest tests (tests/cli/CMakeLists.txt)."""
import json
import math
import os

import pytest

from cli_helpers import run

NUMBER = (int, float)
SUMMARY = {"mean": NUMBER, "min": NUMBER, "p50": NUMBER, "p90": NUMBER, "p99": NUMBER, "max": NUMBER}
# The documented schema "tern-bench/1" (docs/BENCHMARKS.md): key -> type, or a nested dict.
SCHEMA = {
    "schema": str,
    "tern_version": str,
    "model": {"path": str, "file_bytes": int, "kind": str, "vocab_size": int, "hidden_size": int,
              "num_layers": int, "num_weight_sets": int, "max_position": int, "has_tokenizer": bool},
    "system": {"cpu": str, "logical_cpus": int, "kernel_set": str, "threads": int},
    "settings": {"mode": str, "warmup": int, "runs": int, "max_seconds": (type(None), int, float), "batch": int,
                 "mixed": bool, "seed": int, "depth": int, "activation_bits": int},
    "load": {"cold_ms": NUMBER, "cold_page_cache_evicted": bool, "warm_ms": NUMBER, "session_create_ms": NUMBER,
             "time_to_first_result_ms": NUMBER, "arena_bytes": int},
    "memory": {"baseline_rss_kib": int, "peak_rss_kib": int, "peak_rss_minus_baseline_kib": int},
    "results": list,
    "profile": (type(None), dict),
}
RESULT = {"seq_len": int, "batch": int, "lengths": list, "tokens": int, "runs": int, "latency_ms": SUMMARY,
          "tokenizer_ms": (type(None), dict), "tokens_per_second": NUMBER, "texts_per_second": NUMBER}


def check_schema(document, schema, where="$"):
    assert isinstance(document, dict), f"{where} is not an object"
    assert set(document) == set(schema), f"{where}: keys {sorted(document)} != {sorted(schema)}"
    for key, expected in schema.items():
        value = document[key]
        if isinstance(expected, dict):
            check_schema(value, expected, f"{where}.{key}")
        else:
            types = expected if isinstance(expected, tuple) else (expected,)
            # JSON has no int/bool distinction problem for us except bool being an int in Python.
            assert isinstance(value, types) and not (isinstance(value, bool) and bool not in types), \
                f"{where}.{key} = {value!r} is not {expected}"


def bench_json(tern_bench, model, *args):
    completed = run([tern_bench, model, "--json", "--quiet", "--warmup", "1", *args])
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_json_output_follows_the_documented_schema(tern_bench, albert_tiny):
    report = bench_json(tern_bench, albert_tiny, "--seq-len", "8,16", "--runs", "3", "--profile")
    check_schema(report, SCHEMA)
    assert report["schema"] == "tern-bench/1"
    assert len(report["results"]) == 2
    for result in report["results"]:
        check_schema(result, RESULT, "$.results[]")
        latency = result["latency_ms"]
        assert 0 < latency["min"] <= latency["p50"] <= latency["p90"] <= latency["p99"] <= latency["max"]
        assert result["tokenizer_ms"] is None  # ids mode: no tokenizer in the timed loop
        assert result["runs"] == 3
        assert math.isclose(result["tokens_per_second"], result["tokens"] / (latency["p50"] * 1e-3), rel_tol=1e-3)
    assert report["model"]["kind"] == "albert" and report["model"]["max_position"] == 128
    assert report["system"]["kernel_set"] and report["system"]["cpu"]
    assert report["memory"]["peak_rss_kib"] >= report["memory"]["baseline_rss_kib"] > 0
    assert report["load"]["time_to_first_result_ms"] >= report["load"]["cold_ms"] > 0
    assert report["profile"]["available"] in (True, False)


def test_id_inputs_have_exactly_the_requested_lengths(tern_bench, albert_tiny):
    report = bench_json(tern_bench, albert_tiny, "--seq-len", "5,16,128", "--runs", "1", "--batch", "3")
    for result, seq_len in zip(report["results"], (5, 16, 128)):
        assert result["lengths"] == [seq_len] * 3
        assert result["tokens"] == 3 * seq_len


def test_mixed_batch_spreads_lengths_up_to_the_sequence_length(tern_bench, albert_tiny):
    report = bench_json(tern_bench, albert_tiny, "--seq-len", "64", "--runs", "1", "--batch", "8", "--mixed")
    result = report["results"][0]
    assert result["lengths"] == [8, 16, 24, 32, 40, 48, 56, 64]
    assert result["tokens"] == sum(result["lengths"]) and result["batch"] == 8


def test_saved_inputs_are_deterministic_and_framed_by_special_tokens(tern_bench, albert_tiny, tmp_path):
    def saved(seed):
        path = tmp_path / f"inputs-{seed}.json"
        bench_json(tern_bench, albert_tiny, "--seq-len", "12", "--runs", "1", "--batch", "2", "--seed", str(seed),
                   "--save-inputs", path)
        return json.loads(path.read_text())

    first, again, other = saved(7), saved(7), saved(8)
    assert first == again and first != other
    ids = first["configs"][0]["ids"]
    assert [len(text) for text in ids] == [12, 12]
    # albert-tiny's SentencePiece vocabulary: [CLS] = 2, [SEP] = 3 (models/sentencepiece/README).
    for text in ids:
        assert text[0] == 2 and text[-1] == 3
        assert all(0 < i < 3000 and i not in (2, 3) for i in text[1:-1])


def test_text_mode_times_the_tokenizer_apart(tern_bench, minilm):
    report = bench_json(tern_bench, minilm, "--text", "--seq-len", "16,32", "--runs", "2")
    assert report["settings"]["mode"] == "text"
    for result in report["results"]:
        assert 0 < result["lengths"][0] <= result["seq_len"]
        assert result["lengths"][0] >= result["seq_len"] - 4  # words are added while they fit
        tokenizer = result["tokenizer_ms"]
        assert tokenizer is not None and 0 < tokenizer["p50"] < result["latency_ms"]["p50"]


def test_text_file_sentences_are_used(tern_bench, minilm, tmp_path):
    sentences = tmp_path / "sentences.txt"
    sentences.write_text("hello world\n\nhello world\n")
    path = tmp_path / "inputs.json"
    bench_json(tern_bench, minilm, "--text-file", sentences, "--seq-len", "6", "--runs", "1", "--save-inputs", path)
    # [CLS] hello world hello world [SEP] in the bert-base-uncased vocabulary.
    assert json.loads(path.read_text())["configs"][0]["ids"] == [[101, 7592, 2088, 7592, 2088, 102]]


def test_max_seconds_bounds_the_number_of_runs(tern_bench, albert_tiny):
    report = bench_json(tern_bench, albert_tiny, "--seq-len", "16", "--max-seconds", "0.3")
    runs = report["results"][0]["runs"]
    assert runs >= 1 and report["settings"]["max_seconds"] == pytest.approx(0.3)
    capped = bench_json(tern_bench, albert_tiny, "--seq-len", "16", "--max-seconds", "30", "--runs", "4")
    assert capped["results"][0]["runs"] == 4


def test_human_table_names_cpu_kernels_and_columns(tern_bench, albert_tiny):
    completed = run([tern_bench, albert_tiny, "--seq-len", "8", "--runs", "2", "--quiet", "--profile", "--isa",
                     "scalar"])
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    for expected in ("cpu: ", "kernels: scalar", "load: cold", "peak RSS", "p50 ms", "p99 ms", "tokens/s",
                     "profile"):
        assert expected in out, f"{expected!r} missing from:\n{out}"


def test_truncated_model_fails_with_one_line_naming_the_file(tern_bench, albert_tiny, tmp_path):
    truncated = tmp_path / "truncated.tern"
    truncated.write_bytes(albert_tiny.read_bytes()[:4096])
    completed = run([tern_bench, truncated])
    assert completed.returncode == 1 and completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"tern-bench: {truncated}:"), completed.stderr


def test_threads_beyond_what_the_library_supports_fail_cleanly(tern_bench, albert_tiny):
    completed = run([tern_bench, albert_tiny, "--threads", "64", "--seq-len", "8", "--runs", "1"])
    # Either the library runs 64 threads or it refuses with a message; never a crash.
    assert completed.returncode in (0, 1), completed.stderr
    if completed.returncode == 1:
        assert "thread" in completed.stderr


def test_profile_splits_the_forward_pass_by_op_and_layer(tern_bench, albert_tiny):
    report = bench_json(tern_bench, albert_tiny, "--seq-len", "8,16", "--batch", "2", "--runs", "3", "--profile")
    profile = report["profile"]
    if not profile["available"]:
        # A build without the encoder hooks says so instead of printing zeros.
        assert profile == {"available": False, "reason": "not available in this build"}
        pytest.skip("profiling hooks not in this build")
    assert set(profile) == {"available", "configs"} and len(profile["configs"]) == 2
    names = ["embedding", "qkv", "attention", "attention_output", "ffn_in", "ffn_out", "residual_norm",
             "pooling_heads"]
    layers = report["model"]["num_layers"]
    for config, result, seq_len in zip(profile["configs"], report["results"], (8, 16)):
        assert (config["seq_len"], config["batch"], config["forward_passes"]) == (seq_len, 2, 3)
        ops = {op["name"]: op for op in config["ops"]}
        assert list(ops) == names
        # One embedding and one pooling call per pass, the per-layer ops once per layer (residual: twice).
        assert ops["embedding"]["calls_per_pass"] == 1 and ops["pooling_heads"]["calls_per_pass"] == 1
        for name in ("qkv", "attention", "attention_output", "ffn_in", "ffn_out"):
            assert ops[name]["calls_per_pass"] == layers
        assert ops["residual_norm"]["calls_per_pass"] == 2 * layers
        # The ops tile the pass: their shares sum to 1 up to the clock reads between them.
        assert 0.9 < sum(op["share"] for op in config["ops"]) <= 1.0 + 1e-6
        assert len(config["layer_ms_per_pass"]) == layers
        assert sum(config["layer_ms_per_pass"]) <= config["forward_ms_per_pass"] * (1 + 1e-6)
        # The profiled pass is the timed call minus the API's checks and copies.
        assert config["forward_ms_per_pass"] <= result["latency_ms"]["max"] * 1.05


def test_isa_flag_selects_the_reported_kernel_set(tern_bench, albert_tiny):
    report = bench_json(tern_bench, albert_tiny, "--seq-len", "8", "--runs", "1", "--isa", "scalar")
    assert report["system"]["kernel_set"] == "scalar"


def test_activation_bits_flag_is_recorded_and_checked(tern_bench, albert_tiny):
    default = bench_json(tern_bench, albert_tiny, "--seq-len", "8", "--runs", "1")
    assert default["settings"]["activation_bits"] == int(os.environ.get("TERN_ACTIVATION_BITS") or 8)
    seven = bench_json(tern_bench, albert_tiny, "--seq-len", "8", "--runs", "1", "--activation-bits", "7")
    assert seven["settings"]["activation_bits"] == 7
    completed = run([tern_bench, albert_tiny, "--activation-bits", "9"])
    assert completed.returncode == 2 and "--activation-bits" in completed.stderr, completed.stderr
