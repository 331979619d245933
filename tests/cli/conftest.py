"""Shared fixtures of the CLI tests: where the build, tern-bench and the converted test models are.

TERN_BUILD_DIR (set by scripts/test.sh) names the build; without it, <repo>/build. Tests that need a
binary or a model skip with the reason when it is not there.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCH_TOOLS = REPO / "tools" / "bench"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def build_dir():
    return Path(os.environ.get("TERN_BUILD_DIR") or REPO / "build")


@pytest.fixture(scope="session")
def tern_bench(build_dir):
    path = build_dir / "bin" / "tern-bench"
    if not path.exists():
        pytest.skip(f"{path} not built (set TERN_BUILD_DIR to a build tree)")
    return path


@pytest.fixture(scope="session")
def models_dir(build_dir):
    return build_dir / "models"


@pytest.fixture(scope="session")
def albert_tiny(models_dir):
    path = models_dir / "albert-tiny-int8.tern"
    if not path.exists():
        pytest.skip(f"{path} missing: run models/make_test_models.sh {models_dir}")
    return path


@pytest.fixture(scope="session")
def minilm(models_dir):
    path = models_dir / "minilm-int8.tern"
    if not path.exists():
        pytest.skip(f"{path} missing: run models/make_test_models.sh {models_dir}")
    return path


def run(command, **kwargs):
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)


def python_tool(name):
    return [sys.executable, str(BENCH_TOOLS / name)]
