"""Calibration texts for the lightweight options: a UTF-8 file with one text per line (blank lines
skipped), or the converter's built-in calibration sentences when no file is given."""

import pathlib

from ..errors import ConversionError
from ..python_tokenizer import make_tokenizer
from ..samples import CALIBRATION_SENTENCES


def read_calibration(path):
    if path is None:
        return list(CALIBRATION_SENTENCES)
    path = pathlib.Path(path)
    if not path.is_file():
        raise ConversionError(f"--calibration {path}: no such file")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise ConversionError(f"--calibration {path}: not UTF-8 text ({error})") from None
    texts = [line.strip() for line in lines if line.strip()]
    if not texts:
        raise ConversionError(f"--calibration {path}: no text in the file (one text per line expected)")
    return texts


def calibration_ids(spec, texts):
    """Token ids per text, truncated to the model's max length as the runtime does."""
    encode = make_tokenizer(spec.tokenizer)
    return [encode(text) for text in texts]
