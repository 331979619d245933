"""The converter's in-memory model: what the .tern file will hold, still in float32, before quantization.
Weight sets are listed once each; the schedule says which set every layer runs."""

from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np


@dataclass
class LinearSpec:
    weight: np.ndarray            # [out, in] float32
    bias: Optional[np.ndarray]    # [out] float32 or None
    # int8 only: input channels computed in f32 beside the int8 product (see calibrate.py)
    outlier_channels: Optional[np.ndarray] = None
    # Low-rank pair (--low-rank): y = (x F^T) W^T + b with F = input_factor [rank, in], weight [out, rank].
    input_factor: Optional[np.ndarray] = None


@dataclass
class LayerNormSpec:
    gamma: np.ndarray
    beta: np.ndarray
    eps: float


@dataclass
class WeightSetSpec:
    query: LinearSpec
    key: LinearSpec
    value: LinearSpec
    attention_output: LinearSpec
    attention_norm: LayerNormSpec
    ffn_in: LinearSpec
    ffn_out: LinearSpec
    ffn_norm: LayerNormSpec
    num_heads: int
    intermediate_size: int


@dataclass
class EmbeddingsSpec:
    word: np.ndarray                       # [V, E] (or [V, r] when SVD-factorized)
    position: np.ndarray                   # [max_position, E]
    token_type: Optional[np.ndarray]       # [type_vocab, E]
    norm: LayerNormSpec
    projection: Optional[LinearSpec] = None   # ALBERT: [H, E]
    word_factor: Optional[LinearSpec] = None  # SVD: [E, r], no bias


@dataclass
class HeadSpec:
    kind: str                              # "sequence" | "token"
    name: str
    classifier: LinearSpec
    labels: List[str]
    pooler: Optional[LinearSpec] = None    # dense + tanh on token 0 (sequence heads of BERT/ALBERT)


@dataclass
class HyperSpec:
    vocab_size: int
    embedding_size: int
    hidden_size: int
    num_heads: int
    intermediate_size: int
    max_position: int
    type_vocab_size: int
    activation: str                        # "gelu" | "gelu_tanh" | "relu"
    layer_norm_eps: float
    num_hidden_groups: int = 1
    inner_group_num: int = 1
    config_num_hidden_layers: int = 1


@dataclass
class PoolingSpec:
    mode: str = "mean"                     # "mean" | "cls" | "max"
    normalize: bool = False
    matryoshka_dim: int = 0
    from_files: bool = False               # True when sentence-transformers files said so


@dataclass
class ModelSpec:
    kind: str                              # "bert" | "albert"
    architecture: str
    hyper: HyperSpec
    embeddings: EmbeddingsSpec
    weight_sets: List[WeightSetSpec]
    schedule: List[int]
    heads: List[HeadSpec] = field(default_factory=list)
    pooling: PoolingSpec = field(default_factory=PoolingSpec)
    tokenizer: Optional[dict] = None
    metadata: dict = field(default_factory=dict)
