"""Token vectors for word alignment from the OpenVINO build, without torch."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.embed import ov_tokens
from aligner.embed.st_encoder import SentenceTransformerEncoder

PAIRS = [
    ("The US-Russian mission monitoring the ceasefire is powerless, she said.",
     "« La mission américano-russe de surveillance du cessez-le-feu est impuissante », a-t-elle déclaré."),
    ("The talks will resume on 3 May in Geneva.",
     "ستُستأنف المحادثات في ٣ مايو في جنيف."),  # marks and Arabic-Indic digits: offsets map back
    ("Pelosi calls Kavanaugh \"hysterical\".", "Pelosi qualifie Kavanaugh d'« hystérique »."),
]
TEXTS = [t for pair in PAIRS for t in pair] + [""]


def test_layer_node_refuses_a_graph_that_is_not_a_bert_encoder():
    import openvino as ov
    import openvino.opset13 as ops

    x = ops.parameter([1, 4], np.float32, name="x")
    model = ov.Model([ops.relu(x)], [x], "tiny")
    with pytest.raises(LookupError, match="hidden state 8"):
        ov_tokens.layer_node(model, 8)
    assert ov_tokens.n_layers(model) == 0


@pytest.fixture(scope="module")
def torch_tokens(real_encoder):
    enc = SentenceTransformerEncoder(cache=False, backend="torch")
    return enc.token_vectors(TEXTS)


@pytest.mark.model
@pytest.mark.parametrize("backend", ["int8", "openvino"])
def test_openvino_token_vectors_match_torch_without_loading_it(torch_tokens, backend):
    enc = SentenceTransformerEncoder(cache=False, backend=backend)
    if enc.backend != backend:
        pytest.skip(f"{backend} not available here: {enc.backend_reason}")
    got = enc.token_vectors(TEXTS)
    assert enc._token_torch is None and isinstance(enc._token_st, ov_tokens.OpenVINOTokenStates)
    assert len(got) == len(TEXTS)
    for (v, spans), (rv, rspans), text in zip(got, torch_tokens, TEXTS):
        assert v.dtype == np.float32 and spans.dtype == np.int64
        np.testing.assert_array_equal(spans, rspans)  # same tokens, offsets into the original text
        if len(v):
            np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
            cos = (v * rv).sum(axis=1)
            assert cos.min() >= 0.97, (text, cos.min())
    # the Arabic text: its digit token points at the Arabic-Indic digit of the original
    ar = TEXTS[3]
    _, spans = got[3]
    assert any(ar[a:b].strip() == "٣" for a, b in spans.tolist())


@pytest.mark.model
def test_a_graph_without_token_states_falls_back_to_torch(torch_tokens, monkeypatch):
    enc = SentenceTransformerEncoder(cache=False, backend="int8")
    if enc.backend != "int8":
        pytest.skip(f"int8 not available here: {enc.backend_reason}")

    def no_layer(model, layer):
        raise LookupError("no such layer")

    monkeypatch.setattr(ov_tokens, "layer_node", no_layer)
    got = enc.token_vectors(TEXTS[:2])
    assert enc._token_st is False and enc._token_torch is not None
    for (v, spans), (rv, rspans) in zip(got, torch_tokens[:2]):
        np.testing.assert_array_equal(spans, rspans)
        assert (v * rv).sum(axis=1).min() >= 0.97
