"""Word alignment inside a sentence pair, and short quotes landing on the words."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.wordalign import mutual_argmax, quote_span_in_target, words_of


def _unit(rows):
    x = np.asarray(rows, np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_mutual_argmax_keeps_only_pairs_that_choose_each_other():
    src = _unit([[1, 0, 0], [0.9, 0.1, 0], [0, 0, 1]])
    tgt = _unit([[1, 0.05, 0], [0, 0.2, 1]])
    assert mutual_argmax(src, tgt).tolist() == [[0, 0], [2, 1]]


def test_quote_span_covers_whole_target_words():
    src = "the mission was powerless here"
    tgt = "la mission était impuissante ici"
    # one token per word; "powerless" (token 3) is closest to "impuissante" (token 3)
    ss = np.array(words_of(src))
    ts = np.array(words_of(tgt))
    vec = _unit(np.eye(5) + 0.01)
    q = (src.index("powerless"), src.index("powerless") + len("powerless"))
    a, b = quote_span_in_target(src, vec, ss, q, tgt, vec, ts)
    assert tgt[a:b] == "impuissante"


def test_no_token_in_the_quote_gives_none():
    vec = _unit(np.eye(2))
    assert quote_span_in_target("a b", vec, np.array([[0, 1], [2, 3]]), (5, 9), "c d", vec,
                                np.array([[0, 1], [2, 3]])) is None


FR_KODMANI = """Le Journal du Dimanche

Bassma Kodmani, membre du Haut Comité des négociations de l'opposition syrienne, vit à Paris depuis trente ans.

Selon elle, la trêve entrée en vigueur en février n'a jamais été respectée autour d'Alep.

« La mission américano-russe de surveillance du cessez-le-feu est impuissante », a-t-elle déclaré au Journal du Dimanche.

Les combats ont fait trente-cinq morts en vingt-quatre heures au sud d'Alep.
"""


@pytest.mark.model
@pytest.mark.shared
def test_powerless_points_at_impuissante(real_encoder, tmp_path):
    """The seeds' case of issue 10: "powerless" in a reporting frame, its French original."""
    from pathlib import Path

    from aligner.pipeline import align_paths

    seed = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "001_15b79afc7942ee4d.txt"
    if not seed.exists():
        pytest.skip("../shared/seeds not found")
    en = tmp_path / "en.txt"
    en.write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    fr = tmp_path / "fr.txt"
    fr.write_text(FR_KODMANI, encoding="utf-8")
    res = align_paths([str(en), str(fr)], real_encoder, top_k=3, min_score=0.0)
    rows = [c for c in res.candidates if c.kind == "translation" and c.source.text == "powerless"
            and c.rank == 1]
    assert len(rows) == 1
    t = rows[0].target
    assert "impuissante" in t.sentence
    assert t.text == "impuissante" and fr.read_text(encoding="utf-8")[t.start:t.end] == "impuissante"
    assert rows[0].to_json()["doc_pair_score"] > 0.5
