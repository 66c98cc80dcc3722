"""``aligner embed`` and ``aligner model install|info``."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import aligner.cli.model_cmd as model_cmd
from aligner.cli import main
from fakes import FakeEncoder


class _FakeST(FakeEncoder):
    """FakeEncoder with the extra attributes the CLI shows."""

    path = "/nowhere"
    dtype = "fp32"
    device = "cpu"
    dtype_reason = "fake"
    backend = "torch"
    backend_reason = "fake backend"
    embedding_key = "fake|engine:torch-fp32"

    def load(self, progress=None):
        return self

    def prepare(self, progress=None):
        return self.path


@pytest.fixture
def fake_cli_encoder(monkeypatch):
    made = []

    def make(model, dtype=None, batch_size=None, cache=True, backend=None):
        enc = _FakeST(dim=16)
        made.append((model, dtype, batch_size, cache))
        return enc

    monkeypatch.setattr(model_cmd, "_encoder", make)
    return made


def _error_line(capsys) -> str:
    """The error message: exactly one line on stderr, no traceback."""
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "Traceback" not in err, err
    assert "\n" not in err, f"expected one line, got: {err!r}"
    return err


@pytest.mark.parametrize("content,problem", [
    (b"", "empty"),
    (b"\x00\x01\x02\x03PK\x03\x04" * 50, "binary"),
    ("Le ministre a déclaré : « Non ».\nÇa suffit.\n".encode("latin-1"), "UTF-8"),
    (b"\n  \n\n", "blank"),
])
def test_embed_bad_input_is_one_clear_line(tmp_path, capsys, fake_cli_encoder, content, problem):
    src = tmp_path / "input.txt"
    src.write_bytes(content)
    out = tmp_path / "out.npy"
    assert main(["embed", str(src), "-o", str(out)]) == 2
    line = _error_line(capsys)
    assert str(src) in line and problem in line
    assert "Traceback" not in line
    assert not out.exists() and list(tmp_path.iterdir()) == [src]
    assert fake_cli_encoder == []  # failed before any model was made


def test_embed_missing_file(tmp_path, capsys, fake_cli_encoder):
    out = tmp_path / "out.npy"
    assert main(["embed", str(tmp_path / "missing.txt"), "-o", str(out)]) == 2
    assert "not found" in _error_line(capsys)
    assert not out.exists()


def test_embed_output_folder_is_refused(tmp_path, capsys, fake_cli_encoder):
    src = tmp_path / "in.txt"
    src.write_text("hello\n", encoding="utf-8")
    assert main(["embed", str(src), "-o", str(tmp_path)]) == 2
    assert "folder" in _error_line(capsys)


def test_embed_keeps_one_row_per_line(tmp_path, capsys, fake_cli_encoder):
    src = tmp_path / "in.txt"
    src.write_text("We will not abandon Lebanon.\n\n  Talks continue.  \nNous n'abandonnerons pas.\n",
                   encoding="utf-8")
    out = tmp_path / "vec.npy"
    assert main(["embed", str(src), "-o", str(out), "--batch-size", "3", "--model", "x"]) == 0
    x = np.load(out)
    assert x.shape == (4, 16) and x.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(x[2], FakeEncoder(16).encode(["Talks continue."])[0])  # stripped
    assert fake_cli_encoder == [("x", None, 3, True)]
    captured = capsys.readouterr()
    assert "1 blank line" in captured.err
    assert "wrote 4 x 16" in captured.out


def test_model_info_json_with_fake(capsys, fake_cli_encoder):
    assert main(["model", "info", "--json", "--model", "m"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert {"name", "path", "dim", "dtype", "device", "backend", "reason", "cpu_flags"} <= set(info)
    assert info["dim"] == 16 and info["backend"] == "torch" and info["reason"] == "fake backend"


def test_bad_backend_is_a_clear_error(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text("hello\n", encoding="utf-8")
    assert main(["embed", str(src), "-o", str(tmp_path / "o.npy"), "--backend", "onnx"]) == 2
    line = _error_line(capsys)
    assert "onnx" in line and "int8" in line and "openvino" in line


def test_bad_dtype_is_a_clear_error(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text("hello\n", encoding="utf-8")
    assert main(["embed", str(src), "-o", str(tmp_path / "o.npy"), "--dtype", "int3"]) == 2
    line = _error_line(capsys)
    assert "int3" in line and "fp32" in line


def test_unknown_model_is_a_clear_error(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text("hello\n", encoding="utf-8")
    out = tmp_path / "o.npy"
    assert main(["embed", str(src), "-o", str(out), "--model", "nobody/nothing-here"]) == 2
    assert "not available offline" in _error_line(capsys)
    assert not out.exists()


@pytest.mark.model
def test_model_install_and_info_real(capsys, real_encoder):
    assert main(["model", "install"]) == 0
    out = capsys.readouterr().out
    assert str(real_encoder.path) in out
    assert "OpenVINO models" in out and "int8: accepted" in out  # the guard's verdict is shown
    assert main(["model", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["name"] == real_encoder.name
    assert info["dim"] == 384 and info["path"] == str(real_encoder.path)
    assert info["dtype"] in {"bf16", "fp16", "fp32"} and info["device"] in {"cpu", "cuda"}
    # the session's encoder may have built the OpenVINO model itself (a fresh cache): its reason then
    # ends with "; built now in N s", which a later `model info` (nothing built) rightly leaves out
    reason = re.sub(r"; built now in [0-9.]+ s$", "", real_encoder.backend_reason)
    assert info["backend"] == real_encoder.backend and info["reason"] == reason
    assert info["embedding_key"].endswith(f"|engine:{real_encoder.backend}-{real_encoder.dtype}")
    if info["backend"] != "torch":
        assert info["openvino_build"]["guard"][info["backend"]]["passed"]
    assert main(["model", "info", "--json", "--backend", "torch", "--dtype", "fp32"]) == 0
    forced = json.loads(capsys.readouterr().out)
    assert (forced["backend"], forced["dtype"]) == ("torch", "fp32") and "torch requested" in forced["reason"]


@pytest.mark.model
def test_embed_real_model(tmp_path, real_encoder):
    lines = ["We will not abandon Lebanon.", "", "Nous n'abandonnerons pas le Liban.", "لن نتخلى عن لبنان."]
    src = tmp_path / "in.txt"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "vec.npy"
    assert main(["embed", str(src), "-o", str(out), "--no-cache"]) == 0
    x = np.load(out)
    assert x.shape == (4, 384) and x.dtype == np.float32
    want = real_encoder.encode(lines)
    assert (x * want).sum(axis=1).min() > 0.999
    assert x[0] @ x[2] > 0.8 and x[0] @ x[3] > 0.8


def test_embed_many_files_in_shards_joins_them_in_order(tmp_path, monkeypatch, capsys):
    from fakes import FakeEncoder

    enc = FakeEncoder(dim=16)
    monkeypatch.setattr(model_cmd, "_encoder_factory", lambda *a: (lambda: enc))
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text("one\n\n three \n", encoding="utf-8")
    (d / "b.txt").write_text("four\nfive\n", encoding="utf-8")
    out, work = tmp_path / "v.npy", tmp_path / "work"
    args = ["embed", str(d), "-o", str(out), "--work-dir", str(work), "--shard-lines", "2"]
    assert main(args) == 0
    got = np.load(out)
    want = FakeEncoder(dim=16).encode(["one", "", "three", "four", "five"])  # blank kept, stripped
    np.testing.assert_array_equal(got, want)
    assert enc.calls == 3  # a.txt: 2 shards, b.txt: 1
    out.unlink()
    assert main([*args, "--resume"]) == 0  # every shard there: nothing embedded again
    assert enc.calls == 3
    np.testing.assert_array_equal(np.load(out), want)
    assert "0 shards embedded, 3 reused" in capsys.readouterr().err


def test_embed_needs_an_output_or_a_work_dir(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text("x\n", encoding="utf-8")
    assert main(["embed", str(src)]) == 2
    assert "give -o vectors.npy" in capsys.readouterr().err


@pytest.mark.model
@pytest.mark.parametrize("kind", ["amx", "avx512-bf16", "vnni-only", "avx2"])
def test_model_info_json_says_backend_and_why_on_each_cpu_kind(capsys, monkeypatch, real_encoder, kind):
    """`aligner model info --json` on each kind of CPU, emulated with ALIGNER_CPU_FLAGS:
    the backend the product really loads, and the reason naming the flags it rests on."""
    from aligner.embed.hardware import ENV_CPU_FLAGS
    from cpu_kinds import CPU_KINDS

    flags, backend, precision, parts = CPU_KINDS[kind]
    monkeypatch.setenv(ENV_CPU_FLAGS, flags)
    monkeypatch.delenv("ALIGNER_BACKEND", raising=False)
    monkeypatch.delenv("ALIGNER_DTYPE", raising=False)
    assert main(["model", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert (info["backend"], info["dtype"]) == (backend, precision)
    for part in parts:
        assert part in info["reason"], (part, info["reason"])
    assert "accuracy guard passed" in info["reason"] and ENV_CPU_FLAGS in info["reason"]
    assert info["cpu_flags_source"].startswith(ENV_CPU_FLAGS)
    assert info["embedding_key"].endswith(f"|engine:{backend}-{precision}")
    assert info["openvino_build"]["guard"][backend]["passed"]
