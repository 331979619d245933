"""--low-rank: full rank reproduces the model (float tolerance), pairs are written as Linear.input_factor,
only linears whose pair saves work are factored, and auto:ERR meets its error budget."""

import numpy as np

from lightweight_helpers import assert_close, embeddings, load
from tern_convert.convert import convert
from tern_convert.lightweight import LightweightRequest
from tern_convert.lightweight.apply import apply_options
from tern_convert.lightweight.low_rank import apply_low_rank, rank_for_error
from tern_convert.lightweight.options import LAYER_LINEARS, LightweightOptions, parse_low_rank
from tern_convert.quantize import quantize_rows
from tern_convert.reader import read_tern
from tern_convert.reference import _PreparedLinear, prepare_linear
from tern_convert.spec import LinearSpec


def test_full_rank_is_exact_f32(tiny_models):
    for name in ("bert-tiny", "albert-tiny"):
        spec, calibration = load(tiny_models, name)
        sets, records = apply_low_rank(spec, {n: 64 for n in LAYER_LINEARS}, force=True)
        assert all(r["relative_error"] < 1e-6 for r in records)
        full = type(spec)(**{**spec.__dict__, "weight_sets": sets})
        assert all(getattr(ws, n).input_factor.shape == (64, getattr(ws, n).input_factor.shape[1])
                   for ws in sets for n in LAYER_LINEARS)
        assert_close(embeddings(full, calibration), embeddings(spec, calibration), atol=2e-5)


def test_int8_pair_runs_two_quantized_linears():
    """The reference's int8 pair: t = int8 linear(F, outliers of x) in f32, y = int8 linear(W', bias)(t)."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 24)).astype(np.float32)
    x[:, 7] *= 20
    factor, weight, bias = (rng.standard_normal(s).astype(np.float32) for s in ((8, 24), (12, 8), (12,)))
    pair = prepare_linear(LinearSpec(weight, bias, np.array([7], np.uint32), input_factor=factor), "int8")
    first = _PreparedLinear(LinearSpec(factor, None, np.array([7], np.uint32)), "int8")
    second = _PreparedLinear(LinearSpec(weight, bias), "int8")
    np.testing.assert_array_equal(pair(x), second(first(x)))
    f_q, f_s = quantize_rows(factor)
    np.testing.assert_allclose(first(x), x @ (f_q * f_s[:, None]).T, rtol=0.05, atol=0.5)


def test_only_pairs_that_save_work_are_factored(tiny_models):
    spec, calibration = load(tiny_models, "bert-tiny")
    # 40 * (64 + 64) > 64 * 64 for attention; 40 * (128 + 64) < 128 * 64 for the FFN linears
    pruned, details = apply_options(spec, LightweightOptions(low_rank=parse_low_rank("40")), calibration)
    for ws in pruned.weight_sets:
        assert all(getattr(ws, n).input_factor is None for n in ("query", "key", "value", "attention_output"))
        assert ws.ffn_in.input_factor.shape == (40, 64) and ws.ffn_in.weight.shape == (128, 40)
        assert ws.ffn_out.input_factor.shape == (40, 128) and ws.ffn_out.weight.shape == (64, 40)
    kept = [r for r in details["low_rank"] if r.get("kept_full")]
    assert len(kept) == 8 and {r["linear"] for r in kept} == {"query", "key", "value", "attention_output"}


def test_auto_rank_meets_the_error_budget():
    singular = np.linspace(10, 0.1, 200)
    for budget in (0.05, 0.2, 0.5):
        rank = rank_for_error(singular, budget)
        error = np.sqrt(np.sum(singular[rank:] ** 2) / np.sum(singular ** 2))
        assert error <= budget and rank % 16 == 0
        unrounded = rank - 16
        assert np.sqrt(np.sum(singular[unrounded:] ** 2) / np.sum(singular ** 2)) > budget or unrounded <= 0


def test_pair_is_written_as_input_factor(tiny_models, tmp_path):
    report = convert(tiny_models / "albert-tiny", tmp_path / "r.tern", progress=False, dtype="f32",
                     lightweight=LightweightRequest(low_rank="attention=16,ffn=32"))
    tern = read_tern(tmp_path / "r.tern")
    ws = tern.model.WeightSets(0)
    query = ws.Query()
    factor_name = tern.model.Tensors(query.InputFactor()).Name().decode()
    assert factor_name == "layer_set.0.attention.query.input_factor"
    factor, weight = tern.tensor(factor_name), tern.tensor("layer_set.0.attention.query.weight")
    assert factor.shape == (16, 64) and weight.shape == (64, 16)
    assert ws.Key().InputFactor() >= 0 and ws.FfnIn().InputFactor() >= 0
    spec, _ = load(tiny_models, "albert-tiny")
    original = spec.weight_sets[0].query.weight
    u, s, vt = np.linalg.svd(original.astype(np.float64))
    np.testing.assert_allclose(weight @ factor, (u[:, :16] * s[:16]) @ vt[:16], atol=1e-5)
    part = report["lightweight"]
    assert part["converted"]["macs_per_token"] < part["unmodified"]["macs_per_token"]


def test_low_rank_int8_file_with_outlier_channels(tiny_models, tmp_path):
    convert(tiny_models / "bert-tiny", tmp_path / "r8.tern", progress=False,
            lightweight=LightweightRequest(low_rank="ffn=32"))
    tern = read_tern(tmp_path / "r8.tern")
    ffn_in = tern.model.WeightSets(0).FfnIn()
    record = tern.model.Tensors(ffn_in.InputFactor())
    assert record.Dtype() == 2 and record.Layout() == 1 and record.ChannelSumsLength() == 32
    assert record.ShapeAsNumpy().tolist() == [32, 64]
