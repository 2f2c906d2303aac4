"""Finding passages for a question: the query, the search, the reordering rules and the sentence scores.

The retrieval stage. ``Ranker.query`` turns a standalone question into a ``Query`` (its glossary expansions,
vector and the kind of fact it asks for), ``Ranker.rank`` searches (``retrieval.retrieve``: dense + BM25,
fused) and reorders what it finds by the question's year and the kind of fact it asks for.
``Ranker.evidence`` scores the sentences of ranked passages; the answer stage
(``answering.py``) quotes from them. Every rule here reads its switch from ``Settings`` (see ``rules.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from assistant.answer import Evidence, score_sentences
from assistant.answer_types import PASSAGE_TYPES, QUESTION_KINDS, answer_type, passage_fit, question_words
from assistant.collection import CollectionStats
from assistant.conversation import own_words
from assistant.embedding import Embedder
from assistant.index import Index
from assistant.questions import named_years
from assistant.retrieval import Scored, SentenceScores, retrieve
from assistant.search_text import alternatives, expand, terms
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
    """The retrieval stage: a question's passages, best first, and the scores of their sentences."""

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
        """``search``, then the reordering rules: the year named, the kind of fact asked for."""
        ranked = self._prefer_named_years(self.search(query, allowed), query.standalone)
        return self.prefer_answer_type(ranked, query)

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

    def quotable(self, sentence_id: int) -> bool:
        """Whether a sentence may be quoted (``answer.quotable``; a title line only with ``title-lines`` off)."""
        return self.stats.quotable[sentence_id] and not (
            sentence_id in self.stats.titles and self.settings.on("title-lines"))

    def evidence(self, top: list[Scored], query: Query, question_terms: list[str]) -> list[Evidence]:
        """The quotable sentences of the ``top`` passages, scored for the query (``answer.score_sentences``),
        best first; ``question_terms``: the words their keyword overlap is counted on."""
        if not top:
            return []
        s = self.settings
        best = max(t.score for t in top) or 1.0
        candidates, ids = [], []
        for scored in top:
            passage = self.index.passages[scored.passage]
            for sid in self.index.sentences_of.get(passage.passage_id, []):
                if not self.quotable(sid):
                    continue
                candidates.append((self.index.sentences[sid], passage, max(scored.score, 0.0) / best))
                ids.append(sid)
        return score_sentences(
            candidates, self.index.sentence_vectors[ids], query.vector, question_terms,
            [self.stats.scoring_terms[i] for i in ids], self.stats.idf, self.stats.unseen_idf, query.wanted,
            s.type_bonus if s.on("type-bonus") else 0.0,
            (s.sentence_dense_weight, s.sentence_keyword_weight, s.sentence_passage_weight),
            query.synonyms, s.self_reference_penalty if s.on("self-reference") else 0.0,
            **({} if s.on("label-bonus") else {"label_bonus": 0.0}),
        )

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
