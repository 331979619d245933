"""Symmetric int8 quantization: value = q * scale, zero point 0, one scale per row (output channel of a
linear weight, or embedding row). Also the dynamic per-row activation quantization the runtime does."""

import numpy as np

INT8_MAX = 127


def quantize_rows(matrix):
    """f32 [rows, cols] -> (int8 [rows, cols], f32 scales [rows]). Scales are > 0 even for all-zero rows
    (the verifier requires finite, positive scales)."""
    matrix = np.asarray(matrix, dtype=np.float32)
    absmax = np.max(np.abs(matrix), axis=1) if matrix.shape[1] else np.zeros(matrix.shape[0], np.float32)
    scales = (absmax / INT8_MAX).astype(np.float32)
    scales[scales == 0] = np.float32(1.0)
    quantized = np.clip(np.rint(matrix / scales[:, None]), -INT8_MAX, INT8_MAX).astype(np.int8)
    return quantized, scales


def dequantize_rows(quantized, scales):
    return quantized.astype(np.float32) * np.asarray(scales, np.float32)[:, None]


def relative_error(original, approximation):
    """||a - b|| / ||a|| (0 for an all-zero original)."""
    original = np.asarray(original, np.float64)
    norm = np.linalg.norm(original)
    if norm == 0:
        return float(np.linalg.norm(np.asarray(approximation, np.float64)))
    return float(np.linalg.norm(original - np.asarray(approximation, np.float64)) / norm)
