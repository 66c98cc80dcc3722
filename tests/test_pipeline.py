"""The alignment job end to end on small articles written here (real files, real SQLite)."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.errors import DimensionError
from aligner.pipeline import EmbeddingSource, align_paths
from aligner.store import Project

EN = """World desk

Foreign Minister Jean-Marc Ayrault said on Sunday that the situation was unbearable.

“What is happening in Aleppo is a war crime, and those responsible will answer for it,” Ayrault told Journal du Dimanche.

“We will never accept a peace of graveyards in Syria,” he added.

“The weather in Geneva was lovely this week,” said Staffan de Mistura, the UN envoy.
"""

EN2 = """Agencies

“What is going on in Aleppo is a war crime and those behind it will have to answer for it,” French Foreign Minister Jean-Marc Ayrault said.
"""

FR = """Le Monde

Le ministre des Affaires étrangères, Jean-Marc Ayrault, a réagi dimanche.

« Ce qui se passe à Alep, ce sont des crimes de guerre, et leurs auteurs devront en répondre », a déclaré Jean-Marc Ayrault au Journal du Dimanche.

« La France n’acceptera jamais une paix des cimetières en Syrie », a-t-il ajouté.

Le prix du pain a encore augmenté à Damas, selon des habitants.
"""

AR = """الشرق الأوسط

قال رامي عبد الرحمن مدير المرصد السوري لحقوق الإنسان إن «الهدنة في حلب لم يعد لها وجود إلا على الورق».
"""


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "articles"
    (d / "en").mkdir(parents=True)
    (d / "fr").mkdir()
    (d / "ar").mkdir()
    (d / "en" / "ayrault.txt").write_text(EN, encoding="utf-8")
    (d / "en" / "agencies.txt").write_text(EN2, encoding="utf-8")
    (d / "fr" / "lemonde.txt").write_text(FR.replace("’", "'"), encoding="cp1252")
    (d / "ar" / "asharq.txt").write_text(AR, encoding="cp1256")
    return d


def test_pipeline_without_project_finds_quotes_and_candidates(corpus, fake_encoder):
    res = align_paths([str(corpus)], fake_encoder, min_score=0.0)
    assert res.errors == []
    assert res.stats["source_quotes"] == 4
    kinds = {c.kind for c in res.candidates}
    assert kinds == {"translation", "variant"}
    for c in res.candidates:
        assert c.source.lang == "en" and 0.0 <= c.score <= 1.0
        doc_text = next(d.text for d in res.documents if d.path == c.target.doc)
        assert doc_text[c.target.sentence_start:c.target.sentence_end] == c.target.sentence


def test_the_align_stage_reports_its_steps_in_order(corpus, fake_encoder):
    """Progress names each step of the align stage (the bench times them from it)."""
    from aligner.pipeline import ALIGN_STEPS

    seen = []
    align_paths([str(corpus)], fake_encoder, min_score=0.0,
                progress=lambda stage, done, total: seen.append((stage, done, total)))
    steps = [(done, total) for stage, done, total in seen if stage == "align"]
    n = len(ALIGN_STEPS)
    assert ALIGN_STEPS == ("pair", "quotes", "words", "variants")
    assert steps == [(k, n) for k in range(n + 1)]
    stages = list(dict.fromkeys(stage for stage, _, _ in seen))
    assert stages == ["read", "extract", "embed", "align"]


def test_bad_file_is_reported_and_the_rest_still_runs(corpus, fake_encoder):
    (corpus / "en" / "broken.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (corpus / "en" / "empty.txt").write_bytes(b"")
    res = align_paths([str(corpus)], fake_encoder, min_score=0.0)
    bad = sorted(e.path.rsplit("/", 1)[-1] for e in res.errors)
    assert bad == ["broken.txt", "empty.txt"]
    assert res.stats["source_quotes"] == 4


def test_rerun_embeds_only_new_text_and_keeps_decisions(corpus, fake_encoder, tmp_path):
    path = tmp_path / "demo.aligner"
    with Project.open(path, create=True) as p:
        align_paths([str(corpus / "en"), str(corpus / "fr")], fake_encoder, project=p, min_score=0.0)
        first = p.candidates()
        assert first
        cid = first[0].id
        p.decide(cid, "confirmed", "tester", "checked against the JDD interview")
        seen_before = len(fake_encoder.seen)

        # second run: one new document; only its texts are embedded
        align_paths([str(corpus)], fake_encoder, project=p, min_score=0.0)
        new_texts = fake_encoder.seen[seen_before:]
        assert new_texts and all(
            any(ch in t for ch in "ابتثجحخدذرزسشصضطظعغفقكلمنهوي") or t in AR for t in new_texts
        ), new_texts
        row = [r for r in p.candidates(include_stale=True) if r.id == cid][0]
        assert row.status == "confirmed"
        assert row.decision.note == "checked against the JDD interview"

        # a stricter re-run drops candidates from the live list, never the decision
        align_paths([str(corpus)], fake_encoder, project=p, min_score=0.99)
        assert [r.id for r in p.confirmed_pairs()] == [cid]
        assert len(p.decisions(cid)) == 1


@pytest.mark.model
def test_real_model_finds_the_french_original(corpus, real_encoder):
    res = align_paths([str(corpus)], real_encoder)
    best = {(c.source.text[:30], c.kind): c for c in res.candidates if c.rank == 1}
    war = best[("What is happening in Aleppo is", "translation")]
    assert war.target.doc.endswith("lemonde.txt")
    assert "crimes de guerre" in war.target.sentence
    peace = best[("We will never accept a peace o", "translation")]
    assert "paix des cimetières" in peace.target.sentence
    variant = best[("What is happening in Aleppo is", "variant")]
    assert variant.target.doc.endswith("agencies.txt")
    # the weather quote has no original anywhere
    assert ("The weather in Geneva was lov", "translation") not in best


# ----------------------------------------------------------------------------- embedding source


class CountingEncoder:
    name = "fake-encoder"
    dim = 8

    def __init__(self):
        self.seen: list[str] = []

    def encode(self, texts, *, progress=None):
        self.seen.extend(texts)
        rows = [np.random.default_rng(sum(map(ord, t))).standard_normal(self.dim) for t in texts]
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dim)


def test_embedding_source_encodes_each_text_once_without_a_project():
    enc = CountingEncoder()
    vecs = EmbeddingSource(enc).embed(["a", "b", "a"])
    assert enc.seen == ["a", "b"]
    assert vecs.shape == (3, 8) and vecs.dtype == np.float32 and vecs.flags.c_contiguous
    np.testing.assert_array_equal(vecs[0], vecs[2])


def test_embedding_source_only_encodes_what_the_project_has_not_cached(tmp_path):
    enc = CountingEncoder()
    with Project.open(tmp_path / "p.aligner", create=True) as project:
        source = EmbeddingSource(enc, project)
        first = source.embed(["a", "b", "a"])
        assert enc.seen == ["a", "b"]
        np.testing.assert_array_equal(first[0], first[2])
        second = source.embed(["b", "c", "a"])
        assert enc.seen == ["a", "b", "c"]
        np.testing.assert_array_equal(second[0], first[1])
        np.testing.assert_array_equal(second[2], first[0])
        # a second connection (another process) sees the cache too
        with Project.open(project.path) as other:
            assert other.get_embeddings("fake-encoder", ["a", "b", "c", "d"])[1] == [3]


def test_embeddings_are_cached_under_the_encoders_embedding_key(tmp_path):
    enc = CountingEncoder()
    with Project.open(tmp_path / "p.aligner", create=True) as project:
        EmbeddingSource(enc, project).embed(["a", "b"])
        enc.embedding_key = "fake-encoder|input:western-digits"  # the text it sees changed
        EmbeddingSource(enc, project).embed(["a", "b"])
        assert enc.seen == ["a", "b", "a", "b"]  # old vectors are not reused
        assert project.get_embeddings("fake-encoder|input:western-digits", ["a", "b"])[1] == []


def test_an_encoder_returning_the_wrong_shape_is_refused():
    class Short(CountingEncoder):
        def encode(self, texts, *, progress=None):
            return super().encode(texts)[:, :4]

    with pytest.raises(DimensionError, match="returned shape"):
        EmbeddingSource(Short()).embed(["a"])
