"""--factorize-embeddings RANK: a V x W word table becomes word [V, r] and word_factor [W, r] by truncated
SVD (table ~= word @ word_factor^T); the runtime applies word_factor to the gathered rows."""

import numpy as np

from .errors import ConversionError
from .quantize import relative_error
from .spec import LinearSpec


def singular_values(matrix):
    """(u, s, vt) of matrix in float64 (thin SVD)."""
    return np.linalg.svd(np.asarray(matrix, np.float64), full_matrices=False)


def split_factors(u, s, vt, rank):
    """matrix ~= left @ right^T with left [rows, r], right [cols, r]. The singular values are split evenly
    (sqrt on each side) so both factors have similar ranges, which suits int8 (the embedding table of
    --factorize-embeddings, and both linears of a --low-rank pair)."""
    root = np.sqrt(s[:rank])
    return (u[:, :rank] * root).astype(np.float32), (vt[:rank].T * root).astype(np.float32)


def factorize(table, rank):
    """Returns (word [V, r], factor [W, r], relative reconstruction error)."""
    vocab, width = table.shape
    if not 1 <= rank <= min(vocab, width):
        raise ConversionError(f"--factorize-embeddings {rank}: rank must be between 1 and {min(vocab, width)}")
    word, factor = split_factors(*singular_values(table), rank)
    return word, factor, relative_error(table, word @ factor.T)


def factorize_embeddings(spec, rank):
    emb = spec.embeddings
    if emb.word_factor is not None:
        raise ConversionError("embeddings are already factorized")
    word, factor, error = factorize(emb.word, rank)
    emb.word = word
    emb.word_factor = LinearSpec(factor, None)
    return error
