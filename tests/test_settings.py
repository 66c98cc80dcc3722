"""Settings are declared once and resolved once, at the entry."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from aligner.pipeline import prepare_document
from aligner.records import Document
from aligner.settings import SETTINGS, Settings

ALIGNER = Path(__file__).resolve().parent.parent / "aligner"


def test_from_env_applies_typed_overrides(monkeypatch):
    monkeypatch.setenv("ALIGNER_ARABIC_SEMICOLON_ENDS_SENTENCE", "yes")
    monkeypatch.setenv("ALIGNER_LANGID_MIN_LETTERS", "7")
    s = Settings.from_env()
    assert s.arabic_semicolon_ends_sentence is True and s.langid_min_letters == 7


@pytest.mark.parametrize("name, raw, kind", [("ALIGNER_OV_CACHE_MB", "1GB", "a whole number"),
                                             ("ALIGNER_ALIGN_THRESHOLD", "high", "a number")])
def test_from_env_names_a_bad_variable(monkeypatch, name, raw, kind):
    from aligner.errors import AlignerError

    monkeypatch.setenv(name, raw)
    with pytest.raises(AlignerError, match=f"{name} is '{raw}', which is not {kind}"):
        Settings.from_env()


def test_only_the_cli_reads_the_environment():
    readers = []
    for path in ALIGNER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "from_env" and path.name != "settings.py":
                readers.append(path.relative_to(ALIGNER).as_posix())
    assert readers and all(r.startswith("cli/") for r in readers), readers


def test_only_the_app_entry_reads_the_environment_in_the_workbench():
    """The workbench resolves its settings once, in ``workbench.app.main``, and passes them down."""
    workbench = ALIGNER.parent / "workbench"
    readers = sorted({path.relative_to(workbench).as_posix() for path in workbench.rglob("*.py")
                      for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                      if isinstance(node, ast.Attribute) and node.attr == "from_env"})
    assert readers == ["app.py"]


def test_prepare_document_uses_the_settings_it_is_given():
    text = ("قال المبعوث الدولي إن الوضع في المدينة صعب جدا؛ "
            "وأضاف أن المحادثات بين الطرفين ستستمر في جنيف الأسبوع المقبل.")
    doc = Document(path="a.txt", text=text, lang="ar", encoding="utf-8", sha256="", body=((0, len(text)),))
    singles = lambda ds: [s for s in ds.sentences if s.end - s.start < len(text)]  # noqa: E731
    assert singles(prepare_document(doc)) == []  # one sentence by default
    split = prepare_document(doc, replace(SETTINGS, arabic_semicolon_ends_sentence=True))
    assert [s.text[-1] for s in singles(split)] == ["؛", "."]
