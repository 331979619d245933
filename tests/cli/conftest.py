"""Fixtures of the CLI tests: where the build, tern-bench and the converted test models are.

TERN_BUILD_DIR (set by scripts/test.sh) names the build; without it, <repo>/build. Tests that need a
binary or a model skip with the reason when it is not there.
"""
import pytest

import cli_helpers


@pytest.fixture(scope="session")
def build_dir():
    return cli_helpers.build_dir()


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
