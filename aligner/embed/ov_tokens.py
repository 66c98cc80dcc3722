"""Contextual token vectors from the OpenVINO build, for word alignment.

Word spans (:mod:`aligner.wordalign`) compare the hidden states of a middle
layer of the encoder (``settings.word_align_layer``, 8 by default). With the
OpenVINO backends the sentence vectors come from an OpenVINO graph; this
module cuts the same build's graph after that layer (an ``ov.Model`` whose
output is the layer's output LayerNorm; the later layers and the pooling
are dropped) and runs it on the few sentences that hold short quotes' matches.
No torch is imported or loaded: on 250 news articles, loading the torch
model and running all twelve layers in it cost about as much as the whole
rest of the alignment.

Which graph: the fp graph (``model.xml``, fp16 weights) by default, whose
states follow the torch model's closely; the int8 graph's states are
quantised (see ``bench/README.md``, "Speed").

The layer is found by the node names that the PyTorch frontend of OpenVINO
gives a BERT-style encoder (``encoder.layer.<i>.output.LayerNorm``; layer 0 is
``embeddings.LayerNorm``). A model without them raises :class:`LookupError`
and the caller falls back to torch.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .openvino_build import GRAPHS

__all__ = ["OpenVINOTokenStates", "layer_node"]


def layer_node(model, layer: int):
    """The node of ``model`` (an ``ov.Model``) whose output is hidden state ``layer``
    (0 = embeddings, i = output of transformer block i). Raises LookupError."""
    if layer <= 0:
        pattern = re.compile(r"embeddings\.LayerNorm/aten::layer_norm/Add$")
    else:
        pattern = re.compile(rf"encoder\.layer\.{layer - 1}\.output\.LayerNorm/aten::layer_norm/Add$")
    found = [op for op in model.get_ordered_ops() if pattern.search(op.get_friendly_name())]
    if len(found) != 1:
        raise LookupError(f"hidden state {layer}: {len(found)} matching nodes in the OpenVINO graph "
                          "(not a BERT-style encoder export)")
    return found[0]


def n_layers(model) -> int:
    """Transformer blocks of ``model`` (an ``ov.Model``), counted from node names."""
    pattern = re.compile(r"encoder\.layer\.(\d+)\.output\.LayerNorm/aten::layer_norm/Add$")
    blocks = [int(m.group(1)) for op in model.get_ordered_ops()
              if (m := pattern.search(op.get_friendly_name()))]
    return max(blocks) + 1 if blocks else 0


class OpenVINOTokenStates:
    """Hidden state ``layer`` of every token, from an OpenVINO build folder.

    ``folder``: the build (``<model>.openvino``); ``graph``: ``openvino`` (fp
    graph, default) or ``int8``; ``precision``: bf16 | fp32 (what OpenVINO
    computes in); ``layer`` is clamped to the model's blocks (as
    ``hidden_states[layer]`` of transformers). Compiled lazily, once.
    ``tokenizer``: the embedding runner's :class:`~aligner.embed.ov_runner.TokenizerView`
    (a tokenizer takes a second to parse and about 280 MB), else the build's is loaded.
    ``cache_mb``: compile cache limit (:mod:`aligner.embed.ov_cache`); 0 (default) = no cache:
    this graph compiles in 0.4 s and its blob would take 211 MB (``bench/ov_compile_cache.py``).
    """

    def __init__(self, folder: Path, layer: int, *, graph: str = "openvino", precision: str = "bf16",
                 threads: int = 1, max_seq_length: int = 512, batch_size: int = 32, tokenizer=None,
                 cache_mb: int = 0):
        self.folder = Path(folder)
        self.layer = int(layer)
        self.graph = graph
        self.precision = precision
        self.threads = int(threads)
        self.max_seq_length = int(max_seq_length)
        self.batch_size = int(batch_size)
        self._compiled = None
        self._tok = tokenizer
        self._lock = threading.Lock()
        self.cache_mb = int(cache_mb)

    def _compile(self):
        if self._compiled is None:
            with self._lock:
                if self._compiled is None:
                    import openvino as ov

                    from .ov_cache import compile_with_cache

                    core = ov.Core()
                    path = self.folder / GRAPHS[self.graph]
                    full = core.read_model(str(path))
                    layer = max(0, min(self.layer, n_layers(full)))
                    node = layer_node(full, layer)
                    cut = ov.Model([node.output(0)], full.get_parameters(), f"hidden_state_{layer}")
                    config = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_NUM_THREADS": self.threads,
                              "INFERENCE_PRECISION_HINT": "bf16" if self.precision == "bf16" else "f32"}
                    if self._tok is None:
                        self._tok = self._load_tokenizer()
                    self._compiled, _ = compile_with_cache(core, cut, path, config, self.cache_mb,
                                                           extra=f"hidden_state_{layer}")
        return self._compiled

    def _load_tokenizer(self):
        """The build's tokenizer (:class:`~aligner.embed.ov_runner.TokenizerView`), truncating
        to ``max_seq_length`` as the embedding runner does."""
        from .ov_runner import TokenizerView

        meta = json.loads((self.folder / "prompt.json").read_text(encoding="utf-8"))
        return TokenizerView(self.folder / "tokenizer", min(self.max_seq_length, int(meta["max_seq_length"])))

    def __call__(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per text: (states (n_tokens, dim) float32, not normalised; offsets (n_tokens, 2)
        int64 character offsets into that text), special tokens left out.

        Texts are run in batches of like lengths; no prompt is added (as the
        torch path does for token vectors)."""
        compiled = self._compile()
        request = compiled.create_infer_request()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list = [None] * len(texts)
        for a in range(0, len(order), self.batch_size):
            idx = order[a:a + self.batch_size]
            encs = self._tok.encodings([texts[i] for i in idx])  # special tokens, truncated
            width = max((len(e.ids) for e in encs), default=0)
            ids = np.zeros((len(encs), width), dtype=np.int64)  # pad id 0: padding is masked
            mask = np.zeros((len(encs), width), dtype=np.int64)
            for k, e in enumerate(encs):
                ids[k, :len(e.ids)] = e.ids
                mask[k, :len(e.ids)] = 1
            request.infer({"input_ids": ids, "attention_mask": mask}, share_inputs=False)
            states = np.array(request.get_output_tensor(0).data, dtype=np.float32)
            for k, i in enumerate(idx):
                offsets = np.asarray(encs[k].offsets, dtype=np.int64).reshape(-1, 2)
                keep = offsets[:, 1] > offsets[:, 0]  # special tokens: (0, 0)
                out[i] = (states[k][:len(offsets)][keep], offsets[keep])
        return out
