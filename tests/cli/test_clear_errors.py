"""Issue 15, Medium and Low: one clear line instead of a traceback; messages that say what is wrong.

Real files, real project, fake encoder.
"""

from __future__ import annotations

import json
import os

import pytest

from aligner.cli import align_cmd, main, mine_cmd

EN = "Agencies\n\n“We will never accept [/x] a peace of [bold]graveyards[/] in Syria,” Jean-Marc Ayrault said on Sunday.\n"
FR = "Le Monde\n\n« La France n’acceptera jamais une paix des cimetières en Syrie », a déclaré Jean-Marc Ayrault.\n"


@pytest.fixture
def ws(tmp_path, monkeypatch, fake_encoder):
    monkeypatch.setattr(align_cmd, "_encoder_factory", lambda model, *a, **k: fake_encoder)
    monkeypatch.setattr(mine_cmd, "make_encoder", lambda model, *a, **k: fake_encoder)
    monkeypatch.chdir(tmp_path)
    d = tmp_path / "in"
    d.mkdir()
    (d / "en.txt").write_text(EN, encoding="utf-8")
    (d / "fr.txt").write_text(FR, encoding="utf-8")
    return tmp_path


# --------------------------------------------------------------- user text is not rich markup


def test_quote_with_markup_in_the_table_is_printed_as_written(ws, capsys):
    assert main(["align", "in", "--min-score", "0", "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "[/x]" in out and "[bold]graveyards[/]" in out


def test_path_with_markup_is_printed_as_written(ws, capsys):
    odd = ws / "[b]odd["  # so that paths below read ".../[b]odd[/b]..."
    (odd / "b]").mkdir(parents=True)
    (odd / "b]" / "x[b].txt").write_text(EN, encoding="utf-8")
    (odd / "i]bad.txt").write_bytes(b"\x00\x01" * 40)
    out = odd / "b]m.jsonl"
    assert main(["align", str(odd), str(ws / "in"), "-f", "jsonl", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "[b]odd[/i]bad.txt" in err and "[b]odd[/b]m.jsonl" in err and "Traceback" not in err
    # and an error message naming such a path
    assert main(["mine", str(odd / "b]missing.txt"), str(odd / "b]" / "x[b].txt")]) == 2
    assert "odd[/b]missing.txt: file not found" in capsys.readouterr().err


# --------------------------------------------------------------- export: a control character in a reviewer name


def test_reviewer_with_a_control_character_exports_to_tmx(ws, capsys):
    from translate.storage.tmx import tmxfile

    from aligner.store import Project

    proj = ws / "p.aligner"
    assert main(["align", "in", "--project", str(proj), "--min-score", "0", "-f", "jsonl", "-o", "m.jsonl"]) == 0
    with Project.open(proj) as p:
        cid = p.candidates()[0].id
        p.decide(cid, "confirmed", "bo\x0bb", "note with \x01 inside ]]> & <b>")
    assert main(["export", "--project", str(proj), "--tmx", "out.tmx", "--jsonl", "out.jsonl"]) == 0
    with open(ws / "out.tmx", "rb") as f:
        unit = tmxfile(f).units[0]
    props = {p.get("type"): p.text for p in unit.xmlelement.iterchildren("prop")}
    assert props["x-reviewer"] == "bo\u240bb"  # made visible, not dropped
    assert unit.getnotes() == "note with \u2401 inside ]]> & <b>"
    row = json.loads((ws / "out.jsonl").read_text(encoding="utf-8"))
    assert row["decision"]["reviewer"] == "bo\x0bb"  # JSON keeps it exactly


# --------------------------------------------------------------- dictionaries


def test_a_lone_surrogate_in_a_dictionary_is_refused_at_import(ws, capsys):
    d = ws / "d.json"
    d.write_text('{"clusters":[{"canonical":"Bob\\ud800","type":"person",'
                 '"variants":[{"form":"Bob\\ud800","lang":"en"}]}]}', encoding="utf-8")
    assert main(["names-convert", str(d), "-o", "out.csv"]) == 2
    err = capsys.readouterr().err
    assert "U+D800" in err and "nothing was imported" in err and "Traceback" not in err
    assert not (ws / "out.csv").exists()
    assert main(["names", "in", "--dictionary", str(d)]) == 2
    assert "U+D800" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["json", "csv", "po", "tbx"])
def test_dictionary_forms_are_kept_exactly(ws, fmt):
    forms = ["Marks & Spencer <plc> ]]>", "Bassma &xxe;", "(SOHR)", "Ja’far “al” Numeiry,"]
    d = ws / "d.json"
    d.write_text(json.dumps({"clusters": [
        {"canonical": f, "type": "organization", "variants": [{"form": f, "lang": "en"}]} for f in forms]}),
        encoding="utf-8")
    assert main(["names-convert", str(d), "-o", f"out.{fmt}", "--lang", "fr"]) == 0
    assert main(["names-convert", f"out.{fmt}", "-o", "back.json"]) == 0
    back = json.loads((ws / "back.json").read_text(encoding="utf-8"))
    assert sorted(v["form"] for c in back["clusters"] for v in c["variants"]) == sorted(forms)


def test_tbx_with_an_unresolved_entity_is_refused_not_shortened(ws, capsys):
    tbx = ws / "e.tbx"
    tbx.write_text('<?xml version="1.0"?>\n<!DOCTYPE martif [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
                   '<martif type="TBX" xml:lang="en"><text><body><termEntry id="c1">'
                   '<descrip type="subjectField">person</descrip><langSet xml:lang="en"><tig>'
                   '<term>Bassma &xxe;</term></tig></langSet></termEntry></body></text></martif>\n', encoding="utf-8")
    assert main(["names-convert", str(tbx), "-o", "out.json"]) == 2
    err = capsys.readouterr().err
    assert "&xxe;" in err and "nothing was imported" in err
    assert not (ws / "out.json").exists()


def test_a_dictionary_over_the_size_limit_is_refused_before_parsing(ws, capsys, monkeypatch):
    from aligner.names import formats

    d = ws / "big.po"
    d.write_bytes(b'msgid ""\nmsgstr ""\n' + b"#. x\n" * 300_000)  # 1.5 MB
    monkeypatch.setattr(formats, "MAX_DICTIONARY_BYTES", 1_000_000)
    monkeypatch.setattr(formats.read_dictionary, "__kwdefaults__", {"max_bytes": 1_000_000})
    assert main(["names-convert", str(d), "-o", "out.json"]) == 2
    err = capsys.readouterr().err
    assert "too large" in err and "big.po" in err


# --------------------------------------------------------------- messages that mislead


def test_symlink_loop_fifo_and_broken_link_are_named_for_what_they_are(ws, capsys):
    os.symlink("loop.txt", ws / "loop.txt")
    os.mkfifo(ws / "pipe.txt")
    os.symlink("nowhere.txt", ws / "broken.txt")
    assert main(["align", "in", "loop.txt", "pipe.txt", "broken.txt", "-f", "jsonl", "-o", "m.jsonl"]) == 1
    err = capsys.readouterr().err
    assert "loop.txt: is a symbolic link loop" in err
    assert "pipe.txt: is a named pipe (FIFO), not a regular file" in err
    assert "broken.txt: is a broken symbolic link" in err
    assert "file is empty" not in err and "file not found" not in err


def test_mine_reads_utf16_like_align(ws, capsys):
    (ws / "s.txt").write_text("harbour cranes unload grain\nthe senate votes\n", encoding="utf-16")
    (ws / "t.txt").write_text("grain cranes harbour unload\nvotes senate the\n", encoding="utf-8")
    assert main(["mine", "s.txt", "t.txt", "--threshold", "none"]) == 0
    rows = [r.split("\t") for r in capsys.readouterr().out.splitlines()]
    assert [r[3] for r in rows] == ["harbour cranes unload grain", "the senate votes"]


def test_an_unreadable_file_given_directly_is_skipped_and_the_rest_runs(ws, capsys):
    """Not a usage error (exit 2) for the whole batch: that file is skipped, exit 1."""
    if os.geteuid() == 0:
        # root reads anything: make it unreadable the other way (a folder we may not enter)
        locked = ws / "locked"
        locked.mkdir()
        (locked / "x.txt").write_text(EN)
        victim = "locked/x.txt"
        pytest.skip("root reads mode-000 files; covered by the unprivileged run below")
    (ws / "secret.txt").write_text(EN)
    os.chmod(ws / "secret.txt", 0)
    assert main(["align", "in", "secret.txt", "-f", "jsonl", "-o", "m.jsonl"]) == 1
    assert "secret.txt: cannot be read (permission denied)" in capsys.readouterr().err


def test_an_unreadable_file_given_directly_as_an_unprivileged_user(ws, fake_encoder, world_dir, monkeypatch,
                                                                   as_nobody):
    if os.geteuid() != 0:
        pytest.skip("covered by the test above")
    import shutil

    shutil.copytree(ws / "in", world_dir / "in")
    ws = world_dir
    monkeypatch.chdir(ws)
    os.chmod(ws, 0o777)
    os.chmod(ws / "in", 0o755)
    for f in (ws / "in").iterdir():
        os.chmod(f, 0o644)
    (ws / "secret.txt").write_text(EN)
    os.chmod(ws / "secret.txt", 0)
    main(["align", "in", "-f", "jsonl", "-o", "warm.jsonl"])  # import everything while still root
    code, err = as_nobody(["align", "in", "secret.txt", "-f", "jsonl", "-o", "m.jsonl"])
    assert code == 1, err
    assert "secret.txt: cannot be read (permission denied)" in err
    assert (ws / "m.jsonl").exists()
