"""Issue 15, High: no command destroys what the user has.

Every output goes through one checked writer (aligner.io.output): it refuses
an output that is an input or the project (by resolved path and by inode),
refuses an existing target that is not a regular file, keeps the mode of a
file it replaces, and nothing is written when every input failed.
Real files, real project, fake encoder.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from aligner.cli import align_cmd, main, mine_cmd
from aligner.store import Project

EN = "Agencies\n\n“We will never accept a peace of graveyards in Syria,” Jean-Marc Ayrault said on Sunday.\n"
FR = "Le Monde\n\n« La France n’acceptera jamais une paix des cimetières en Syrie », a déclaré Jean-Marc Ayrault.\n"
DICT = {"clusters": [{"canonical": "Sergey Lavrov", "type": "person",
                      "variants": [{"form": "Sergey Lavrov", "lang": "en"}, {"form": "Sergueï Lavrov", "lang": "fr"}]}]}


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture
def ws(tmp_path, monkeypatch, fake_encoder):
    monkeypatch.setattr(align_cmd, "_encoder_factory", lambda model, *a, **k: fake_encoder)
    monkeypatch.setattr(mine_cmd, "make_encoder", lambda model, *a, **k: fake_encoder)
    monkeypatch.chdir(tmp_path)
    d = tmp_path / "in"
    d.mkdir()
    (d / "en.txt").write_text(EN, encoding="utf-8")
    (d / "fr.txt").write_text(FR, encoding="utf-8")
    (tmp_path / "src.txt").write_text("harbour cranes unload grain\nthe senate votes\n", encoding="utf-8")
    (tmp_path / "tgt.txt").write_text("grain cranes harbour unload\nvotes senate the\n", encoding="utf-8")
    (tmp_path / "dict.json").write_text(json.dumps(DICT), encoding="utf-8")
    return tmp_path


SUFFIX = {"align": ".jsonl", "mine": ".tsv", "names": ".json", "names-convert": ".json", "embed": ".npy"}


def commands(ws: Path, out: str) -> dict[str, list[str]]:
    return {
        "align": ["align", "in", "-f", "jsonl", "-o", out],
        "mine": ["mine", "src.txt", "tgt.txt", "-o", out],
        "names": ["names", "in", "-o", out],
        "names-convert": ["names-convert", "dict.json", "-o", out],
        "embed": ["embed", "src.txt", "-o", out],
    }


# --------------------------------------------------------------- 1. the project


def test_align_output_equal_to_the_project_is_refused_and_the_project_kept(ws, capsys):
    proj = ws / "p.aligner"
    assert main(["align", "in", "--project", str(proj), "--min-score", "0", "-f", "jsonl", "-o", "first.jsonl"]) == 0
    with Project.open(proj) as p:
        cid = p.candidates()[0].id
        p.decide(cid, "confirmed", "amal", "checked")
    before = digest(proj)
    for spelling in (str(proj), "./p.aligner", str(ws / "in" / ".." / "p.aligner")):
        capsys.readouterr()
        assert main(["align", "in", "--project", str(proj), "-f", "jsonl", "-o", spelling]) == 2
        err = capsys.readouterr().err
        assert "project file" in err and "Traceback" not in err and "project saved" not in err
        assert digest(proj) == before
    with Project.open(proj) as p:
        assert [r.status for r in p.candidates() if r.id == cid] == ["confirmed"]


def test_names_output_equal_to_the_project_is_refused(ws, capsys):
    proj = ws / "p.aligner"
    assert main(["align", "in", "--project", str(proj), "-f", "jsonl", "-o", "m.jsonl"]) == 0
    before = digest(proj)
    assert main(["names", "--project", str(proj), "-o", str(proj)]) == 2
    assert "project file" in capsys.readouterr().err
    assert digest(proj) == before


# --------------------------------------------------------------- 2. an input


@pytest.mark.parametrize("cmd,victim", [("align", "in/en.txt"), ("mine", "src.txt"), ("names", "in/fr.txt"),
                                        ("names-convert", "dict.json"), ("embed", "src.txt")])
def test_output_equal_to_an_input_is_refused(ws, capsys, cmd, victim):
    before = digest(ws / victim)
    args = commands(ws, victim)[cmd]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "input" in err or "articles read" in err, err
    assert digest(ws / victim) == before


def test_the_same_input_by_another_name_is_refused(ws, capsys):
    """./src.txt, an absolute path, a symlink and a hard link are all the input."""
    src = ws / "src.txt"
    before = digest(src)
    os.symlink(src, ws / "link.txt")
    os.link(src, ws / "hard.txt")
    for spelling in ("./src.txt", str(src), "link.txt", "hard.txt", "in/../src.txt"):
        assert main(["mine", "src.txt", "tgt.txt", "-o", spelling]) == 2, spelling
        assert "input" in capsys.readouterr().err
    assert digest(src) == before and (ws / "link.txt").is_symlink()


# --------------------------------------------------------------- 3. not a regular file


@pytest.fixture
def fifo(ws):
    p = ws / "pipe"
    os.mkfifo(p)
    return p


@pytest.mark.parametrize("cmd", ["align", "mine", "names", "names-convert", "embed"])
def test_a_fifo_is_refused_and_stays_a_fifo(ws, fifo, capsys, cmd):
    assert main(commands(ws, str(fifo))[cmd]) == 2
    err = capsys.readouterr().err
    assert "not a regular file" in err and "Traceback" not in err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_device_node_is_refused_and_stays_a_device(ws, capsys):
    dev = ws / "full"
    try:
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # like /dev/full
    except (PermissionError, OSError):
        pytest.skip("cannot create a device node here (not root)")
    assert main(["mine", "src.txt", "tgt.txt", "-o", str(dev)]) == 2
    assert "a device" in capsys.readouterr().err
    assert stat.S_ISCHR(os.lstat(dev).st_mode)


def test_dash_writes_to_stdout(ws, capsys):
    assert main(["mine", "src.txt", "tgt.txt", "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert out.count("\t") >= 4 and not (ws / "-").exists()


def test_writer_refuses_a_folder_and_a_fifo_even_when_called_directly(ws, fifo):
    """The GUI and other helpers call the exporters directly: the guard lives in the writer."""
    from aligner.errors import OutputFileError
    from aligner.io.atomic import atomic_write_text

    with pytest.raises(OutputFileError, match="named pipe"):
        atomic_write_text(fifo, "x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


# --------------------------------------------------------------- mode


@pytest.mark.parametrize("cmd", ["align", "mine", "names", "names-convert", "embed"])
def test_a_replaced_file_keeps_its_mode(ws, cmd):
    out = ws / f"result{SUFFIX[cmd]}"
    out.write_text("old\n")
    os.chmod(out, 0o640)
    assert main(commands(ws, str(out))[cmd]) == 0
    assert out.read_text(errors="replace") != "old\n"
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o640


def test_a_new_file_gets_the_umask_mode_not_0600(ws):
    old = os.umask(0o022)
    try:
        assert main(["mine", "src.txt", "tgt.txt", "-o", "new.tsv"]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(ws / "new.tsv").st_mode) == 0o644


# --------------------------------------------------------------- every input failed


def test_align_writes_nothing_when_every_input_failed(ws, capsys):
    bad = ws / "bad"
    bad.mkdir()
    (bad / "a.txt").write_bytes(b"\x00\xff\x00\xfe" * 100)
    (bad / "b.txt").write_bytes(b"")
    out = ws / "matches.jsonl"
    out.write_text("yesterday's results\n")
    assert main(["align", "bad", "-f", "jsonl", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "nothing written" in err and "a.txt" in err
    assert out.read_text() == "yesterday's results\n"
    fresh = ws / "fresh.jsonl"
    assert main(["align", "bad", "-f", "jsonl", "-o", str(fresh)]) == 2
    assert not fresh.exists()


def test_names_writes_nothing_when_every_input_failed(ws):
    bad = ws / "bad.txt"
    bad.write_bytes(b"\x00\xff" * 50)
    out = ws / "names.json"
    out.write_text("{}\n")
    assert main(["names", str(bad), "-o", str(out)]) == 2
    assert out.read_text() == "{}\n"


# --------------------------------------------------------------- unwritable places: one line


@pytest.mark.parametrize("cmd", ["align", "mine", "names", "names-convert"])
def test_output_in_an_unwritable_place_is_one_clear_line(ws, capsys, cmd):
    # /proc refuses new files even for root: the write itself fails
    out = f"/proc/aligner-test-output{SUFFIX[cmd]}"
    assert main(commands(ws, out)[cmd]) == 2
    err = capsys.readouterr().err
    assert "aligner-test-output" in err and "Traceback" not in err and len(err.strip().splitlines()) <= 3
    assert not Path(out).exists()


def test_read_only_folder_as_an_ordinary_user(ws, world_dir, as_nobody):
    """A 0555 folder, the command run as an unprivileged user: refused before any work."""
    if os.geteuid() != 0:
        ro = ws / "ro"
        ro.mkdir()
        os.chmod(ro, 0o555)
        code, err = _run_names_convert(ro / "out.json")
    else:  # root writes anywhere: run the command in a child that drops to "nobody"
        (world_dir / "dict.json").write_bytes((ws / "dict.json").read_bytes())
        ws = world_dir
        os.chmod(ws / "dict.json", 0o644)
        ro = ws / "ro"
        ro.mkdir()
        os.chmod(ro, 0o555)
        code, err = as_nobody(["names-convert", str(ws / "dict.json"), "-o", str(ro / "out.json")])
    assert code == 2, err
    assert f"the folder {ro} is not writable (permission denied)" in err and "Traceback" not in err
    assert not (ro / "out.json").exists()


def _run_names_convert(out: Path) -> tuple[int, str]:
    import io
    from contextlib import redirect_stderr

    buf = io.StringIO()
    with redirect_stderr(buf):
        code = main(["names-convert", "dict.json", "-o", str(out)])
    return code, buf.getvalue()


# --------------------------------------------------------------- stdout on a full device


def test_stdout_on_a_full_device_is_one_clear_line(ws, capsys, monkeypatch):
    full = open("/dev/full", "w")  # noqa: SIM115
    monkeypatch.setattr(sys, "stdout", full)
    try:
        code = main(["mine", "src.txt", "tgt.txt"])
    finally:
        monkeypatch.undo()
    assert code == 2
    err = capsys.readouterr().err
    assert "stdout" in err and "no space left" in err.lower() and "Traceback" not in err


def test_stdout_on_a_full_device_in_a_real_process(ws):
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "aligner", "names-convert", "dict.json"],
                              stdout=full, stderr=subprocess.PIPE, text=True, env=env, cwd=ws, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert "no space left" in proc.stderr.lower()


def test_another_project_is_never_an_output(ws, capsys):
    """Any SQLite file (a project not named on the command line) is refused as an output."""
    proj = ws / "other.aligner"
    assert main(["align", "in", "--project", str(proj), "-f", "jsonl", "-o", "m.jsonl"]) == 0
    before = digest(proj)
    for args in (["embed", "src.txt", "-o", str(proj)], ["mine", "src.txt", "tgt.txt", "-o", str(proj)],
                 ["names-convert", "dict.json", "-o", str(proj), "-f", "json"]):
        assert main(args) == 2
        assert "is a database" in capsys.readouterr().err
    assert digest(proj) == before
