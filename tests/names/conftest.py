"""Helpers for the names tests: documents built in memory."""

from __future__ import annotations

import hashlib

import pytest

from aligner.records import Document


def make_doc(path: str, text: str, lang: str) -> Document:
    return Document(path=path, text=text, lang=lang, encoding="utf-8",
                    sha256=hashlib.sha256(text.encode()).hexdigest())


@pytest.fixture
def doc():
    return make_doc
