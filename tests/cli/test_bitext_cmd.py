"""`aligner bitext` end to end: real files, a real project, the fake encoder for logic
(same-language texts, which a lexical encoder can align) and the real model once."""

from __future__ import annotations

import json
import random

import pytest

from aligner.cli import bitext_cmd, main
from aligner.store import Project

WORDS = ("river glacier summit valley expedition porter camp ridge snow storm rope ice tent map "
         "village monsoon route pass peak climber doctor letter winter summer bridge forest").split()


def sentences(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 10))).capitalize() + f" number {k}."
            for k in range(n)]


@pytest.fixture
def fake(monkeypatch, fake_encoder):
    monkeypatch.setattr(bitext_cmd, "_encoder_factory", lambda model, settings: fake_encoder)
    return fake_encoder


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_jsonl(args, capsys):
    capsys.readouterr()
    assert main(["bitext", *args]) == 0
    return [json.loads(x) for x in capsys.readouterr().out.splitlines()]


def test_jsonl_beads_cover_both_texts_in_order(fake, tmp_path, capsys):
    s = sentences(12)
    t = s[:4] + [s[4][:-1] + " " + s[5]] + s[6:]  # t4 = s4 + s5
    rows = run_jsonl([str(write_lines(tmp_path / "a.txt", s)), str(write_lines(tmp_path / "b.txt", t)),
                      "--lines", "--src-lang", "en", "--tgt-lang", "en"], capsys)
    for r in rows:
        assert set(r) == {"src", "tgt", "score", "src_text", "tgt_text"} and 0 <= r["score"] <= 1
    assert [i for r in rows for i in r["src"]] == list(range(12))
    assert [j for r in rows for j in r["tgt"]] == list(range(11))
    merged = [r for r in rows if r["src"] == [4, 5]]
    assert merged and merged[0]["tgt"] == [4] and merged[0]["src_text"] == f"{s[4]} {s[5]}"


def test_line_ids_skip_blank_lines_and_tsv_format(fake, tmp_path, capsys):
    s = sentences(6, seed=1)
    a = write_lines(tmp_path / "a.txt", s[:3] + [""] + s[3:])  # blank line 3: a paragraph break
    b = write_lines(tmp_path / "b.txt", s)
    capsys.readouterr()
    assert main(["bitext", str(a), str(b), "--lines", "-f", "tsv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    cols = [x.split("\t") for x in lines]
    assert all(len(c) == 5 for c in cols)
    assert [(c[0], c[1]) for c in cols] == [("0", "0"), ("1", "1"), ("2", "2"), ("4", "3"), ("5", "4"), ("6", "5")]
    assert cols[3][3] == s[3] and float(cols[3][2]) > 0.5


def test_tmx_has_one_unit_per_paired_bead_with_languages(fake, tmp_path, capsys):
    s = sentences(8, seed=2)
    t = s[:5] + sentences(1, seed=50) + s[5:]  # one inserted sentence: a 0-1 bead, not in the TMX
    out = tmp_path / "o.tmx"
    assert main(["bitext", str(write_lines(tmp_path / "a.txt", s)), str(write_lines(tmp_path / "b.txt", t)),
                 "--lines", "-f", "tmx", "-o", str(out), "--src-lang", "en", "--tgt-lang", "en"]) == 0
    from translate.storage.tmx import tmxfile

    units = tmxfile(out.read_bytes()).units
    assert len(units) == 8
    text = out.read_text(encoding="utf-8")
    assert text.count('xml:lang="en"') == 16 and 'x-kind">1-1<' in text


def test_tmx_needs_an_output_file_and_known_languages(fake, tmp_path, capsys):
    a = write_lines(tmp_path / "a.txt", ["1 2 3", "4 5 6"])
    assert main(["bitext", str(a), str(a), "--lines", "-f", "tmx"]) != 0
    assert main(["bitext", str(a), str(a), "--lines", "-f", "tmx", "-o", str(tmp_path / "o.tmx")]) == 2
    err = capsys.readouterr().err
    assert "--src-lang" in err and not (tmp_path / "o.tmx").exists()


def test_empty_side_is_a_clear_error_and_nothing_is_written(fake, tmp_path, capsys):
    a = write_lines(tmp_path / "a.txt", sentences(3))
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    for args in ([str(a), str(empty), "--lines"], [str(empty), str(a)]):
        capsys.readouterr()
        assert main(["bitext", *args, "-o", str(out)]) == 2
        err = capsys.readouterr().err
        assert "empty.txt" in err and "Traceback" not in err
        assert not out.exists()


def test_one_sentence_side_still_aligns(fake, tmp_path, capsys):
    s = sentences(5, seed=3)
    rows = run_jsonl([str(write_lines(tmp_path / "a.txt", [s[2]])), str(write_lines(tmp_path / "b.txt", s)),
                      "--lines"], capsys)
    assert {"src": [0], "tgt": [2]}.items() <= next(r for r in rows if r["src"]).items()
    assert sum(1 for r in rows if not r["src"]) == 4


def test_summary_against_full_article_gives_mostly_null_beads(fake, tmp_path, capsys):
    full = sentences(40, seed=4)
    summary = [full[3], full[20], full[37]]
    rows = run_jsonl([str(write_lines(tmp_path / "full.txt", full)),
                      str(write_lines(tmp_path / "sum.txt", summary)), "--lines"], capsys)
    paired = [(r["src"], r["tgt"]) for r in rows if r["src"] and r["tgt"]]
    assert paired == [([3], [0]), ([20], [1]), ([37], [2])]
    assert sum(1 for r in rows if not r["tgt"]) == 37


def test_fast_mode_embeds_sentences_only(fake, tmp_path, capsys):
    s = sentences(10, seed=7)
    t = s[:4] + [s[4][:-1] + " " + s[5]] + s[6:]
    before = len(fake.seen)
    rows = run_jsonl([str(write_lines(tmp_path / "a.txt", s)), str(write_lines(tmp_path / "b.txt", t)),
                      "--lines", "--fast"], capsys)
    assert len(fake.seen) - before == 10 + 9  # no 2- or 3-sentence runs were embedded
    assert any(r["src"] == [4, 5] and r["tgt"] == [4] for r in rows)


def test_overlap_modes_choose_what_is_embedded(fake, tmp_path, capsys):
    s = sentences(30, seed=8)
    t = s[:12] + [s[12][:-1] + " " + s[13]] + s[14:]
    a, b = str(write_lines(tmp_path / "a.txt", s)), str(write_lines(tmp_path / "b.txt", t))
    seen = {}
    for mode in ("all", "needed"):
        before = len(fake.seen)
        rows = run_jsonl([a, b, "--lines", "--overlaps", mode], capsys)
        seen[mode] = fake.seen[before:]
        assert any(r["src"] == [12, 13] and r["tgt"] == [12] for r in rows)
    assert len(seen["all"]) == (30 + 29 + 28) + (29 + 28 + 27)
    assert 30 + 29 < len(seen["needed"]) < 30 + 29 + 40  # the sentences, then a few runs near the merge
    capsys.readouterr()
    assert main(["bitext", a, b, "--lines", "--overlaps", "some"]) != 0


def test_articles_are_split_into_sentences(fake, tmp_path, capsys):
    s = sentences(6, seed=5)
    art = "Title of the piece\n\n" + " ".join(s[:3]) + "\n\n" + " ".join(s[3:]) + "\n"
    a = tmp_path / "a.txt"
    a.write_text(art, encoding="utf-8")
    rows = run_jsonl([str(a), str(a)], capsys)
    assert all(r["src"] == r["tgt"] for r in rows) and len(rows) >= 6


def test_project_keeps_pairs_beads_and_review_and_exports_confirmed_beads(fake, tmp_path, capsys):
    s = sentences(10, seed=6)
    t = s[:3] + [s[3][:-1] + " " + s[4]] + s[5:]
    a, b = write_lines(tmp_path / "a.txt", s), write_lines(tmp_path / "b.txt", t)
    proj = tmp_path / "p.aligner"
    assert main(["bitext", str(a), str(b), "--lines", "--project", str(proj), "-o", str(tmp_path / "o.jsonl"),
                 "--src-lang", "en", "--tgt-lang", "en"]) == 0
    with Project.open(proj) as p:
        (pair,) = p.bitext_pairs()
        beads = p.beads(pair.id)
        assert [r.bead.src for r in beads][3] == (3, 4)
        p.decide_bead(beads[0].id, "confirmed", "amal")
        p.decide_bead(beads[3].id, "confirmed", "amal")
    out = tmp_path / "tm.tmx"
    capsys.readouterr()
    assert main(["export", "--project", str(proj), "--tmx", str(out)]) == 0
    assert "2 confirmed beads" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert text.count("<tu>") == 2 and f"{s[3]} {s[4]}" in text


@pytest.mark.model
def test_real_model_aligns_french_with_english(tmp_path, monkeypatch, real_encoder, capsys):
    monkeypatch.setattr(bitext_cmd, "_encoder_factory", lambda model, settings: real_encoder)
    fr = ["Le gouvernement a annoncé hier une nouvelle loi sur l'énergie.",
          "Elle entrera en vigueur l'année prochaine.",
          "Les syndicats ont critiqué le texte. Ils demandent plus de temps.",
          "Le ministre a défendu la réforme devant le Parlement."]
    en = ["Yesterday the government announced a new energy law.",
          "It will come into force next year.",
          "The unions criticised the text.",
          "They are asking for more time.",
          "The weather in Paris was sunny.",
          "The minister defended the reform before Parliament."]
    rows = run_jsonl([str(write_lines(tmp_path / "fr.txt", fr)), str(write_lines(tmp_path / "en.txt", en)),
                      "--lines"], capsys)
    got = [(r["src"], r["tgt"]) for r in rows]
    assert ([0], [0]) in got and ([1], [1]) in got and ([2], [2, 3]) in got and ([3], [5]) in got
    assert ([], [4]) in got
