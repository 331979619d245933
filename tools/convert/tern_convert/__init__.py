"""tern_convert: Hugging Face encoder checkpoints -> .tern files (runtime/schema/tern.fbs)."""

import os

# The NumPy reference runs thousands of small matmuls (one short text at a time) and the SVDs of --low-rank;
# OpenBLAS threads cost more than they give there (10-20x slower SVDs on a busy 2-core machine). Only when
# tern_convert is imported before NumPy, and the caller did not choose.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
FORMAT_VERSION = 1
