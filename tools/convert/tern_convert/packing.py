"""The Packed16x4 int8 weight layout (runtime/schema/tern.fbs, enum Layout). The C side is
tern_pack_16x4 in runtime/src/packing.c; a test checks the two agree byte for byte."""

import numpy as np

BLOCK_N = 16  # output channels per block
BLOCK_K = 4   # inputs per block (one 32-bit lane of an int8 dot-product instruction)


def round_up(value, multiple):
    return (value + multiple - 1) // multiple * multiple


def packed_16x4_length(n, k):
    return round_up(n, BLOCK_N) * round_up(k, BLOCK_K)


def pack_16x4(weight):
    """int8 W [N (out), K (in)] -> flat int8 array where
    byte index of W[n][k] = ((n / 16) * (Kp / 4) + k / 4) * 64 + (n % 16) * 4 + (k % 4); padding is 0."""
    weight = np.asarray(weight)
    if weight.ndim != 2 or weight.dtype != np.int8:
        raise ValueError(f"pack_16x4 wants a 2-D int8 array, got {weight.dtype} {weight.shape}")
    n, k = weight.shape
    n_padded, k_padded = round_up(n, BLOCK_N), round_up(k, BLOCK_K)
    padded = np.zeros((n_padded, k_padded), dtype=np.int8)
    padded[:n, :k] = weight
    # [Nb, 16, Kb, 4] -> [Nb, Kb, 16, 4]: block order (output block, input block), inside a block 16 rows of 4.
    blocks = padded.reshape(n_padded // BLOCK_N, BLOCK_N, k_padded // BLOCK_K, BLOCK_K).transpose(0, 2, 1, 3)
    return np.ascontiguousarray(blocks).reshape(-1)


def unpack_16x4(packed, n, k):
    """Inverse of pack_16x4: returns the int8 [n, k] matrix."""
    n_padded, k_padded = round_up(n, BLOCK_N), round_up(k, BLOCK_K)
    packed = np.asarray(packed, dtype=np.int8)
    if packed.size != n_padded * k_padded:
        raise ValueError(f"packed length {packed.size} != {n_padded * k_padded} for [{n}, {k}]")
    blocks = packed.reshape(n_padded // BLOCK_N, k_padded // BLOCK_K, BLOCK_N, BLOCK_K).transpose(0, 2, 1, 3)
    return np.ascontiguousarray(blocks.reshape(n_padded, k_padded)[:n, :k])
