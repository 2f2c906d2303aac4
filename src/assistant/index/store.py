"""The index's searchable part behind one small interface: dense search over passage vectors, keyword
scores over passage texts, and the passage and sentence vectors that answering scores.

Retrieval, answering and the evaluation's baselines talk to a :class:`Store`, never to FAISS or bm25s, so a
server engine (a vector database, a search service) can follow as another module that builds, saves and
loads itself the same way, chosen by name in the manifest, without touching answering.
:class:`FaissStore` is the embedded default: exact inner-product search (``IndexFlatIP``) and bm25s, all in
the index folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from assistant.errors import IndexStoreError

# BM25's term-frequency saturation and length normalisation (bm25s defaults: 1.5 and 0.75). Passages are
# already cut to at most ``chunk_max_tokens``, so strong length normalisation mostly rewards tiny passages
# such as signature blocks ("Her Majesty's Inspector") over the paragraph that discusses the subject. On the
# evaluation set b = 0.2 raised hit@5 0.838 -> 0.857 and MRR@10 0.620 -> 0.671 (eval/report.md, History).
BM25_K1 = 1.5
BM25_B = 0.2


@runtime_checkable
class Store(Protocol):
    """What retrieval and answering need from an index's search engine."""

    name: str
    passage_vectors: np.ndarray  # one unit row per passage, in passage order
    sentence_vectors: np.ndarray  # one unit row per sentence, in sentence order

    def dense_search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[int]:
        """The ``k`` passages nearest ``query`` (best first), only among ``allowed`` (a passage mask)."""
        ...

    def keyword_scores(self, terms: list[str]) -> np.ndarray:
        """Every passage's keyword (BM25) score for the question's ``terms``."""
        ...

    def save(self, folder: Path) -> None:
        """Write the store into an index folder being built."""
        ...


class FaissStore:
    """Exact FAISS inner-product search and bm25s, saved as ``passages.faiss``, ``sentences.faiss`` and
    ``bm25/`` in the index folder."""

    name = "faiss"

    def __init__(self, passages: Any, sentence_vectors: np.ndarray, bm25: Any, dim: int) -> None:
        # Sentences are only ever scanned (never searched), so they are kept as one matrix, not twice.
        self._passages, self._bm25, self._dim = passages, bm25, dim
        self.passage_vectors = _vectors(passages, dim)
        self.sentence_vectors = sentence_vectors

    @classmethod
    def build(cls, passage_vectors: np.ndarray, sentence_vectors: np.ndarray, keyword_tokens: Any,
              dim: int) -> FaissStore:
        """A store over these vectors and the passages' keyword tokens (``index.search_text.bm25_tokens``)."""
        import bm25s

        bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        bm25.index(keyword_tokens, show_progress=False)
        return cls(_flat(passage_vectors, dim), np.asarray(sentence_vectors, dtype=np.float32), bm25, dim)

    @classmethod
    def load(cls, folder: Path, dim: int, passages: int, sentences: int) -> FaissStore:
        """The store saved in ``folder``; checked against the index's own passage and sentence counts."""
        import bm25s
        import faiss

        try:
            passage_index = faiss.read_index(str(folder / "passages.faiss"))
            sentence_index = faiss.read_index(str(folder / "sentences.faiss"))
            bm25 = bm25s.BM25.load(str(folder / "bm25"))
        except (OSError, ValueError, RuntimeError) as exc:
            raise IndexStoreError(
                f"The index at {folder} is incomplete or damaged ({exc}). Rebuild it with `assistant ingest`."
            ) from exc
        if passage_index.ntotal != passages or sentence_index.ntotal != sentences:
            raise IndexStoreError(
                f"The index at {folder} does not match its own passage list. Rebuild it with `assistant ingest`."
            )
        return cls(passage_index, _vectors(sentence_index, dim), bm25, dim)

    def save(self, folder: Path) -> None:
        import faiss

        faiss.write_index(self._passages, str(folder / "passages.faiss"))
        faiss.write_index(_flat(self.sentence_vectors, self._dim), str(folder / "sentences.faiss"))
        self._bm25.save(str(folder / "bm25"))

    def dense_search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[int]:
        import faiss

        faiss.omp_set_num_threads(1)  # one query: threads only add overhead (STACK.md, trap 6)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        if allowed is None:
            _, ids = self._passages.search(q, k)
        else:  # the filter is applied inside the search
            selector = faiss.IDSelectorBatch(np.flatnonzero(allowed).astype(np.int64))
            _, ids = self._passages.search(q, k, params=faiss.SearchParameters(sel=selector))  # type: ignore[call-arg]  # faiss stubs omit SWIG keywords
        return [int(i) for i in ids[0] if i >= 0]

    def keyword_scores(self, terms: list[str]) -> np.ndarray:
        if not terms:
            return np.zeros(len(self.passage_vectors), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(terms), dtype=np.float32)


def _flat(vectors: np.ndarray, dim: int) -> Any:
    import faiss

    flat = faiss.IndexFlatIP(dim)
    if len(vectors):
        flat.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return flat


def _vectors(index: Any, dim: int) -> np.ndarray:
    if index.ntotal == 0:
        return np.zeros((0, dim), dtype=np.float32)
    return np.asarray(index.reconstruct_n(0, index.ntotal), dtype=np.float32)
