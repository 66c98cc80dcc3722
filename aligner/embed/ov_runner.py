"""Run an OpenVINO build of the encoder (see :mod:`aligner.embed.openvino_build`).

Loads without torch: the tokenizer comes from the build folder
(``transformers.AutoTokenizer``, the same fast tokenizer the torch backend
uses) and the compiled graph from OpenVINO, with its compile cache in the
user cache (``<cache root>/openvino-cache``, kept to a size limit by
:mod:`aligner.embed.ov_cache`) so that later loads are fast.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .openvino_build import GRAPHS
from .ov_cache import compile_with_cache

STREAMS = 2
"""OpenVINO streams (requests in flight) with the THROUGHPUT hint."""


class OpenVINORunner:
    """One compiled graph plus its tokenizer.

    ``variant``: ``openvino`` (fp graph) or ``int8``. ``precision``: ``bf16``
    or ``fp32``, what the non-int8 operations compute in
    (OpenVINO's ``INFERENCE_PRECISION_HINT``). ``threads``: CPU threads.
    ``cache_mb``: size limit of the compile cache (``Settings.ov_cache_mb``; 0 = no cache).
    """

    def __init__(self, folder: Path, variant: str, precision: str, *, threads: int,
                 max_seq_length: int, hint: str = "THROUGHPUT", streams: int = STREAMS,
                 cache_mb: int = 1024):
        import openvino as ov

        self.folder = Path(folder)
        meta = json.loads((self.folder / "prompt.json").read_text(encoding="utf-8"))
        self.prompt: str = meta["prompt"]
        self.max_seq_length = min(int(max_seq_length), int(meta["max_seq_length"]))
        self._tok = TokenizerView(self.folder / "tokenizer", self.max_seq_length)
        core = ov.Core()
        config = {"PERFORMANCE_HINT": hint, "INFERENCE_PRECISION_HINT": "bf16" if precision == "bf16" else "f32",
                  "INFERENCE_NUM_THREADS": int(threads)}
        if hint == "THROUGHPUT":
            config["NUM_STREAMS"] = int(streams)
        graph = self.folder / GRAPHS[variant]
        # cache_folder None: compiled without the cache
        self.compiled, self.cache_folder = compile_with_cache(core, str(graph), graph, config, cache_mb)
        self.requests = int(self.compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")) if hint == "THROUGHPUT" else 1
        self._infer_requests: list | None = None
        out = self.compiled.outputs[0].get_partial_shape()
        self.dim = int(out[1].get_length())

    def tokenize(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """input_ids / attention_mask (int64, (len(texts), longest)) as the model sees them:
        prompt + text, special tokens, truncated to ``max_seq_length``, padded right."""
        return self._tok.model_inputs([self.prompt + x for x in texts])

    def raw_token_lengths(self, texts: Sequence[str]) -> list[int]:
        """Token count of each text alone (no prompt, no special tokens, no truncation):
        what the encoder sorts batches by."""
        return self._tok.raw_lengths(texts)

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Tokens the model sees per text (prompt and special tokens included, after truncation)."""
        return [int(n) for n in self.tokenize(texts)["attention_mask"].sum(axis=1)]

    def run(self, batches: Sequence[Sequence[str]], on_done: Callable[[int, np.ndarray], None]) -> None:
        """Embed each batch; ``on_done(batch index, (len(batch), dim) float32)`` in order.

        With several infer requests, up to that many batches run at once
        (OpenVINO streams) while the next batch is tokenised here. No Python
        callback is handed to OpenVINO and inputs are copied
        (``share_inputs=False``): OpenVINO threads then never need the GIL,
        which avoids a deadlock when a compiled model is released while
        Python holds it.
        """
        requests = self._requests()
        pending: list[tuple[int, object] | None] = [None] * len(requests)
        slot = 0
        for i, batch in enumerate(batches):
            inputs = self.tokenize(batch)
            req = requests[slot]
            if pending[slot] is not None:
                self._collect(*pending[slot], on_done)
            req.start_async(inputs, share_inputs=False)
            pending[slot] = (i, req)
            slot = (slot + 1) % len(requests)
        for k in range(len(requests)):  # the oldest first
            item = pending[(slot + k) % len(requests)]
            if item is not None:
                self._collect(*item, on_done)

    def _requests(self) -> list:
        if self._infer_requests is None:
            self._infer_requests = [self.compiled.create_infer_request() for _ in range(max(1, self.requests))]
        return self._infer_requests

    @staticmethod
    def _collect(index: int, request, on_done: Callable[[int, np.ndarray], None]) -> None:
        request.wait()
        on_done(index, np.array(request.get_output_tensor(0).data, dtype=np.float32))


class TokenizerView:
    """One fast tokenizer (``tokenizer.json``, read with the ``tokenizers`` library: importing
    transformers would import torch) giving both what the model sees and raw lengths.

    A tokenizer of this kind (250,000-entry vocabulary) takes about 280 MB of memory, so one
    is loaded, not one per use: it is kept without truncation or padding (so it can be shared
    between threads), and :meth:`model_inputs` truncates and pads as transformers' fast
    tokenizer does (the text cut to ``max_len`` minus the special tokens, then the special
    tokens added, then right padding).
    """

    def __init__(self, folder: Path, max_len: int):
        from tokenizers import Tokenizer

        path = Path(folder) / "tokenizer.json"
        if not path.is_file():
            raise FileNotFoundError(f"{path}: missing (the OpenVINO build needs a fast tokenizer)")
        tok = Tokenizer.from_file(str(path))
        tok.no_padding()
        tok.no_truncation()
        self.tokenizer = tok
        self.max_len = int(max_len)
        pad = _pad_token(Path(folder))
        pad_id = tok.token_to_id(pad) if pad else None
        self.pad_id = pad_id if pad_id is not None else 0
        post = tok.post_processor
        self._specials = int(post.num_special_tokens_to_add(False)) if post is not None else 0

    def raw_lengths(self, texts: Sequence[str]) -> list[int]:
        """Tokens of each text alone: no special tokens, no truncation."""
        return [len(e.ids) for e in self.tokenizer.encode_batch(list(texts), add_special_tokens=False)]

    def encodings(self, texts: Sequence[str]) -> list:
        """``tokenizers.Encoding`` per text: special tokens added, truncated to ``max_len``, not padded."""
        keep = max(0, self.max_len - self._specials)
        out = []
        for e in self.tokenizer.encode_batch(list(texts), add_special_tokens=False):
            if len(e.ids) > keep:
                e.truncate(keep)
            out.append(self.tokenizer.post_process(e))
        return out

    def model_inputs(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """input_ids / attention_mask, int64 (len(texts), longest), padded right."""
        encs = self.encodings(texts)
        width = max((len(e.ids) for e in encs), default=0)
        ids = np.full((len(encs), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(encs), width), dtype=np.int64)
        for i, e in enumerate(encs):
            ids[i, :len(e.ids)] = e.ids
            mask[i, :len(e.ids)] = 1
        return {"input_ids": ids, "attention_mask": mask}


def _pad_token(folder: Path) -> str | None:
    pad = None
    for name in ("special_tokens_map.json", "tokenizer_config.json"):
        try:
            pad = json.loads((folder / name).read_text(encoding="utf-8")).get("pad_token")
        except (OSError, ValueError):
            continue
        if pad:
            break
    if isinstance(pad, dict):
        pad = pad.get("content")
    return pad


def _load_tokenizers(folder: Path, max_len: int):
    """(tokenizer that truncates and pads like transformers' fast tokenizer, plain one).

    Reads ``tokenizer.json`` with the ``tokenizers`` library directly:
    importing transformers would import torch (seconds of start-up).
    Two tokenizers: about 560 MB for multilingual-e5-small; :class:`TokenizerView`
    does both jobs with one (kept for callers that want a configured tokenizer).
    """
    from tokenizers import Tokenizer

    path = folder / "tokenizer.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: missing (the OpenVINO build needs a fast tokenizer)")
    pad = _pad_token(Path(folder))
    tok = Tokenizer.from_file(str(path))
    raw = Tokenizer.from_file(str(path))
    tok.no_padding()
    tok.enable_truncation(max_length=max_len)
    pad_id = tok.token_to_id(pad) if pad else None
    tok.enable_padding(pad_id=pad_id if pad_id is not None else 0, pad_token=pad or "[PAD]")
    raw.no_padding()
    raw.no_truncation()
    return tok, raw


def default_threads() -> int:
    from .hardware import available_cpus

    env = os.environ.get("OMP_NUM_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return available_cpus()
