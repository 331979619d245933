"""--factorize-embeddings RANK: a V x W word table becomes word [V, r] and word_factor [W, r] by truncated
SVD (table ~= word @ word_factor^T); the runtime applies word_factor to the gathered rows."""

import numpy as np

from .errors import ConversionError
from .quantize import relative_error
from .spec import LinearSpec


def factorize(table, rank):
    """Returns (word [V, r], factor [W, r], relative reconstruction error)."""
    vocab, width = table.shape
    if not 1 <= rank <= min(vocab, width):
        raise ConversionError(f"--factorize-embeddings {rank}: rank must be between 1 and {min(vocab, width)}")
    u, s, vt = np.linalg.svd(table.astype(np.float64), full_matrices=False)
    # Split the singular values evenly so both factors have similar ranges (better for int8).
    root = np.sqrt(s[:rank])
    word = (u[:, :rank] * root).astype(np.float32)
    factor = (vt[:rank].T * root).astype(np.float32)
    return word, factor, relative_error(table, word @ factor.T)


def factorize_embeddings(spec, rank):
    emb = spec.embeddings
    if emb.word_factor is not None:
        raise ConversionError("embeddings are already factorized")
    word, factor, error = factorize(emb.word, rank)
    emb.word = word
    emb.word_factor = LinearSpec(factor, None)
    return error
