"""A question's scope in the collection: the council or area it names, and the report it means by a year,
"latest" or "previous", read from the documents' own metadata (their ``area`` and ``date``, and the dates a
report states at its head: a year names a report published or inspected in it).

"What did Ofsted find in Barnet's 2019 inspection?" answers only from the reports about Barnet dated in 2019;
"the latest report on Kent" from Kent's newest; "since 2019" from those dated 2019 or later. When the question
names an area and a year for which the collection has no report, it says so and names what it has. No place
name is written here: areas come from the collection, and only the words local government puts around a
place's name ("London Borough of", "County Council") are known in advance. Pure: question and documents in.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from assistant.domain import default_pack
from assistant.query.fact_types import labelled_date
from assistant.types import Document

# Words that frame a place's name in a council's title, not part of the name a person uses for it (the pack's).
_FRAME_WORDS = default_pack().words_pattern(default_pack().frame_words)
_FRAME = re.compile(rf"\b{_FRAME_WORDS}\b", re.IGNORECASE)
_JOINING = {"the", "of", "and"}
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_SINCE = re.compile(r"\b(?:since|after|from)\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_LATEST = re.compile(r"\b(?:latest|most recent|newest|last|current)\b", re.IGNORECASE)
_PREVIOUS = re.compile(r"\b(?:previous|prior|earlier|before that)\b", re.IGNORECASE)
_HEAD_LINES = 12  # a report states its own dates in its opening lines, before the body


def stated_years(doc: Document) -> frozenset[str]:
    """The years a question may name a report by: its date's, and those of the dates it states at its head
    (a labelled line in its first lines whose label names a date). An inspection in December published in
    February is "the 2022 inspection" as well as "the 2023 report".

    Example:
        >>> from assistant.types import Document
        >>> text = "Inspection of X\\n\\nInspection dates: 5 to 9 December 2022 and 14 February 2023\\n\\nBody 2019."
        >>> sorted(stated_years(Document("x", "X", "Ofsted", "report", "2023-05-10", "x.pdf", "", text)))
        ['2022', '2023']
    """
    years = {doc.date[:4]} if doc.date else set()
    lines = [line for line in doc.text.split("\n", 3 * _HEAD_LINES)[: 3 * _HEAD_LINES] if line.strip()]
    for line in lines[:_HEAD_LINES]:
        years.update(_YEAR.findall(labelled_date(line) or ""))
    return frozenset(years)


def short_name(area: str) -> str:
    """The name a person calls an area by: its council title without the framing words, lower case.

    Example:
        >>> short_name("London Borough of Barnet"), short_name("Cheshire East Council")
        ('barnet', 'cheshire east')
        >>> short_name("Royal Borough of Kingston upon Thames"), short_name("City of London")
        ('kingston upon thames', 'city london')
    """
    name = area.replace("’", "'")
    words = _FRAME.sub(" ", name).split()
    if not words:  # a name made only of framing words ("City of London") is called by all of them
        words = [w for w in re.split(r"[\s,]+", name) if w.lower() not in _JOINING]
    return " ".join(words).strip(" ,.-").lower()


@dataclass(frozen=True)
class Scope:
    """What a question's place and time words select.

    ``areas`` are the short names of the areas it names, ``doc_ids`` the documents they and its time words
    leave (None: no restriction), and ``missing`` a sentence for the person when nothing is left (the
    collection has no report for that area and year).
    """

    areas: tuple[str, ...] = ()
    doc_ids: frozenset[str] | None = None
    missing: str = ""


def areas_of(documents: Mapping[str, Document]) -> dict[str, list[Document]]:
    """The collection's areas by short name, each with its documents oldest first.

    A report that calls its area by the first words of a longer name another report uses, and no other's,
    is about that area: both names then hold the documents of both ("Newcastle" and "Newcastle upon Tyne").

    Example:
        >>> from assistant.types import Document
        >>> doc = lambda i, area: Document(i, i, "Ofsted", "report", f"{i[-4:]}-01-01", f"{i}.pdf", "", "", area=area)
        >>> areas = areas_of({d.doc_id: d for d in [doc("a-2019", "Newcastle upon Tyne"), doc("b-2022", "Newcastle"),
        ...                                         doc("c-2020", "North Somerset"), doc("d-2021", "North Tyneside")]})
        >>> [d.doc_id for d in areas["newcastle"]] == [d.doc_id for d in areas["newcastle upon tyne"]]
        True
        >>> [d.doc_id for d in areas["newcastle"]], sorted(areas)
        (['a-2019', 'b-2022'], ['newcastle', 'newcastle upon tyne', 'north somerset', 'north tyneside'])
    """
    out: dict[str, list[Document]] = {}
    for doc in documents.values():
        if doc.area and (name := short_name(doc.area)):
            out.setdefault(name, []).append(doc)
    for name in list(out):
        longer = [other for other in out if other.startswith(name + " ")]
        if len(longer) == 1:
            merged = out[name] + out[longer[0]]
            out[name] = out[longer[0]] = merged
    for docs in out.values():
        docs.sort(key=lambda d: (d.date or "", d.doc_id))
    return out


def named_areas(question: str, areas: Collection[str]) -> list[str]:
    """The areas (short names) a question names, longest first so that "North Somerset" is not also read
    as "Somerset".

    Example:
        >>> named_areas("How did North Somerset and Kent compare?", ["somerset", "north somerset", "kent"])
        ['north somerset', 'kent']
    """
    text = " " + re.sub(r"[^\w' -]+", " ", question.replace("’", "'")).lower() + " "
    text = re.sub(r"'s\b", " ", text)
    found: list[str] = []
    for name in sorted(areas, key=len, reverse=True):
        pattern = _name_pattern(name)
        if re.search(pattern, text, re.IGNORECASE):
            found.append(name)
            text = re.sub(pattern, " ", text, flags=re.IGNORECASE)
    return found


def _name_pattern(name: str, possessive: bool = False) -> str:
    """A short name as a question may write it: with framing words between its words ("isles scilly" is
    written "Isles of Scilly", "redcar cleveland" "Redcar and Cleveland").

    >>> bool(re.search(_name_pattern("isles scilly"), "the isles of scilly"))
    True
    """
    words = [re.escape(w) for w in name.split()]
    joined = rf"(?:\s+{_FRAME_WORDS})*\s+".join(words)
    ending = r"(?:['’]s)?" if possessive else ""
    return rf"(?<![\w-]){joined}{ending}(?![\w-])"


def without_scope_words(question: str, scope: Scope) -> str:
    """The question without the area names and "latest"/"previous" words its scope already applied, so that
    they are not looked for in the quotes ("the latest Kent report on care leavers" -> "the report on care
    leavers"). Years stay: they have rules of their own.

    Example:
        >>> without_scope_words("What did the latest Barnet report say?", Scope(("barnet",), frozenset()))
        'What did the report say?'
    """
    if not scope.areas:
        return question
    text = question
    for name in scope.areas:
        text = re.sub(_name_pattern(name, possessive=True), " ", text, flags=re.IGNORECASE)
    text = _PREVIOUS.sub(" ", _LATEST.sub(" ", text))
    return re.sub(r"\s+([?.,!])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()


# A council as a report names another one: "Kent County Council", "the London Borough of Testham".
_COUNCIL_BEFORE = re.compile(
    r"\b((?:[A-Z][a-z]+[ -]){0,2}[A-Z][a-z]+)\s+(?:(?:County|Borough|City|District|Metropolitan)\s+)*Council\b")
_COUNCIL_AFTER = re.compile(r"\b(?:London|Royal)\s+Borough\s+of\s+((?:[A-Z][a-z]+\s?){1,3})")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'-]+\b")


def other_councils(documents: Mapping[str, Document], areas: Collection[str]) -> dict[str, tuple[str, ...]]:
    """Short names of the councils the reports mention ("Kent County Council") that no report is about and
    that are not words of an area's name ("Thames" of "Kingston upon Thames"), each with the ids of the
    reports that mention it.

    A name counts only when none of its words is ever written in lower case in the collection (words that
    are, opening it, are dropped: "Like Kent County Council"), so that "Children in Care Council" or "Youth
    Council" names no place. Pure: documents in.

    Example:
        >>> from assistant.types import Document
        >>> doc = lambda i, area, text: Document(i, i, "Ofsted", "report", "2024", f"{i}.pdf", "", text, area=area)
        >>> docs = {"a": doc("a", "Testham", "Like Kent County Council, the Youth Council met, like the youth team."),
        ...         "b": doc("b", "Westby", "Westby Council and Testham Council agreed.")}
        >>> other_councils(docs, areas_of(docs))
        {'kent': ('a',)}
    """
    lower: set[str] = set()
    found: dict[str, set[str]] = {}
    for doc in documents.values():
        lower.update(_LOWER_WORD.findall(doc.text))
        for match in (*_COUNCIL_BEFORE.finditer(doc.text), *_COUNCIL_AFTER.finditer(doc.text)):
            found.setdefault(short_name(match.group(1)), set()).add(doc.doc_id)
    out: dict[str, set[str]] = {}
    for name, doc_ids in found.items():
        words = name.split()
        while words and any(w in lower for w in words[0].split("-")):  # "Like Kent" is "Kent"
            words.pop(0)
        if words and not any(w in lower for word in words for w in word.split("-")):
            out.setdefault(" ".join(words), set()).update(doc_ids)
    area_words = {w for area in areas for w in re.split(r"[ -]", area)}  # "Thames" of "Kingston upon Thames"
    return {name: tuple(sorted(ids)) for name, ids in sorted(out.items())
            if not set(re.split(r"[ -]", name)) <= area_words}


def question_scope(
    question: str, areas: Mapping[str, list[Document]], others: Mapping[str, Collection[str]] | None = None
) -> Scope:
    """The documents a question's place and time words select (see the module docstring); ``areas``: the
    collection's, from ``areas_of``; ``others``: councils the reports mention but no report is about, with
    the reports that mention them (``other_councils``).

    Only a question that names an area is scoped: its years, "latest", "previous" or "since" then pick
    among that area's reports. Two or more areas, or a comparison over years, keep every report chosen. A
    question naming none of the areas but one of ``others`` is declined, saying which areas the collection
    has and which of its reports mention that council.
    """
    if len(areas) < 2:  # one area (or none): naming it selects everything, as before
        return Scope()
    names = named_areas(question, areas)
    if not names:
        elsewhere = named_areas(question, others) if others else []
        if others and elsewhere:
            return Scope(tuple(elsewhere), frozenset(), _only_mentioned(elsewhere, others, areas))
        return Scope()
    chosen: list[Document] = []
    for name in names:
        docs = areas[name]
        picked, missing = _by_time(question, docs, name, len(names) > 1)
        if missing:
            return Scope(tuple(names), frozenset(), missing)
        chosen += picked
    return Scope(tuple(names), frozenset(d.doc_id for d in chosen))


def _only_mentioned(
    names: list[str], others: Mapping[str, Collection[str]], areas: Mapping[str, list[Document]]
) -> str:
    """What to say when a question names councils the reports only mention: who mentions them, and which
    areas the collection does have reports on."""
    docs = {d.doc_id: d for held in areas.values() for d in held}
    label = {d.doc_id: area for name, held in areas.items()
             for area in [min((x.area or name for x in held), key=len)] for d in held}
    mentions = sorted({i for name in names for i in others[name] if i in docs}, key=lambda i: (label[i], i))
    where = [f"{label[i]} ({(docs[i].date or '')[:4] or 'undated'})" for i in mentions[:5]]
    more = f" and {len(mentions) - 5} more" if len(mentions) > 5 else ""
    held = sorted(set(label.values()), key=str.lower)
    shown = ", ".join(held[:8]) + (f" and {len(held) - 8} more" if len(held) > 8 else "")
    listed = ", ".join(where) + more if more else _and(where)
    it = "them" if len(names) > 1 else "it"
    return (f"The collection has no reports on {_and([n.title() for n in names])}; only other councils' reports "
            f"mention {it}: {listed}. The collection has reports on {len(held)} areas: {shown}.")


def _by_time(question: str, docs: list[Document], name: str, several: bool) -> tuple[list[Document], str]:
    years = sorted(set(_YEAR.findall(question)))
    since = _SINCE.search(question)
    if since:
        kept = [d for d in docs if (d.date or "") >= since.group(1)]
        return kept, "" if kept else _none(docs, name, f"since {since.group(1)}")
    if years:
        kept = [d for d in docs if stated_years(d) & set(years)]
        if kept or several:
            return kept, ""
        return [], _none(docs, name, f"from {_and(years)}")
    if _PREVIOUS.search(question) and len(docs) >= 2:
        return [docs[-2]], ""
    if _LATEST.search(question) and docs:
        return [docs[-1]], ""
    return docs, ""


def _none(docs: list[Document], name: str, when: str) -> str:
    label = docs[0].area or name
    years = sorted({(d.date or "")[:4] for d in docs if d.date})
    has = f"from {_and(years)}" if years else "undated"
    return f"The collection has reports on {label} {has}; none {when}."


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
