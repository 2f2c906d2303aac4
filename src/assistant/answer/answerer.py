"""The answer stage: from ranked passages to a quoted, cited answer, or a reasoned abstention.

``Answerer.answer`` scores the sentences of the best passages (``Ranker.evidence``), decides whether they
answer the question (``supported`` and the declining rules), chooses the quotes (``answer.quotes.select_quotes`` and
the rules that keep only the quotes giving the fact asked for) and writes them (``answer.quotes.compose``). The
pure functions it calls live in ``answer/quotes.py`` and ``query/questions.py``; this class reads each rule's switch
from ``Settings`` (see ``rules.py``) and the collection's statistics.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answer.quotes import (
    Evidence,
    abstention,
    answering_quotes,
    compose,
    lexical_overlap,
    score_sentences,
    select_quotes,
    unanswered_reason,
)
from assistant.answer.units import complete_cut_sentences, complete_lead_ins
from assistant.index.build import Index
from assistant.index.search_text import subject_terms, terms
from assistant.query.collection import CollectionStats
from assistant.query.fact_types import STRICT_TYPES
from assistant.query.questions import documents_named, question_shape, unknown_names
from assistant.query.ranking import Query, types_off
from assistant.query.retrieval import Scored
from assistant.settings import Settings
from assistant.stages import AnswerParts
from assistant.text import either
from assistant.types import RetrievedPassage


class QuoteAnswerer:
    """The answer stage (``stages.Answerer``): quotes the best sentences of ranked passages, or declines saying
    why."""

    def __init__(self, index: Index, stats: CollectionStats, settings: Settings) -> None:
        self.index, self.stats, self.settings = index, stats, settings
        self.types_off = types_off(settings)

    def answer(
        self, query: Query, ranked: list[Scored], passages: tuple[RetrievedPassage, ...],
        searched: set[str] | None = None,
    ) -> AnswerParts:
        """The answer from ``ranked`` passages (``passages``: the top ones, shown with it). ``searched``: the
        documents the filters and the question's scope admitted (None: all)."""
        s = self.settings
        standalone = query.standalone
        question_terms = terms(standalone)
        comparison, wants_list = question_shape(standalone)
        top = ranked[: s.answer_passages]
        quote_terms = subject_terms(question_terms) if comparison else question_terms
        evidence = self.evidence(top, query, quote_terms)
        related = passages[: s.related_passages]

        def decline(reason: str = "") -> AnswerParts:
            return abstention(self.index.documents, related, reason, searched), (), True, related

        unknown = unknown_names(standalone, self.stats.known_terms) if s.on("unknown-names") else []
        if unknown:
            return decline(f"They never mention {either(unknown)}.")
        if not evidence or not self.supported(evidence, question_terms, query.synonyms):
            return decline()
        limit = s.max_list_quotes if (comparison or wants_list) else s.max_quotes
        chosen = self.select(evidence, limit, per_document=comparison)
        reason = self.unanswered(query, chosen)
        if reason:
            return decline(reason)
        # A lead-in brings its list: up to max_list_lines of it for a list question, one line when the
        # question asks for a single fact, and otherwise as many lines as an answer has quotes.
        items = 1 if query.wanted in STRICT_TYPES else s.max_list_lines if wants_list else limit
        chosen = self.lead_ins(self.answering(query, chosen, comparison, single=not wants_list), items)
        if s.on("cut-sentences"):
            chosen = complete_cut_sentences(chosen, self.stats.following, self.stats.preceding)
        named = documents_named(standalone, self.stats.naming_words) if comparison else []
        answer_md, citations = compose(standalone, chosen, self.index.documents, comparison, named)
        return answer_md, citations, False, ()

    # ------------------------------------------------------------ the rules, each behind its switch

    def quotable(self, sentence_id: int) -> bool:
        """Whether a sentence may be quoted (``query.collection.quotable``; a title line only with ``title-lines``
        off)."""
        return self.stats.quotable[sentence_id] and not (
            sentence_id in self.stats.titles and self.settings.on("title-lines"))

    def evidence(self, top: list[Scored], query: Query, question_terms: list[str]) -> list[Evidence]:
        """The quotable sentences of the ``top`` passages, scored for the query (``quotes.score_sentences``), best
        first; ``question_terms``: the words their keyword overlap is counted on."""
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


    def supported(self, evidence: list[Evidence], question_terms: list[str], synonyms: dict[str, set[str]]) -> bool:
        """Whether the evidence answers the question, rather than only touching its subject."""
        s = self.settings
        best = evidence[0]
        if s.on("min-score") and best.score < s.min_sentence_score:
            return False
        if not s.on("coverage"):
            return True
        # Coverage: the question's content words (IDF-weighted) that the best passages contain. A word
        # the collection never uses ("Surrey", "2025") weighs the most, so such questions abstain.
        seen: set[str] = set()
        for e in evidence[:5]:
            seen |= self.stats.passage_terms[self.stats.passage_positions[e.passage.passage_id]]
        coverage = lexical_overlap(question_terms, seen, self.stats.idf, self.stats.unseen_idf, synonyms)
        return coverage >= s.min_coverage or best.dense >= s.dense_support

    def select(self, evidence: Sequence[Evidence], limit: int, per_document: bool = False) -> list[Evidence]:
        """``answer.quotes.select_quotes`` with the quote-floor and per-document rules' switches."""
        s = self.settings
        floors = {} if s.on("quote-floors") else {"other_passage_floor": 0.8, "other_document_floor": 0.8}
        return select_quotes(evidence, limit, per_document=per_document and s.on("per-document"), **floors)

    def unanswered(self, query: Query, chosen: Sequence[Evidence]) -> str:
        """Why the chosen quotes do not answer the question ("" when they may; ``answer.quotes.unanswered_reason``)."""
        return unanswered_reason(query.asked, chosen, self.types_off, self.settings.on("strict-type"))

    def answering(self, query: Query, chosen: Sequence[Evidence], comparison: bool, single: bool) -> list[Evidence]:
        """The quotes that give the fact asked for (``answer.quotes.answering_quotes``), when that rule is on."""
        if not self.settings.on("answering-quotes"):
            return list(chosen)
        return answering_quotes(query.asked, chosen, comparison, single, self.types_off)

    def lead_ins(self, chosen: Sequence[Evidence], items: int) -> list[Evidence]:
        """Each quote ending on a colon followed by what it introduces (``answer.units.complete_lead_ins``)."""
        if not self.settings.on("lead-ins"):
            return list(chosen)
        return complete_lead_ins(chosen, self.stats.following, items)
