"""Finding passages for a question: the query, the search, the reordering rules and the sentence scores.

The retrieval stage. ``Ranker.query`` turns a standalone question into a ``Query`` (its plain words, glossary
expansions, vector and the kind of fact it asks for), ``Ranker.rank`` searches (``retrieval.retrieve``:
dense + BM25, fused) and reorders what it finds by the question's year, the kind of fact it asks for and
the passages' best sentences. ``Ranker.evidence`` scores the sentences of ranked passages; the answer stage
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
from assistant.overview import overview_document, overview_wanted, summary_passages
from assistant.questions import documents_named, named_years, question_shape
from assistant.retrieval import Scored, SentenceScores, retrieve
from assistant.search_text import alternatives, expand, plain_words, terms
from assistant.settings import Settings
from assistant.types import Passage


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
        """The query: the standalone question in plain words (``plain_words``) plus glossary expansions,
        embedded once."""
        s = self.settings
        if s.on("plain-words"):
            standalone = plain_words(standalone)
        glossary, numbers = s.on("glossary"), s.on("spelled-numbers")
        query_text = expand(standalone, glossary=glossary, numbers=numbers)
        vector = self.embedder.embed([query_text])[0]
        asked = own_words(standalone)
        return Query(standalone, asked, vector, terms(query_text), self._best_sentence_per_passage(vector),
                     answer_type(asked, self.types_off), alternatives(standalone, glossary=glossary, numbers=numbers))

    def search(self, query: Query, allowed: set[str] | None, candidates: int | None = None) -> list[Scored]:
        """Dense and keyword candidates from the ``allowed`` documents (None: all), fused."""
        s = self.settings
        return retrieve(
            self.index, query.vector, query.terms, allowed, candidates or s.candidates, s.fusion, s.dense_weight,
            s.rrf_k, query.best_sentence if s.on("sentence-dense") else None,
        )

    def rank(self, query: Query, allowed: set[str] | None) -> list[Scored]:
        """``search``, then the reordering rules: the year named, the kind of fact asked for, best sentences."""
        ranked = self._prefer_named_years(self.search(query, allowed), query.standalone)
        return self.by_best_sentence(self.prefer_answer_type(ranked, query), query)

    def overview(self, query: Query, allowed: set[str] | None) -> tuple[list[Scored], list[Passage]]:
        """For a question about a whole document ("What did the focused visit find?"): that document's
        passages, those of its summary first (see ``overview.py``), and the summary's passages. ([], []) for
        any other question."""
        if not self.settings.on("overview"):
            return [], []
        doc = overview_document(query.asked, self.stats.header_terms)
        if doc is None or (allowed is not None and doc not in allowed) or question_shape(query.standalone)[0]:
            return [], []
        summary = summary_passages(self.stats.passages_of[doc], overview_wanted(query.asked) or "findings")
        order = {p.passage_id: i for i, p in enumerate(summary)}
        ranked = self.search(query, {doc}, len(self.stats.passages_of[doc]))
        first = sorted(ranked, key=lambda r: (order.get(self.index.passages[r.passage].passage_id, len(order)),
                                              -r.score))
        return first, summary

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
        """Type-aware matching: a question asking for a date, a count, a sum, a share or an Ofsted judgement
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

    def by_best_sentence(self, ranked: list[Scored], query: Query) -> list[Scored]:
        """Sentence-level reranking: the top ``rerank_passages`` passages in the order of their best
        sentence's score, as the answer scores sentences (``evidence``), so that the passages listed with
        an answer lead with those its quotes come from. A passage with no quotable sentence goes last
        among them; ties and the passages below keep their order."""
        head = ranked[: self.settings.rerank_passages]
        if len(head) < 2 or not self.settings.on("rerank-by-sentence"):
            return ranked
        evidence = self.evidence(head, query, terms(query.standalone))
        best: dict[str, float] = {}
        for e in evidence:  # best first
            best.setdefault(e.passage.passage_id, e.score)
        key = {s.passage: best.get(self.index.passages[s.passage].passage_id, -np.inf) for s in head}
        return sorted(head, key=lambda s: -key[s.passage]) + ranked[len(head):]

    def best_of_named_documents(self, query: Query, searched: set[str] | None, already: list[Scored]) -> list[Scored]:
        """A comparison naming its sources ("the 2020 visit and the 2023 inspection", "the commissioner's
        report and the scrutiny report") needs evidence from each, even when one ranks below the other:
        the best ``answer_passages`` passages of each named document (by kind or publisher) and of the
        documents dated each named year, searched on their own."""
        if not self.settings.on("named-documents"):
            return []
        seen = {x.passage for x in already}
        extra: list[Scored] = []
        groups = [set(named) for named in documents_named(query.standalone, self.stats.naming_words)]
        for year in named_years(query.standalone):
            groups.append({d for d, doc in self.index.documents.items() if (doc.date or "").startswith(year)})
        for docs in groups:
            if searched is not None:
                docs &= searched
            if not docs:
                continue
            for scored in self.search(query, docs)[: self.settings.answer_passages]:
                if scored.passage not in seen:
                    seen.add(scored.passage)
                    extra.append(scored)
        return extra

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
