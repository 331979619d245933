"""Turns the ModelSpec's float32 arrays into stored tensors (quantized / converted, packed) and hands out
the indices the FlatBuffer tables refer to. Every array is stored once, however many layers use it."""

from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np

from .packing import pack_16x4
from .quantize import dequantize_rows, quantize_rows, relative_error

DTYPE_F32, DTYPE_F16, DTYPE_I8 = 0, 1, 2
LAYOUT_ROW_MAJOR, LAYOUT_PACKED_16X4 = 0, 1
DTYPE_NAMES = {DTYPE_F32: "f32", DTYPE_F16: "f16", DTYPE_I8: "i8"}


@dataclass
class StoredTensor:
    name: str
    dtype: int
    layout: int
    shape: tuple
    payload: bytes
    part: str                                  # "embeddings" | "layers" | "heads" (for the report)
    scales: Optional[np.ndarray] = None
    channel_sums: Optional[np.ndarray] = None
    relative_error: float = 0.0
    offset: int = 0                            # filled by the writer


@dataclass
class TensorStore:
    weight_dtype: str                          # "int8" | "f16" | "f32": for linear weights and word embeddings
    tensors: List[StoredTensor] = field(default_factory=list)
    names: dict = field(default_factory=dict)

    def _add(self, tensor):
        if tensor.name in self.names:
            raise ValueError(f"duplicate tensor name {tensor.name}")
        self.names[tensor.name] = len(self.tensors)
        self.tensors.append(tensor)
        return len(self.tensors) - 1

    def add_f32(self, name, array, part):
        """Biases, LayerNorm, position/type tables: always f32 RowMajor."""
        array = np.ascontiguousarray(array, dtype="<f4")
        return self._add(StoredTensor(name, DTYPE_F32, LAYOUT_ROW_MAJOR, array.shape, array.tobytes(), part))

    def _add_float(self, name, array, part):
        array = np.asarray(array, dtype=np.float32)
        if self.weight_dtype == "f16":
            half = np.ascontiguousarray(array, dtype="<f2")
            if not np.all(np.isfinite(half)):
                raise ValueError(f"tensor {name}: values overflow f16; use --dtype f32 or int8")
            return self._add(StoredTensor(name, DTYPE_F16, LAYOUT_ROW_MAJOR, array.shape, half.tobytes(), part,
                                          relative_error=relative_error(array, half.astype(np.float32))))
        return self.add_f32(name, array, part)

    def add_linear_weight(self, name, weight, part):
        """[out, in]: int8 per-output-channel in Packed16x4 with channel sums, or f16/f32 RowMajor."""
        if self.weight_dtype != "int8":
            return self._add_float(name, weight, part)
        quantized, scales = quantize_rows(weight)
        packed = pack_16x4(quantized)
        sums = quantized.astype(np.int32).sum(axis=1).astype("<i4")
        return self._add(StoredTensor(name, DTYPE_I8, LAYOUT_PACKED_16X4, weight.shape, packed.tobytes(), part,
                                      scales=scales, channel_sums=sums,
                                      relative_error=relative_error(weight, dequantize_rows(quantized, scales))))

    def add_embedding_table(self, name, table, part):
        """[rows, width]: int8 with one scale per row (RowMajor), or f16/f32."""
        if self.weight_dtype != "int8":
            return self._add_float(name, table, part)
        quantized, scales = quantize_rows(table)
        return self._add(StoredTensor(name, DTYPE_I8, LAYOUT_ROW_MAJOR, table.shape,
                                      np.ascontiguousarray(quantized).tobytes(), part, scales=scales,
                                      relative_error=relative_error(table, dequantize_rows(quantized, scales))))


def dequantized_linear(weight, weight_dtype):
    """What the runtime will see for a linear weight / embedding table stored with weight_dtype."""
    if weight_dtype == "int8":
        return dequantize_rows(*quantize_rows(weight))
    if weight_dtype == "f16":
        return np.asarray(weight, np.float32).astype(np.float16).astype(np.float32)
    return np.asarray(weight, np.float32)
