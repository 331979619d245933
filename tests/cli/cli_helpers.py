"""Paths and subprocess helpers of the CLI tests (a plain module: tests/convert has its own conftest.py,
so tests import from here, never `from conftest import ...`)."""
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH_TOOLS = REPO / "tools" / "bench"
DATA = Path(__file__).resolve().parent / "data"


def build_dir():
    return Path(os.environ.get("TERN_BUILD_DIR") or REPO / "build")


def run(command, **kwargs):
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)


def python_tool(name):
    return [sys.executable, str(BENCH_TOOLS / name)]
