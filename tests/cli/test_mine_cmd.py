"""`aligner mine` end to end: real files, fake encoder (one test with the real model)."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

from aligner.cli import main
from aligner.cli import mine_cmd

# "translations" for the lexical fake encoder: the same words, reordered
SRC = [
    "harbour cranes unload grain ships at dawn",
    "the senate votes on the railway budget tomorrow",
    "a glacier retreats faster than scientists expected",
    "",  # blank line: keeps its number, never paired
    "farmers protest against the new tariff on wheat",
    "the orchestra cancels its autumn festival tour",
]
TGT = [
    "orchestra autumn festival tour cancels the its",
    "completely unrelated sentence about volcano ferries",
    "dawn grain ships harbour cranes unload at",
    "tariff wheat farmers protest new the against on",
    "budget railway senate tomorrow votes the on the",
    "scientists expected glacier retreats faster than a",
]
GOLD = {0: 2, 1: 4, 2: 5, 4: 3, 5: 0}


@pytest.fixture
def files(tmp_path, monkeypatch, fake_encoder):
    made = []

    def factory(model, settings):
        made.append(model)
        return fake_encoder

    monkeypatch.setattr(mine_cmd, "make_encoder", factory)
    src = tmp_path / "src.txt"
    tgt = tmp_path / "tgt.txt"
    src.write_text("\n".join(SRC) + "\n", encoding="utf-8")
    tgt.write_text("\n".join(TGT) + "\n", encoding="utf-8")
    return src, tgt, made


def parse(text: str) -> list[list[str]]:
    rows = [line.split("\t") for line in text.splitlines()]
    assert all(len(r) == 5 for r in rows), rows
    return rows


def test_retrieval_to_stdout(files, capsys):
    src, tgt, _ = files
    assert main(["mine", str(src), str(tgt), "--threshold", "none"]) == 0
    rows = parse(capsys.readouterr().out)
    assert [int(r[1]) for r in rows] == [0, 1, 2, 4, 5]  # every non-blank source line, in order
    for score, i, j, s_text, t_text in rows:
        assert int(j) == GOLD[int(i)]
        assert s_text == SRC[int(i)] and t_text == TGT[int(j)]
        assert len(score.split(".")[1]) == 4  # 4 decimals


def test_mining_to_file_sorted_by_score(files, tmp_path, capsys):
    src, tgt, made = files
    out = tmp_path / "sub" / "pairs.tsv"
    assert main(["mine", str(src), str(tgt), "-o", str(out), "--threshold", "-10"]) == 0
    assert capsys.readouterr().out == ""  # nothing on stdout with -o
    rows = parse(out.read_text(encoding="utf-8"))
    scores = [float(r[0]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    pairs = {(int(r[1]), int(r[2])) for r in rows}
    assert set(GOLD.items()) <= pairs
    assert made == [None]  # default model


def test_threshold_filters_and_auto_is_default(files, capsys):
    src, tgt, _ = files
    assert main(["mine", str(src), str(tgt), "--threshold", "-10"]) == 0
    all_rows = parse(capsys.readouterr().out)
    cut = sorted(float(r[0]) for r in all_rows)[len(all_rows) // 2]
    assert main(["mine", str(src), str(tgt), "--threshold", str(cut)]) == 0
    kept = parse(capsys.readouterr().out)
    assert kept and all(float(r[0]) >= cut - 5e-5 for r in kept)
    assert len(kept) < len(all_rows)
    assert main(["mine", str(src), str(tgt)]) == 0  # auto
    assert main(["mine", str(src), str(tgt), "-t", "auto"]) == 0


def test_tabs_and_odd_line_breaks_do_not_break_the_tsv(tmp_path, monkeypatch, fake_encoder, capsys):
    monkeypatch.setattr(mine_cmd, "make_encoder", lambda model, settings: fake_encoder)
    src = tmp_path / "s.txt"
    tgt = tmp_path / "t.txt"
    src.write_text("alpha\tbeta gamma\nsecond line here\n", encoding="utf-8")
    tgt.write_text("gamma beta\talpha\nhere line second\n", encoding="utf-8")
    assert main(["mine", str(src), str(tgt), "--threshold", "none"]) == 0
    rows = parse(capsys.readouterr().out)
    assert rows[0][3] == "alpha beta gamma" and rows[0][4] == "gamma beta alpha"
    assert mine_cmd.tsv_field("a\tb\r\nc\u2028d") == "a b c d"


def test_model_option_reaches_the_factory(files, capsys):
    src, tgt, made = files
    assert main(["mine", str(src), str(tgt), "--model", "my/model", "--k", "3"]) == 0
    assert made == ["my/model"]


@pytest.mark.parametrize("value", ["high", "1,5", "nan", ""])
def test_bad_threshold_is_a_clear_error(files, tmp_path, capsys, value):
    src, tgt, made = files
    out = tmp_path / "o.tsv"
    assert main(["mine", str(src), str(tgt), "--threshold", value, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "threshold" in err and "auto" in err and "none" in err and "a number" in err
    assert "Traceback" not in err
    assert not out.exists() and made == []  # refused before loading a model


def test_bad_mode_lists_the_modes(files, capsys):
    src, tgt, _ = files
    assert main(["mine", str(src), str(tgt), "--mode", "both"]) == 2
    err = capsys.readouterr().err
    assert "intersect" in err and "max" in err


@pytest.mark.parametrize("content, problem", [
    (b"", "file is empty"),
    (b"\x00\x01\x02binary\x00" * 20, "binary"),
    (b"caf\xe9 au lait\n", "not valid UTF-8"),
])
def test_bad_input_files(files, tmp_path, capsys, content, problem):
    _, tgt, _ = files
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    out = tmp_path / "o.tsv"
    assert main(["mine", str(bad), str(tgt), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert problem in err and "bad.txt" in err
    assert not out.exists()


def test_missing_file_and_folder_output(files, tmp_path, capsys):
    src, tgt, _ = files
    assert main(["mine", str(tmp_path / "nope.txt"), str(tgt)]) == 2
    assert "file not found" in capsys.readouterr().err
    assert main(["mine", str(src), str(tgt), "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_failure_during_embedding_leaves_no_output(tmp_path, monkeypatch, capsys):
    class Broken:
        name, dim = "broken", 8

        def encode(self, texts, *, progress=None):
            raise KeyboardInterrupt

    monkeypatch.setattr(mine_cmd, "make_encoder", lambda model, settings: Broken())
    src = tmp_path / "s.txt"
    src.write_text("one\ntwo\n", encoding="utf-8")
    out = tmp_path / "o.tsv"
    out.write_text("previous result\n", encoding="utf-8")
    assert main(["mine", str(src), str(src), "-o", str(out)]) == 130
    assert out.read_text(encoding="utf-8") == "previous result\n"  # untouched


def test_progress_is_reported(files, monkeypatch, capsys):
    from aligner.cli import _engine

    src, tgt, _ = files
    seen = []

    @contextlib.contextmanager
    def recording(label):
        def update(done, total, sentences, seconds):
            seen.append((label, done, total))
        yield update

    monkeypatch.setattr(_engine, "shard_progress", recording)
    work = src.parent / "work"
    assert main(["mine", str(src), str(tgt), "--shard-lines", "4", "--work-dir", str(work)]) == 0
    # 6 lines a side in shards of 4: two shards each, both sides in one run (on Ray one
    # actor pool for both), counted as they finish
    label = "Embedding src.txt and tgt.txt"
    assert seen == [(label, done, 4) for done in range(5)]
    err = capsys.readouterr().err
    assert "embedded src.txt: 2 shards embedded, 0 reused" in err
    assert "embedded tgt.txt: 2 shards embedded, 0 reused" in err


@pytest.mark.model
def test_real_model_pairs_english_with_french(tmp_path, real_encoder, monkeypatch, capsys):
    monkeypatch.setattr(mine_cmd, "make_encoder", lambda model, settings: real_encoder)
    en = ["The minister resigned on Tuesday after the vote.",
          "Prices of bread rose sharply this winter.",
          "The museum will reopen in spring with a new wing.",
          "Heavy rain flooded the old town overnight.",
          "Our team won the cup for the third time."]
    fr = ["Le musée rouvrira au printemps avec une nouvelle aile.",
          "Notre équipe a remporté la coupe pour la troisième fois.",
          "Le ministre a démissionné mardi après le vote.",
          "Des pluies torrentielles ont inondé la vieille ville pendant la nuit.",
          "Le prix du pain a fortement augmenté cet hiver.",
          "Le festival de jazz attire des milliers de visiteurs chaque été."]
    gold = {0: 2, 1: 4, 2: 0, 3: 3, 4: 1}
    src, tgt = tmp_path / "en.txt", tmp_path / "fr.txt"
    src.write_text("\n".join(en), encoding="utf-8")
    tgt.write_text("\n".join(fr), encoding="utf-8")
    assert main(["mine", str(src), str(tgt), "--threshold", "none"]) == 0
    rows = parse(capsys.readouterr().out)
    assert {int(r[1]): int(r[2]) for r in rows} == gold
    assert main(["mine", str(src), str(tgt)]) == 0  # auto threshold: the five true pairs
    rows = parse(capsys.readouterr().out)
    assert {(int(r[1]), int(r[2])) for r in rows} == set(gold.items())
    assert np.all(np.diff([float(r[0]) for r in rows]) <= 0)


def test_engine_ray_without_ray_says_what_to_install(files, monkeypatch, capsys):
    import sys

    src, tgt, _ = files
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    assert main(["mine", str(src), str(tgt), "--engine", "ray"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'alignment-workbench[ray]'" in err and "[E020]" in err


@pytest.mark.parametrize("args, problem", [
    (["--engine", "spark"], "valid choices: local, ray"),
    (["--ray-address", "auto"], "--ray-address needs --engine ray"),
    (["--resume"], "--work-dir DIR --resume"),
])
def test_engine_option_errors(files, capsys, args, problem):
    src, tgt, _ = files
    assert main(["mine", str(src), str(tgt), *args]) == 2
    assert problem in capsys.readouterr().err


def test_many_files_and_globs_are_one_side(files, tmp_path, capsys):
    src, tgt, _ = files
    lines = tgt.read_text(encoding="utf-8").splitlines()
    parts = tmp_path / "parts"
    parts.mkdir()
    (parts / "a.txt").write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    (parts / "b.txt").write_text("\n".join(lines[2:]) + "\n", encoding="utf-8")
    assert main(["mine", str(src), str(tgt), "-t", "none"]) == 0
    whole = capsys.readouterr().out
    assert main(["mine", str(src), str(parts / "*.txt"), "-t", "none"]) == 0
    assert capsys.readouterr().out == whole  # line numbers count over the files in order
    assert main(["mine", str(src), str(parts), "-t", "none", "--shard-lines", "1"]) == 0
    assert capsys.readouterr().out == whole


def test_resume_in_work_dir_reuses_the_shards(files, tmp_path, capsys):
    src, tgt, _ = files
    work = tmp_path / "work"
    args = ["mine", str(src), str(tgt), "-t", "-10", "--work-dir", str(work), "--shard-lines", "2"]
    assert main(args) == 0
    first = capsys.readouterr()
    assert main(args) == 2  # the folder holds a run: refused without --resume
    assert "add --resume" in capsys.readouterr().err
    sorted((work / "src" / "shards").glob("*.npy"))[1].unlink()
    assert main([*args, "--resume"]) == 0
    again = capsys.readouterr()
    assert again.out == first.out
    assert "1 shards embedded, 2 reused" in again.err


def test_a_bad_input_file_is_named_and_resume_offered_only_with_a_work_dir(files, tmp_path, capsys):
    src, tgt, _ = files
    side = tmp_path / "side"
    side.mkdir()
    (side / "a.txt").write_text(tgt.read_text(encoding="utf-8"), encoding="utf-8")
    (side / "b.txt").write_bytes(b"caf\xe9\n")
    assert main(["mine", str(src), str(side)]) != 0
    err = " ".join(capsys.readouterr().err.split())
    assert "[E021]" in err and "b.txt: is not valid UTF-8" in err
    assert "temporary folder now removed" in err and "add --work-dir DIR" in err
    assert "rerun with the same --work-dir" not in err
    work = tmp_path / "work"
    assert main(["mine", str(src), str(side), "--work-dir", str(work)]) != 0
    err = " ".join(capsys.readouterr().err.split())
    assert f"kept in {work}" in err and "rerun with the same --work-dir and --resume" in err


def test_inputs_are_streamed_past_the_whole_file_limit(files, monkeypatch, capsys):
    """`aligner mine` reads its inputs a chunk at a time: the limit on files read whole
    (max_file_bytes) does not apply; engine_max_file_bytes does."""
    src, tgt, _ = files
    assert main(["mine", str(src), str(tgt), "-t", "none"]) == 0
    whole = capsys.readouterr().out
    monkeypatch.setenv("ALIGNER_MAX_FILE_BYTES", "60")
    assert main(["mine", str(src), str(tgt), "-t", "none"]) == 0
    assert capsys.readouterr().out == whole
    monkeypatch.setenv("ALIGNER_ENGINE_MAX_FILE_BYTES", "60")
    assert main(["mine", str(src), str(tgt), "-t", "none"]) != 0
    assert "file is too large" in capsys.readouterr().err
