"""tern_test_model.py — builds small .tern files for the loader's tests, straight from runtime/schema/tern.fbs.

A model is a plain dict tree that mirrors the schema's tables (field name -> value; enums as ints); tensors
carry their bytes under "data" and get their offsets when the file is laid out. serialize() walks the
schema parsed by tools/schema/fbs_schema.py, so these files do not depend on flatc or on the converter,
and a test can break any field (or share records between vectors) before writing.
"""
import math
import os
import random
import struct
import sys

import flatbuffers

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "schema"))
import fbs_schema  # noqa: E402

SCHEMA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "runtime", "schema", "tern.fbs")
SCHEMA = fbs_schema.parse(open(SCHEMA_PATH, encoding="utf-8").read())

F32, F16, I8 = 0, 1, 2
ROW_MAJOR, PACKED_16X4 = 0, 1

_BY_FORMAT = {"B": "Uint8", "b": "Int8", "H": "Uint16", "h": "Int16", "I": "Uint32", "i": "Int32",
              "Q": "Uint64", "q": "Int64", "f": "Float32", "d": "Float64"}
_SLOT = {name: "Prepend%sSlot" % ("Bool" if name == "bool" else _BY_FORMAT[fmt])
         for name, (_, _, fmt) in fbs_schema.SCALARS.items()}
_PREPEND = {k: v.replace("Slot", "") for k, v in _SLOT.items()}


def _default(field):
    if field.type in ("float", "double"):
        return float(field.default)
    return int(field.default)


def serialize(builder, table_name, obj, memo):
    """Serializes obj as table_name; the same Python object serialized twice is written once (shared)."""
    if id(obj) in memo:
        return memo[id(obj)]
    table = SCHEMA.tables[table_name]
    offsets = {}

    def string(value):
        if id(value) not in memo:
            memo[id(value)] = builder.CreateString(value)
        return memo[id(value)]

    for f in table.fields:
        value = obj.get(f.name)
        if value is None or f.kind in ("scalar", "enum"):
            continue
        if f.kind == "string":
            offsets[f.name] = string(value)
        elif f.kind == "table":
            offsets[f.name] = serialize(builder, f.type, value, memo)
        elif f.elem_kind in ("string", "table"):
            elements = [string(v) if f.elem_kind == "string" else serialize(builder, f.type, v, memo) for v in value]
            builder.StartVector(4, len(elements), 4)
            for element in reversed(elements):
                builder.PrependUOffsetTRelative(element)
            offsets[f.name] = builder.EndVector()
        else:
            wire = SCHEMA.scalar_type(f)
            size = fbs_schema.SCALARS[wire][1]
            builder.StartVector(size, len(value), size)
            prepend = getattr(builder, _PREPEND[wire])
            for element in reversed(list(value)):
                prepend(element)
            offsets[f.name] = builder.EndVector()
    builder.StartObject(len(table.fields))
    for f in table.fields:
        if f.name in offsets:
            builder.PrependUOffsetTRelativeSlot(f.id, offsets[f.name], 0)
        elif f.kind in ("scalar", "enum") and obj.get(f.name) is not None:
            getattr(builder, _SLOT[SCHEMA.scalar_type(f)])(f.id, obj[f.name], _default(f))
    memo[id(obj)] = builder.EndObject()
    return memo[id(obj)]


def round_up(x, m):
    return (x + m - 1) // m * m


def tensor_bytes(dtype, layout, shape):
    if layout == PACKED_16X4:
        return round_up(shape[0], 16) * round_up(shape[1], 4)
    return math.prod(shape) * {F32: 4, F16: 2, I8: 1}[dtype]


def write(model, path=None, post_layout=None, final=None):
    """Lays the tensors' bytes out (64-aligned) and returns the file bytes.

    post_layout(model) runs after the tensors got their offsets (to break an offset or length);
    final(model) runs after weights_offset/weights_length were fixed (to break those)."""
    segment = bytearray()
    for t in model["tensors"]:
        t["offset"] = len(segment)
        t["length"] = len(t.get("data", b""))
        segment += t.get("data", b"")
        segment += b"\0" * (round_up(len(segment), 64) - len(segment))
    model["weights_length"] = len(segment)
    if post_layout:
        post_layout(model)
    model["weights_offset"] = 1 << 40  # a placeholder of the final width, fixed below

    def flatbuffer():
        builder = flatbuffers.Builder(1 << 16)
        builder.ForceDefaults(True)  # every field present, as the converter writes them
        root = serialize(builder, "Model", _without_data(model), {})
        builder.FinishSizePrefixed(root, SCHEMA.file_identifier.encode())
        return bytes(builder.Output())

    flat = flatbuffer()
    model["weights_offset"] = round_up(len(flat), 64)
    flat = flatbuffer()
    assert round_up(len(flat), 64) == model["weights_offset"]
    real_offset = model["weights_offset"]
    if final:
        final(model)
        flat = flatbuffer()
    blob = flat + b"\0" * max(0, real_offset - len(flat)) + bytes(segment)
    if path:
        with open(path, "wb") as f:
            f.write(blob)
    return blob


def _without_data(obj, memo=None):
    """A copy without the raw "data" of tensors, preserving sharing of objects."""
    memo = {} if memo is None else memo
    if id(obj) in memo:
        return memo[id(obj)]
    if isinstance(obj, dict):
        out = {}
        memo[id(obj)] = out
        for k, v in obj.items():
            if k != "data":
                out[k] = _without_data(v, memo)
        return out
    if isinstance(obj, list):
        out = [None] * len(obj)
        memo[id(obj)] = out
        for i, v in enumerate(obj):
            out[i] = _without_data(v, memo)
        return out
    return obj


def tiny_bert(seed=0):
    """A small valid BERT-kind model: 2 layers sharing 1 weight set, a WordPiece vocabulary, a head."""
    rng = random.Random(seed)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "##s", "the", "caf\u00e9", "!", "a"]
    hidden, heads, inter, max_pos, types, labels = 32, 4, 64, 16, 2, ["negative", "positive"]
    tensors = []

    def add(name, dtype, layout, shape, rows_scaled=True):
        length = tensor_bytes(dtype, layout, shape)
        if dtype == F32:
            data = struct.pack("<%df" % (length // 4), *[rng.uniform(-0.1, 0.1) for _ in range(length // 4)])
        else:
            data = bytes(rng.randrange(256) for _ in range(length))
        t = {"name": name, "dtype": dtype, "layout": layout, "shape": list(shape), "data": data}
        if dtype == I8:
            t["scales"] = [rng.uniform(0.001, 0.02) for _ in range(shape[0])]
        tensors.append(t)
        return len(tensors) - 1

    def linear(name, out_features, in_features):
        return {"weight": add(name + ".weight", I8, PACKED_16X4, [out_features, in_features]),
                "bias": add(name + ".bias", F32, ROW_MAJOR, [out_features])}

    def norm(name, size):
        return {"gamma": add(name + ".gamma", F32, ROW_MAJOR, [size]),
                "beta": add(name + ".beta", F32, ROW_MAJOR, [size]), "eps": 1e-12}

    embeddings = {"word": add("embeddings.word", I8, ROW_MAJOR, [len(vocab), hidden]),
                  "position": add("embeddings.position", F32, ROW_MAJOR, [max_pos, hidden]),
                  "token_type": add("embeddings.token_type", F32, ROW_MAJOR, [types, hidden]),
                  "norm": norm("embeddings.norm", hidden)}
    weight_set = {"query": linear("layer_set.0.attention.query", hidden, hidden),
                  "key": linear("layer_set.0.attention.key", hidden, hidden),
                  "value": linear("layer_set.0.attention.value", hidden, hidden),
                  "attention_output": linear("layer_set.0.attention.output", hidden, hidden),
                  "attention_norm": norm("layer_set.0.attention.norm", hidden),
                  "ffn_in": linear("layer_set.0.ffn.in", inter, hidden),
                  "ffn_out": linear("layer_set.0.ffn.out", hidden, inter),
                  "ffn_norm": norm("layer_set.0.ffn.norm", hidden),
                  "num_heads": heads, "intermediate_size": inter}
    head = {"kind": 0, "name": "sentiment", "pooler": linear("head.0.pooler", hidden, hidden),
            "classifier": linear("head.0.classifier", len(labels), hidden), "labels": labels}
    return {
        "format_version": 1, "kind": 0,
        "hyper": {"vocab_size": len(vocab), "embedding_size": hidden, "hidden_size": hidden, "num_layers": 2,
                  "num_heads": heads, "intermediate_size": inter, "max_position": max_pos,
                  "type_vocab_size": types, "activation": 0, "layer_norm_eps": 1e-12,
                  "num_hidden_groups": 1, "inner_group_num": 1, "config_num_hidden_layers": 2},
        "tokenizer": {"kind": 0, "pieces": vocab, "max_length": max_pos, "unk_id": 1, "cls_id": 2, "sep_id": 3,
                      "pad_id": 0, "mask_id": 4, "lowercase": True, "strip_accents": False,
                      "continuing_subword_prefix": "##"},
        "tensors": tensors,
        "embeddings": embeddings,
        "weight_sets": [weight_set],
        "schedule": [0, 0],
        "pooling": {"mode": 0, "normalize": True},
        "heads": [head],
        "self_test": {"texts": ["hello world"], "output": 0, "dim": hidden,
                      "expected": [rng.uniform(-1, 1) for _ in range(hidden)], "min_cosine": 0.99},
        "metadata": [{"key": "source", "value": "tests/format/tern_test_model.py"},
                     {"key": "converter_version", "value": "test"}],
    }
