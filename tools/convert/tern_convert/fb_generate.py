"""Regenerates tern_convert/fb/ from runtime/schema/tern.fbs with flatc, so the schema stays the single
source of truth. Run `python -m tern_convert.fb_generate` after editing the schema; a test checks that the
committed files equal a fresh generation."""

import pathlib
import shutil
import subprocess
import sys
import tempfile

PACKAGE_DIR = pathlib.Path(__file__).resolve().parent
SCHEMA = PACKAGE_DIR.parents[2] / "runtime" / "schema" / "tern.fbs"
# flatc emits absolute imports of the schema namespace (tern.fb.X); the package lives at tern_convert.fb.
FLATC_IMPORT = "from tern.fb."
PACKAGE_IMPORT = "from tern_convert.fb."


def generate(out_dir, schema=SCHEMA, flatc="flatc"):
    """Writes the generated modules (one per schema type, plus __init__.py) into out_dir."""
    out_dir = pathlib.Path(out_dir)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([flatc, "--python", "-o", tmp, str(schema)], check=True)
        generated = pathlib.Path(tmp) / "tern" / "fb"
        out_dir.mkdir(parents=True, exist_ok=True)
        for source in sorted(generated.glob("*.py")):
            text = source.read_text().replace(FLATC_IMPORT, PACKAGE_IMPORT)
            (out_dir / source.name).write_text(text)


def main():
    target = PACKAGE_DIR / "fb"
    if target.exists():
        shutil.rmtree(target)
    generate(target)
    print(f"generated {target} from {SCHEMA}", file=sys.stderr)


if __name__ == "__main__":
    main()
