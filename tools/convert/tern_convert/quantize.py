"""int8 quantization. Weights: symmetric, value = q * scale, zero point 0, one scale per row (output channel
of a linear weight, or embedding row). Activations: the runtime's dynamic asymmetric per-row quantization."""

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


def quantize_rows_asymmetric(x):
    """The runtime's dynamic activation quantization for int8 linears with channel sums, bit for bit
    (runtime/kernels/kernels.h, quantize_qd8), in float32: per row, range [min(0, min x), max(0, max x)],
    scale = range / 255, zero point = -128 - rint(low * 255 / range), q = clip(rint(x * 255 / range) + zp,
    -128, 127); x ~ (q - zp) * scale. Rows with range 0 (or not finite): scale 0, zero point 0, q 0.
    Returns (int32 q [rows, cols], f32 scales [rows], int32 zero points [rows])."""
    x = np.asarray(x, dtype=np.float32)
    low = np.minimum(x.min(axis=1), np.float32(0))
    high = np.maximum(x.max(axis=1), np.float32(0))
    span = (high - low).astype(np.float32)
    valid = (span > 0) & np.isfinite(span)
    safe = np.where(valid, span, np.float32(1)).astype(np.float32)
    inverse = (np.float32(255) / safe).astype(np.float32)
    scales = np.where(valid, safe / np.float32(255), np.float32(0)).astype(np.float32)
    zero_points = np.clip(-128 - np.rint((low * inverse).astype(np.float32)), -128, 127)
    quantized = np.clip(np.rint((x * inverse[:, None]).astype(np.float32)) + zero_points[:, None], -128, 127)
    quantized[~valid] = 0
    zero_points[~valid] = 0
    return quantized.astype(np.int32), scales, zero_points.astype(np.int32)


def dequantize_rows(quantized, scales):
    return quantized.astype(np.float32) * np.asarray(scales, np.float32)[:, None]


def relative_error(original, approximation):
    """||a - b|| / ||a|| (0 for an all-zero original)."""
    original = np.asarray(original, np.float64)
    norm = np.linalg.norm(original)
    if norm == 0:
        return float(np.linalg.norm(np.asarray(approximation, np.float64)))
    return float(np.linalg.norm(original - np.asarray(approximation, np.float64)) / norm)
