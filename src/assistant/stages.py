"""The seams between the stages: what a new retriever, reranker or answerer implements to plug in.

A question's path is retriever -> reranker -> answerer, and ``pipeline.Assistant`` is the one place that
wires them. Each seam is a small protocol, so a trained reranker or an optional generator is one new class
that satisfies it, and the stages around it do not change. Two more seams sit beside their implementations:
``Loader`` (``ingest/loaders/base.py``: one per file format, bytes -> ``LoadedText``) and ``Store``
(``index/store.py``: the search engine behind an index, dense search and keyword scores).

The stages pass passages by their position in ``Index.passages`` with their scores (``Scored``), best first.
``Q`` is the query the pipeline works out once per question (the standalone question, its own words, its
vector and keyword terms): a stage is typed by the query it reads, ``Reranker[Query]``.

Example (a stand-in for a trained reranker: the best keyword score first):
    >>> from assistant.query.retrieval import Scored
    >>> class ByKeyword:
    ...     def rerank(self, ranked, query):
    ...         return sorted(ranked, key=lambda s: -s.keyword)
    >>> isinstance(ByKeyword(), Reranker)
    True
    >>> [s.passage for s in ByKeyword().rerank([Scored(0, 0.9, 0.9, 0.1), Scored(1, 0.8, 0.5, 0.7)], None)]
    [1, 0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

from assistant.types import Citation, RetrievedPassage

if TYPE_CHECKING:
    from assistant.query.retrieval import Scored

Q = TypeVar("Q", contravariant=True)

#: What the answer stage gives back: the answer's Markdown with ``[n]`` markers, its citations, whether it
#: abstained, and the "possibly related" passages shown with an abstention (empty otherwise).
AnswerParts = tuple[str, tuple[Citation, ...], bool, tuple[RetrievedPassage, ...]]


@runtime_checkable
class Retriever(Protocol[Q]):
    """Finds the passages for a query (dense and keyword search, fused, by default)."""

    def search(self, query: Q, allowed: set[str] | None) -> list[Scored]:
        """Passages for ``query`` from the ``allowed`` documents (None: all), best first."""
        ...


@runtime_checkable
class Reranker(Protocol[Q]):
    """Reorders a ranking: the same passages, in a better order for the query."""

    def rerank(self, ranked: list[Scored], query: Q) -> list[Scored]:
        """``ranked`` reordered, best first; it may rescore passages, never add ones it was not given."""
        ...


@runtime_checkable
class Answerer(Protocol[Q]):
    """Turns a query and its ranked passages into an answer, or declines saying why."""

    def answer(
        self,
        query: Q,
        ranked: list[Scored],
        passages: tuple[RetrievedPassage, ...],
        searched: set[str] | None = None,
    ) -> AnswerParts:
        """The answer from ``ranked`` (``passages``: the top ones, as shown with it). ``searched``: the
        documents the filters and the question's scope admitted (None: all)."""
        ...
