"""The ``Assistant`` facade: the one place the stages are wired together.

corpus -> passages -> index -> retrieval -> answer, with the conversation read first. The chat, the CLI
and the evaluation all go through ``Assistant.ask``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.answer import compare, headline
from assistant.answer.answerer import QuoteAnswerer
from assistant.answer.quotes import INSTRUCTIONS_IGNORED, abstention
from assistant.answer.rerank import SentenceReranker
from assistant.cleaning import clean_filters, clean_history, clean_question
from assistant.index.build import Index, ensure_index, load_index
from assistant.index.embedding import Embedder, make_embedder
from assistant.query.collection import CollectionStats
from assistant.query.conversation import standalone_question
from assistant.query.instructions import strip_instructions
from assistant.query.ranking import Ranker
from assistant.query.retrieval import Scored, allowed_documents
from assistant.query.scope import Scope, question_scope, without_scope_words
from assistant.settings import Settings
from assistant.stages import AnswerParts
from assistant.types import Answer, Citation, Document, Filters, Location, RetrievedPassage, Turn


class Assistant:
    """Answers questions about the reports with verbatim, cited quotes.

    Example:
        >>> assistant = Assistant.load()                                          # doctest: +SKIP
        >>> answer = assistant.ask("What did Ofsted say about care leavers over 21?")  # doctest: +SKIP
        >>> print(answer.answer)                                                  # doctest: +SKIP
        **West Sussex County Council** (council report, 11 May 2023): “The advice and support ...” [1]
    """

    def __init__(
        self, index: Index, embedder: Embedder, settings: Settings, stats: CollectionStats | None = None
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        # What every question reads from the collection (term weights, quotable sentences, positions).
        self.stats = stats or CollectionStats.from_index(index)
        self.ranker = Ranker(index, embedder, self.stats, settings)
        self.answerer = QuoteAnswerer(index, self.stats, settings)
        self.reranker = SentenceReranker(self.answerer)

    def with_settings(self, settings: Settings) -> Assistant:
        """The same index, model and statistics answering with other settings (for example rules switched
        off, as ``make ablation`` does): nothing is loaded or worked out again."""
        return Assistant(self.index, self.embedder, settings, self.stats)

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
            embedder: defaults to the one ``settings`` ask for (``index.embedding.make_embedder``).
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
        s = self.settings
        asked, had_instructions = strip_instructions(question) if s.on("instructions") else (question, False)
        if not asked:
            return self._refuse_instructions(question, chosen_filters, started, id)
        standalone = standalone_question(asked, turns) if s.on("follow-ups") else asked.strip()
        allowed = (
            allowed_documents(self.index.documents, chosen_filters) if chosen_filters.active else None
        )
        scope = (question_scope(standalone, self.stats.areas, self.stats.other_councils) if s.on("council-and-time")
                 else Scope())
        if scope.missing:
            text = f"**The reports in this collection do not cover this question.** {scope.missing}"
            return self._declined(question, standalone, text, started, id)
        if scope.doc_ids is not None:  # the council and time the question names narrow the search
            allowed = set(scope.doc_ids) if allowed is None else allowed & scope.doc_ids
        query = self.ranker.query(without_scope_words(standalone, scope))
        ranked = self.reranker.rerank(self.ranker.rank(query, allowed), query)
        retrieved_at = time.perf_counter()
        passages = tuple(self._retrieved(r) for r in ranked[: s.top_k])
        # A comparison of councils, or of one council over time: one block per report.
        comparing = compare.plan(standalone, scope, self.stats.areas, allowed) if s.on("compare-by-report") else None
        drafted: AnswerParts
        # A question about one report as a whole: its judgements.
        whole = (headline.answer(self.index, standalone, without_scope_words(standalone, scope), query.wanted,
                                 allowed) if comparing is None and s.on("headline") else None)
        if whole is not None:
            drafted = whole
        elif comparing is not None:
            drafted = compare.answer_by_report(self, comparing, self.ranker.query(comparing.aspect), passages, allowed)
        else:
            drafted = self.answerer.answer(query, ranked, passages, allowed)
        answer_md, citations, abstained, related = drafted
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
