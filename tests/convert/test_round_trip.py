"""Every tensor read back from the .tern equals the checkpoint's tensor after (de)quantization."""

import json
import re

import numpy as np
import pytest
from safetensors.numpy import load_file

from tern_convert.convert import convert
from tern_convert.quantize import dequantize_rows, quantize_rows
from tern_convert.reader import read_tern

BERT_NAMES = [
    (r"embeddings\.word", "embeddings.word_embeddings.weight"),
    (r"embeddings\.position", "embeddings.position_embeddings.weight"),
    (r"embeddings\.token_type", "embeddings.token_type_embeddings.weight"),
    (r"embeddings\.norm\.gamma", "embeddings.LayerNorm.weight"),
    (r"embeddings\.norm\.beta", "embeddings.LayerNorm.bias"),
    (r"layer_set\.(\d+)\.attention\.(query|key|value)\.(weight|bias)", r"encoder.layer.\1.attention.self.\2.\3"),
    (r"layer_set\.(\d+)\.attention\.output\.(weight|bias)", r"encoder.layer.\1.attention.output.dense.\2"),
    (r"layer_set\.(\d+)\.attention\.norm\.gamma", r"encoder.layer.\1.attention.output.LayerNorm.weight"),
    (r"layer_set\.(\d+)\.attention\.norm\.beta", r"encoder.layer.\1.attention.output.LayerNorm.bias"),
    (r"layer_set\.(\d+)\.ffn\.in\.(weight|bias)", r"encoder.layer.\1.intermediate.dense.\2"),
    (r"layer_set\.(\d+)\.ffn\.out\.(weight|bias)", r"encoder.layer.\1.output.dense.\2"),
    (r"layer_set\.(\d+)\.ffn\.norm\.gamma", r"encoder.layer.\1.output.LayerNorm.weight"),
    (r"layer_set\.(\d+)\.ffn\.norm\.beta", r"encoder.layer.\1.output.LayerNorm.bias"),
    (r"head\.0\.pooler\.(weight|bias)", r"pooler.dense.\1"),
    (r"head\.0\.classifier\.(weight|bias)", r"!classifier.\1"),
]
ALBERT_NAMES = BERT_NAMES[:5] + [
    (r"embeddings\.projection\.(weight|bias)", r"encoder.embedding_hidden_mapping_in.\1"),
    (r"layer_set\.(\d+)\.(.*)", "ALBERT_LAYER"),
    (r"head\.0\.pooler\.(weight|bias)", r"pooler.\1"),
    (r"head\.0\.classifier\.(weight|bias)", r"!classifier.\1"),
]
ALBERT_LAYER = {"attention.query": "attention.query", "attention.key": "attention.key",
                "attention.value": "attention.value", "attention.output": "attention.dense",
                "attention.norm": "attention.LayerNorm", "ffn.in": "ffn", "ffn.out": "ffn_output",
                "ffn.norm": "full_layer_layer_norm"}


def hf_name(name, kind, prefix, inner):
    for pattern, replacement in (BERT_NAMES if kind == "bert" else ALBERT_NAMES):
        match = re.fullmatch(pattern, name)
        if not match:
            continue
        if replacement == "ALBERT_LAYER":
            index, rest = int(match.group(1)), match.group(2)
            part, leaf = rest.rsplit(".", 1)
            leaf = {"gamma": "weight", "beta": "bias"}.get(leaf, leaf)
            return (f"{prefix}encoder.albert_layer_groups.{index // inner}.albert_layers.{index % inner}."
                    f"{ALBERT_LAYER[part]}.{leaf}")
        full = match.expand(replacement)
        return full[1:] if full.startswith("!") else prefix + full
    raise AssertionError(f"no HF name for {name}")


CASES = [("albert-tiny", "int8"), ("albert-tiny", "f16"), ("albert-tiny", "f32"), ("albert-tiny-groups", "int8"),
         ("bert-tiny-cls", "int8"), ("bert-tiny-ner", "f32"), ("albert-tiny-cls", "int8")]


@pytest.mark.parametrize("model,dtype", CASES)
def test_every_tensor_reads_back_as_the_checkpoint_after_quantization(tiny_models, tmp_path, model, dtype):
    source = tiny_models / model
    config = json.loads((source / "config.json").read_text())
    kind = config["model_type"]
    checkpoint = load_file(str(source / "model.safetensors"))
    prefix = f"{kind}." if f"{kind}.embeddings.word_embeddings.weight" in checkpoint else ""
    inner = config.get("inner_group_num", 1)
    convert(source, tmp_path / "m.tern", dtype=dtype, progress=False)
    tern = read_tern(tmp_path / "m.tern")
    used = set()
    for name, index in tern.names.items():
        original = checkpoint[hf_name(name, kind, prefix, inner)]
        used.add(hf_name(name, kind, prefix, inner))
        stored = tern.tensor(index)
        assert stored.shape == original.shape, name
        record = tern.tensor_record(index)
        if record.Dtype() == 2:  # int8: exactly the symmetric per-row quantization of the original
            np.testing.assert_array_equal(stored, dequantize_rows(*quantize_rows(original)), err_msg=name)
            sums = record.ChannelSumsAsNumpy() if record.Layout() == 1 else None
            if sums is not None:
                np.testing.assert_array_equal(sums, quantize_rows(original)[0].astype(np.int64).sum(axis=1))
        elif record.Dtype() == 1:
            np.testing.assert_array_equal(stored, original.astype(np.float16).astype(np.float32), err_msg=name)
        else:
            np.testing.assert_array_equal(stored, original, err_msg=name)
    # Every checkpoint tensor made it into the file, except the base models' unused pooler.
    unused = {name for name in checkpoint if name not in used and "pooler" not in name}
    assert not unused


def test_minilm_int8_round_trip_and_size(minilm, tmp_path):
    report = convert(minilm, tmp_path / "minilm.tern", dtype="int8", progress=False)
    tern = read_tern(tmp_path / "minilm.tern")
    checkpoint = load_file(str(minilm / "model.safetensors"))
    for name, index in tern.names.items():
        original = checkpoint[hf_name(name, "bert", "", 1)]
        stored = tern.tensor(index)
        if tern.tensor_record(index).Dtype() == 2:
            scales = tern.tensor_record(index).ScalesAsNumpy()
            assert np.all(np.abs(stored - original) <= scales[:, None] / 2 * 1.0001), name
        else:
            np.testing.assert_array_equal(stored, original)
    assert report["file_bytes"] <= 23 * 1024 * 1024
    # Default: 3 calibrated activation outlier channels per layer linear, indices only (the int8 columns are
    # kept, checked above), and the NumPy simulation of the runtime reaches the 0.998.
    total = 0
    for index in range(tern.model.WeightSetsLength()):
        layer = tern.model.WeightSets(index)
        for linear in (layer.Query(), layer.Key(), layer.Value(), layer.AttentionOutput(), layer.FfnIn(),
                       layer.FfnOut()):
            channels = np.zeros(0) if linear.OutlierChannelsIsNone() else linear.OutlierChannelsAsNumpy()
            assert len(channels) <= 3 and np.all(np.diff(channels.astype(np.int64)) > 0)
            assert np.all(channels < tern.tensor_record(linear.Weight()).Shape(1))
            total += len(channels)
    assert total == report["outlier_channels_total"] > 0
    assert report["accuracy"]["int8_vs_fp32_cosine_min"] >= 0.998
