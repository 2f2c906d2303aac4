"""A question about one report as a whole is answered with the report's judgements.

"How did Barnet do in its 2019 Ofsted inspection?" or "Barnet Ofsted rating 2019?" names a report (by its
council and year) and nothing in it: once the place and time words are gone, every word left is a function
word, a word of asking, a word naming reports or the inspectorate, a word framing a council's name, a judging
word or a grade (all from the domain pack). Searching for such a question finds whatever mentions "Ofsted" and
"inspection" most: the inspection dates, the lead inspector, the inspectorate's description of itself. The
report's own answer to "how did it do" is its judgements: the labelled lines that give a grade ("Overall
effectiveness:<tab>Good"), quoted from the first passage that holds them (the judgement table). A question that
asks for a kind of fact (a date, a number) is not about the report as a whole, and a report without graded
lines is answered as any question is. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from assistant.answer.quotes import Evidence, compose
from assistant.domain import default_pack
from assistant.index.build import Index
from assistant.index.search_text import terms
from assistant.query.fact_types import labelled
from assistant.stages import AnswerParts
from assistant.types import Passage, Sentence

_PACK = default_pack()
# The words that say what a question is about when it is about a report as a whole.
_NO_SUBJECT = frozenset(terms(" ".join(
    (*_PACK.about_reports_words, *_PACK.frame_words, *_PACK.judging_words, *_PACK.grades))))
_GRADE = re.compile(rf"{_PACK.words_pattern(_PACK.grades)}\b", re.IGNORECASE)
#: Most judgement lines quoted.
MOST_ROWS = 8


def names_no_subject(question: str) -> bool:
    """Whether a question (its place and time words already taken out) names nothing in a report.

    Example:
        >>> names_no_subject("How did do in its 2019 Ofsted inspection?"), names_no_subject("Ofsted rating 2019?")
        (True, True)
        >>> names_no_subject("What did Ofsted say about care leavers in 2019?")
        False
    """
    return not [t for t in terms(question) if t not in _NO_SUBJECT and not t.isdigit()]


def judgement_lines(index: Index, doc_ids: Collection[str]) -> list[tuple[Sentence, Passage]]:
    """The graded labelled lines of the first passage of the one document in ``doc_ids`` that holds any, in
    reading order (at most ``MOST_ROWS``); [] unless ``doc_ids`` is one document with such lines."""
    if len(doc_ids) != 1:
        return []
    (doc_id,) = doc_ids
    for passage in sorted((p for p in index.passages if p.doc_id == doc_id), key=lambda p: p.position):
        lines = [index.sentences[i] for i in index.sentences_of.get(passage.passage_id, [])]
        graded = [s for s in lines if (found := labelled(s.text)) and _GRADE.match(found[1])]
        if graded:
            return [(s, passage) for s in graded[:MOST_ROWS]]
    return []


def answer(index: Index, question: str, subject: str, wanted: str | None,
           allowed: Collection[str] | None) -> AnswerParts | None:
    """The answer to a question about one report as a whole, or None when it is not one (see the module).

    Args:
        index: The index.
        question: The question as answered (a follow-up made standalone).
        subject: The question without the place and time words its scope applied.
        wanted: The kind of fact the question asks for (``query.fact_types.answer_type``), if any.
        allowed: The documents the question may be answered from (scope and filters); None: all.
    """
    if allowed is None or wanted not in (None, "grade") or not names_no_subject(subject):
        return None
    lines = judgement_lines(index, allowed)
    if not lines:
        return None
    chosen = [Evidence(sentence, passage, 1.0, 0.0, 0.0) for sentence, passage in lines]
    answer_md, citations = compose(question, chosen, index.documents, False)
    return answer_md, citations, False, ()
