"""Shared fixtures: the real corpus, the real bundled model loaded once per session, and a fast fake.

Every test that writes builds in its own ``tmp_path``; settings never come from the developer's
environment or files.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assistant.index.embedding import KeywordEmbedder
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ASSISTANT_* variable or assistant.toml of the developer's leaks into a test."""
    for key in list(os.environ):
        if key.startswith("ASSISTANT_"):
            monkeypatch.delenv(key)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.load(
        environ={}, corpus_dir=CORPUS, index_dir=tmp_path / "index", feedback_log=tmp_path / "feedback.jsonl"
    )


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the real corpus."""
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


@pytest.fixture(scope="session")
def keyword_embedder() -> KeywordEmbedder:
    return KeywordEmbedder()


@pytest.fixture(scope="session")
def real_embedder():  # type: ignore[no-untyped-def]
    """The bundled all-MiniLM-L6-v2 on the runtime the default settings choose, loaded once per session."""
    from assistant.index.embedding import make_embedder

    return make_embedder(Settings.load(environ={}))


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Path:  # type: ignore[no-untyped-def]
    """The real corpus indexed once with the real model."""
    from assistant.index.build import ensure_index

    index_dir = tmp_path_factory.mktemp("real") / "index"
    ensure_index(Settings.load(environ={}), real_embedder, index_dir, CORPUS)
    return index_dir


@pytest.fixture(scope="session")
def real_assistant(real_index_dir: Path, real_embedder):  # type: ignore[no-untyped-def]
    """An Assistant over the real corpus with the real model (shared: do not mutate)."""
    from assistant.pipeline import Assistant

    return Assistant.load(index_dir=real_index_dir, corpus_dir=CORPUS, settings=Settings.load(environ={}),
                          embedder=real_embedder)


@pytest.fixture(scope="session")
def fake_assistant(tmp_path_factory: pytest.TempPathFactory, keyword_embedder: KeywordEmbedder):  # type: ignore[no-untyped-def]
    """An Assistant over the real corpus with the keyword embedder: real FAISS/BM25, built in a second."""
    from assistant.pipeline import Assistant

    index_dir = tmp_path_factory.mktemp("fake") / "index"
    return Assistant.load(index_dir=index_dir, corpus_dir=CORPUS, settings=Settings.load(environ={}),
                          embedder=keyword_embedder)
