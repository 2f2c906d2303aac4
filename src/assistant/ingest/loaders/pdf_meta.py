"""What a PDF report states about itself: title, date, publisher and area, read with general patterns.

Nothing here names a council, a place or a document; the rules are:

- ``title``: the title block at the top of page 1 (the lines set larger than the body text, stopping at the
  first "Label: value" line such as "Inspection dates: ..."); runs of one size are joined with spaces and
  runs of different sizes with ": " ("London Borough of X: Inspection of children's social care services").
  When page 1 has no such block, the metadata Title, if it reads like a title (several words, not "draft",
  not a file name).
- ``date``: a publication date stated on page 1 ("Report published: 7 July 2017"); otherwise the last day of
  the inspection dates ("Inspection dates: 3 to 7 November 2025" -> 2025-11-07); "YYYY-MM" when only a
  month is given.
- ``publisher``: only when stated: the metadata Author when it is an organisation's name (has a word such as
  Office, Council or Department, or is an acronym), else a sentence on page 1 or the last page of the form
  "<Name> produces/publishes/has published this report" (within one line), else the short name an
  organisation gives itself in brackets ("The Office for ... (Ofsted) regulates ...") when it is also the name
  in the publication's own web address or contact e-mail ("available at .../organisations/ofsted").
- ``kind``: the kind of report its title opens with ("Inspection of ..." -> "inspection report", "Focused
  visit to ..." -> "focused visit letter", "Monitoring visit ..." -> "monitoring visit letter").
- ``area``: from the title: "Inspection of X local authority children's services", "Focused visit to X
  children's services", "Inspection of X" (when X is a name, not "services for ..." or "local authority
  children's services"); otherwise the title
  block's first run when it is a name rather than the kind of report (the older reports put the council,
  "London Borough of X", above "Inspection of services for children in need of help ...").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.ingest.loaders.pdf_lines import PdfLine

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december"),
        start=1,
    )
}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_DAY_MONTH_YEAR = re.compile(rf"(?:(\d{{1,2}})\s+)?{_MONTH}\s+(\d{{4}})", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_LABEL = re.compile(r"^[A-Z][A-Za-z’' ]{2,40}:(?:\s|$)")
_PUBLISHED = re.compile(r"\bpublished:?\s+(.{0,60})", re.IGNORECASE)
_INSPECTED = re.compile(r"\b(?:inspection|visit) dates?:?\s+(.{0,120})", re.IGNORECASE)
_REPORT_KIND = re.compile(
    r"^(?:(?:Re-?)?inspection|Focused visit|Monitoring visit|Joint targeted area inspection|Review|and)\b",
    re.IGNORECASE,
)
_AREA_IN_TITLE = re.compile(
    r"\b(?:(?:Re-?)?inspection|Focused visit|Monitoring visit)\s+(?:of|to)\s+"
    r"(?!services\b|children|looked\b|local authority\b)"
    r"(?P<area>[A-Z].+?)(?:\s+local authority)?(?:\s+children[’']s services|$)",
    re.IGNORECASE,
)
_SHORT_NAME = re.compile(r"\(([A-Z][A-Za-z]{2,15})\)")
_OWN_ADDRESS = re.compile(r"available at\s+\S*/([A-Za-z]{3,16})\b/?\.?(?:\s|$)|@([A-Za-z]{3,16})\.", re.IGNORECASE)
_KIND_OF_TITLE = (
    (re.compile(r"\bfocused visit\b", re.IGNORECASE), "focused visit letter"),
    (re.compile(r"\bmonitoring visit\b", re.IGNORECASE), "monitoring visit letter"),
    (re.compile(r"\bjoint targeted area inspection\b", re.IGNORECASE), "joint targeted area inspection letter"),
    (re.compile(r"\b(?:re-?)?inspection\b", re.IGNORECASE), "inspection report"),
)
_ORGANISATION = re.compile(
    r"\b(?:Office|Council|Department|Agency|Inspectorate|Commission|Authority|Ministry|Trust|Board|Ltd|Limited)\b"
)
_STATES_PUBLISHER = re.compile(
    r"\b(?P<name>(?:[A-Z][\w’'-]+)(?:\s+(?:of|for|and|the|[A-Z][\w’'-]+))*)\s+"
    r"(?:produces|publishes|has published|has produced)\s+this\s+(?:report|publication)"
)


def _iso(day: str | None, month: str, year: str) -> str:
    mm = _MONTHS[month.lower()]
    return f"{year}-{mm:02d}-{int(day):02d}" if day else f"{year}-{mm:02d}"


def stated_date(page_text: str) -> str | None:
    """The publication date stated on page 1, else the last day of the inspection dates (ISO).

    Example:
        >>> stated_date("Inspection dates: 3 to 7 November 2025\\nLead inspector: A B")
        '2025-11-07'
        >>> stated_date("Inspection date: 25 April – 18 May 2017\\nReport published: 7 July 2017")
        '2017-07-07'
        >>> stated_date("Inspection date: 1/06/2015 – 25/06/2015\\nReport published: 10/08/2015")
        '2015-08-10'
    """
    for pattern in (_PUBLISHED, _INSPECTED):
        for match in pattern.finditer(page_text):
            found = _last_date(match.group(1))
            if found:
                return found
    return None


def _last_date(text: str) -> str | None:
    """The last date written in ``text``, "7 July 2017" or (day first, as in UK reports) "25/11/2016"."""
    named = list(_DAY_MONTH_YEAR.finditer(text))
    numeric = list(_NUMERIC_DATE.finditer(text))
    last_named = named[-1] if named else None
    last_numeric = numeric[-1] if numeric else None
    if last_numeric and (last_named is None or last_numeric.start() > last_named.start()):
        day, month, year = (int(g) for g in last_numeric.groups())
        return f"{year}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None
    if last_named:
        day_, month_, year_ = last_named.groups()
        return _iso(day_, month_, year_)
    return None


def title_block(lines: Sequence[PdfLine], body_size: float) -> list[list[PdfLine]]:
    """The title lines at the top of page 1, in runs of one font size."""
    runs: list[list[PdfLine]] = []
    for line in lines:
        if line.size < 1.1 * body_size or _LABEL.match(line.text):
            break
        if runs and abs(runs[-1][-1].size - line.size) < 0.5:
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs


def _run_text(run: Sequence[PdfLine]) -> str:
    return " ".join(line.text for line in run)


def _usable_title(title: str) -> bool:
    return len(title.split()) >= 3 and "draft" not in title.lower() and not re.search(r"\.docx?$|^Microsoft", title)


def stated_area(runs: Sequence[Sequence[PdfLine]]) -> str | None:
    """The council or area a report is about, read from its title block (rule in the module docstring).

    Example:
        >>> from assistant.ingest.loaders.pdf_lines import PdfLine
        >>> run = lambda t, s: [PdfLine(1, 0, 0, 1, 1, 1, t, s, False)]
        >>> stated_area([run("Inspection of Barnet local authority children’s services", 26)])
        'Barnet'
        >>> stated_area([run("London Borough of Barnet", 26), run("Inspection of children’s social care services", 16)])
        'London Borough of Barnet'
    """
    joined = " ".join(_run_text(run) for run in runs)
    match = _AREA_IN_TITLE.search(joined)
    if match:
        return match.group("area").strip(" ,:")
    for run in runs:
        text = _run_text(run)
        if not _REPORT_KIND.match(text) and not _LABEL.match(text) and len(text.split()) <= 8:
            return text
    return None


def stated_publisher(meta: Mapping[str, Any], texts: Sequence[str]) -> str | None:
    """The publisher when the document names it (metadata Author of an organisation, or a sentence)."""
    author = str(meta.get("Author") or "").strip()
    if author and (_ORGANISATION.search(author) or re.fullmatch(r"[A-Z]{3,}", author)):
        return author
    for text in texts:
        for line in text.splitlines():  # a name never runs on from the line before ("Good" + "Ofsted ...")
            match = _STATES_PUBLISHER.search(" ".join(line.split()))
            if match:
                return match.group("name")
    joined = "\n".join(texts)
    own = {(a or b).lower() for a, b in _OWN_ADDRESS.findall(joined)}
    for name in _SHORT_NAME.findall(joined):
        if name.lower() in own:
            return name
    return None


def stated_kind(title: str) -> str | None:
    """The kind of report a title names, from the words it opens with.

    Example:
        >>> stated_kind("Focused visit to Kent children’s services"), stated_kind("Barnet: Inspection of ...")
        ('focused visit letter', 'inspection report')
    """
    for pattern, kind in _KIND_OF_TITLE:
        if pattern.search(title):
            return kind
    return None


def read_meta(meta: Mapping[str, Any], first: Sequence[PdfLine], last_text: str, body_size: float) -> dict[str, str]:
    """The ``meta`` of ``LoadedText``: only the keys the document gives a value for."""
    runs = title_block(first, body_size)
    first_text = "\n".join(line.text for line in first)
    out: dict[str, str] = {}
    title = ": ".join(_run_text(run) for run in runs)
    meta_title = str(meta.get("Title") or "").strip()
    if title:
        out["title"] = title
    elif _usable_title(meta_title):
        out["title"] = meta_title
    date = stated_date(first_text)
    if date:
        out["date"] = date
    publisher = stated_publisher(meta, (first_text, last_text))
    if publisher:
        out["publisher"] = publisher
    area = stated_area(runs)
    if area:
        out["area"] = area
    kind = stated_kind(out.get("title", ""))
    if kind:
        out["kind"] = kind
    return out
