"""The core never imports Qt, and nothing heavy loads at import time."""

import subprocess
import sys

CODE = """
import sys
import aligner, aligner.align, aligner.cues, aligner.pipeline, aligner.records, aligner.settings
import aligner.cli
aligner.cli._register()
heavy = [m for m in ("torch", "sentence_transformers", "faiss", "PySide6", "transformers") if m in sys.modules]
print(",".join(heavy))
"""


def test_core_imports_nothing_heavy_and_no_qt():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"loaded at import time: {out.stdout.strip()}"


def test_core_source_never_mentions_qt():
    from pathlib import Path

    import aligner

    root = Path(aligner.__file__).parent
    offenders = [str(p) for p in root.rglob("*.py") if "PySide6" in p.read_text(encoding="utf-8")]
    assert offenders == []
