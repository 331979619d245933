"""Reads a .tern file back (for tests and inspection): checks the outer layout, returns the FlatBuffer root
and every tensor as float32 (int8 dequantized, Packed16x4 unpacked)."""

import pathlib

import numpy as np

from .fb.Model import Model
from .packing import packed_16x4_length, unpack_16x4
from .tensor_store import DTYPE_F16, DTYPE_F32, DTYPE_I8, LAYOUT_PACKED_16X4

ALIGNMENT = 64


class TernFile:
    def __init__(self, data):
        self.data = data
        if len(data) < 12 or data[8:12] != b"TERN":
            raise ValueError("not a .tern file (identifier 'TERN' missing at bytes 8..12)")
        size = int.from_bytes(data[:4], "little")
        if 4 + size > len(data):
            raise ValueError(f"size prefix {size} exceeds the file ({len(data)} bytes)")
        self.model = Model.GetRootAs(data, 4)
        self.weights_offset = self.model.WeightsOffset()
        self.weights_length = self.model.WeightsLength()
        if self.weights_offset % ALIGNMENT or self.weights_offset < 4 + size:
            raise ValueError(f"weights_offset {self.weights_offset} misaligned or inside the FlatBuffer")
        if self.weights_offset + self.weights_length != len(data):
            raise ValueError("file does not end at weights_offset + weights_length")
        self.names = {self.model.Tensors(i).Name().decode(): i for i in range(self.model.TensorsLength())}

    def tensor_record(self, index):
        return self.model.Tensors(index)

    def raw(self, index):
        record = self.model.Tensors(index)
        offset, length = record.Offset(), record.Length()
        if offset % ALIGNMENT or offset + length > self.weights_length:
            raise ValueError(f"tensor {record.Name().decode()}: offset {offset} length {length} out of segment")
        start = self.weights_offset + offset
        return record, self.data[start:start + length]

    def tensor(self, key):
        """float32 values of a tensor (by index or name), dequantized."""
        index = self.names[key] if isinstance(key, str) else key
        record, raw = self.raw(index)
        shape = tuple(record.ShapeAsNumpy().tolist())
        count = int(np.prod(shape))
        if record.Dtype() == DTYPE_F32:
            return np.frombuffer(raw, "<f4", count).reshape(shape).copy()
        if record.Dtype() == DTYPE_F16:
            return np.frombuffer(raw, "<f2", count).reshape(shape).astype(np.float32)
        if record.Dtype() != DTYPE_I8:
            raise ValueError(f"unknown dtype {record.Dtype()}")
        scales = record.ScalesAsNumpy().astype(np.float32)
        if record.Layout() == LAYOUT_PACKED_16X4:
            n, k = shape
            if len(raw) != packed_16x4_length(n, k):
                raise ValueError("packed length mismatch")
            quantized = unpack_16x4(np.frombuffer(raw, np.int8), n, k)
        else:
            quantized = np.frombuffer(raw, np.int8, count).reshape(shape[0], -1)
        return (quantized.astype(np.float32) * scales[:, None]).reshape(shape)

    def metadata(self):
        pairs = (self.model.Metadata(i) for i in range(self.model.MetadataLength()))
        return {pair.Key().decode(): pair.Value().decode() for pair in pairs}


def read_tern(path):
    return TernFile(pathlib.Path(path).read_bytes())
