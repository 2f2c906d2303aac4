"""Answers: the best sentences of the retrieved passages, quoted verbatim with numbered citations.

Pure functions over plain data: scoring sentences, deciding to abstain, choosing quotes without
repeating, and writing the Markdown. Nothing here is generated: every quoted character is the report's.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from assistant.passages import marker_length
from assistant.text import either, human_date
from assistant.types import Citation, Document, Passage, RetrievedPassage, Sentence

_COMPARE = re.compile(
    r"\b(compare|comparison|compared|chang(e|ed|es|ing)|differ(s|ed|ence|ences)?|between\b.*\band\b|over time|"
    r"since|evolv\w*|progress\w* from|each|both|then and now|trend|(dis)?agree\w*|versus|vs|"
    r"as (many|much|often) (\w+ ){0,4}as)\b",
    re.I,
)
_LIST = re.compile(r"\b(list|areas|points|which|what are|what were|main|key|all the|priorities|findings)\b", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def named_years(question: str) -> list[str]:
    """The years a question names, in order, each once: "in 2019, 2020 and 2023" -> ["2019", "2020", "2023"]."""
    return sorted(set(_YEAR.findall(question)))


_WHEN = re.compile(r"^\s*(?:and\s+)?when\b|\bwhat (?:date|year|month|day|time)\b|\bhow long ago\b|\bwhich (?:year|month)\b", re.I)  # noqa: E501
_HOW_MANY = re.compile(
    r"\bhow (?:many|much|long|big|far|often)\b|\bwhat (?:proportion|percentage|share|number|amount|figure|"
    r"percent|rate)\b|\b(?:cost|costs|spend|spent|budget|funding|figures?|numbers?|per ?cent|percentage)\b",
    re.I,
)
_MONTHS = r"January|February|March|April|May|June|July|August|September|October|November|December"
_DATE_IN_TEXT = re.compile(rf"\b(?:{_MONTHS}|Spring|Summer|Autumn|Winter)\b|\b(?:19|20)\d\d\b")
_NUMBER_IN_TEXT = re.compile(
    r"[£$%]|\b\d+(?:[.,]\d+)?\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|forty|fifty|hundred|thousand|million|half|third|quarter|double|twice)\b",
    re.I,
)


# "How many", "the average": a count of things. Only a figure that counts something answers it: "41 newly
# qualified social workers", "seven areas", "three of the homes"; not a year, a date, a label ("Phase 2",
# "paragraph 4"), a compound ("two-phase", "COVID-19") or a figure the question itself names ("over 21").
_COUNT_QUESTION = re.compile(r"\bhow many\b|\baverage\b|\bwhat (?:is|was|'s) the number of\b", re.I)
_NUMBER_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|dozen"
)
_LABELS = (
    r"phase|stage|step|level|tier|section|paragraph|para|page|part|appendix|annex|round|wave|year|key stage|"
    r"aged?|covid|version|number|no|item|priority|recommendation|table|figure|chapter|rule|schedule"
)
_COUNT_IN_TEXT = re.compile(
    rf"(?<![\w£$€./-])(\d+(?:[.,]\d+)*|(?:{_NUMBER_WORDS}))(?![\w/-]|[.,]\d)"
    rf"(?!(?:\s*(?:and|to|-|–)\s*\d+)?\s+(?:{_MONTHS})\b)",
    re.I,
)
_LABEL_BEFORE = re.compile(rf"\b(?:{_LABELS}|{_MONTHS})\s*$", re.I)


def counts_in(text: str, exclude: Collection[str] = ()) -> list[str]:
    """The figures in ``text`` that count something, in order ("41", "seven"), skipping years, dates,
    labels ("Phase 2"), compounds ("two-phase") and the figures in ``exclude`` (those a question names).

    Example:
        >>> counts_in("From April 2021, in Phase 2, 41 newly qualified social workers joined a two-phase plan.")
        ['41']
    """
    out = []
    skip = {x.lower() for x in exclude}
    for match in _COUNT_IN_TEXT.finditer(text):
        figure = match.group(1)
        if re.fullmatch(r"(?:19|20)\d\d", figure) or figure.lower() in skip:
            continue
        if _LABEL_BEFORE.search(text[: match.start()]):
            continue
        if not text[: match.start()].strip(" (") and text[match.end() : match.end() + 1] in (".", ")"):
            continue  # a list marker: "2. The council ...", "(1) The Cabinet Member ..."
        out.append(figure)
    return out


_MONEY_QUESTION = re.compile(
    r"\bhow much\b.*\b(?:pay|paid|cost|costs|spend|spent|budget|money|fund\w*|grant|invest\w*|worth|price)\b|"
    r"\bhow much (?:money|funding)\b|\bwhat (?:was|is|were|are) the (?:cost|price|budget)\b|"
    r"\b(?:get|gets|got|getting|be|being)\s+paid\b|\bsalar(?:y|ies)\b|\bwages?\b",
    re.I,
)
_SHARE_QUESTION = re.compile(r"\bwhat (?:proportion|percentage|share|percent)\b|\bby what percentage\b", re.I)
_MONEY_IN_TEXT = re.compile(r"[£$€]|\b(?:million|billion|pounds?)\b", re.I)
_SHARE_IN_TEXT = re.compile(
    r"%|\bper ?cent\b|\b(?:half|third|quarter|majority|minority|most|proportion)\b", re.I
)
# Answer types that a figure of another kind cannot answer: "how much did it cost" is not answered by
# "phase 1" or "39%", "when" not by a sentence without a date. A question of one of these kinds abstains
# when no quoted sentence holds one.
STRICT_TYPES = frozenset({"money", "share", "count", "date"})
# The kinds of fact that type-aware ranking looks for in a passage (see ``passage_holds``).
PASSAGE_TYPES = frozenset({"grade", "money", "share", "count", "date"})
# A date as a "when" question wants it: a day or a month with its year or day ("1 February 2022", "October
# 2020", "November 25"), or a season with its year ("Autumn 2022"). A bare year is in most passages of a
# dated report and says little.
_SPECIFIC_DATE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\b|\b(?:{_MONTHS})\s+(?:\d{{1,2}}\b|(?:19|20)\d\d\b)|"
    r"\b(?:Spring|Summer|Autumn|Winter)\s+(?:19|20)\d\d\b"
)
# A "when" question is answered by a date, or by a span or rhythm of time ("every six weeks", "each month").
# A span counts with its size or rhythm ("within six weeks", "every month"), not alone ("the summer months").
_TIME_IN_TEXT = re.compile(
    rf"\b(?:\d+|a|an|one|{_NUMBER_WORDS}|every|each|few|several|next|last|this|within|per)\s+"
    r"(?:days?|weeks?|fortnights?|months?|years?)\b(?![\s-]+olds?\b|[\s-]+old's)|"
    r"\b(?:daily|weekly|fortnightly|monthly|quarterly|annually|yearly|Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday)\b|\b\d{1,2}(?:[:.]\d\d)?\s*[ap]\.?m\b",
    re.I,
)


# Words that introduce an inspection judgement ("judged", "rated", "the grade").
_JUDGING = r"judged|rated|graded|grade[sd]?|rating|judgements?|judgments?"
# "rate" as a verb ("how did inspectors rate the service"), not the noun ("the rate of referrals").
_GRADE_QUESTION = re.compile(
    rf"\b(?:{_JUDGING}|ratings)\b|\brate\s+(?:the|their|its|our|this|that|these|those|it|them|us|west)\b", re.I
)


def answer_type(question: str) -> str | None:
    """The kind of fact a question asks for: "date", "money", "share" (a percentage or proportion),
    "count" ("how many", "the average"), "grade" (an Ofsted judgement), "number" (any other figure), or
    None."""
    if _WHEN.search(question):
        return "date"
    if _MONEY_QUESTION.search(question):
        return "money"
    if _SHARE_QUESTION.search(question):
        return "share"
    if _COUNT_QUESTION.search(question):
        return "count"
    if _GRADE_QUESTION.search(question):
        return "grade"
    if _HOW_MANY.search(question):
        return "number"
    return None


def has_answer_type(text: str, kind: str | None) -> bool:
    """Whether a sentence holds the kind of fact asked for (a date, a sum of money, a share, a figure, an
    Ofsted judgement)."""
    if kind == "date":
        return bool(_DATE_IN_TEXT.search(text))
    if kind == "money":
        return bool(_MONEY_IN_TEXT.search(text))
    if kind == "share":
        return bool(_SHARE_IN_TEXT.search(text))
    if kind == "count":
        return bool(counts_in(text))
    if kind == "number":
        return bool(_NUMBER_IN_TEXT.search(text))
    if kind == "grade":
        return bool(grades_in(text))
    return True


# Ofsted's four-point scale, the vocabulary of every inspection judgement.
_GRADE = r"outstanding|good|requires improvement(?: to be good)?|inadequate"
_GRADE_ASSERTED = re.compile(
    rf"\b(?:{_JUDGING}|found to be|deemed)\b"
    rf"(?:\s+(?:as|at|to be|overall|an?|the))*\s+({_GRADE})\b|\b(outstanding|good|inadequate)\s+"
    rf"(?:rating|grade|judgements?|judgments?|overall)\b",
    re.I,
)
# A grade stated as a judgement: after a judging word, in quotes, or in a table cell. Not prose such as
# "a consistently good and ultimately outstanding service".
_GRADE_IN_TEXT = re.compile(
    rf"(?:\b(?:{_JUDGING}|remains?|as)\W+"
    rf"(?:(?:to be|as|at|overall)\W+)?|[\t'‘\"“])({_GRADE})\b",
    re.I,
)


def _grade(phrase: str) -> str:
    phrase = phrase.lower()
    return "requires improvement" if phrase.startswith("requires improvement") else phrase


def asserted_grades(question: str) -> set[str]:
    """Ofsted grades the question takes as given ("why was it rated outstanding?" -> {"outstanding"})."""
    return {_grade(m.group(1) or m.group(2)) for m in _GRADE_ASSERTED.finditer(question)}


def grades_in(text: str) -> set[str]:
    """Ofsted grades a sentence states as a judgement ("judged to be 'Good'"; "Requires improvement to be
    good" is one grade, not "good")."""
    return {_grade(m.group(1)) for m in _GRADE_IN_TEXT.finditer(text)}


def grade_premise_conflict(question: str, texts: Sequence[str]) -> str:
    """A false premise about a judgement: the question assumes a grade that the best evidence never states
    while it states another one. Returns the reason to give, or "" when there is no conflict."""
    assumed = asserted_grades(question)
    if not assumed:
        return ""
    stated = set().union(*(grades_in(t) for t in texts)) if texts else set()
    if not stated or assumed & stated:
        return ""
    wanted = " or ".join(sorted(f"“{g}”" for g in assumed))
    found = ", ".join(sorted(f"“{g}”" for g in stated))
    return f"The question assumes a judgement of {wanted}; the closest passages state {found} instead."


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


def question_shape(question: str) -> tuple[bool, bool]:
    """(is a comparison / change-over-time question, asks for a list). A question naming two or more years
    ("in 2019, 2020 and 2023") compares them, and so does one asking whether two sources agree or whether
    one did "as many ... as" another said.

    >>> question_shape("Do the commissioner's report and the scrutiny report agree?")
    (True, False)
    >>> question_shape("How many different IT systems are there?")
    (False, False)
    """
    return bool(_COMPARE.search(question)) or len(named_years(question)) > 1, bool(_LIST.search(question))


def naming_words(documents: Mapping[str, Document]) -> dict[str, frozenset[str]]:
    """Per document, the search terms a question can name it by: the words of its kind and publisher
    ("article", "scrutiny", "commissioner", "Ofsted", "council") that describe at most half of the
    collection's documents, titles counted, so that words every report shares ("West Sussex",
    "children's services", "report") name none."""
    from assistant.search_text import terms

    described = {d: set(terms(f"{doc.title} {doc.kind} {doc.publisher}")) for d, doc in documents.items()}
    counts = Counter(t for words in described.values() for t in words)
    shared = {t for t, n in counts.items() if n * 2 > len(documents)}
    return {d: frozenset(set(terms(f"{doc.kind} {doc.publisher}")) - shared) for d, doc in documents.items()}


def documents_named(question: str, naming: Mapping[str, frozenset[str]]) -> list[list[str]]:
    """The documents a question names by their kind or publisher ("the scrutiny report", "the
    commissioner", "the 2019 article"), one group per naming word: "the council" names every document
    the council published. ``naming``: see ``naming_words``."""
    from assistant.search_text import terms

    groups: list[list[str]] = []
    for term in dict.fromkeys(terms(question)):
        group = [d for d, words in naming.items() if term in words]
        if group and group not in groups:
            groups.append(group)
    return groups


_NAME_OR_YEAR = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:-[A-Za-z]+)?(?:'s)?)\b|\b((?:19|20)\d\d)\b")


_FINANCIAL_YEAR = re.compile(r"\b((?:19|20)\d\d)\s*[/-]\s*(?:19|20)?(\d\d)\b")


def financial_years(text: str) -> list[str]:
    """Financial years written in ``text``, each as "2022/23" ("2022-23" and "2022/2023" too), in order."""
    return [f"{m.group(1)}/{m.group(2)}" for m in _FINANCIAL_YEAR.finditer(text)
            if (int(m.group(1)) + 1) % 100 == int(m.group(2))]


def unknown_names(question: str, known_terms: set[str] | dict[str, float]) -> list[str]:
    """Names (capitalised words not opening a sentence), years and financial years ("2023/24") in the
    question that the collection never mentions: "Surrey", "2025". A question about them cannot be
    answered from these reports. ``known_terms`` holds the collection's search terms and its financial
    years."""
    from assistant.search_text import terms

    out = [fy for fy in financial_years(question) if fy not in known_terms]
    for match in _NAME_OR_YEAR.finditer(question.strip()):
        word = match.group(1) or match.group(2)
        stems = terms(word)
        if stems and all(t not in known_terms for t in stems):
            out.append(re.sub(r"'s$", "", word))
    return out


def known_term(term: str, sorted_terms: Sequence[str]) -> bool:
    """Whether the collection uses ``term`` or a longer word that starts with it (``sorted_terms``: the
    collection's terms, sorted). The stemmer cuts some words short ("added" -> "ad"), and a stem that
    begins a word of the reports ("additional") is not a sign of a question on another subject."""
    i = bisect_left(sorted_terms, term)
    return i < len(sorted_terms) and sorted_terms[i].startswith(term)


def off_subject_words(
    question: str, quoted_terms: set[str], sorted_terms: Sequence[str], synonyms: Mapping[str, set[str]]
) -> list[str]:
    """The subject words of a question on another subject: words the collection never uses, when none of
    the question's subject words is in the quoted passages. [] when the answer stands.

    The subject words are the question's lower-case content words; its capitalised words (places,
    names, abbreviations) only locate it. "What is the weather in Chichester?" gives ["weather"] when
    the quotes come from a passage that only names Chichester. One subject word in the quoted passages
    (or one of its ``synonyms``, the glossary's) keeps the answer, however unusual the others.
    """
    from assistant.search_text import terms

    stems = {w: terms(w) for w in re.findall(r"[\w'’-]+", question) if w[:1].islower()}
    stems = {w: s for w, s in stems.items() if s}
    for word_stems in stems.values():
        if any(t in quoted_terms or synonyms.get(t, set()) & quoted_terms for t in word_stems):
            return []
    return [w for w, s in stems.items() if not any(known_term(t, sorted_terms) for t in s)]


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


def quotable(sentence: Sentence, content_terms: int, is_title: bool) -> bool:
    """Whether a sentence can stand as evidence on its own.

    Not: a document's title line (it matches every question about the document and says nothing), a
    block spanning several lines (an address, a letterhead), or a fragment of under three content words
    (a table's header row, a stray label).
    """
    return "\n" not in sentence.text and content_terms >= 3 and not is_title


def title_sentences(sentences: Sequence[Sentence]) -> set[int]:
    """Each document's opening sentence when it is a headline (no closing full stop), not prose."""
    first: dict[str, Sentence] = {}
    for s in sentences:
        if s.doc_id not in first or s.char_start < first[s.doc_id].char_start:
            first[s.doc_id] = s
    return {s.sentence_id for s in first.values() if not s.text.rstrip().endswith((".", "!", "?"))}


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


def _earns_type_bonus(text: str, wanted: str) -> bool:
    """Whether a sentence holds the kind of fact a question asks for, as sentence scoring reads it: for a
    date, a specific one ("on 10 December 2020", not "first pause (2021)"), since a bare year is in most
    sentences of a dated report; a bare year still answers a "when" question (see ``gives``)."""
    return bool(_SPECIFIC_DATE.search(text)) if wanted == "date" else has_answer_type(text, wanted)


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
) -> list[Evidence]:
    """Score each candidate sentence: ``weights`` x (its cosine to the question, its keyword overlap, its
    passage's score).

    ``candidates`` holds (sentence, passage, passage score scaled to 0..1); ``sentence_vectors`` and
    ``sentence_terms`` are aligned with it (each sentence's own words plus its document's header words, so
    "the 2023 report" counts for every sentence of that report and the topic words pick between them).
    A sentence holding the kind of fact asked for (``wanted``: a figure, a specific date, see
    ``_earns_type_bonus``) gains ``type_bonus``; one speaking of its own document ("this report provides an
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
        if wanted is not None and _earns_type_bonus(sentence.text, wanted):
            score += type_bonus
        if self_reference_penalty and refers_to_itself(sentence.text):
            score -= self_reference_penalty
        out.append(Evidence(sentence, passage, score, float(d), lexical))
    return sorted(out, key=lambda e: (-e.score, e.sentence.sentence_id))


_TYPE_NAMES = {"money": "a sum of money", "share": "a percentage or proportion", "count": "a count of what is asked",
               "date": "a date or time"}


def gives(kind: str, text: str, named: Collection[str] = ()) -> bool:
    """Whether ``text`` gives the kind of fact a question asks for (see ``answer_type``); ``named``: the
    question's words, whose figures and date words do not count ("when do schools break up for the
    Summer?" is not answered by "the Summer months")."""
    if kind == "count":
        return bool(counts_in(text, exclude=named))
    if kind == "date":
        asked = {w.lower() for w in named}
        found = [m.group(0) for m in (*_DATE_IN_TEXT.finditer(text), *_TIME_IN_TEXT.finditer(text))]
        return any(w.lower() not in asked for w in found)
    return has_answer_type(text, kind)


def passage_holds(kind: str, text: str, named: Collection[str] = ()) -> bool:
    """Whether a passage holds the kind of fact a question asks for, as type-aware ranking reads it: a
    specific date for a date, otherwise as ``gives``."""
    if kind == "date":
        return bool(_SPECIFIC_DATE.search(text))
    return gives(kind, text, named)


def question_words(question: str) -> list[str]:
    """The question's words as written, whose own figures never count as an answer ("aged 21" in "how
    many care leavers aged 21 ...").

    Example:
        >>> question_words("How many visits in 2021?")
        ['How', 'many', 'visits', 'in', '2021']
    """
    return re.findall(r"\w+", question)


def unanswered_reason(question: str, chosen: Sequence[Evidence]) -> str:
    """Why the chosen quotes, though on the question's subject, do not answer it ("" when they may): the
    question asks for a date, a count, a sum of money or a share that none of them gives (a quote that
    shares no word with the question does not count), or it assumes an Ofsted judgement that they
    contradict."""
    wanted = answer_type(question)
    named = question_words(question)
    if wanted in STRICT_TYPES and not any(e.lexical > 0 and gives(wanted, e.sentence.text, named) for e in chosen):
        return f"None of the closest passages gives {_TYPE_NAMES[wanted]}."
    return grade_premise_conflict(question, [e.sentence.text for e in chosen])


def answering_quotes(
    question: str, chosen: Sequence[Evidence], comparison: bool, single: bool = False
) -> list[Evidence]:
    """For a question that asks for a date, a count, a sum of money, a share or an Ofsted judgement, only
    the chosen quotes that give one and share a word with the question: the others do not answer it. With
    ``single`` (the question asks for one fact, not a list), a date, count, money or share question keeps
    only the best of them: a second date or figure is another fact, not more of the answer. When none
    gives one (see ``unanswered_reason``; a judgement question is not declined for it) and for comparisons
    (every document keeps its line) all are kept."""
    wanted = answer_type(question)
    if comparison or wanted not in STRICT_TYPES | {"grade"}:
        return list(chosen)
    named = question_words(question)
    kept = [e for e in chosen if e.lexical > 0 and gives(wanted, e.sentence.text, named)]
    if not kept:
        return list(chosen)
    return kept[:1] if single and wanted in STRICT_TYPES else kept


def complete_lead_ins(
    chosen: Sequence[Evidence],
    following: Callable[[Sentence], tuple[Sentence, Passage] | None],
    items: int = 1,
) -> list[Evidence]:
    """A quote never ends on a colon. A chosen sentence that introduces what follows ("... with one
    additional area for improvement ...:", "key findings are summarised as follows:") is followed by what
    it introduces, at the same score (so it is quoted right after it): the ``following`` sentence (the
    next one of its passage, or the first of the next passage when a long list was split off), and, when
    that one starts a list, the list's next lines up to ``items`` in all (see ``_continues_list``). A
    sentence already chosen, or one spanning lines, is left out. When the list goes on past ``items``,
    its last quoted line is marked ``list_continues``, so the answer can say so."""
    have = {e.sentence.sentence_id for e in chosen}
    out: list[Evidence] = []
    for e in chosen:
        out.append(e)
        if not e.sentence.text.rstrip().endswith(":"):
            continue
        nxt, added = following(e.sentence), 0
        while nxt is not None:
            sentence, passage = nxt
            if sentence.sentence_id in have or "\n" in sentence.text:
                break
            if added and not _continues_list(sentence, passage, out[-1].passage):
                break  # the list has ended
            if added == items:
                out[-1] = replace(out[-1], list_continues=True)  # it goes on past what is quoted
                break
            out.append(replace(e, sentence=sentence, passage=passage))
            have.add(sentence.sentence_id)
            added += 1
            nxt = following(sentence)
    return out


def _continues_list(sentence: Sentence, passage: Passage, previous: Passage) -> bool:
    """Whether ``sentence`` is the next line of the list whose last line was in ``previous``: a sentence
    opening a line of the same passage (after its bullet marker, if any), or opening a bullet run split
    off from the same paragraph."""
    text, at = passage.text, sentence.char_start - passage.char_start
    line_start = text.rfind("\n", 0, at) + 1
    if passage.passage_id == previous.passage_id:
        return line_start > 0 and at - line_start == marker_length(text[line_start:])
    return (
        passage.doc_id == previous.doc_id
        and (passage.section, passage.paragraph) == (previous.section, previous.paragraph)
        and line_start == 0
        and at == marker_length(text) > 0
    )


def select_quotes(
    evidence: Sequence[Evidence], vectors: dict[int, np.ndarray], limit: int, relative_floor: float = 0.8,
    per_document: bool = False, document_floor: float = 0.6, other_passage_floor: float = 0.85,
    other_document_floor: float = 0.9,
) -> list[Evidence]:
    """Pick up to ``limit`` sentences, best first, skipping near-duplicates and weak fillers.

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
    chosen: list[Evidence] = []
    for e in pool:
        if len(chosen) >= limit:
            break
        v = vectors[e.sentence.sentence_id]
        if any(float(v @ vectors[c.sentence.sentence_id]) > 0.9 for c in chosen):
            continue  # says the same thing as a quote already chosen
        chosen.append(e)
    return chosen


def source_label(doc: Document) -> str:
    """How a quote is introduced: publisher, kind and date."""
    return f"**{doc.publisher}** ({doc.kind}, {human_date(doc.date)})"


def compose(
    question: str,
    chosen: Sequence[Evidence],
    documents: dict[str, Document],
    comparison: bool,
    named: Sequence[Sequence[str]] = (),
) -> tuple[str, tuple[Citation, ...]]:
    """Write the Markdown answer and its citations from the chosen sentences.

    Quotes are grouped by document; a comparison lists documents in date order (one line each), any other
    answer leads with the document of the best quote. Consecutive sentences of one passage become one
    quote, and within a document the best quote comes first. Every quote is followed by its ``[n]``.
    A comparison says which of the years it names have no quote, and which of the groups of documents it
    ``named`` by kind or publisher (see ``documents_named``) have none.
    """
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
                    section=passage.section, paragraph=passage.paragraph, quote=quote, text=passage.text,
                    char_start=start, char_end=end, score=round(max(e.score for e in group), 4),
                )
            )
            more = " (the list continues in the report)" if any(e.list_continues for e in group) else ""
            quotes.append(f"“{quote}” [{n}]{more}")
        lines.append(f"{source_label(doc)}: " + " ".join(quotes))
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
        listed = "; ".join(f"{d.publisher} ({d.kind}, {human_date(d.date)})" for d in chosen) or "none"
        heading = "The selected reports do not cover this question."
        scope = (f"The filters chose {len(chosen)} of the {len(documents)} documents: {listed}. "
                 "Clear the filters to search the whole collection.")
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
