"""The demo corpus's non-speech gold (seeds/gold/non_speech.jsonl): every marked span is
extracted, and never as speech (names of outlets and groups, scare quotes in headlines)."""

from __future__ import annotations

import json
from pathlib import Path

from aligner.text.quotes import extract_quotes
from aligner.text.reader import read_document

ROOT = Path(__file__).resolve().parents[2]


def test_non_speech_gold_spans_are_kept_but_not_as_speech():
    seen = {}
    for line in (ROOT / "seeds/gold/non_speech.jsonl").read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        if g["doc"] not in seen:
            seen[g["doc"]] = extract_quotes(read_document(ROOT / g["doc"]))
        kinds = [q.kind for q in seen[g["doc"]] if q.text == g["text"]]
        assert kinds, g
        assert "speech" not in kinds, (g["text"], kinds)
