"""The collection as a person browses it: searching, sorting and counting the reports, and the filters'
choices, all read from the documents' own metadata (no area, publisher or kind is written in code).

Pure functions over ``Document`` records, without gradio: the page's filters (:mod:`assistant.chat.filters`)
and collection panel (:mod:`assistant.chat.collection`) call them, and they are tested on plain data.

Example:
    >>> docs = [Document("a", "Inspection of Northtown", "Ofsted", "inspection report", "2021-03", "a.txt",
    ...                  "0", "", area="Northtown")]
    >>> [d.doc_id for d in search_documents(docs, "ofsted 2021")], count_line(1, 500, "ofsted 2021")
    (['a'], 'Showing 1 of 500 reports, matching “ofsted 2021”.')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from assistant.query.retrieval import allowed_documents
from assistant.text import human_date, normalise
from assistant.types import Document, Filters


def search_text(doc: Document) -> str:
    """The words a search box finds a document by: title, area, publisher, kind, date (ISO and written out)
    and file name, normalised as ``normalise`` does (case, quotes and dashes folded)."""
    parts = (doc.title, doc.area or "", doc.publisher, doc.kind, doc.date or "undated", human_date(doc.date),
             doc.filename)
    return normalise(" ".join(parts))


def search_documents(documents: Iterable[Document], query: str) -> list[Document]:
    """The documents whose ``search_text`` holds every word of ``query`` (in any order, any case, part of a
    word included: "sus 2021" finds a 2021 report on Sussex). An empty query keeps them all. Order is kept.

    Example:
        >>> doc = Document("a", "Focused visit", "Ofsted", "letter", "2020-12-04", "a.txt", "0", "", area="Eastshire")
        >>> [len(search_documents([doc], q)) for q in ("", "EAST ofsted", "december 2020", "2019")]
        [1, 1, 1, 0]
    """
    words = normalise(query).split()
    return [d for d in documents if all(w in search_text(d) for w in words)]


def by_area_then_date(documents: Iterable[Document]) -> list[Document]:
    """Sorted for browsing: by area (A to Z, reports without one last), then newest first (undated last),
    then by title."""

    def key(d: Document) -> tuple[bool, str, bool, str, str, str]:
        area = (d.area or "").casefold()
        return (not area, area, d.date is None, _descending(d.date or ""), d.title.casefold(), d.doc_id)

    return sorted(documents, key=key)


def _descending(iso: str) -> str:
    """A key that sorts ISO dates newest first: each digit complemented ("2021-03" -> "7978-96")."""
    return iso.translate(str.maketrans("0123456789", "9876543210"))


def filtered(documents: Sequence[Document], filters: Filters) -> list[Document]:
    """The documents ``filters`` admit (all of them when it is inactive), in their given order."""
    if not filters.active:
        return list(documents)
    allowed = allowed_documents({d.doc_id: d for d in documents}, filters)
    return [d for d in documents if d.doc_id in allowed]


def browse(documents: Sequence[Document], filters: Filters, query: str) -> list[Document]:
    """What the collection panel lists: the reports the filters admit that match the search, sorted by
    area then date (``by_area_then_date``)."""
    return by_area_then_date(search_documents(filtered(documents, filters), query))


def listed_ids(documents: Sequence[Document], filters: Filters, query: str, limit: int) -> list[str] | str:
    """The ids of the reports the panel lists, to ask about only those; or, when none or more than ``limit``
    are listed, a message saying what to do."""
    shown = browse(documents, filters, query)
    if not shown:
        return "No report is listed: change the search or the filters first."
    if len(shown) > limit:
        return f"{len(shown)} reports are listed: narrow the list to {limit} or fewer first (search or filter)."
    return [d.doc_id for d in shown]


def count_line(shown: int, total: int, query: str = "", narrowed: bool = False) -> str:
    """The sentence above the list: how many of the collection's reports it shows, and why.

    Example:
        >>> count_line(12, 500, "ofsted"), count_line(500, 500)
        ('Showing 12 of 500 reports, matching “ofsted”.', 'Showing all 500 reports.')
        >>> count_line(0, 500, "sw", narrowed=True)
        'No report matching “sw” within the filters: try fewer words or clear some filters.'
    """
    why = []
    if query.strip():
        why.append(f"matching “{' '.join(query.split())}”")
    if narrowed:
        why.append("within the filters")
    if shown == 0:
        return f"No report {' '.join(why)}: try fewer words or clear some filters." if why else "No reports."
    plural = "s" if total != 1 else ""
    if shown == total and not why:
        return f"Showing all {total} report{plural}."
    return f"Showing {shown} of {total} report{plural}{', ' + ' '.join(why) if why else ''}."


def filter_summary(matching: int, total: int) -> str:
    """The line under the filters: how many reports a question will search.

    Example:
        >>> filter_summary(500, 500), filter_summary(12, 500)
        ('Questions search all 500 reports.', 'Questions search 12 of 500 reports.')
        >>> filter_summary(0, 500)
        'No report matches these filters: clear some of them.'
    """
    if matching == 0:
        return "No report matches these filters: clear some of them."
    if matching == total:
        return f"Questions search all {total} report{'s' if total != 1 else ''}."
    return f"Questions search {matching} of {total} reports."


def facet_choices(documents: Iterable[Document]) -> dict[str, list[str]]:
    """The filters' choices, from the documents' own metadata: ``areas``, ``publishers`` and ``kinds``, each
    once (the first spelling met), sorted A to Z without regard to case."""
    seen: dict[str, dict[str, str]] = {"areas": {}, "publishers": {}, "kinds": {}}
    for d in documents:
        for facet, value in (("areas", d.area), ("publishers", d.publisher), ("kinds", d.kind)):
            if value and value.strip():
                seen[facet].setdefault(value.casefold(), value)
    return {facet: sorted(values.values(), key=str.casefold) for facet, values in seen.items()}


def document_label(doc: Document) -> str:
    """How a document is offered in the reports filter: ``"4 December 2020 · Ofsted: Focused visit to ..."``,
    with its area in brackets when the title does not name it (so typing an area finds its reports)."""
    label = f"{human_date(doc.date)} · {doc.publisher}: {doc.title}"
    if doc.area and normalise(doc.area) not in normalise(label):
        label += f" ({doc.area})"
    return label


def report_choices(
    documents: Sequence[Document], filters: Filters, selected: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """The reports filter's ``(label, doc_id)`` choices: the reports the *other* filters admit (area,
    publisher, kind, years), sorted by area then date, plus any already ``selected`` (a choice is never
    taken from under a person's selection)."""
    others = Filters(publishers=filters.publishers, kinds=filters.kinds, areas=filters.areas,
                     date_from=filters.date_from, date_to=filters.date_to)
    keep = {d.doc_id for d in filtered(documents, others)} | set(selected)
    return [(document_label(d), d.doc_id) for d in by_area_then_date(documents) if d.doc_id in keep]


def year_choices(documents: Iterable[Document]) -> list[tuple[str, str]]:
    """Year options for the date range: "Any year" and every year from the oldest report to the newest."""
    years = sorted({int(d.date[:4]) for d in documents if d.date})
    span = range(years[0], years[-1] + 1) if years else range(0)
    return [("Any year", "")] + [(str(y), str(y)) for y in span]
