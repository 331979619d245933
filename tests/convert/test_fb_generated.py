"""The committed FlatBuffers Python code is exactly what flatc makes from runtime/schema/tern.fbs."""

import shutil

import pytest

from tern_convert import fb_generate


@pytest.mark.skipif(shutil.which("flatc") is None, reason="flatc (flatbuffers-compiler) not installed")
def test_committed_python_code_matches_a_fresh_flatc_generation(tmp_path):
    fb_generate.generate(tmp_path)
    committed = fb_generate.PACKAGE_DIR / "fb"
    fresh = {p.name: p.read_text() for p in tmp_path.glob("*.py")}
    stored = {p.name: p.read_text() for p in committed.glob("*.py")}
    assert sorted(fresh) == sorted(stored), "run: python -m tern_convert.fb_generate"
    for name in fresh:
        assert fresh[name] == stored[name], f"{name} differs from flatc's output; run python -m tern_convert.fb_generate"
