"""Comparisons across councils and over time: one block per report.

"How did Kent and Surrey compare on care leavers?" or "How has Barnet's overall judgement changed since
2017?" is answered report by report: each report the question's scope selects (``query.scope.question_scope``) is
searched on its own for the question's aspect (the question without its place and time words), and the
answer gives one block per report, grouped by council and oldest first within a council, each quote cited.
A report where nothing answers the aspect gets a block saying so rather than the nearest unrelated quote.
No place name is written here: areas come from the collection's own metadata.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from assistant.answer.quotes import Evidence, abstention, compose, source_label
from assistant.domain import default_pack
from assistant.index.search_text import subject_terms, terms
from assistant.query.fact_types import STRICT_TYPES, grades_in
from assistant.query.questions import question_shape
from assistant.query.scope import Scope, without_scope_words
from assistant.text import human_date
from assistant.types import Citation, Document, RetrievedPassage

if TYPE_CHECKING:
    from assistant.pipeline import Assistant
    from assistant.query.ranking import Query

#: Most reports given a block of their own; the rest are named as left out.
MAX_REPORTS = 8

#: What a comparison naming no subject is about: the inspection's headline judgement, as (aspect, topic).
OVERALL = ("What was the overall effectiveness judgement?", "the overall effectiveness judgement")

# Time words the scope already applied: "since 2017", "in 2019 and 2023", "between 2018 and 2022", "over time".
_TIME = re.compile(
    r"\b(?:(?:since|after|from|in|between|before|until|to|and|of|during)\s+)?(?:19|20)\d\d\b"
    r"|\b(?:over (?:the )?(?:time|years)|over the last \w+ years?|then and now|across (?:the )?years)\b",
    re.IGNORECASE,
)
# Words that only say a question asks about a change or compares, not what about (the domain pack's):
# searched for, they would lean the quotes toward sentences about any change ("changes of workers").
_PACK = default_pack()
_CHANGE = re.compile(rf"\b{_PACK.words_pattern(_PACK.changing_words)}\b", re.IGNORECASE)
# The words of a comparison question that are not its subject: change words, function words, words of asking
# and words naming the reports ("what did the inspections find").
_ASKING = re.compile(
    _PACK.words_pattern(_PACK.changing_words + _PACK.function_words + _PACK.asking_words
                        + _PACK.about_reports_words), re.IGNORECASE)


@dataclass(frozen=True)
class Plan:
    """The reports a comparison answers from, in the order of its blocks, and those left out."""

    aspect: str  # the question without its place and time words: what each report is searched for
    topic: str  # the aspect's subject words, for "says nothing quotable about ..."
    reports: tuple[Document, ...]
    headings: Mapping[str, str]  # per report: the name of its area, as the collection mostly writes it
    left_out: tuple[Document, ...] = ()
    absent: tuple[str, ...] = ()  # a line for each named area with no report selected


def aspect_of(question: str, scope: Scope) -> str:
    """The question without the places and times its scope applied, so that no report's quotes lean
    toward sentences naming them ("How has Barnet's overall judgement changed since 2017?" -> "How has
    overall judgement changed?").

    >>> aspect_of("How has Barnet's overall judgement changed since 2017?", Scope(("barnet",), frozenset()))
    'How has overall judgement?'
    """
    text = _CHANGE.sub(" ", _TIME.sub(" ", without_scope_words(question, scope)))
    return re.sub(r"\s+([?.,!])", r"\1", re.sub(r"\s{2,}", " ", text)).strip(" ,")


def topic_of(aspect: str) -> str:
    """The aspect's subject words, in its order: "How has overall judgement changed?" -> "overall judgement".

    >>> topic_of("How did and compare on care leavers?")
    'care leavers'
    """
    words = re.findall(r"[\w'’-]+", aspect)
    subject = [i for i, w in enumerate(words) if not _ASKING.fullmatch(w)]
    return " ".join(words[subject[0] : subject[-1] + 1]) if subject else ""


def plan(
    question: str, scope: Scope, areas: Mapping[str, list[Document]], allowed: set[str] | None,
    limit: int = MAX_REPORTS,
) -> Plan | None:
    """The reports to answer from one by one, or None when the question is not such a comparison.

    It is one when the scope selects reports of two or more areas, or two or more reports of one area and
    the question asks about a change or a comparison (``question_shape``). Beyond ``limit`` reports, each
    area keeps its newest first, in turn, and the older ones are left out.
    """
    if scope.doc_ids is None or not scope.areas:
        return None
    chosen = scope.doc_ids if allowed is None else scope.doc_ids & allowed
    named = sorted(scope.areas, key=lambda name: _position(question, name))  # as the question names them
    by_area = {name: [d for d in areas.get(name, []) if d.doc_id in chosen] for name in named}
    absent = tuple(_absent(areas[name]) for name, docs in by_area.items() if not docs and areas.get(name))
    by_area = {name: docs for name, docs in by_area.items() if docs}
    total = sum(len(docs) for docs in by_area.values())
    if not total or (len(by_area) + len(absent) < 2 and not (total >= 2 and question_shape(question)[0])):
        return None
    kept: set[str] = set()
    newest_first = {name: list(reversed(docs)) for name, docs in by_area.items()}
    while len(kept) < min(limit, total):
        for docs in newest_first.values():
            if docs and len(kept) < limit:
                kept.add(docs.pop(0).doc_id)
    ordered = [d for docs in by_area.values() for d in docs]  # by area as named, oldest first within
    aspect = aspect_of(question, scope)
    headings = {d.doc_id: _heading(docs) for docs in by_area.values() for d in docs}
    topic = topic_of(aspect)
    if not topic:  # "How did Eastshire and Westshire compare?": each report's headline judgement
        aspect, topic = OVERALL
    return Plan(aspect, topic, tuple(d for d in ordered if d.doc_id in kept), headings,
                tuple(d for d in ordered if d.doc_id not in kept), absent)


def area_heading(area: str) -> str:
    """The line above an area's blocks: its name in bold, on its own (a Word briefing keeps only bold)."""
    return f"**{area}**"


def _absent(docs: Sequence[Document]) -> str:
    """A line for a named area none of whose reports the question's time words (or the filters) select."""
    years = sorted({(d.date or "")[:4] for d in docs if d.date})
    has = f"reports from {', '.join(years)}" if years else "undated reports"
    return (f"{area_heading(_heading(docs))}\n\nNone of its reports is from the time the question names "
            f"(the collection has {has}).")


def _position(question: str, name: str) -> int:
    at = re.sub(r"[^\w' -]+", " ", question.replace("’", "'")).lower().find(name.split()[0])
    return at if at >= 0 else len(question)


def _heading(docs: Sequence[Document]) -> str:
    """An area's name as most of its reports write it (the longest of those written as often)."""
    names = [d.area for d in docs if d.area]
    return max(names, key=lambda n: (names.count(n), len(n))) if names else ""


def blocks(
    plan: Plan, quotes_in: Callable[[str], Sequence[Evidence]], documents: dict[str, Document]
) -> tuple[str, tuple[Citation, ...]]:
    """The answer's Markdown and citations: per area a heading, then per report (oldest first) its quotes
    as ``compose`` writes them, or a line saying it has nothing quotable on the topic. ``quotes_in``: the
    quotes of one report (by id) on the plan's aspect, [] when it has none that answer it."""
    lines: list[str] = []
    citations: list[Citation] = []
    area = None
    for doc in plan.reports:
        if plan.headings.get(doc.doc_id) != area:
            area = plan.headings.get(doc.doc_id)
            lines.append(area_heading(area or "Other reports"))
        chosen = list(quotes_in(doc.doc_id))
        if not chosen:
            lines.append(f"{source_label(doc)}: The {_year(doc)} report says nothing quotable about "
                         f"{plan.topic}.")
            continue
        text, cited = compose(plan.aspect, chosen, documents, False, with_areas=False)  # the heading names it
        offset = len(citations)
        text = _renumbered(text, offset)
        citations += [replace(c, n=c.n + offset) for c in cited]
        lines.append(text)
    lines += plan.absent
    if plan.left_out:
        listed = "; ".join(f"{d.area or d.publisher} ({human_date(d.date)})" for d in plan.left_out)
        lines.append(f"_{len(plan.left_out)} older report(s) left out to keep the answer short: {listed}._")
    return "\n\n".join(lines), tuple(citations)


def _renumbered(text: str, offset: int) -> str:
    """``compose``'s Markdown with each quote's ``[n]`` moved on by ``offset``."""
    return re.sub(r"(” \[)(\d+)(\])", lambda m: f"{m.group(1)}{int(m.group(2)) + offset}{m.group(3)}", text)


def _year(doc: Document) -> str:
    return (doc.date or "")[:4] or "undated"


def answer_by_report(
    assistant: Assistant, plan: Plan, query: Query, related: tuple[RetrievedPassage, ...],
    searched: set[str] | None,
) -> tuple[str, tuple, bool, tuple[RetrievedPassage, ...]]:
    """The answer (Markdown, citations, whether it abstained, "possibly related" passages) from each of the
    plan's reports on its own; ``query``: the plan's aspect as a query. It abstains only when no report
    has anything to quote."""
    found = {doc.doc_id: report_quotes(assistant, query, doc.doc_id) for doc in plan.reports}
    if not any(found.values()):
        reason = (f"None of the {len(plan.reports)} selected reports says anything quotable about "
                  f"{plan.topic}.")
        shown = related[: assistant.settings.related_passages]
        return abstention(assistant.index.documents, shown, reason, searched), (), True, shown
    text, citations = blocks(plan, lambda d: found[d], assistant.index.documents)
    return text, citations, False, ()


def report_quotes(assistant: Assistant, query: Query, doc_id: str) -> list[Evidence]:
    """The quotes of one report that answer the query, as an ordinary question restricted to that report
    would quote them; [] when its best sentences do not answer it (no quote rather than an unrelated one)."""
    ranker, answerer, s = assistant.ranker, assistant.answerer, assistant.settings
    ranked = assistant.reranker.rerank(ranker.prefer_answer_type(ranker.search(query, {doc_id}), query), query)
    question_terms = subject_terms(terms(query.standalone))
    evidence = answerer.evidence(ranked[: s.answer_passages], query, question_terms)
    if query.wanted == "grade":  # a judgement is quoted where a report states one, or not at all
        evidence = [e for e in evidence if grades_in(e.sentence.text)]
    if not evidence or not answerer.supported(evidence, question_terms, query.synonyms):
        return []
    chosen = answerer.select(evidence, s.max_quotes)
    if answerer.unanswered(query, chosen):
        return []
    chosen = answerer.answering(query, chosen, False, single=True)
    return answerer.lead_ins(chosen, 1 if query.wanted in STRICT_TYPES else s.max_quotes)
