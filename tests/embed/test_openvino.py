"""OpenVINO backends: accuracy guard, shipped text, build cache, real model per backend."""

from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest

from aligner.embed import openvino_build as ob
from aligner.embed.st_encoder import SentenceTransformerEncoder, _fingerprint


# --------------------------------------------------------------------------
# shipped text and the guard (no model)
# --------------------------------------------------------------------------
def test_shipped_calibration_and_guard_text():
    calib = ob.calibration_texts()
    assert len(calib) >= 250
    assert any("é" in t for t in calib) and any("\u0627" <= c <= "\u064a" for t in calib for c in t)
    triples = ob.guard_triples()
    assert len(triples) >= 30 and all(all(x.strip() for x in t) for t in triples)
    assert not set(calib) & {x for t in triples for x in t}  # the guard never saw calibration
    assert ob.guard_sentences()[:len(triples)] == [t[0] for t in triples]


def _unit(x):
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_guard_passes_close_vectors_and_fails_with_reasons():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(10, 16))
    ref = _unit(np.vstack([base + 0.05 * rng.normal(size=base.shape) for _ in range(3)]))
    ok = ob.guard(ref, _unit(ref + 0.001 * rng.normal(size=ref.shape)))
    assert ok.passed and ok.nn_same == ok.nn_total == 3 * 2 * 10 and ok.cos_min > 0.99

    noisy = ob.guard(ref, _unit(ref + 0.3 * rng.normal(size=ref.shape)))
    assert not noisy.passed and "cosine to fp32" in noisy.reason

    swapped = ref.copy()
    swapped[[10, 11]] = swapped[[11, 10]]  # two French rows trade places: neighbours change
    bad = ob.guard(ref, swapped, min_cos=-1.0)
    assert not bad.passed and bad.nn_same < bad.nn_total and "nearest neighbours differ" in bad.reason
    with pytest.raises(ValueError):
        ob.guard(ref, ref[:-1])


def test_model_layout_refuses_what_it_cannot_export(tmp_path):
    (tmp_path / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}]))
    with pytest.raises(Exception, match="only the torch backend"):
        ob.model_layout(tmp_path)


# --------------------------------------------------------------------------
# the real model, per backend
# --------------------------------------------------------------------------
TEXTS = [
    "We will not abandon Lebanon, the minister said.",
    "Nous n'abandonnerons pas le Liban, a déclaré le ministre.",
    "لن نتخلى عن لبنان، قال الوزير.",
    "إنّ الشّرطة هنا.",
    "Les réformes doivent commencer maintenant, et non dans dix ans comme le prévoit le gouvernement.",
    "",
    "Talks continue in Geneva on 3 May 2016.",
]


@pytest.fixture(scope="module")
def fp32_torch(real_encoder, _persistent_cache_dir):
    with pytest.MonkeyPatch.context() as mp:  # module scope: before the per-test cache fixture
        mp.setenv("ALIGNER_CACHE_DIR", str(_persistent_cache_dir))
        enc = SentenceTransformerEncoder(cache=False, backend="torch", dtype="fp32")
        return enc, enc.encode(TEXTS), enc.token_counts(TEXTS)


@pytest.mark.model
@pytest.mark.parametrize("backend,dtype,min_cos", [
    ("torch", "bf16", 0.995),
    ("openvino", "fp32", 0.9999),
    ("openvino", "bf16", 0.995),
    ("int8", "fp32", 0.99),
    ("int8", "bf16", 0.99),
])
def test_backend_gives_fp32_vectors_and_token_counts(fp32_torch, backend, dtype, min_cos):
    _, ref, ref_counts = fp32_torch
    enc = SentenceTransformerEncoder(cache=False, backend=backend, dtype=dtype, batch_size=3)
    assert (enc.backend, enc.dtype) == (backend, dtype), enc.backend_reason
    x = enc.encode(TEXTS)
    assert x.shape == ref.shape and x.dtype == np.float32 and x.flags["C_CONTIGUOUS"]
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-4)
    cos = (x * ref).sum(axis=1)
    text = np.array([bool(t) for t in TEXTS])
    assert cos[text].min() >= min_cos, (backend, dtype, cos)
    # the empty text ("query: " alone, 4 tokens) means nothing; int8 moves it most (0.957 seen)
    assert cos[~text].min() >= 0.9, (backend, dtype, cos)
    assert enc.token_counts(TEXTS) == ref_counts
    assert enc.embedding_key.endswith(f"|engine:{backend}-{dtype}")


@pytest.mark.model
def test_int8_passes_the_install_guard_here(fp32_torch):
    """The check `aligner model install` runs, repeated on the encoder the user gets."""
    enc = SentenceTransformerEncoder(cache=False, backend="int8")
    assert enc.backend == "int8", enc.backend_reason
    texts = ob.guard_sentences()
    result = ob.guard(fp32_torch[0].encode(texts), enc.encode(texts))
    assert result.passed, result.reason
    stored = enc.openvino_build["guard"]["int8"]
    assert stored["passed"] and abs(stored["cos_min"] - result.cos_min) < 0.01


@pytest.mark.model
def test_auto_backend_on_this_machine_reports_why(real_encoder):
    from aligner.embed import hardware as hw

    choice = hw.choose_backend("auto")
    assert real_encoder.backend in ("torch", "openvino", "int8")
    assert real_encoder.backend_reason
    if choice.backend == "int8":
        assert real_encoder.backend == "int8" or "guard" in real_encoder.backend_reason


@pytest.mark.model
def test_failed_guard_falls_back_to_torch_with_the_reason(real_encoder, monkeypatch):
    real = ob.ensure_build

    def failed(*args, **kwargs):
        dest, manifest, built = real(*args, **kwargs)
        manifest = json.loads(json.dumps(manifest))
        manifest["guard"]["int8"].update(passed=False, reason="cosine to fp32 0.9500 < 0.99")
        return dest, manifest, built

    monkeypatch.setattr(ob, "ensure_build", failed)
    enc = SentenceTransformerEncoder(cache=False, backend="int8")
    assert enc.backend == "torch"
    assert "int8 model failed its accuracy guard (cosine to fp32 0.9500 < 0.99)" in enc.backend_reason
    assert enc.embedding_key.split("|engine:")[1].startswith("torch-")


@pytest.mark.model
def test_corrupt_or_partial_build_is_detected_and_rebuilt(real_encoder, tmp_path, monkeypatch):
    folder = real_encoder.path
    src = ob.ov_dir(folder)
    fingerprint = _fingerprint(folder)
    ob.ensure_build(folder, model_id=real_encoder.name, source_fingerprint=fingerprint)
    copy = tmp_path / "build.openvino"
    shutil.copytree(src, copy, copy_function=os.link)  # hard links: instant, no extra disk
    assert ob.check_build(copy, source_fingerprint=fingerprint) == []
    assert ob.check_build(copy, source_fingerprint="other") == ["built from another version of the model"]

    builds = []

    def fake_build(model_folder, dest, **kwargs):  # the real build takes a minute; copy it instead
        builds.append(dest)
        shutil.copytree(src, dest, dirs_exist_ok=True, copy_function=os.link)
        return ob.read_manifest(dest)

    monkeypatch.setattr(ob, "build", fake_build)
    (copy / "manifest.json").unlink()
    (copy / "manifest.json").write_text('{"files": ', encoding="utf-8")  # torn write
    assert "unreadable" in ob.check_build(copy, source_fingerprint=fingerprint)[0]
    _, manifest, built = ob.ensure_build(folder, model_id="x", source_fingerprint=fingerprint, dest=copy)
    assert built and len(builds) == 1 and manifest["guard"]["int8"]["passed"]
    assert ob.check_build(copy, source_fingerprint=fingerprint) == []

    (copy / "int8.bin").unlink()  # a missing graph
    assert "missing int8.bin" in ob.check_build(copy, source_fingerprint=fingerprint)
    ob.ensure_build(folder, model_id="x", source_fingerprint=fingerprint, dest=copy)
    assert len(builds) == 2 and ob.check_build(copy, source_fingerprint=fingerprint) == []
    assert (src / "manifest.json").is_file()  # the real build was not touched
