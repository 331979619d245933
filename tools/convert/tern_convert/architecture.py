"""Maps a Hugging Face config + state dict (BertModel / AlbertModel families) onto a ModelSpec."""

import numpy as np

from .errors import ConversionError, UnsupportedModelError
from .spec import (EmbeddingsSpec, HeadSpec, HyperSpec, LayerNormSpec, LinearSpec, ModelSpec, WeightSetSpec)

SUPPORTED_ARCHITECTURES = {
    "BertModel": ("bert", None),
    "BertForSequenceClassification": ("bert", "sequence"),
    "BertForTokenClassification": ("bert", "token"),
    "AlbertModel": ("albert", None),
    "AlbertForSequenceClassification": ("albert", "sequence"),
    "AlbertForTokenClassification": ("albert", "token"),
}
ACTIVATIONS = {"gelu": "gelu", "gelu_new": "gelu_tanh", "gelu_pytorch_tanh": "gelu_tanh", "relu": "relu"}


def schedule_from_groups(num_hidden_layers, num_hidden_groups, inner_group_num):
    """AlbertTransformer's loop: layer i runs every inner layer of group i / (layers / groups)."""
    layers_per_group = num_hidden_layers // num_hidden_groups
    schedule = []
    for i in range(num_hidden_layers):
        group = i // layers_per_group
        schedule.extend(group * inner_group_num + j for j in range(inner_group_num))
    return schedule


def detect_architecture(config):
    architectures = config.get("architectures") or []
    if len(architectures) > 1:
        raise UnsupportedModelError(f"config.json lists several architectures {architectures}; expected one")
    if architectures:
        architecture = architectures[0]
    else:  # a bare config: fall back on model_type
        architecture = {"bert": "BertModel", "albert": "AlbertModel"}.get(config.get("model_type"), None)
        if architecture is None:
            raise UnsupportedModelError(f"config.json has no 'architectures' and model_type "
                                        f"{config.get('model_type')!r} is not bert or albert")
    if architecture not in SUPPORTED_ARCHITECTURES:
        raise UnsupportedModelError(f"architecture {architecture!r} is not supported; tern converts "
                                    f"{', '.join(sorted(SUPPORTED_ARCHITECTURES))}")
    kind, head = SUPPORTED_ARCHITECTURES[architecture]
    model_type = config.get("model_type", kind)
    if model_type != kind:
        raise UnsupportedModelError(f"architecture {architecture} with model_type {model_type!r}: expected {kind!r}")
    return architecture, kind, head


class _Tensors:
    """Looks tensors up by their HF name, checks shapes, and remembers which were used."""

    def __init__(self, tensors, prefix):
        self.tensors = tensors
        self.prefix = prefix
        self.used = set()

    def get(self, name, shape, base=True):
        full = (self.prefix if base else "") + name
        if full not in self.tensors:
            raise ConversionError(f"checkpoint lacks tensor {full!r}")
        array = self.tensors[full]
        if tuple(array.shape) != tuple(shape):
            raise ConversionError(f"tensor {full!r} has shape {list(array.shape)}, config implies {list(shape)}")
        if not np.issubdtype(array.dtype, np.floating):
            raise ConversionError(f"tensor {full!r} has dtype {array.dtype}, expected floating point")
        array = np.asarray(array, dtype=np.float32)
        if not np.all(np.isfinite(array)):
            bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
            raise ConversionError(f"tensor {full!r} holds {bad} NaN/Inf values; refusing to convert")
        self.used.add(full)
        return array

    def has(self, name, base=True):
        return ((self.prefix if base else "") + name) in self.tensors

    def linear(self, name, out_features, in_features, base=True):
        return LinearSpec(self.get(name + ".weight", (out_features, in_features), base),
                          self.get(name + ".bias", (out_features,), base))

    def layer_norm(self, name, size, eps):
        return LayerNormSpec(self.get(name + ".weight", (size,)), self.get(name + ".bias", (size,)), eps)


def _config_int(config, key, default=None):
    value = config.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConversionError(f"config.json: {key} = {value!r}, expected a positive integer")
    return value


def _find_prefix(tensors, kind):
    for prefix in (f"{kind}.", ""):
        if prefix + "embeddings.word_embeddings.weight" in tensors:
            return prefix
    raise ConversionError(f"checkpoint has no {kind}.embeddings.word_embeddings.weight (nor without prefix); "
                          f"is this a {kind} checkpoint?")


def _labels(config, num_labels):
    id2label = config.get("id2label") or {}
    labels = []
    for i in range(num_labels):
        labels.append(str(id2label.get(str(i), id2label.get(i, f"LABEL_{i}"))))
    return labels


def build_spec(config, tensors):
    architecture, kind, head_kind = detect_architecture(config)
    if config.get("position_embedding_type", "absolute") != "absolute":
        raise UnsupportedModelError(f"position_embedding_type {config['position_embedding_type']!r} is not "
                                    "supported (only 'absolute')")
    act = config.get("hidden_act", "gelu")
    if act not in ACTIVATIONS:
        raise UnsupportedModelError(f"hidden_act {act!r} is not supported ({', '.join(ACTIVATIONS)})")

    hidden = _config_int(config, "hidden_size")
    heads = _config_int(config, "num_attention_heads")
    if hidden % heads:
        raise ConversionError(f"config.json: hidden_size {hidden} is not a multiple of num_attention_heads {heads}")
    intermediate = _config_int(config, "intermediate_size")
    vocab = _config_int(config, "vocab_size")
    max_position = _config_int(config, "max_position_embeddings")
    type_vocab = config.get("type_vocab_size", 2)
    layers = _config_int(config, "num_hidden_layers")
    eps = float(config.get("layer_norm_eps", 1e-12))
    embedding_size = _config_int(config, "embedding_size") if kind == "albert" else hidden
    groups = _config_int(config, "num_hidden_groups", 1) if kind == "albert" else 1
    inner = _config_int(config, "inner_group_num", 1) if kind == "albert" else 1
    if layers % groups:
        raise ConversionError(f"config.json: num_hidden_layers {layers} is not a multiple of num_hidden_groups {groups}")

    source = _Tensors(tensors, _find_prefix(tensors, kind))
    token_type = None
    if type_vocab and source.has("embeddings.token_type_embeddings.weight"):
        token_type = source.get("embeddings.token_type_embeddings.weight", (type_vocab, embedding_size))
    embeddings = EmbeddingsSpec(
        word=source.get("embeddings.word_embeddings.weight", (vocab, embedding_size)),
        position=source.get("embeddings.position_embeddings.weight", (max_position, embedding_size)),
        token_type=token_type,
        norm=source.layer_norm("embeddings.LayerNorm", embedding_size, eps))

    weight_sets = []
    if kind == "bert":
        for i in range(layers):
            p = f"encoder.layer.{i}."
            weight_sets.append(WeightSetSpec(
                query=source.linear(p + "attention.self.query", hidden, hidden),
                key=source.linear(p + "attention.self.key", hidden, hidden),
                value=source.linear(p + "attention.self.value", hidden, hidden),
                attention_output=source.linear(p + "attention.output.dense", hidden, hidden),
                attention_norm=source.layer_norm(p + "attention.output.LayerNorm", hidden, eps),
                ffn_in=source.linear(p + "intermediate.dense", intermediate, hidden),
                ffn_out=source.linear(p + "output.dense", hidden, intermediate),
                ffn_norm=source.layer_norm(p + "output.LayerNorm", hidden, eps),
                num_heads=heads, intermediate_size=intermediate))
        schedule = list(range(layers))
    else:
        embeddings.projection = source.linear("encoder.embedding_hidden_mapping_in", hidden, embedding_size)
        for g in range(groups):
            for j in range(inner):
                p = f"encoder.albert_layer_groups.{g}.albert_layers.{j}."
                weight_sets.append(WeightSetSpec(
                    query=source.linear(p + "attention.query", hidden, hidden),
                    key=source.linear(p + "attention.key", hidden, hidden),
                    value=source.linear(p + "attention.value", hidden, hidden),
                    attention_output=source.linear(p + "attention.dense", hidden, hidden),
                    attention_norm=source.layer_norm(p + "attention.LayerNorm", hidden, eps),
                    ffn_in=source.linear(p + "ffn", intermediate, hidden),
                    ffn_out=source.linear(p + "ffn_output", hidden, intermediate),
                    ffn_norm=source.layer_norm(p + "full_layer_layer_norm", hidden, eps),
                    num_heads=heads, intermediate_size=intermediate))
        schedule = schedule_from_groups(layers, groups, inner)

    heads_spec = []
    if head_kind is not None:
        num_labels = len(config.get("id2label") or {}) or int(config.get("num_labels", 2))
        classifier = source.linear("classifier", num_labels, hidden, base=False)
        pooler = source.linear("pooler.dense" if kind == "bert" else "pooler", hidden, hidden) \
            if head_kind == "sequence" else None
        heads_spec.append(HeadSpec(kind=head_kind, name=config.get("finetuning_task") or head_kind,
                                   classifier=classifier, labels=_labels(config, num_labels), pooler=pooler))

    hyper = HyperSpec(vocab_size=vocab, embedding_size=embedding_size, hidden_size=hidden, num_heads=heads,
                      intermediate_size=intermediate, max_position=max_position,
                      type_vocab_size=type_vocab if token_type is not None else 0,
                      activation=ACTIVATIONS[act], layer_norm_eps=eps, num_hidden_groups=groups,
                      inner_group_num=inner, config_num_hidden_layers=layers)
    return ModelSpec(kind=kind, architecture=architecture, hyper=hyper, embeddings=embeddings,
                     weight_sets=weight_sets, schedule=schedule, heads=heads_spec)
