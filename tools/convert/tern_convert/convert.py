"""The conversion pipeline: read, check, (factorize), quantize, measure, write."""

import copy
import os
import pathlib
import re

import numpy as np
from tqdm import tqdm

from . import __version__
from .architecture import build_spec
from .calibrate import DEFAULT_OUTLIER_CHANNELS, mark_outlier_channels
from .checkpoint import load_config, load_weights
from .errors import ConversionError
from .lightweight import lighten
from .pooling_config import read_pooling
from .python_tokenizer import make_tokenizer
from .reference import ReferenceEncoder
from .report import build_report
from .samples import SAMPLE_SENTENCES, SELF_TEST_COUNT
from .svd import factorize_embeddings
from .tokenizer_data import read_tokenizer
from .writer import serialize, store_tensors, write_model_file

WEIGHT_DTYPES = ("int8", "f16", "f32")


def _cosine(a, b):
    a, b = np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()
    return float(a @ b / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-30))


def _license(model_dir, config):
    if isinstance(config.get("license"), str):
        return config["license"]
    readme = pathlib.Path(model_dir) / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8", errors="replace")
        front = re.match(r"---\n(.*?)\n---", text, re.S)
        if front:
            found = re.search(r"^license:\s*(\S+)", front.group(1), re.M)
            if found:
                return found.group(1).strip("'\"")
    return None


def read_model(model_dir, max_length=None):
    """Reads a HF folder into a float32 ModelSpec with tokenizer, pooling and metadata."""
    model_dir = pathlib.Path(model_dir)
    if not model_dir.is_dir():
        raise ConversionError(f"missing model folder: {model_dir}")
    config = load_config(model_dir)
    tensors, weights_file = load_weights(model_dir)
    spec = build_spec(config, tensors)
    spec.tokenizer = read_tokenizer(model_dir, spec.kind, spec.hyper.max_position, max_length)
    if len(spec.tokenizer["pieces"]) != spec.hyper.vocab_size:
        raise ConversionError(f"tokenizer has {len(spec.tokenizer['pieces'])} pieces but config vocab_size is "
                              f"{spec.hyper.vocab_size}")
    spec.pooling = read_pooling(model_dir)
    spec.metadata = {"source": config.get("_name_or_path") or model_dir.name, "architecture": spec.architecture,
                     "source_weights": weights_file, "converter": "tern-convert", "converter_version": __version__}
    licence = _license(model_dir, config)
    if licence:
        spec.metadata["license"] = licence
    return spec


def _outputs(encoder, spec, ids_list, output):
    if output == "logits":
        return [encoder.logits(ids) for ids in ids_list]
    return [encoder.embed(ids) for ids in ids_list]


def convert(model_dir, output_path, dtype="int8", factorize_rank=None, max_length=None, progress=True,
            outlier_channels=DEFAULT_OUTLIER_CHANNELS, lightweight=None):
    """Converts model_dir to output_path; returns the report dict. lightweight: a LightweightRequest
    (pruning, layers, low rank, --target-cosine) or None."""
    if dtype not in WEIGHT_DTYPES:
        raise ConversionError(f"--dtype {dtype!r}: expected one of {', '.join(WEIGHT_DTYPES)}")
    output_path = pathlib.Path(output_path)
    if not output_path.parent.is_dir() and str(output_path.parent):
        raise ConversionError(f"output folder {output_path.parent} does not exist")
    spec = read_model(model_dir, max_length)
    spec.metadata["dtype"] = dtype
    original = spec
    extra = {}
    if factorize_rank:
        spec = copy.copy(spec)
        spec.embeddings = copy.copy(spec.embeddings)
        extra["svd_relative_error"] = factorize_embeddings(spec, factorize_rank)
        extra["svd_rank"] = factorize_rank
        spec.metadata["factorized_embeddings_rank"] = str(factorize_rank)

    if outlier_channels < 0:
        raise ConversionError(f"--outlier-channels {outlier_channels}: expected 0 or more")
    finish_lightweight = None
    if lightweight is not None and lightweight.requested():
        log = (lambda row: tqdm.write(f"  tried {row['options']}: min cosine {row['cosine_min']:.5f}, "
                                      f"{row['macs_128_tokens'] / 1e9:.3f} GMAC at 128 tokens")) if progress else None
        spec, finish_lightweight = lighten(spec, original, lightweight, dtype, outlier_channels, log)
    if outlier_channels and dtype == "int8":
        if spec is original:
            spec = copy.copy(spec)
        spec.weight_sets = copy.deepcopy(spec.weight_sets)
        extra["outlier_channels_total"] = mark_outlier_channels(spec, outlier_channels)

    with tqdm(total=3, desc="convert", disable=not progress, unit="step") as bar:
        bar.set_postfix_str("quantizing")
        store, index = store_tensors(spec, dtype)
        bar.update()

        bar.set_postfix_str("reference outputs")
        encode = make_tokenizer(spec.tokenizer)
        ids_list = [encode(text) for text in SAMPLE_SENTENCES]
        output = "logits" if spec.heads and spec.heads[0].kind == "sequence" else "embedding"
        reference = _outputs(ReferenceEncoder(original, "f32"), original, ids_list, output)
        converted = _outputs(ReferenceEncoder(spec, dtype), spec, ids_list, output)
        cosines = [_cosine(a, b) for a, b in zip(reference, converted)]
        label = f"{dtype}_vs_fp32_cosine" if not factorize_rank else f"{dtype}_svd{factorize_rank}_vs_fp32_cosine"
        accuracy = {f"{label}_min": min(cosines), f"{label}_mean": float(np.mean(cosines)),
                    "output": output, "sentences": len(cosines)}
        if output == "logits":
            accuracy["argmax_agreement"] = float(np.mean([np.argmax(a) == np.argmax(b)
                                                          for a, b in zip(reference, converted)]))
        self_test = {"texts": SAMPLE_SENTENCES[:SELF_TEST_COUNT], "output": output,
                     "dim": int(np.size(converted[0])),
                     "expected": np.concatenate([np.ravel(v) for v in converted[:SELF_TEST_COUNT]]),
                     "min_cosine": 0.99}
        bar.update()

        bar.set_postfix_str("writing")
        header, weights_offset, weights_length = serialize(spec, store, index, self_test)
        write_model_file(output_path, header, store, weights_length)
        bar.update()
    file_bytes = os.path.getsize(output_path)
    if finish_lightweight is not None:
        extra["lightweight"] = finish_lightweight(spec, file_bytes)
    return build_report(spec, store, file_bytes, accuracy, extra)
