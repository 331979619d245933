"""Reads a Hugging Face model folder's config and weights as numpy, without torch."""

import json
import pathlib

import numpy as np

from .errors import ConversionError
from .torch_pickle import load_torch_zip

WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def read_json(path):
    path = pathlib.Path(path)
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except FileNotFoundError:
        raise ConversionError(f"missing file: {path}") from None
    except json.JSONDecodeError as error:
        raise ConversionError(f"{path}: invalid JSON: {error}") from None


def read_json_if_present(path):
    path = pathlib.Path(path)
    return read_json(path) if path.is_file() else None


def load_config(model_dir):
    config = read_json(pathlib.Path(model_dir) / "config.json")
    if not isinstance(config, dict):
        raise ConversionError(f"{model_dir}/config.json: expected a JSON object")
    return config


def _load_safetensors(path):
    from safetensors import SafetensorError
    from safetensors.numpy import load_file
    try:
        return load_file(str(path))
    except (SafetensorError, TypeError, ValueError) as error:
        if "bf16" in str(error).lower() or "bfloat16" in str(error).lower():
            return _load_safetensors_widening_bf16(path)
        raise ConversionError(f"{path}: cannot read safetensors: {error}") from None


def _load_safetensors_widening_bf16(path):
    """numpy has no bfloat16: read the file by its (simple) layout and widen BF16 to f32."""
    dtypes = {"F32": "<f4", "F16": "<f2", "F64": "<f8", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
              "U8": "u1", "BOOL": "?"}
    data = pathlib.Path(path).read_bytes()
    header_length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + header_length])
    base = 8 + header_length
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = data[base + start: base + end]
        if info["dtype"] == "BF16":
            array = (np.frombuffer(raw, "<u2").astype(np.uint32) << 16).view(np.float32)
        elif info["dtype"] in dtypes:
            array = np.frombuffer(raw, dtypes[info["dtype"]])
        else:
            raise ConversionError(f"{path}: tensor {name} has unsupported dtype {info['dtype']}")
        tensors[name] = array.reshape(info["shape"]).copy()
    return tensors


def load_weights(model_dir):
    """Returns ({name: numpy array}, file name it came from)."""
    model_dir = pathlib.Path(model_dir)
    if not model_dir.is_dir():
        raise ConversionError(f"missing model folder: {model_dir}")
    for name in WEIGHT_FILES:
        path = model_dir / name
        if path.is_file():
            tensors = _load_safetensors(path) if name.endswith(".safetensors") else load_torch_zip(path)
            return tensors, name
    raise ConversionError(f"{model_dir}: no weights found (looked for {', '.join(WEIGHT_FILES)})")
