"""The ``Assistant`` facade: the one place the stages are wired together.

corpus -> passages -> index -> retrieval -> answer, with the conversation read first. The chat, the CLI
and the evaluation all go through ``Assistant.ask``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant import compare
from assistant.answer import (
    INSTRUCTIONS_IGNORED,
    Evidence,
    abstention,
    answering_quotes,
    complete_lead_ins,
    compose,
    lexical_overlap,
    prefer_specific_date,
    refers_to_itself,
    score_sentences,
    select_quotes,
    unanswered_reason,
)
from assistant.answer_types import PASSAGE_TYPES, STRICT_TYPES, answer_type, passage_fit, question_words
from assistant.cleaning import clean_filters, clean_history, clean_question
from assistant.collection import CollectionStats
from assistant.conversation import own_words, standalone_question
from assistant.embedding import Embedder, make_embedder
from assistant.index import Index, ensure_index, load_index
from assistant.instructions import strip_instructions
from assistant.outcomes import OUTCOME_NOT_GIVEN, of_the_year, reporting_quotes
from assistant.overview import lead_sentences, overview_document, overview_wanted, summary_passages
from assistant.questions import documents_named, named_years, off_subject_words, question_shape, unknown_names
from assistant.retrieval import Scored, SentenceScores, allowed_documents, retrieve
from assistant.scope import question_scope, without_scope_words
from assistant.search_text import alternatives, expand, plain_words, subject_terms, terms
from assistant.settings import Settings
from assistant.text import either
from assistant.types import (
    Answer,
    Citation,
    Document,
    Filters,
    Location,
    Passage,
    RetrievedPassage,
    Sentence,
    Turn,
)


@dataclass(frozen=True)
class _Query:
    """One question as the stages after the conversation see it, computed once per ``ask``."""

    standalone: str
    asked: str  # this turn's own words, without the earlier question carried along (own_words)
    vector: np.ndarray
    terms: list[str]  # of the glossary-expanded question, for BM25
    best_sentence: np.ndarray | SentenceScores  # per passage: the cosine of its sentence closest to the question


class Assistant:
    """Answers questions about the reports with verbatim, cited quotes.

    Example:
        >>> assistant = Assistant.load()                                          # doctest: +SKIP
        >>> answer = assistant.ask("What did Ofsted say about care leavers over 21?")  # doctest: +SKIP
        >>> print(answer.answer)                                                  # doctest: +SKIP
        **West Sussex County Council** (council report, 11 May 2023): “The advice and support ...” [1]
    """

    def __init__(self, index: Index, embedder: Embedder, settings: Settings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        # What every question reads from the collection (term weights, quotable sentences, positions).
        self.stats = CollectionStats.from_index(index)

    @classmethod
    def load(
        cls,
        index_dir: str | Path | None = None,
        corpus_dir: str | Path | None = None,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        show_progress: bool = False,
        on_warning: Callable[[str], None] | None = None,
    ) -> Assistant:
        """Load the index, building or rebuilding it first when it is missing or stale.

        Args:
            index_dir: index folder; default ``settings.index_dir``.
            corpus_dir: reports folder; default ``settings.corpus_dir``.
            settings: defaults to ``Settings.load()`` (file and ``ASSISTANT_*`` variables).
            embedder: defaults to the one ``settings`` ask for (``embedding.make_embedder``).
        """
        settings = settings or Settings.load()
        index_path = Path(index_dir) if index_dir else settings.index_dir
        corpus_path = Path(corpus_dir) if corpus_dir else settings.corpus_dir
        embedder = embedder or make_embedder(settings)
        ensure_index(settings, embedder, index_path, corpus_path, show_progress, on_warning)
        return cls(load_index(index_path), embedder, settings)

    # ------------------------------------------------------------------------------------- queries

    @property
    def index_version(self) -> str:
        return self.index.manifest.index_version

    def documents(self) -> list[Document]:
        """The documents in the index, oldest first."""
        return sorted(self.index.documents.values(), key=lambda d: (d.date or "9999", d.doc_id))

    def skipped(self) -> list[tuple[str, str]]:
        """The corpus files the index could not read, with the reason: ``(file name, reason)``."""
        return sorted((name, why.get("reason", "")) for name, why in self.index.manifest.skipped.items())

    def ask(
        self,
        question: str,
        history: Sequence[Turn | Mapping[str, Any]] | None = None,
        filters: Filters | Mapping[str, Any] | None = None,
        id: str | int | None = None,
    ) -> Answer:
        """Answer one question, reading follow-ups against ``history``.

        Raises:
            InvalidQuestionError: empty or too long a question, or a malformed history.
            InvalidFilterError: a filter names an unknown document or key.
        """
        started = time.perf_counter()
        # One cleaning boundary for every entry point (cleaning.py): bad text is cleaned or refused here.
        question = clean_question(question, self.settings.max_question_chars)
        turns = clean_history(history)
        chosen_filters = clean_filters(filters)
        asked, had_instructions = strip_instructions(question)
        if not asked:
            return self._refuse_instructions(question, chosen_filters, started, id)
        standalone = standalone_question(asked, turns)
        allowed = (
            allowed_documents(self.index.documents, chosen_filters) if chosen_filters.active else None
        )
        scope = question_scope(standalone, self.stats.areas)
        if scope.missing:
            text = f"**The reports in this collection do not cover this question.** {scope.missing}"
            return self._declined(question, standalone, text, started, id)
        if scope.doc_ids is not None:  # the council and time the question names narrow the search
            allowed = set(scope.doc_ids) if allowed is None else allowed & scope.doc_ids
        query = self._query(without_scope_words(standalone, scope))
        ranked, summary = self._overview(query, allowed)
        summarised = self._summarise(query, summary) if summary else None
        if summarised is None:
            ranked = self._prefer_named_years(self._search(query, allowed), standalone)
            ranked = self._prefer_answer_type(ranked, query.asked)
            ranked = self._by_best_sentence(ranked, query)
        retrieved_at = time.perf_counter()
        passages = tuple(self._retrieved(s) for s in ranked[: self.settings.top_k])
        comparing = compare.plan(standalone, scope, self.stats.areas, allowed)  # one block per report
        if comparing is not None:
            answer_md, citations, abstained, related = compare.answer_by_report(
                self, comparing, self._query(comparing.aspect), passages, allowed)
        else:
            answer_md, citations, abstained, related = summarised or self._answer(query, ranked, passages, allowed)
        if had_instructions:
            answer_md = f"{answer_md}\n\n{INSTRUCTIONS_IGNORED}"
        done = time.perf_counter()
        timings = {
            "retrieve": round((retrieved_at - started) * 1000, 2),
            "answer": round((done - retrieved_at) * 1000, 2),
            "total": round((done - started) * 1000, 2),
        }
        citations = tuple(self._placed(c) for c in citations)
        return Answer(question, standalone, answer_md, abstained, citations, passages, timings, related, id)

    def _query(self, standalone: str) -> _Query:
        """The query: the standalone question in plain words (``plain_words``) plus glossary expansions,
        embedded once."""
        standalone = plain_words(standalone)
        query_text = expand(standalone)
        vector = self.embedder.embed([query_text])[0]
        return _Query(standalone, own_words(standalone), vector, terms(query_text),
                      self._best_sentence_per_passage(vector))

    def _overview(self, query: _Query, allowed: set[str] | None) -> tuple[list[Scored], list[Passage]]:
        """For a question about a whole document ("What did the focused visit find?"): that document's
        passages, those of its summary first (see ``overview.py``), and the summary's passages. ([], []) for
        any other question."""
        doc = overview_document(query.asked, self.stats.header_terms)
        if doc is None or (allowed is not None and doc not in allowed) or question_shape(query.standalone)[0]:
            return [], []
        summary = summary_passages(self.stats.passages_of[doc], overview_wanted(query.asked) or "findings")
        order = {p.passage_id: i for i, p in enumerate(summary)}
        s = self.settings
        ranked = retrieve(self.index, query.vector, query.terms, {doc}, len(self.stats.passages_of[doc]), s.fusion,
                          s.dense_weight, s.rrf_k, query.best_sentence)
        first = sorted(ranked, key=lambda r: (order.get(self.index.passages[r.passage].passage_id, len(order)),
                                              -r.score))
        return first, summary

    def _summarise(self, query: _Query, summary: list[Passage]) -> tuple[str, tuple, bool, tuple] | None:
        """The answer to a question about a whole document: the opening sentences of its summary passages,
        in their order, each list or table given by its lines and each lead-in followed by its list. None
        when they hold nothing to quote (the question is then answered as any other)."""
        s = self.settings

        def usable(sentence: Sentence) -> bool:
            return self.stats.quotable[sentence.sentence_id] and not refers_to_itself(sentence.text)

        sentences = {p.passage_id: [self.index.sentences[i] for i in self.index.sentences_of.get(p.passage_id, [])]
                     for p in summary}
        lead = lead_sentences(summary, sentences, usable, s.max_list_quotes, s.max_list_lines)
        if not lead:
            return None
        # Scores fall in reading order, so the answer keeps it; a list's lines share their lead-in's.
        chosen = [Evidence(x, p, 1.0 - i / 1000, 0.0, 1.0) for i, (x, p) in enumerate(lead)]
        chosen = complete_lead_ins(chosen, self.stats.following, s.max_list_lines)
        answer_md, citations = compose(query.standalone, chosen, self.index.documents, False)
        return answer_md, citations, False, ()

    def _prefer_named_years(self, ranked: list[Scored], question: str) -> list[Scored]:
        """Date-aware matching: a question naming a year ("the 2023 inspection") ranks passages of documents
        dated that year a little higher (``year_bonus``), without excluding the others."""
        years = set(named_years(question))
        if not years or not ranked:
            return ranked
        bonus = self.settings.year_bonus
        boosted = [
            replace(s, score=s.score + bonus)
            if (self.index.documents[self.index.passages[s.passage].doc_id].date or "")[:4] in years
            else s
            for s in ranked
        ]
        return sorted(boosted, key=lambda s: (-s.score, s.passage))

    def _prefer_answer_type(self, ranked: list[Scored], asked: str) -> list[Scored]:
        """Type-aware matching: a question (``asked``: its own words) asking for a date, a count, a sum, a
        share or an Ofsted judgement ranks passages that hold one a little higher (``type_passage_bonus``)."""
        wanted = answer_type(asked)
        if wanted not in PASSAGE_TYPES or not ranked:
            return ranked
        named = question_words(asked)
        bonus = self.settings.type_passage_bonus
        # A passage holding the fact gains the bonus, more when a labelled line gives it (see ``passage_fit``).
        boosted = [replace(s, score=s.score + bonus * passage_fit(wanted, self.index.passages[s.passage].text, named))
                   for s in ranked]
        return sorted(boosted, key=lambda s: (-s.score, s.passage))

    def _by_best_sentence(self, ranked: list[Scored], query: _Query) -> list[Scored]:
        """Sentence-level reranking: the top ``rerank_passages`` passages in the order of their best
        sentence's score, as the answer scores sentences (``_evidence``), so that the passages listed with
        an answer lead with those its quotes come from. A passage with no quotable sentence goes last
        among them; ties and the passages below keep their order."""
        head = ranked[: self.settings.rerank_passages]
        if len(head) < 2:
            return ranked
        evidence = self._evidence(head, query.vector, terms(query.standalone), query.standalone, query.asked)
        best: dict[str, float] = {}
        for e in evidence:  # best first
            best.setdefault(e.passage.passage_id, e.score)
        key = {s.passage: best.get(self.index.passages[s.passage].passage_id, -np.inf) for s in head}
        return sorted(head, key=lambda s: -key[s.passage]) + ranked[len(head):]

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

    def _refuse_instructions(
        self, question: str, filters: Filters, started: float, id: str | int | None
    ) -> Answer:
        if filters.active:
            allowed_documents(self.index.documents, filters)  # a bad filter is still reported
        text = abstention(self.index.documents, (), "The question only gives the assistant instructions, "
                          "which it does not follow.")
        return self._declined(question, "", text, started, id)

    def _declined(self, question: str, standalone: str, text: str, started: float, id: str | int | None) -> Answer:
        """An answer that declines before any search (``text`` says why), timed from ``started``."""
        total = round((time.perf_counter() - started) * 1000, 2)
        return Answer(question, standalone, text, True, (), (), {"retrieve": 0.0, "answer": total, "total": total},
                      (), id)

    def _retrieved(self, scored: Scored) -> RetrievedPassage:
        p = self.index.passages[scored.passage]
        d = self.index.documents[p.doc_id]
        where = Location(p.section, p.paragraph, p.char_start, p.char_end, p.page, p.page_end)
        return RetrievedPassage(
            d.doc_id, d.title, d.publisher, d.kind, d.date, p.text, where, round(scored.score, 4), d.area
        )

    def _placed(self, citation: Citation) -> Citation:
        """The citation with its quote's pages and, for a PDF, the boxes of its lines."""
        c = citation
        where = self.index.layout(c.doc_id).locate(c.section, c.paragraph, c.char_start, c.char_end, with_boxes=True)
        return replace(c, location=where, area=self.index.documents[c.doc_id].area)

    def _search(self, query: _Query, allowed: set[str] | None) -> list[Scored]:
        s = self.settings
        return retrieve(
            self.index, query.vector, query.terms, allowed, s.candidates, s.fusion, s.dense_weight, s.rrf_k,
            query.best_sentence,
        )

    def _answer(
        self,
        query: _Query,
        ranked: list[Scored],
        passages: tuple[RetrievedPassage, ...],
        searched: set[str] | None = None,
    ) -> tuple[str, tuple, bool, tuple[RetrievedPassage, ...]]:
        """The answer's Markdown, citations, whether it abstained, and its "possibly related" passages.
        ``searched``: the documents the filters admitted (None: all)."""
        s = self.settings
        standalone, query_vector = query.standalone, query.vector
        question_terms = terms(standalone)
        comparison, wants_list = question_shape(standalone)
        top = ranked[: s.answer_passages]
        if comparison:
            top = top + self._best_of_named_documents(query, searched, top)
        quote_terms = subject_terms(question_terms) if comparison else question_terms
        evidence = self._evidence(top, query_vector, quote_terms, standalone, query.asked)
        related = passages[: s.related_passages]

        def decline(reason: str = "") -> tuple[str, tuple, bool, tuple[RetrievedPassage, ...]]:
            return abstention(self.index.documents, related, reason, searched), (), True, related

        unknown = unknown_names(standalone, self.stats.known_terms)
        if unknown:
            return decline(f"They never mention {either(unknown)}.")
        if not evidence or not self._supported(evidence, question_terms, alternatives(standalone)):
            return decline()
        limit = s.max_list_quotes if (comparison or wants_list) else s.max_quotes
        vectors = {e.sentence.sentence_id: self.index.sentence_vectors[e.sentence.sentence_id] for e in evidence}
        years = named_years(standalone)
        if len(years) == 1 and not comparison:  # "in 2019": quotes about that year, not a later one's
            evidence = of_the_year(years[0], evidence, self.stats.dates)
        chosen = select_quotes(evidence, vectors, limit, per_document=comparison)
        reason = unanswered_reason(query.asked, chosen)
        if not reason and not comparison:  # an outcome question keeps only the quotes that may give it
            chosen = reporting_quotes(query.asked, chosen, self.stats.dates)
            reason = "" if chosen else OUTCOME_NOT_GIVEN
        if reason:
            return decline(reason)
        # A lead-in brings its list: up to max_list_lines of it for a list question, one line when the
        # question asks for a single fact, and otherwise as many lines as an answer has quotes.
        items = 1 if answer_type(query.asked) in STRICT_TYPES else s.max_list_lines if wants_list else limit
        answering = answering_quotes(query.asked, chosen, comparison, single=not wants_list)
        if not comparison and not wants_list:
            answering = prefer_specific_date(query.asked, answering, evidence)
        chosen = complete_lead_ins(answering, self.stats.following, items)
        stats = self.stats
        quoted_terms = set().union(*(stats.passage_terms[stats.passage_positions[e.passage.passage_id]]
                                     for e in chosen))
        alien = off_subject_words(query.asked, quoted_terms, stats.sorted_terms, alternatives(standalone))
        if alien:  # the quotes only share a place or a name with a question on another subject
            return decline(f"They never mention {either(alien)}.")
        named = documents_named(standalone, self.stats.naming_words) if comparison else []
        answer_md, citations = compose(standalone, chosen, self.index.documents, comparison, named)
        return answer_md, citations, False, ()

    def _best_of_named_documents(
        self, query: _Query, searched: set[str] | None, already: list[Scored]
    ) -> list[Scored]:
        """A comparison naming its sources ("the 2020 visit and the 2023 inspection", "the commissioner's
        report and the scrutiny report") needs evidence from each, even when one ranks below the other:
        the best ``answer_passages`` passages of each named document (by kind or publisher) and of the
        documents dated each named year, searched on their own."""
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
            for scored in self._search(query, docs)[: self.settings.answer_passages]:
                if scored.passage not in seen:
                    seen.add(scored.passage)
                    extra.append(scored)
        return extra

    def _evidence(
        self, top: list[Scored], query_vector: np.ndarray, question_terms: list[str], question: str, asked: str
    ) -> list[Evidence]:
        if not top:
            return []
        best = max(t.score for t in top) or 1.0
        candidates, ids = [], []
        for scored in top:
            passage = self.index.passages[scored.passage]
            for sid in self.index.sentences_of.get(passage.passage_id, []):
                if not self.stats.quotable[sid]:
                    continue
                candidates.append((self.index.sentences[sid], passage, max(scored.score, 0.0) / best))
                ids.append(sid)
        return score_sentences(
            candidates, self.index.sentence_vectors[ids], query_vector, question_terms,
            [self.stats.scoring_terms[i] for i in ids], self.stats.idf, self.stats.unseen_idf, answer_type(asked),
            self.settings.type_bonus,
            (self.settings.sentence_dense_weight, self.settings.sentence_keyword_weight,
             self.settings.sentence_passage_weight),
            alternatives(question), self.settings.self_reference_penalty,
        )

    def _supported(
        self, evidence: list[Evidence], question_terms: list[str], synonyms: dict[str, set[str]]
    ) -> bool:
        """Whether the evidence answers the question, rather than only touching its subject."""
        best = evidence[0]
        if best.score < self.settings.min_sentence_score:
            return False
        # Coverage: the question's content words (IDF-weighted) that the best passages contain. A word
        # the collection never uses ("Surrey", "2025") weighs the most, so such questions abstain.
        seen: set[str] = set()
        for e in evidence[:5]:
            seen |= self.stats.passage_terms[self.stats.passage_positions[e.passage.passage_id]]
        coverage = lexical_overlap(question_terms, seen, self.stats.idf, self.stats.unseen_idf, synonyms)
        return coverage >= self.settings.min_coverage or best.dense >= 0.62
