"""Conversation: turning a follow-up ("and for children in care?") into a question that stands alone.

No generative model: a follow-up is recognised by its opening words, its pronouns or its brevity, and
completed from the previous question of the conversation, either by swapping the topic ("what did
Ofsted say about care leavers?" + "and children in care?" -> "what did Ofsted say about children in
care?") or by carrying the previous question along as context. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.index.search_text import terms
from assistant.types import Turn

_CONNECTOR = re.compile(
    r"^\s*(?:(?:and|but|also|so|ok(?:ay)?|then|what|how)\s+)?(?:what|how)\s+about\s+|"
    r"^\s*(?:and|but|also|what of|same for|as for|and for|and in|and on)\b[\s,]*",
    re.I,
)
_PRONOUN = re.compile(r"\b(he|she|it|they|them|him|his|her|their|its|that|this|those|these|there|then)\b", re.I)
# A question that ends on a pronoun ("did the government pay for part of that?") points back, however long.
_ENDS_ON_PRONOUN = re.compile(r"\b(it|that|this|them|those|these|him|her|there|then)\s*[?.!]*\s*$", re.I)
_TOPIC = re.compile(r"\b(about|on|for|regarding|concerning|of|with|in relation to)\s+(.+?)\s*\??\s*$", re.I)
_VERB_HINT = re.compile(
    r"\b(is|are|was|were|did|does|do|has|have|had|say|said|find|found|recommend\w*|cost|happen\w*|"
    r"change\w*|improve\w*|mean|judge\w*|rate\w*)\b",
    re.I,
)


# A follow-up that only moves the question in time ("and in 2023?", "by 2023?") and the year phrase it
# replaces in the previous question ("... in 2020?").
_TIME_PREPOSITIONS = r"in|by|for|during|since|from|at|before|after|until"
_YEAR_PHRASE = re.compile(rf"(?:\b({_TIME_PREPOSITIONS})\s+)?\b((?:19|20)\d\d)\b", re.I)

# A follow-up of question words only ("When?", "Why?", "How much?") asks something new of the same subject.
_ASKING_ONLY = re.compile(
    r"(?:when|why|where|who|whom|how(?:\s+(?:much|many|long|often|come|so))?|what(?:\s+(?:year|date|for|else))?|"
    r"which(?:\s+year)?)",
    re.I,
)

_CONTEXT = " (following on from: "


def own_words(standalone: str) -> str:
    """A standalone question without the earlier question carried along as context: what this turn asks
    ("was it funded? (following on from: How much did it cost?)" -> "was it funded?"). The kind of answer
    wanted (a date, a sum) comes from these words only."""
    return standalone.split(_CONTEXT, 1)[0]


def is_followup(question: str) -> bool:
    """Whether a question leans on the conversation before it."""
    if _CONNECTOR.match(question) or _ENDS_ON_PRONOUN.search(question):
        return True
    content = terms(question)
    return bool(_PRONOUN.search(question)) and len(content) <= 3 or len(content) <= 1


def standalone_question(question: str, history: Sequence[Turn]) -> str:
    """The question as it would be asked without the conversation.

    Example:
        >>> from assistant.types import Turn
        >>> h = [Turn("user", "What did Ofsted say about care leavers?"), Turn("assistant", "...")]
        >>> standalone_question("And children in care?", h)
        'What did Ofsted say about children in care?'
    """
    question = question.strip()
    previous = _previous_standalone(history)
    if previous is None or not is_followup(question):
        return question
    remainder = _CONNECTOR.sub("", question).strip().rstrip("?").strip(" ,")
    # The previous question's own words, and what it carried along itself: a topic or a year is
    # swapped in its own words only.
    asked, _, carried = previous.partition(_CONTEXT)
    context = f"{_CONTEXT}{carried}" if carried else ""
    year = _YEAR_PHRASE.fullmatch(remainder)
    if year:
        return _move_in_time(asked, year.group(1), year.group(2)) + context
    if (remainder and not _ASKING_ONLY.fullmatch(remainder) and not _VERB_HINT.search(remainder)
            and not _PRONOUN.search(remainder)):
        # A bare topic: put it in the previous question's place.
        topic = re.sub(r"^(for|about|on|regarding|in)\s+", "", remainder, flags=re.I)
        match = _TOPIC.search(asked)
        if match:
            return f"{asked[: match.start(2)]}{topic}?{context}"
        return f"{asked.rstrip().rstrip('?')}: {topic}?{context}"
    # A new question on the same subject ("When?", "Who paid for it?"): the earlier questions come along,
    # one after the other rather than nested.
    earlier = f"{asked.rstrip().rstrip('?')}?" + (f" {carried.removesuffix(')')}" if carried else "")
    return f"{question.rstrip('?')}?{_CONTEXT}{earlier})"


def _move_in_time(previous: str, preposition: str | None, year: str) -> str:
    """The previous question asked of another year: its last year phrase replaced ("What did Ofsted say
    about disabled children in 2020?" + "by 2023" -> "... disabled children by 2023?"), keeping its
    preposition when the follow-up gives none; a question naming no year gets one ("... in 2023?").

    >>> _move_in_time("What was the overall judgement in 2019?", None, "2023")
    'What was the overall judgement in 2023?'
    """
    phrases = list(_YEAR_PHRASE.finditer(previous))
    if not phrases:
        return f"{previous.rstrip().rstrip('?')} {preposition or 'in'} {year}?"
    last = phrases[-1]
    kept = preposition or last.group(1)
    replacement = f"{kept} {year}" if kept else year
    return f"{previous[: last.start()]}{replacement}{previous[last.end():]}"


def _previous_standalone(history: Sequence[Turn]) -> str | None:
    users = [i for i, t in enumerate(history) if t.role == "user" and t.content.strip()]
    if not users:
        return None
    last = users[-1]
    return standalone_question(history[last].content, history[:last])
