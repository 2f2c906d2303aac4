"""What a question asks for, and whether a sentence gives it: a date, how often, how long, a count, an
Ofsted judgement or another figure.

Pure functions over text. The answer uses them to rank sentences that hold the kind of fact asked for, to
keep only the quotes that give it, and to decline when none does.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from assistant.domain import default_pack
from assistant.text import MONTHS

_WHEN = re.compile(r"^\s*(?:and\s+)?when\b|\bwhat (?:(?:was|were|is|are) the )?(?:date|year|month|day|time)s?\b|\bhow long ago\b|\bwhich (?:year|month)\b", re.I)  # noqa: E501
_HOW_MANY = re.compile(
    r"\bhow (?:many|much|long|big|far|often)\b|\bwhat (?:proportion|percentage|share|number|amount|figure|"
    r"percent|rate)\b|\b(?:cost|costs|spend|spent|budget|funding|figures?|numbers?|per ?cent|percentage)\b",
    re.I,
)
_MONTHS = "|".join(MONTHS)
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


# Answer types that a figure of another kind cannot answer: "how many" is not answered by "phase 1",
# "when" not by a sentence without a date. A question of one of these kinds abstains when no quoted sentence
# holds one.
STRICT_TYPES = frozenset({"count", "date", "frequency", "duration"})
# The kinds of fact that type-aware ranking looks for in a passage (see ``passage_holds``).
PASSAGE_TYPES = frozenset({"grade", "count", "date", "frequency", "duration"})
# A date as a "when" question wants it: a day or a month with its year or day ("1 February 2022", "October
# 2020", "November 25"), or a season with its year ("Autumn 2022"). A bare year is in most passages of a
# dated report and says little.
_SPECIFIC_DATE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\b|\b(?:{_MONTHS})\s+(?:\d{{1,2}}\b|(?:19|20)\d\d\b)|"
    r"\b(?:Spring|Summer|Autumn|Winter)\s+(?:19|20)\d\d\b"
)
# A "when" question is answered by a date, or by a span or rhythm of time ("every six weeks", "each month").
# A span counts with its size or rhythm ("within six weeks", "every month"), not alone ("the summer months").
# Units of a span of time, not followed by "-old" (an age: "16-17 year olds").
_TIME_UNITS = r"(?:days?|weeks?|fortnights?|months?|years?)\b(?![\s-]+olds?\b|[\s-]+old's)"
_TIME_IN_TEXT = re.compile(
    rf"\b(?:\d+|a|an|one|{_NUMBER_WORDS}|every|each|few|several|next|last|this|within|per)\s+{_TIME_UNITS}|"
    r"\b(?:daily|weekly|fortnightly|monthly|quarterly|annually|yearly|Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday)\b|\b\d{1,2}(?:[:.]\d\d)?\s*[ap]\.?m\b",
    re.I,
)


# Words that introduce an inspection judgement ("judged", "rated", "the grade"), from the domain pack.
_JUDGING = "|".join(re.escape(w) for w in default_pack().judging_words)
# "rate" as a verb ("how did inspectors rate the service"), not the noun ("the rate of referrals").
_GRADE_QUESTION = re.compile(
    rf"\b(?:{_JUDGING}|ratings)\b|\brate\s+(?:the|their|its|our|this|that|these|those|it|them|us)\b|"
    # "How did Ofsted rate Kent's services?": "rate" after "how did <someone>" is the verb
    r"\bhow (?:did|do|does|would|has|have|will) (?:[\w'’]+\s+){1,3}rate\b(?!\s+of\b)", re.I
)


# "How often does the board meet?" asks for a rhythm: "monthly", "every six weeks", "twice a year".
_HOW_OFTEN = re.compile(r"\bhow (?:often|frequently|regularly)\b", re.I)
_FREQUENCY_IN_TEXT = re.compile(
    r"\b(?:hourly|daily|weekly|fortnightly|monthly|bi-?monthly|quarterly|annually|yearly|biannually)\b|"
    r"\b(?:every|each)\s+(?:\w+\s+)?(?:days?|weeks?|fortnights?|months?|quarters?|years?|term)\b|"
    r"\b(?:once|twice|\w+ times)\s+(?:a|per|each|every)\s+(?:day|week|fortnight|month|quarter|year|term)\b",
    re.I,
)


# "How long will it take?" asks for a span of time with its size: "18 months", "a further year", "2 years".
_HOW_LONG = re.compile(r"\bhow long\b(?!\s+ago)", re.I)
_DURATION_IN_TEXT = re.compile(
    rf"\b(?:\d+(?:\.\d+)?|a|an|one|half a|{_NUMBER_WORDS}|several|few|further|additional|extra|another)"
    rf"(?:\s+(?:further|more|additional|extra|full|calendar))?[\s-]+(?:{_TIME_UNITS}|terms?\b)|"
    # or by its ends: "from 14-18 March 2022", "between 3 and 4 November"
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s*(?:-|–|to|and|until)\s*\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\b",
    re.I,
)


#: The kinds of fact a question can ask for, in the order they are recognised (the first that matches wins).
QUESTION_KINDS = ("date", "frequency", "duration", "count", "grade", "number")


def answer_type(question: str, off: Collection[str] = ()) -> str | None:
    """The kind of fact a question asks for: "date", "frequency" ("how often"), "duration" ("how long"),
    "count" ("how many", "the average"), "grade" (an Ofsted judgement), "number" (any other figure: "how
    much did it cost?", "what percentage ..."), or None. ``off``: kinds not to recognise (their rule switched
    off, see ``rules.py``)."""
    tests = {
        "date": lambda: _WHEN.search(question),
        "frequency": lambda: _HOW_OFTEN.search(question),
        "duration": lambda: _HOW_LONG.search(question),
        "count": lambda: _COUNT_QUESTION.search(question),
        "grade": lambda: _GRADE_QUESTION.search(question),
        "number": lambda: _HOW_MANY.search(question),
    }
    return next((kind for kind in QUESTION_KINDS if kind not in off and tests[kind]()), None)


def has_answer_type(text: str, kind: str | None) -> bool:
    """Whether a sentence holds the kind of fact asked for (a date, a rhythm or span of time, a figure, an
    Ofsted judgement)."""
    if kind == "date":
        return bool(_DATE_IN_TEXT.search(text))
    if kind == "count":
        return bool(counts_in(text))
    if kind == "frequency":
        return bool(_FREQUENCY_IN_TEXT.search(text))
    if kind == "duration":
        return bool(_DURATION_IN_TEXT.search(text))
    if kind == "number":
        return bool(_NUMBER_IN_TEXT.search(text))
    if kind == "grade":
        return bool(grades_in(text))
    return True


def _grade_pattern(grade: str) -> str:
    """A grade of the domain pack's scale as a pattern, with its long form if it has one."""
    long = default_pack().grade_long_forms.get(grade, grade)
    return re.escape(grade) + (f"(?:{re.escape(long[len(grade):])})?" if long != grade else "")


# The inspectorate's grade scale (Ofsted's four points), from the domain pack: each grade, its long form
# matching as the grade ("requires improvement( to be good)").
_GRADE = "|".join(_grade_pattern(g) for g in default_pack().grades)
# A grade stated as a judgement: after a judging word, in quotes, or in a table cell. Not prose such as
# "a consistently good and ultimately outstanding service".
_GRADE_IN_TEXT = re.compile(
    rf"(?:\b(?:{_JUDGING}|remains?|as)\W+"
    rf"(?:(?:to be|as|at|overall)\W+)?|[\t'‘\"“])({_GRADE})\b",
    re.I,
)


def _grade(phrase: str) -> str:
    """A grade as written, as its name on the scale ("Requires improvement to be good" -> "requires
    improvement")."""
    phrase = phrase.lower()
    return next((g for g in default_pack().grade_long_forms if phrase.startswith(g)), phrase)


def grades_in(text: str) -> set[str]:
    """Ofsted grades a sentence states as a judgement ("judged to be 'Good'"; "Requires improvement to be
    good" is one grade, not "good")."""
    return {_grade(m.group(1)) for m in _GRADE_IN_TEXT.finditer(text)}


TYPE_NAMES = {"count": "a count of what is asked", "date": "a date or time", "frequency": "how often",
              "duration": "how long"}


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


def earns_type_bonus(text: str, wanted: str) -> bool:
    """Whether a sentence holds the kind of fact a question asks for, as sentence scoring reads it: for a
    date, a specific one ("on 10 December 2020", not "first pause (2021)"), since a bare year is in most
    sentences of a dated report; a bare year still answers a "when" question (see ``gives``)."""
    return specific_date_in(text) if wanted == "date" else has_answer_type(text, wanted)


def specific_date_in(text: str) -> bool:
    """Whether ``text`` gives a day or a month with its year or day, or a season with its year."""
    return bool(_SPECIFIC_DATE.search(text))


# A labelled line states one fact under its label: "Inspection dates: 13 to 24 May 2019", "Lead inspector: A
# Name", a table row "Overall effectiveness:<tab>Good". The label is a short phrase; the value is short too,
# without a closing full stop, or set off by a tab (a table cell), so that prose with a colon ("Among the
# issues it identified: weak structures, ...") is not read as one.
_LABELLED = re.compile(r"^([^:\t\n]{2,100}?)[ \t]*:[ \t]*(\S[^\n]*)$")
_LABEL_WORDS, _VALUE_WORDS = 12, 14
# The words a question asks for a kind of fact by, as labels name it: "when" asks for a label's "dates", a
# judgement question for its "grade".
_KIND_WORDS = dict(default_pack().label_words)
_DATE_LABEL = re.compile(rf"\b{default_pack().words_pattern(tuple(_KIND_WORDS['date'].split()))}\b", re.IGNORECASE)
_GRADE_VALUE = re.compile(rf"(?:{_GRADE})\b", re.I)  # a grade as a label's whole value: "...: requires improvement"


def labelled(text: str) -> tuple[str, str] | None:
    """(label, value) of a labelled line, or None for any other sentence.

    >>> labelled("Inspection dates: 17 to 28 July 2023")
    ('Inspection dates', '17 to 28 July 2023')
    >>> labelled("The experiences and progress of care leavers:\\tGood")
    ('The experiences and progress of care leavers', 'Good')
    >>> labelled("Among the issues it identified: weak structures, which served children badly for many years.")
    """
    match = _LABELLED.match(text.strip())
    if not match:
        return None
    label, value = match.group(1).strip(), match.group(2).strip()
    if len(label.split()) > _LABEL_WORDS or not label[:1].isalnum():
        return None
    if "\t" not in text and (len(value.split()) > _VALUE_WORDS or value.endswith((".", "!", "?"))):
        return None  # a sentence of prose, not a value
    return label, value


def labelled_date(text: str) -> str | None:
    """The value of a line that states a date under a label naming one ("Inspection dates: ...", "Date of
    visit: ..."; the pack's date label words), however long the value; None for any other line.

    >>> labelled_date("Inspection dates: 8 July 2019 to 12 July 2019 and 7 August 2019 to 8 August 2019")
    '8 July 2019 to 12 July 2019 and 7 August 2019 to 8 August 2019'
    >>> labelled_date("Lead inspector: Ann Example") is None, labelled_date("Inspection of X: the dates 2019") is None
    (True, True)
    """
    match = _LABELLED.match(text.strip())
    if not match or len(match.group(1).split()) > _LABEL_WORDS or not _DATE_LABEL.search(match.group(1)):
        return None
    return match.group(2).strip()


def label_share(text: str, question_terms: Collection[str], alternatives: Mapping[str, set[str]] | None = None,
                wanted: str | None = None) -> float:
    """How fully a labelled line's label is what the question asks for (0..1; 0 for any other sentence): the
    share of the label's words that the question uses (or a glossary alternative of them, or a word they
    begin or that begins them: "inspect" / "inspector"), the words of the kind of fact asked for counting
    as the question's ("when" asks for "dates"). A line whose value does not give the kind of fact asked
    for (a date, a grade) scores 0.

    >>> from assistant.index.search_text import terms
    >>> label_share("Inspection dates: 17 to 28 July 2023", terms("When did Ofsted inspect them?"), wanted="date")
    1.0
    >>> label_share("Lead inspector: Ann Example", terms("When did Ofsted inspect them?"), wanted="date")
    0.0
    """
    from assistant.index.search_text import terms

    found = labelled(text)
    if found is None:
        return 0.0
    label, value = found
    if wanted is not None and not (has_answer_type(text, wanted) or _GRADE_VALUE.match(value) and wanted == "grade"):
        return 0.0
    label_terms = {t for t in terms(label) if not t.isdigit()}
    if not label_terms:
        return 0.0
    asked = set(question_terms).union(*(alternatives or {}).values()) | set(terms(_KIND_WORDS.get(wanted or "", "")))

    def asked_for(term: str) -> bool:
        return term in asked or any(
            min(len(term), len(q)) >= 4 and (q.startswith(term) or term.startswith(q)) for q in asked
        )

    return sum(asked_for(t) for t in label_terms) / len(label_terms)


#: How much more than ``type_passage_bonus`` a passage gains when a labelled line of it gives the fact under a
#: label the question asks for, times that line's ``label_share`` ("The experiences and progress of care
#: leavers:<tab>Good" for "how did Ofsted rate the services for care leavers?").
LABEL_PASSAGE_WEIGHT = 2.0


def passage_fit(kind: str, text: str, named: Collection[str] = (), label_weight: float = LABEL_PASSAGE_WEIGHT) -> float:
    """The multiple of the type-aware bonus a passage earns: 0 when it does not hold the kind of fact asked
    for (see ``passage_holds``), 1 when it does, and up to ``1 + label_weight`` when one of its
    labelled lines gives it under a label the question (``named``: its words) asks for.

    >>> passage_fit("date", "Inspection dates: 17 to 28 July 2023", ["When", "were", "the", "inspection", "dates"])
    3.0
    >>> passage_fit("date", "Leaders met in July 2023 to plan.", ["When", "were", "the", "inspection", "dates"])
    1.0
    """
    from assistant.index.search_text import alternatives, terms

    if not passage_holds(kind, text, named):
        return 0.0
    if not label_weight:
        return 1.0
    question = " ".join(named)
    asked, synonyms = terms(question), alternatives(question)
    best = max((label_share(line, asked, synonyms, kind) for line in text.split("\n")), default=0.0)
    return 1.0 + label_weight * best
