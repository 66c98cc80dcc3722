"""The OpenVINO runner's tokenizer: one tokenizer, the same inputs as transformers' fast tokenizer."""

from __future__ import annotations

import json

import numpy as np
import pytest

tokenizers = pytest.importorskip("tokenizers")


@pytest.fixture
def tok_folder(tmp_path):
    """A small fast tokenizer like XLM-R's: ``<s> text </s>``, ``<pad>`` = 0."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    words = "the minister said talks would resume on tuesday le ministre a dit que".split()
    vocab = {"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3, "query:": 4}
    vocab.update({w: i + 5 for i, w in enumerate(words)})
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>",
                                                       special_tokens=[("<s>", 1), ("</s>", 2)])
    tok.save(str(tmp_path / "tokenizer.json"))
    (tmp_path / "special_tokens_map.json").write_text(json.dumps({"pad_token": "<pad>"}), encoding="utf-8")
    return tmp_path


TEXTS = ["query: the minister said", "query: " + " ".join(["talks would resume"] * 30), "query:", "",
         "query: le ministre a dit que xyz", "query: tuesday"]


@pytest.mark.parametrize("max_len", [2, 3, 5, 16, 512])
def test_tokenizer_view_matches_the_configured_tokenizer(tok_folder, max_len):
    from aligner.embed.ov_runner import TokenizerView, _load_tokenizers

    configured, raw = _load_tokenizers(tok_folder, max_len)
    view = TokenizerView(tok_folder, max_len)
    encs = configured.encode_batch(TEXTS)
    got = view.model_inputs(TEXTS)
    assert got["input_ids"].dtype == np.int64 and got["attention_mask"].dtype == np.int64
    np.testing.assert_array_equal(got["input_ids"], np.array([e.ids for e in encs]))
    np.testing.assert_array_equal(got["attention_mask"], np.array([e.attention_mask for e in encs]))
    assert view.raw_lengths(TEXTS) == [len(e.ids) for e in raw.encode_batch(TEXTS, add_special_tokens=False)]
    assert max(view.raw_lengths(TEXTS)) == 92  # ("query", ":", 90 words): raw lengths are never truncated
    assert view.model_inputs([])["input_ids"].shape == (0, 0)


def test_tokenizer_view_needs_tokenizer_json(tmp_path):
    from aligner.embed.ov_runner import TokenizerView

    with pytest.raises(FileNotFoundError, match="tokenizer.json"):
        TokenizerView(tmp_path, 16)
