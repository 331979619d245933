"""A NumPy reference encoder for ModelSpec: fp32, or simulating the runtime's int8 path exactly (dynamic
asymmetric per-row int8 activations with outlier channels kept in f32 x per-channel int8 weights, exact
integer accumulation, rescale to f32, bias; see _PreparedLinear).
It runs one text at a time (no padding), as the runtime's ragged batches do."""

import math

import numpy as np

from .quantize import quantize_rows, quantize_rows_asymmetric
from .spec import LinearSpec
from .tensor_store import dequantized_linear

def erf(x):
    """Vectorized erf in float64 (Numerical Recipes' erfc Chebyshev fit, relative error < 1.2e-7): far
    below float32 resolution of the GELU output, and much faster than math.erf element by element."""
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
    erfc = t * np.exp(poly)
    return np.where(x >= 0, 1.0 - erfc, erfc - 1.0)


def gelu_erf(x):
    return (0.5 * x * (1.0 + erf(x.astype(np.float64) / math.sqrt(2.0)))).astype(np.float32)


def gelu_tanh(x):
    return (0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))).astype(np.float32)


ACTIVATIONS = {"gelu": gelu_erf, "gelu_tanh": gelu_tanh, "relu": lambda x: np.maximum(x, 0),
               "tanh": np.tanh, "identity": lambda x: x}


def layer_norm(x, norm):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return ((x - mean) / np.sqrt(var + norm.eps) * norm.gamma + norm.beta).astype(np.float32)


class _PreparedLinear:
    """A linear layer as the runtime holds and runs it for the chosen weight dtype.

    int8 (runtime/src/linear.c, kernels.h): the weight is int8 per output row (symmetric) with channel sums;
    each input row is copied with its outlier channels set to 0, quantized asymmetrically (per row, zero
    point), multiplied exactly in integers and corrected by zero_point * channel_sum, rescaled to f32, plus
    bias; then the outlier channels are added in f32 from the int8 weight's own columns:
    y += (sum_c x[:, c] * W_q[:, c]) * w_scale."""

    def __init__(self, linear, weight_dtype):
        self.bias = None if linear.bias is None else np.asarray(linear.bias, np.float32)
        self.int8 = weight_dtype == "int8"
        self.outliers = None
        if self.int8:
            quantized, self.scales = quantize_rows(linear.weight)
            self.weight_t = quantized.astype(np.float64).T   # integer-valued: float64 matmul is exact here
            self.channel_sums = quantized.astype(np.int64).sum(axis=1).astype(np.float64)
            channels = linear.outlier_channels
            if channels is not None and len(channels):
                self.outliers = np.asarray(channels, np.int64)
                self.outlier_weight_t = np.ascontiguousarray(quantized[:, self.outliers].astype(np.float32).T)
        else:
            self.weight_t = dequantized_linear(linear.weight, weight_dtype).T

    def __call__(self, x):
        x = np.asarray(x, np.float32)
        if not self.int8:
            y = (x @ self.weight_t).astype(np.float32)
            return y if self.bias is None else y + self.bias
        quantize_input = x
        if self.outliers is not None:
            quantize_input = x.copy()
            quantize_input[:, self.outliers] = 0
        quantized_x, x_scales, zero_points = quantize_rows_asymmetric(quantize_input)
        accumulator = quantized_x.astype(np.float64) @ self.weight_t - zero_points[:, None] * self.channel_sums
        y = accumulator.astype(np.float32) * (x_scales[:, None] * self.scales[None, :])
        if self.bias is not None:
            y = y + self.bias
        if self.outliers is not None:
            y = y + (x[:, self.outliers] @ self.outlier_weight_t) * self.scales
        return y.astype(np.float32)


class _LowRankLinear:
    """A low-rank pair as the runtime runs it (tern.fbs, Linear.input_factor): t = linear(F, no bias, the
    outlier channels, which index F's inputs)(x) kept in f32, then y = linear(W', bias, no outliers)(t); with
    int8 weights each of the two quantizes its own input rows."""

    def __init__(self, linear, weight_dtype):
        self.factor = _PreparedLinear(LinearSpec(linear.input_factor, None, linear.outlier_channels), weight_dtype)
        self.second = _PreparedLinear(LinearSpec(linear.weight, linear.bias), weight_dtype)

    def __call__(self, x):
        return self.second(self.factor(x))


def prepare_linear(linear, weight_dtype):
    if linear is None:
        return None
    if linear.input_factor is not None:
        return _LowRankLinear(linear, weight_dtype)
    return _PreparedLinear(linear, weight_dtype)


class ReferenceEncoder:
    def __init__(self, spec, weight_dtype="f32"):
        self.spec = spec
        self.weight_dtype = weight_dtype
        prep = lambda lin: prepare_linear(lin, weight_dtype)
        emb = spec.embeddings
        self.word = dequantized_linear(emb.word, weight_dtype)
        self.word_factor = prep(emb.word_factor)
        self.projection = prep(emb.projection)
        self.sets = [{name: prep(getattr(ws, name)) for name in
                      ("query", "key", "value", "attention_output", "ffn_in", "ffn_out")}
                     for ws in spec.weight_sets]
        self.heads = [(prep(head.pooler), prep(head.classifier)) for head in spec.heads]
        self.activation = ACTIVATIONS[spec.hyper.activation]

    def embedding_output(self, ids):
        emb = self.spec.embeddings
        ids = np.asarray(ids, dtype=np.int64)
        x = self.word[ids]
        if self.word_factor is not None:
            x = self.word_factor(x)
        x = x + emb.position[: len(ids)]
        if emb.token_type is not None:
            x = x + emb.token_type[0]
        x = layer_norm(x.astype(np.float32), emb.norm)
        if self.projection is not None:
            x = self.projection(x)
        return x

    def layer(self, x, set_index, head_mask=None):
        """One schedule entry. head_mask (optional): [num_heads of the set] scales each head's context (0 masks
        a head, which is what removing its Q/K/V rows and output columns computes), or a pair (mask, fill)
        with fill [num_heads, head_dim] added to every token's masked context (a removed head whose mean
        context is folded into the output bias)."""
        spec = self.spec
        ws, layer = spec.weight_sets[set_index], self.sets[set_index]
        tokens, heads = len(x), ws.num_heads
        head_dim = spec.hyper.hidden_size // spec.hyper.num_heads
        split = lambda t: t.reshape(tokens, heads, head_dim).transpose(1, 0, 2)
        q, k, v = split(layer["query"](x)), split(layer["key"](x)), split(layer["value"](x))
        scores = q @ k.transpose(0, 2, 1) / np.float32(math.sqrt(head_dim))
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probs = scores / scores.sum(axis=-1, keepdims=True)
        context = probs @ v
        if head_mask is not None:
            mask, fill = head_mask if isinstance(head_mask, tuple) else (head_mask, None)
            context = context * np.asarray(mask, np.float32)[:, None, None]
            if fill is not None:
                context = context + np.asarray(fill, np.float32)[:, None, :]
        context = context.transpose(1, 0, 2).reshape(tokens, heads * head_dim).astype(np.float32)
        h = layer_norm(layer["attention_output"](context) + x, ws.attention_norm)
        f = layer["ffn_out"](self.activation(layer["ffn_in"](h)))
        return layer_norm(f + h, ws.ffn_norm)

    def hidden_states(self, ids, head_masks=None, skip=()):
        """head_masks: {schedule position: head mask}; skip: schedule positions not run."""
        x = self.embedding_output(ids)
        for position, set_index in enumerate(self.spec.schedule):
            if position not in skip:
                x = self.layer(x, set_index, None if head_masks is None else head_masks.get(position))
        return x

    def pool(self, hidden):
        pooling = self.spec.pooling
        if pooling.mode == "mean":
            vector = hidden.mean(axis=0)
        elif pooling.mode == "cls":
            vector = hidden[0]
        else:
            vector = hidden.max(axis=0)
        if pooling.matryoshka_dim:
            vector = vector[: pooling.matryoshka_dim]
        if pooling.normalize:
            vector = vector / max(np.linalg.norm(vector), 1e-12)
        return vector.astype(np.float32)

    def embed(self, ids):
        return self.pool(self.hidden_states(ids))

    def logits(self, ids, head_index=0):
        """Sequence head: [num_labels]; token head: [tokens, num_labels]."""
        return self.head_output(self.hidden_states(ids), head_index)

    def head_output(self, hidden, head_index=0):
        pooler, classifier = self.heads[head_index]
        if self.spec.heads[head_index].kind == "sequence":
            first = hidden[:1]
            if pooler is not None:
                first = np.tanh(pooler(first))
            return classifier(first)[0]
        return classifier(hidden)

    def output(self, hidden, kind):
        """The model's result from its last hidden states: kind "embedding" (pooled) or "logits" (head 0)."""
        return self.head_output(hidden) if kind == "logits" else self.pool(hidden)


def output_kind(spec):
    """What the converter compares and self-tests: a sequence head's logits, else the pooled embedding."""
    return "logits" if spec.heads and spec.heads[0].kind == "sequence" else "embedding"
