"""Quotes and time: what an event found and whether the reports could know it, and what a year held.

"What was the outcome of the youth justice inspection?" can only be answered by a report written after
the inspection. A report that announces an event ("... will be conducting an inspection ... from 14-18
March 2022") cannot give its outcome, and neither can anything else in a report dated before the event.
A quote about another occasion (its dates are not the ones the question names) does not answer either.
And "What was the overall judgement in 2019?" is not answered by the 2023 report's judgements table: a
question about one year is answered by quotes that name that year or come from a report dated in it.
Pure functions over plain data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Protocol, TypeVar

from assistant.questions import named_years
from assistant.text import MONTHS
from assistant.types import Sentence

# "What did the visit find?", "the outcome of", "the findings", "what did the commissioner conclude?"
_OUTCOME_QUESTION = re.compile(
    r"\b(?:find|found|findings?|outcomes?|results?|conclu(?:de|ded|sions?)|verdict)\b", re.I
)
# A sentence that looks ahead to an event rather than reporting on it.
_ANNOUNCES = re.compile(
    r"\b(?:will|shall|forthcoming|upcoming|(?:is|are|was|were) (?:due|expected|scheduled|planned|set) (?:to|in|on|by)|"
    r"to be (?:held|conducted|carried out|reported|published|undertaken))\b",
    re.I,
)
# A day-month-year or month-year date: "18 March 2022", "March 2022" ("14-18 March 2022" reads as its end).
_DATED = re.compile(rf"\b(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?({'|'.join(MONTHS)})\s+((?:19|20)\d\d)\b")

#: What the assistant says when no quote can give the outcome asked for.
OUTCOME_NOT_GIVEN = "The reports mention it only before it took place or in passing; none gives its outcome."

Day = tuple[int, int, int | None]  # year, month, day (None at month precision)


class Quote(Protocol):
    @property
    def sentence(self) -> Sentence: ...


Q = TypeVar("Q", bound=Quote)


class ScoredQuote(Quote, Protocol):
    @property
    def score(self) -> float: ...


S = TypeVar("S", bound=ScoredQuote)


def of_the_year(year: str, evidence: Sequence[S], dated: Mapping[str, str | None], floor: float = 0.7) -> list[S]:
    """For a question about one ``year`` ("What was the overall judgement in 2019?"), the ``evidence`` (best
    first) that speaks of it: sentences naming the year, or from a report dated in it. A report of a later
    year speaks of its own time unless it names the year. All the evidence is kept when none of it speaks of
    the year, or when the best that does scores under ``floor`` of the best (it would be a weak answer).
    ``dated``: each document's ISO date.
    """
    if not evidence:
        return []
    of_year = [e for e in evidence
               if year in named_years(e.sentence.text) or (dated.get(e.sentence.doc_id) or "").startswith(year)]
    if of_year and of_year[0].score >= floor * evidence[0].score:
        return of_year
    return list(evidence)


def is_outcome_question(question: str) -> bool:
    """Whether a question asks what an event found or concluded.

    >>> is_outcome_question("What was the outcome of the inspection?"), is_outcome_question("When was it?")
    (True, False)
    """
    return bool(_OUTCOME_QUESTION.search(question))


def announces(text: str) -> bool:
    """Whether a sentence looks ahead ("will be conducting", "is expected to", "the forthcoming visit").

    >>> announces("The outcomes of the visit will be reported to the next meeting."), announces("It found gaps.")
    (True, False)
    """
    return bool(_ANNOUNCES.search(text))


def dates_in(text: str) -> list[Day]:
    """The month-year dates written in ``text``, with their day when given.

    >>> dates_in("an inspection from 14-18 March 2022, after the visits of May and September 2021")
    [(2022, 3, 18), (2021, 9, None)]
    """
    return [(int(m.group(3)), MONTHS.index(m.group(2)) + 1, int(m.group(1)) if m.group(1) else None)
            for m in _DATED.finditer(text)]


def iso_day(iso: str | None) -> Day | None:
    """A catalogue date ("2022-03-09", "2019-07", "2020") as a ``Day``; None when undated or a bare year."""
    parts = (iso or "").split("-")
    if len(parts) < 2:
        return None
    return int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) > 2 else None


def before(first: Day | None, second: Day) -> bool:
    """Whether ``first`` is surely earlier than ``second`` (same month without both days: not sure)."""
    if first is None:
        return False
    if first[:2] != second[:2]:
        return first[:2] < second[:2]
    return first[2] is not None and second[2] is not None and first[2] < second[2]


def reporting_quotes(question: str, chosen: Sequence[Q], dated: Mapping[str, str | None]) -> list[Q]:
    """The ``chosen`` quotes that may give the outcome a question asks for: all of them when the question
    does not ask for one (see ``is_outcome_question``).

    A quote reports an outcome unless it announces the event, is about another occasion (it gives dates
    and none is in a month the question names), or comes from a report dated before the event (its date:
    one the question names, or a date an announcing quote gives later than its own report's).
    ``dated``: each document's ISO date.
    """
    if not is_outcome_question(question):
        return list(chosen)
    named = dates_in(question)
    events = list(named)
    for q in chosen:
        if announces(q.sentence.text):
            written = iso_day(dated.get(q.sentence.doc_id))
            events += [d for d in dates_in(q.sentence.text) if before(written, d)]

    def reports(q: Q) -> bool:
        text = q.sentence.text
        if announces(text):
            return False
        found = dates_in(text)
        if named and found and not any(d[:2] == n[:2] for d in found for n in named):
            return False
        written = iso_day(dated.get(q.sentence.doc_id))
        return not (events and all(before(written, e) for e in events))

    return [q for q in chosen if reports(q)]
