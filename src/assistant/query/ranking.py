"""Finding passages for a question: the query, the search, the reordering rules and the sentence scores.

The retrieval stage. ``Ranker.query`` turns a standalone question into a ``Query`` (its glossary expansions,
vector and the kind of fact it asks for), ``Ranker.rank`` searches (``query.retrieval.retrieve``: dense + BM25,
fused) and reorders what it finds by the question's year and the kind of fact it asks for.
``Ranker.evidence`` scores the sentences of ranked passages; the answer stage
(``answer/answerer.py``) quotes from them. Every rule here reads its switch from ``Settings`` (see ``rules.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from assistant.index.build import Index
from assistant.index.embedding import Embedder
from assistant.index.search_text import alternatives, expand, terms
from assistant.query.collection import CollectionStats
from assistant.query.conversation import own_words
from assistant.query.fact_types import PASSAGE_TYPES, QUESTION_KINDS, answer_type, passage_fit, question_words
from assistant.query.questions import named_years
from assistant.query.retrieval import Scored, SentenceScores, retrieve
from assistant.settings import Settings


@dataclass(frozen=True)
class Query:
    """One question as the stages after the conversation see it, computed once per question."""

    standalone: str
    asked: str  # this turn's own words, without the earlier question carried along (own_words)
    vector: np.ndarray
    terms: list[str]  # of the glossary-expanded question, for BM25
    best_sentence: np.ndarray | SentenceScores  # per passage: the cosine of its sentence closest to the question
    wanted: str | None  # the kind of fact asked for (``answer_type`` of ``asked``)
    synonyms: dict[str, set[str]]  # glossary alternatives of the question's words (``alternatives``)


def types_off(settings: Settings) -> frozenset[str]:
    """The kinds of fact (``answer_type``) whose ``type-<kind>`` rule is switched off."""
    return frozenset(kind for kind in QUESTION_KINDS if not settings.on(f"type-{kind}"))


class Ranker:
    """The retrieval stage: the query, and its passages best first (``stages.Retriever`` and ``Reranker``)."""

    def __init__(self, index: Index, embedder: Embedder, stats: CollectionStats, settings: Settings) -> None:
        self.index, self.embedder, self.stats, self.settings = index, embedder, stats, settings
        self.types_off = types_off(settings)

    def query(self, standalone: str) -> Query:
        """The query: the standalone question plus glossary expansions, embedded once."""
        glossary = self.settings.on("glossary")
        query_text = expand(standalone, glossary=glossary)
        vector = self.embedder.embed([query_text])[0]
        asked = own_words(standalone)
        return Query(standalone, asked, vector, terms(query_text), self._best_sentence_per_passage(vector),
                     answer_type(asked, self.types_off), alternatives(standalone, glossary=glossary))

    def search(self, query: Query, allowed: set[str] | None) -> list[Scored]:
        """Dense and keyword candidates from the ``allowed`` documents (None: all), fused."""
        s = self.settings
        return retrieve(
            self.index, query.vector, query.terms, allowed, s.candidates, s.fusion, s.dense_weight,
            s.rrf_k, query.best_sentence if s.on("sentence-dense") else None,
        )

    def rank(self, query: Query, allowed: set[str] | None) -> list[Scored]:
        """``search``, then ``rerank``."""
        return self.rerank(self.search(query, allowed), query)

    def rerank(self, ranked: list[Scored], query: Query) -> list[Scored]:
        """The reordering rules (``stages.Reranker``): the year the question names, the kind of fact it asks
        for."""
        return self.prefer_answer_type(self._prefer_named_years(ranked, query.standalone), query)

    def _prefer_named_years(self, ranked: list[Scored], question: str) -> list[Scored]:
        """Date-aware matching: a question naming a year ("the 2023 inspection") ranks passages of documents
        dated that year a little higher (``year_bonus``), without excluding the others."""
        years = set(named_years(question))
        if not years or not ranked or not self.settings.on("year-bonus"):
            return ranked
        bonus = self.settings.year_bonus
        boosted = [
            replace(s, score=s.score + bonus)
            if (self.index.documents[self.index.passages[s.passage].doc_id].date or "")[:4] in years
            else s
            for s in ranked
        ]
        return sorted(boosted, key=lambda s: (-s.score, s.passage))

    def prefer_answer_type(self, ranked: list[Scored], query: Query) -> list[Scored]:
        """Type-aware matching: a question asking for a date, a span of time, a count or an Ofsted judgement
        ranks passages that hold one a little higher (``type_passage_bonus``), more when a labelled line
        gives it (``passage_fit``)."""
        wanted = query.wanted
        if wanted not in PASSAGE_TYPES or not ranked or not self.settings.on("type-passage-bonus"):
            return ranked
        named = question_words(query.asked)
        bonus = self.settings.type_passage_bonus
        weight = None if self.settings.on("label-passage-fit") else 0.0
        boosted = [replace(s, score=s.score + bonus * self._fit(wanted, s, named, weight)) for s in ranked]
        return sorted(boosted, key=lambda s: (-s.score, s.passage))

    def _fit(self, wanted: str, scored: Scored, named: list[str], weight: float | None) -> float:
        text = self.index.passages[scored.passage].text
        return passage_fit(wanted, text, named) if weight is None else passage_fit(wanted, text, named, weight)

    def _best_sentence_per_passage(self, query_vector: np.ndarray) -> np.ndarray | SentenceScores:
        """For each passage, the cosine of its sentence closest to the query (-1 when it has none): for every
        passage at once on a collection of up to ``sentence_scan_limit`` sentences (the best sentences then
        also propose candidates), else only for the candidates retrieval finds (``SentenceScores``)."""
        if len(self.index.sentences) > self.settings.sentence_scan_limit:
            return SentenceScores(self.index.sentence_vectors, query_vector, self.stats.passage_sentence_starts,
                                  self.stats.passage_sentence_ends)
        best = np.full(len(self.index.passages), -1.0, dtype=np.float32)
        starts, ends = self.stats.passage_sentence_starts, self.stats.passage_sentence_ends
        has = ends > starts
        if has.any():
            # Sentences are stored passage by passage, so each passage's best is one reduceat over its run
            # (np.maximum.at, one element at a time, grew to tens of ms on a national collection).
            best[has] = np.maximum.reduceat(self.index.sentence_vectors @ query_vector, starts[has])
        return best
