"""The store seam: retrieval and answering talk to a ``Store``, so another engine plugs in unchanged."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.index.build import build_index, load_index
from assistant.index.embedding import KeywordEmbedder
from assistant.index.store import FaissStore, Store
from assistant.ingest.passages import SplitterSettings
from assistant.pipeline import Assistant
from assistant.settings import Settings
from conftest import CORPUS


class BruteForceStore:
    """Another engine: dense search by a numpy scan, keyword scores from a plain count of shared terms."""

    name = "numpy"

    def __init__(self, passage_vectors: np.ndarray, sentence_vectors: np.ndarray, keyword: FaissStore) -> None:
        self.passage_vectors, self.sentence_vectors, self._keyword = passage_vectors, sentence_vectors, keyword
        self.searched: list[int] = []

    def dense_search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[int]:
        scores = self.passage_vectors @ query.reshape(-1)
        if allowed is not None:
            scores = np.where(allowed, scores, -np.inf)
        self.searched.append(k)
        return [int(i) for i in np.argsort(-scores, kind="stable")[:k] if np.isfinite(scores[i])]

    def keyword_scores(self, terms: list[str]) -> np.ndarray:
        return self._keyword.keyword_scores(terms)

    def save(self, folder: Path) -> None:  # pragma: no cover - not needed to answer
        raise NotImplementedError


def test_another_store_answers_like_the_faiss_one(tmp_path: Path) -> None:
    settings = Settings.load(environ={})
    embedder = KeywordEmbedder()
    build_index(CORPUS, tmp_path / "index", embedder, SplitterSettings())
    index = load_index(tmp_path / "index")
    assert isinstance(index.store, FaissStore) and isinstance(index.store, Store)
    other = BruteForceStore(index.passage_vectors, index.sentence_vectors, index.store)
    faiss_assistant = Assistant(index, embedder, settings)
    other_assistant = Assistant(replace(index, store=other), embedder, settings)
    for question in ("What did Ofsted say about care leavers over 21?", "Who chairs the improvement board?"):
        ours, theirs = faiss_assistant.ask(question), other_assistant.ask(question)
        assert [c.quote for c in ours.citations] == [c.quote for c in theirs.citations]
        assert ours.answer == theirs.answer
    assert other.searched, "retrieval went around the store"


def test_a_filter_is_applied_inside_the_search(tmp_path: Path) -> None:
    build_index(CORPUS, tmp_path / "index", KeywordEmbedder(), SplitterSettings())
    index = load_index(tmp_path / "index")
    doc = sorted(index.documents)[0]
    mask = index.passages_in({doc})
    query = KeywordEmbedder().embed(["care leavers"])[0]
    found = index.store.dense_search(query, 5, mask)
    assert found and all(index.passages[i].doc_id == doc for i in found)
    assert len(index.store.keyword_scores(["care", "leaver"])) == len(index.passages)
