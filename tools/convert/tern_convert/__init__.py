"""tern_convert: Hugging Face encoder checkpoints -> .tern files (runtime/schema/tern.fbs)."""

__version__ = "0.1.0"
FORMAT_VERSION = 1
