import numpy as np
import pytest

from tern_convert.packing import pack_16x4, packed_16x4_length, round_up, unpack_16x4


def packed_index(n, k, k_padded):
    """The formula from tern.fbs, written out independently of the numpy reshape in pack_16x4."""
    return ((n // 16) * (k_padded // 4) + k // 4) * 64 + (n % 16) * 4 + (k % 4)


@pytest.mark.parametrize("n,k", [(1, 1), (16, 4), (17, 5), (33, 70), (384, 384), (2, 1536)])
def test_pack_16x4_places_every_weight_where_the_schema_says(n, k):
    rng = np.random.default_rng(n * 1000 + k)
    weight = rng.integers(-127, 128, size=(n, k), dtype=np.int8)
    packed = pack_16x4(weight)
    k_padded = round_up(k, 4)
    assert packed.size == packed_16x4_length(n, k) == round_up(n, 16) * k_padded
    expected = np.zeros(packed.size, np.int8)
    for row in range(n):
        for col in range(k):
            expected[packed_index(row, col, k_padded)] = weight[row, col]
    np.testing.assert_array_equal(packed, expected)  # padding bytes stay 0
    np.testing.assert_array_equal(unpack_16x4(packed, n, k), weight)


def test_pack_16x4_refuses_float_input():
    with pytest.raises(ValueError):
        pack_16x4(np.zeros((4, 4), np.float32))
