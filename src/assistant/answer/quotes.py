"""Answers: the best sentences of the retrieved passages, quoted verbatim with numbered citations.

Pure functions over plain data: scoring sentences, deciding to abstain, choosing quotes and writing
the Markdown. Nothing here is generated: every quoted character is the report's.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.query.fact_types import (
    STRICT_TYPES,
    TYPE_NAMES,
    answer_type,
    earns_type_bonus,
    gives,
    label_share,
    question_words,
)
from assistant.query.questions import named_years
from assistant.text import either, human_date
from assistant.types import Citation, Document, Location, Passage, RetrievedPassage, Sentence

#: Added, times ``label_share``, to a labelled line whose label is what the question asks for ("Lead inspector:
#: ..." for "who led the inspection?", "Inspection dates: ..." for "when did Ofsted inspect?", the table row
#: "The experiences and progress of care leavers:<tab>Good" for "how were care leavers' services rated?").
#: Such a line states the fact asked for in a few words, and would otherwise lose to prose on the subject.
LABEL_BONUS = 0.15


@dataclass(frozen=True)
class Evidence:
    """A candidate sentence with the scores that rank it. ``list_continues``: the sentence is the last
    line quoted of a list that goes on in the report (see ``complete_lead_ins``)."""

    sentence: Sentence
    passage: Passage
    score: float
    dense: float
    lexical: float
    list_continues: bool = False


def lexical_overlap(
    question_terms: Sequence[str],
    text_terms: set[str],
    idf: dict[str, float],
    unseen: float,
    alternatives: Mapping[str, set[str]] | None = None,
) -> float:
    """IDF-weighted share of the question's distinct terms found in ``text_terms`` (0..1).

    A term also counts as found when one of its ``alternatives`` (glossary expansions: "rated" ->
    "judged") is there.
    """
    wanted = set(question_terms)
    if not wanted:
        return 0.0
    alternatives = alternatives or {}
    total = sum(idf.get(t, unseen) for t in wanted)
    found = sum(
        idf.get(t, unseen) for t in wanted if t in text_terms or alternatives.get(t, set()) & text_terms
    )
    return found / total if total else 0.0


# A sentence about its own document or event ("This letter summarises the findings of ...", "this report
# provides an update on ...") mostly states the document's scope or process rather than a finding.
_SELF_REFERENCE = re.compile(
    r"\b(?:this|the present)\s+(?:(?:focused|monitoring|full)\s+)?"
    r"(?:report|letter|visit|paper|inspection|update|document|summary)\b",
    re.I,
)


def refers_to_itself(text: str) -> bool:
    """Whether a sentence speaks of its own document or event ("this report", "this visit").

    >>> refers_to_itself("This visit was carried out remotely.")
    True
    >>> refers_to_itself("The visit found that plans are clear, and the report agrees.")
    False
    """
    return bool(_SELF_REFERENCE.search(text))


def score_sentences(
    candidates: Sequence[tuple[Sentence, Passage, float]],
    sentence_vectors: np.ndarray,
    query_vector: np.ndarray,
    question_terms: Sequence[str],
    sentence_terms: Sequence[set[str]],
    idf: dict[str, float],
    unseen: float,
    wanted: str | None = None,
    type_bonus: float = 0.1,
    weights: tuple[float, float, float] = (0.55, 0.30, 0.15),
    alternatives: Mapping[str, set[str]] | None = None,
    self_reference_penalty: float = 0.0,
    label_bonus: float = LABEL_BONUS,
) -> list[Evidence]:
    """Score each candidate sentence: ``weights`` x (its cosine to the question, its keyword overlap, its
    passage's score).

    ``candidates`` holds (sentence, passage, passage score scaled to 0..1); ``sentence_vectors`` and
    ``sentence_terms`` are aligned with it (each sentence's own words plus its document's header words, so
    "the 2023 report" counts for every sentence of that report and the topic words pick between them).
    A sentence holding the kind of fact asked for (``wanted``: a figure, a specific date, see
    ``_earns_type_bonus``) gains ``type_bonus``; a labelled line whose label the question asks for, up to
    ``label_bonus`` (see ``label_share``); one speaking of its own document ("this report provides an
    update on ...", see ``refers_to_itself``) loses ``self_reference_penalty``, so that a finding on the
    question's subject is quoted before the document's account of its own scope.
    """
    if not candidates:
        return []
    dense = sentence_vectors @ query_vector
    out = []
    for (sentence, passage, passage_score), d, words in zip(candidates, dense, sentence_terms, strict=True):
        lexical = lexical_overlap(question_terms, words, idf, unseen, alternatives)
        score = weights[0] * float(d) + weights[1] * lexical + weights[2] * passage_score
        if wanted is not None and earns_type_bonus(sentence.text, wanted):
            score += type_bonus
        if label_bonus and "\n" not in sentence.text:
            score += label_bonus * label_share(sentence.text, question_terms, alternatives, wanted)
        if self_reference_penalty and refers_to_itself(sentence.text):
            score -= self_reference_penalty
        out.append(Evidence(sentence, passage, score, float(d), lexical))
    return sorted(out, key=lambda e: (-e.score, e.sentence.sentence_id))


def unanswered_reason(
    question: str, chosen: Sequence[Evidence], off: Collection[str] = (), strict: bool = True
) -> str:
    """Why the chosen quotes, though on the question's subject, do not answer it ("" when they may): with
    ``strict``, the question asks for a date, a span or rhythm of time or a count that none of them gives (a
    quote that shares no word with the question does not count). ``off``: kinds of fact not recognised (see
    ``answer_type``)."""
    wanted = answer_type(question, off)
    named = question_words(question)
    if strict and wanted in STRICT_TYPES and not any(
            e.lexical > 0 and gives(wanted, e.sentence.text, named) for e in chosen):
        return f"None of the closest passages gives {TYPE_NAMES[wanted]}."
    return ""


def answering_quotes(
    question: str, chosen: Sequence[Evidence], comparison: bool, single: bool = False, off: Collection[str] = ()
) -> list[Evidence]:
    """For a question that asks for a date, a span or rhythm of time, a count or an Ofsted judgement, only
    the chosen quotes that give one and share a word with the question: the others do not answer it. With
    ``single`` (the question asks for one fact, not a list), a question of a ``STRICT_TYPES`` kind keeps
    only the best of them: a second date or figure is another fact, not more of the answer. When none
    gives one (see ``unanswered_reason``; a judgement question is not declined for it) and for comparisons
    (every document keeps its line) all are kept. ``off``: kinds of fact not recognised."""
    wanted = answer_type(question, off)
    if comparison or wanted not in STRICT_TYPES | {"grade"}:
        return list(chosen)
    named = question_words(question)
    kept = [e for e in chosen if e.lexical > 0 and gives(wanted, e.sentence.text, named)]
    if not kept:
        return list(chosen)
    return kept[:1] if single and wanted in STRICT_TYPES else kept


def select_quotes(
    evidence: Sequence[Evidence], limit: int, relative_floor: float = 0.8, per_document: bool = False,
    document_floor: float = 0.6, other_passage_floor: float = 0.85, other_document_floor: float = 0.9,
) -> list[Evidence]:
    """Pick up to ``limit`` sentences, best first, skipping weak fillers.

    A sentence is kept only if it scores at least ``relative_floor`` of the best. With ``per_document``
    (comparisons) the best sentence of each document comes first, so every document gets its line, if
    that sentence scores at least ``document_floor`` of the best. Otherwise the answer stays close to the
    best sentence: one from another passage of its report needs ``other_passage_floor`` of the best, one
    from another report ``other_document_floor``.
    """
    if not evidence:
        return []
    best = evidence[0].score
    pool = [e for e in evidence if e.score >= best * relative_floor]
    if per_document:
        firsts: dict[str, Evidence] = {}
        for e in evidence:
            if e.sentence.doc_id not in firsts and e.score >= best * document_floor:
                firsts[e.sentence.doc_id] = e
        pool = list(firsts.values()) + [e for e in pool if e not in firsts.values()]
    else:
        lead = evidence[0].passage

        def floor(e: Evidence) -> float:
            if e.passage.passage_id == lead.passage_id:
                return relative_floor
            return other_passage_floor if e.passage.doc_id == lead.doc_id else other_document_floor

        pool = [e for e in pool if e.score >= best * floor(e)]
    return pool[:limit]


def source_label(doc: Document, with_area: bool = False) -> str:
    """How a quote is introduced: publisher, kind and date, and (``with_area``) the area the report is about.

    Example:
        >>> doc = Document("b", "Inspection of Barnet", "Ofsted", "inspection report", "2019-05-24", "b.pdf", "", "",
        ...                area="Barnet")
        >>> source_label(doc), source_label(doc, with_area=True)
        ('**Ofsted** (inspection report, 24 May 2019)', '**Ofsted** (inspection report on Barnet, 24 May 2019)')
    """
    return f"**{doc.publisher}** ({_kind(doc, with_area)}, {human_date(doc.date)})"


def _kind(doc: Document, with_area: bool) -> str:
    return f"{doc.kind} on {doc.area}" if with_area and doc.area else doc.kind


def several_areas(documents: Mapping[str, Document]) -> bool:
    """Whether the collection's reports are about more than one area: then a quote's label names its area,
    or a councillor could not tell which council a quote is about."""
    return len({d.area for d in documents.values() if d.area}) > 1


def compose(
    question: str,
    chosen: Sequence[Evidence],
    documents: dict[str, Document],
    comparison: bool,
    named: Sequence[Sequence[str]] = (),
    with_areas: bool | None = None,
) -> tuple[str, tuple[Citation, ...]]:
    """Write the Markdown answer and its citations from the chosen sentences.

    Quotes are grouped by document; a comparison lists documents in date order (one line each), any other
    answer leads with the document of the best quote. Consecutive sentences of one passage become one
    quote, and within a document the best quote comes first. Every quote is followed by its ``[n]``.
    A comparison says which of the years it names have no quote, and which of the groups of documents it
    ``named`` by kind or publisher (see ``documents_named``) have none. A quote's label names the area its
    report is about when ``with_areas`` says so (by default, when the collection covers several areas).
    """
    with_area = several_areas(documents) if with_areas is None else with_areas
    by_doc: dict[str, list[Evidence]] = {}
    for e in chosen:
        by_doc.setdefault(e.sentence.doc_id, []).append(e)
    order = list(by_doc)
    if comparison:
        order.sort(key=lambda d: (documents[d].date or "9999", d))
    lines: list[str] = []
    citations: list[Citation] = []
    for doc_id in order:
        doc = documents[doc_id]
        quotes = []
        groups = _adjacent_groups(sorted(by_doc[doc_id], key=lambda e: e.sentence.char_start))
        for group in sorted(groups, key=lambda g: -max(e.score for e in g)):
            first, last = group[0], group[-1]
            passage = first.passage
            start, end = first.sentence.char_start, last.sentence.char_end
            quote = passage.text[start - passage.char_start : end - passage.char_start]
            n = len(citations) + 1
            citations.append(
                Citation(
                    n=n, doc_id=doc_id, title=doc.title, publisher=doc.publisher, kind=doc.kind, date=doc.date,
                    quote=quote, text=passage.text, location=Location(passage.section, passage.paragraph, start, end),
                    score=round(max(e.score for e in group), 4),
                )
            )
            more = " (the list continues in the report)" if any(e.list_continues for e in group) else ""
            quotes.append(f"“{quote}” [{n}]{more}")
        lines.append(f"{source_label(doc, with_area)}: " + " ".join(quotes))
    if comparison:
        quoted_years = {(documents[d].date or "")[:4] for d in order}
        for year in named_years(question):
            if year not in quoted_years:
                lines.append(f"None of the quoted evidence comes from a document dated {year}.")
        for names in named:
            if not any(d in by_doc for d in names):
                which = either([f"the {documents[d].kind} ({human_date(documents[d].date)})" for d in names])
                lines.append(f"None of the quoted evidence comes from {which}.")
    return "\n\n".join(lines), tuple(citations)


def _adjacent_groups(evidence: list[Evidence]) -> list[list[Evidence]]:
    groups: list[list[Evidence]] = []
    for e in evidence:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and last.passage.passage_id == e.passage.passage_id
            and last.sentence.sentence_id + 1 == e.sentence.sentence_id
            # Next sentences on the same line only: a quote never runs across a line break.
            and "\n" not in e.passage.text[last.sentence.char_end - e.passage.char_start : e.sentence.char_start - e.passage.char_start]  # noqa: E501
        ):
            groups[-1].append(e)
        else:
            groups.append([e])
    return groups


INSTRUCTIONS_IGNORED = (
    "_The question contained instructions to the assistant; they were ignored. Answers only quote the reports._"
)


def abstention(
    documents: dict[str, Document],
    related: Sequence[RetrievedPassage],
    reason: str = "",
    searched: Collection[str] | None = None,
) -> str:
    """What the assistant says when the reports do not cover a question (``reason`` says why, if known).

    ``searched`` holds the ids of the documents the question's filters admitted; when it is a part of the
    collection the answer says so, and that clearing the filters searches everything.
    """
    if searched is not None and set(searched) != set(documents):
        chosen = sorted((documents[d] for d in searched), key=lambda d: (d.date or "9999", d.doc_id))
        with_area = several_areas(documents)
        listed = "; ".join(f"{d.publisher} ({_kind(d, with_area)}, {human_date(d.date)})" for d in chosen) or "none"
        heading = "The selected reports do not cover this question."
        scope = (f"The search was narrowed (by the filters, or by the place and time the question names) to "
                 f"{len(chosen)} of the {len(documents)} documents: {listed}. Clear the filters, or ask more "
                 "widely, to search the whole collection.")
    else:
        dated = sorted(d.date for d in documents.values() if d.date)
        span = f", dated {human_date(dated[0])} to {human_date(dated[-1])}" if dated else ""
        kinds = ", ".join(sorted({f"{d.publisher} ({d.kind})" for d in documents.values()}))
        heading = "The reports in this collection do not cover this question."
        scope = f"The collection holds {len(documents)} document(s) about children's services{span}: {kinds}."
    text = f"**{heading}** " + (f"{reason} " if reason else "") + scope
    if related:
        text += "\n\nPossibly related passages are listed below. They are not an answer to the question."
    return text
