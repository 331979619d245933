"""Errors the converter reports to its user; the CLI prints the message and exits non-zero."""


class ConversionError(Exception):
    """The input cannot be converted; the message says what and where."""


class UnsupportedModelError(ConversionError):
    """An architecture, activation or feature tern does not implement."""


class UnsafeCheckpointError(ConversionError):
    """A pickle asked for something other than tensor reconstruction."""
