"""Issue 15, Medium: ``aligner align`` on an article with no paragraph breaks gives
pysbd and lingua bounded input (their cost grows faster than linearly with it).
Time against size is measured in bench/long_text.py."""

from __future__ import annotations

import json

from aligner.cli import align_cmd, main
from aligner.text import langid, sentences

SENTS = ["The U.S. envoy met Dr. Smith in Geneva on Monday.",
         "“We will never accept a peace of graveyards in Syria,” Jean-Marc Ayrault said.",
         "Mr. Lavrov said the truce was holding, according to the A.F.P. news agency."]


def test_align_on_one_long_paragraph_feeds_bounded_windows(tmp_path, monkeypatch, fake_encoder):
    monkeypatch.setattr(align_cmd, "_encoder_factory", lambda model, *a, **k: fake_encoder)
    seen_sbd: list[int] = []
    seen_lid: list[int] = []
    real_seg, real_scores = sentences._segmenter, langid._scores

    class Spy:
        def __init__(self, inner):
            self.inner = inner

        def segment(self, text):
            seen_sbd.append(len(text))
            return self.inner.segment(text)

    monkeypatch.setattr(sentences, "_segmenter", lambda lang: Spy(real_seg(lang)))
    monkeypatch.setattr(langid, "_scores", lambda t: seen_lid.append(len(t)) or real_scores(t))
    body = " ".join(SENTS[i % 3] for i in range(600))  # ~40 KB, one line
    (tmp_path / "long.txt").write_text("Agencies\n\n" + body + "\n", encoding="utf-8")
    (tmp_path / "fr.txt").write_text("« La France n’acceptera jamais une paix des cimetières en Syrie », "
                                     "a déclaré Jean-Marc Ayrault.\n", encoding="utf-8")
    out = tmp_path / "m.jsonl"
    assert main(["align", str(tmp_path / "long.txt"), str(tmp_path / "fr.txt"), "-f", "jsonl", "-o", str(out),
                 "--min-score", "0"]) == 0
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len({(r["source"]["start"], r["source"]["end"]) for r in rows}) == 200  # every quote found
    text = (tmp_path / "long.txt").read_text(encoding="utf-8")
    assert all(text[r["source"]["start"]:r["source"]["end"]] == r["source"]["text"] for r in rows)
    assert max(seen_sbd) <= sentences.WINDOW_CHARS and max(seen_lid) <= langid.SAMPLE_CHARS
