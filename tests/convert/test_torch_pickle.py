"""The restricted unpickler reads a real torch.save zip (made by models/make_fixtures.py) without torch."""

import pathlib

import numpy as np

from tern_convert.torch_pickle import load_torch_zip

DATA = pathlib.Path(__file__).parent / "data" / "torch_state.bin"


def test_reads_strided_half_bfloat16_and_integer_tensors():
    state = load_torch_zip(DATA)
    base = np.arange(24, dtype=np.float32).reshape(4, 6) / 8
    np.testing.assert_array_equal(state["dense"], base)
    np.testing.assert_array_equal(state["transposed"], base.T)
    np.testing.assert_array_equal(state["slice"], base[1:3, 2:5])
    assert state["half"].dtype == np.float16
    np.testing.assert_array_equal(state["half"], base.astype(np.float16))
    np.testing.assert_array_equal(state["bf16"], base - 1)  # exactly representable in bfloat16
    np.testing.assert_array_equal(state["long"], np.arange(5))
