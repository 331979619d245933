"""--low-rank: a layer linear W [out, in] becomes a pair by truncated SVD (the machinery of
--factorize-embeddings): F = sqrt(S) V^T [rank, in] and W' = U sqrt(S) [out, rank], y = (x F^T) W'^T + b.
Only where it saves work: rank * (out + in) < out * in. "auto:ERR" picks per linear the smallest rank whose
relative Frobenius error ||W - W_r|| / ||W|| is <= ERR, rounded up to a multiple of 16 (the packed int8
layout pads F's rows to 16 anyway)."""

import dataclasses
import hashlib

import numpy as np

from ..spec import LinearSpec
from ..svd import singular_values, split_factors
from .options import LAYER_LINEARS

RANK_MULTIPLE = 16


def _svd_cached(matrix, cache):
    if cache is None:
        return singular_values(matrix)
    key = (matrix.shape, hashlib.sha1(np.ascontiguousarray(matrix).tobytes()).hexdigest())
    if key not in cache:
        cache[key] = singular_values(matrix)
    return cache[key]


def rank_for_error(singular, budget):
    """Smallest r with sqrt(sum_{i >= r} s_i^2) / sqrt(sum s_i^2) <= budget (tail energy)."""
    energy = np.asarray(singular, np.float64) ** 2
    total = energy.sum()
    if total == 0:
        return 1
    tail = np.sqrt(np.maximum(total - np.cumsum(energy), 0) / total)  # tail[r - 1]: error at rank r
    rank = int(np.argmax(tail <= budget)) + 1
    return min(len(singular), -(-rank // RANK_MULTIPLE) * RANK_MULTIPLE)


def saves_work(rank, out_features, in_features):
    return rank * (out_features + in_features) < out_features * in_features


def factor_linear(linear, rank, cache=None):
    """Returns (pair LinearSpec, relative Frobenius error of the float factors)."""
    u, s, vt = _svd_cached(linear.weight, cache)
    rank = min(rank, len(s))
    left, right = split_factors(u, s, vt, rank)
    error = float(np.sqrt(np.sum(s[rank:] ** 2) / max(np.sum(s ** 2), 1e-300)))
    return LinearSpec(left, linear.bias, input_factor=np.ascontiguousarray(right.T)), error


def apply_low_rank(spec, settings, cache=None, force=False):
    """settings: {linear name: rank or ("auto", budget)}. force: factor even where it saves nothing (tests:
    full rank must reproduce the linear). Returns (new weight sets, [per-linear records for the report])."""
    sets, records = [], []
    for index, weight_set in enumerate(spec.weight_sets):
        replaced = {}
        for name in LAYER_LINEARS:
            if name not in settings:
                continue
            linear = getattr(weight_set, name)
            out_features, in_features = linear.weight.shape
            setting = settings[name]
            if isinstance(setting, tuple):
                rank = rank_for_error(_svd_cached(linear.weight, cache)[1], setting[1])
            else:
                rank = min(setting, out_features, in_features)
            record = {"set": index, "linear": name, "shape": [out_features, in_features], "rank": rank}
            if not force and not saves_work(rank, out_features, in_features):
                record["kept_full"] = True
                records.append(record)
                continue
            replaced[name], record["relative_error"] = factor_linear(linear, rank, cache)
            records.append(record)
        sets.append(dataclasses.replace(weight_set, **replaced) if replaced else weight_set)
    return sets, records
