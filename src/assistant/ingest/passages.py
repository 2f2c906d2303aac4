"""Passages: documents split into citable units, and units into sentences, with exact character spans.

The splitter reads a report's layout rather than counting characters: headings set the section;
numbered paragraphs (``1.1``, ``- 2.3``, ``23.``), bullet runs and tab-separated tables (rows kept with
their header) are units; a lower-case paragraph after a page break continues the unit before it. Units
over ``max_tokens`` are cut between sentences (tables between rows), never inside one; short unnumbered
paragraphs of one section are merged. Everything here is pure: text in, spans out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from assistant.ingest.tokens import count_tokens
from assistant.text import human_date
from assistant.types import Document, Passage, Sentence

# "- 1.1 Text", "1. Text", "23. Text", "10.Staff ..." ; group 1 is the number.
_NUMBERED = re.compile(r"^\s*(?:[-*•]\s*)?(\d{1,3}(?:\.\d{1,3})*)(?:\.\s*|\s+)(?=\S)")
_BULLET = re.compile(r"^\s*(?:[-*•]\s+(?:\(?[a-z]\)\s+)?|\(?[a-z]\)\s+)(?=\S)")


def marker_length(line: str) -> int:
    """Length of the bullet marker opening ``line`` ("- ", "• ", "(a) "), 0 when it has none.

    Example:
        >>> marker_length("- Most children make good progress"), marker_length("Leaders know this.")
        (2, 0)
    """
    match = _BULLET.match(line)
    return match.end() if match else 0


_HEADING_MARKS = re.compile(r"^#{1,6}\s+|\*\*|__")
_END_PUNCT = ".!?:;,"
# A sentence ends at . ! ? (and any closing quotes/brackets) followed by space and a capital, digit,
# opening quote or bracket.
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9£])")
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "no", "nos", "cllr", "prof", "rev", "hon", "e.g", "i.e", "etc", "vs",
    "approx", "para", "paras", "fig", "vol", "inc", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec",
}
_LEADING_MARKER = re.compile(r"^(?:\s*(?:#{1,6}\s+|[-*•]\s*|\(?[a-z]\)\s+|\d{1,3}(?:\.\d{1,3})*(?:\.\s*|\s+)))+")


@dataclass(frozen=True)
class SplitterSettings:
    """What shapes passages; recorded in the index manifest so a change triggers a rebuild."""

    max_tokens: int = 200
    merge_tokens: int = 90
    version: int = 2  # 2: passages embedded with a document header


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str  # the raw line, without its newline

    @property
    def stripped(self) -> str:
        return self.text.strip()


@dataclass(frozen=True)
class _Unit:
    kind: str  # "numbered" | "bullets" | "table" | "text"
    start: int
    end: int
    section: str | None
    paragraph: str | None
    header: str | None = None  # a table's header row, when the unit is a later slice of the table


def split_document(
    doc: Document, settings: SplitterSettings = SplitterSettings(), counter: Callable[[str], int] = count_tokens
) -> tuple[list[Passage], list[Sentence]]:
    """Split a document into passages and sentences.

    Example:
        >>> from assistant.types import Document
        >>> d = Document("d", "T", "P", "k", None, "d.txt", "", "Intro\\n\\n- 1.1 First point. Second.\\n")
        >>> [(p.section, p.paragraph, p.text) for p in split_document(d)[0]]
        [('Intro', '1.1', '- 1.1 First point. Second.')]
    """
    text = doc.text
    units = _merge(_cut(list(_units(text, frozenset(doc.headings))), text, settings, counter), text, settings, counter)
    passages: list[Passage] = []
    sentences: list[Sentence] = []
    for unit in units:
        start, end = _trim(text, unit.start, unit.end)
        if start >= end:
            continue
        pid = f"{doc.doc_id}#{len(passages)}"
        passages.append(
            Passage(
                passage_id=pid,
                doc_id=doc.doc_id,
                position=len(passages),
                text=text[start:end],
                section=unit.section,
                paragraph=unit.paragraph,
                char_start=start,
                char_end=end,
            )
        )
        for s_start, s_end in sentence_spans(text, start, end):
            sentences.append(Sentence(len(sentences), pid, doc.doc_id, text[s_start:s_end], s_start, s_end))
    return passages, sentences


def embedding_text(passage: Passage, doc: Document, with_title: bool = False) -> str:
    """What is embedded and keyword-indexed for a passage: a short header naming its document (publisher,
    kind, date, and with ``with_title`` its title) and section, then its text. The header lets "what did
    the 2019 article say" or "the commissioner's view" find passages whose own words never name their
    source."""
    header = f"{doc.publisher}, {doc.kind}, {human_date(doc.date)}."
    if with_title:
        header = f"{doc.title}. {header}"
    if passage.section:
        header += f" {passage.section}."
    return f"{header}\n{passage.text}"


# ---------------------------------------------------------------------------------------------- lines


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(_Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def _is_blank(line: _Line) -> bool:
    # Conversion leaves lines holding only "-" or "*": treat them as blank.
    return line.stripped in ("", "-", "*", "•")


def _is_heading(lines: list[_Line], i: int) -> bool:
    s = lines[i].stripped
    if s.startswith("#"):
        return True
    if "\t" in s or len(s) > 100 or s[-1] in _END_PUNCT or not any(c.isalpha() for c in s):
        return False
    if _looks_like_date_line(s):
        return False
    if _BULLET.match(lines[i].text) and not _NUMBERED.match(lines[i].text):
        return False
    plain = _HEADING_MARKS.sub("", s).strip()
    if not plain or not (plain[0].isupper() or plain[0].isdigit()):
        return False
    prev_blank = i == 0 or _is_blank(lines[i - 1])
    next_blank = i + 1 >= len(lines) or _is_blank(lines[i + 1])
    following = next((ln.stripped for ln in lines[i + 1 :] if not _is_blank(ln)), "")
    # A line whose text carries on in lower case after a gap is a paragraph cut by a page break.
    return prev_blank and next_blank and not following[:1].islower()


def _heading_text(line: _Line) -> str:
    return _HEADING_MARKS.sub("", line.stripped).strip(" -")


# ---------------------------------------------------------------------------------------------- units


def _units(text: str, headings: frozenset[int] = frozenset()) -> Iterator[_Unit]:
    """Walk the lines once, yielding layout units in order. When the document's file marked its headings
    (``headings``: the offsets where they start, found by style or font), those lines and only those are
    headings, whatever their wording ("What needs to improve?"); otherwise headings are read from the
    layout (``_is_heading``)."""
    lines = _lines(text)
    section: str | None = None
    paragraph: str | None = None  # the last numbered paragraph of the section; bullets inherit it
    prev: _Unit | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if _is_blank(line):
            i += 1
            continue
        if (line.start in headings) if headings else _is_heading(lines, i):
            section, paragraph = _heading_text(line), None
            i += 1
            continue
        if "\t" in line.text:
            j = i
            while j < len(lines) and "\t" in lines[j].text:
                j += 1
            unit = _Unit("table", line.start, lines[j - 1].end, section, paragraph)
        elif (m := _NUMBERED.match(line.text)) and not _looks_like_date_line(line.stripped):
            paragraph = m.group(1).rstrip(".")
            unit = _Unit("numbered", line.start, line.end, section, paragraph)
            j = i + 1
        elif _BULLET.match(line.text):
            j = i + 1
            last = i
            while j < len(lines):
                if _is_blank(lines[j]):
                    j += 1
                    continue
                if _BULLET.match(lines[j].text) and not _NUMBERED.match(lines[j].text):
                    last = j
                    j += 1
                    continue
                break
            j = last + 1
            unit = _Unit("bullets", line.start, lines[last].end, section, paragraph)
        else:
            j = i + 1
            while j < len(lines) and not _is_blank(lines[j]) and "\t" not in lines[j].text and not (
                _NUMBERED.match(lines[j].text) or _BULLET.match(lines[j].text)
            ):
                j += 1
            unit = _Unit("text", line.start, lines[j - 1].end, section, None)
            # A paragraph that starts in lower case continues the unit before it (a page break).
            first = line.stripped[0]
            if prev is not None and first.islower() and prev.section == section:
                prev = replace(prev, end=unit.end)
                i = j
                continue
        if prev is not None:
            yield prev
        prev = unit
        i = j
    if prev is not None:
        yield prev


def _looks_like_date_line(s: str) -> bool:
    # "4 December 2020", "11 May 2023": a number that is a day, not a paragraph number.
    return bool(re.match(r"^\d{1,2}\s+[A-Z][a-z]+\s+\d{4}\b", s))


def _cut(
    units: list[_Unit], text: str, settings: SplitterSettings, counter: Callable[[str], int]
) -> list[_Unit]:
    """Cut units over the token budget: tables between rows, the rest between sentences."""
    out: list[_Unit] = []
    for unit in units:
        if counter(text[unit.start : unit.end]) <= settings.max_tokens:
            out.append(unit)
            continue
        if unit.kind == "table":
            pieces = [(ln.start, ln.end) for ln in _lines(text[unit.start : unit.end])]
            pieces = [(unit.start + a, unit.start + b) for a, b in pieces]
            header = text[pieces[0][0] : pieces[0][1]]
        else:
            pieces = sentence_spans(text, unit.start, unit.end, keep_markers=True)
            header = None
        group_start, group_end = pieces[0]
        first = True
        for a, b in pieces[1:]:
            if counter(text[group_start:b]) > settings.max_tokens:
                out.append(replace(unit, start=group_start, end=group_end, header=None if first else header))
                group_start, first = a, False
            group_end = b
        out.append(replace(unit, start=group_start, end=group_end, header=None if first else header))
    return out


def _merge(
    units: list[_Unit], text: str, settings: SplitterSettings, counter: Callable[[str], int]
) -> list[_Unit]:
    """Merge a lead-in ending in ':' with its bullet run, and short unnumbered paragraphs together."""
    out: list[_Unit] = []
    for unit in units:
        if out:
            prev = out[-1]
            joined = counter(text[prev.start : unit.end])
            same_place = prev.section == unit.section
            lead_in = (
                unit.kind == "bullets"
                and prev.kind in ("text", "numbered")
                and text[prev.start : prev.end].rstrip().endswith(":")
                and joined <= settings.max_tokens
            )
            short_text = (
                prev.kind == "text" and unit.kind == "text" and joined <= settings.merge_tokens
            )
            if same_place and (lead_in or short_text):
                out[-1] = replace(prev, end=unit.end)
                continue
        out.append(unit)
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# ------------------------------------------------------------------------------------------ sentences


def sentence_spans(text: str, start: int, end: int, keep_markers: bool = False) -> list[tuple[int, int]]:
    """Spans of the sentences in ``text[start:end]``, in document coordinates.

    Lines that are list items, table rows, headings or that end a sentence are boundaries; within a line,
    a full stop followed by a capital is one unless it ends an abbreviation or a list number. Leading
    bullet/number markers are left out of a sentence unless ``keep_markers`` (used when cutting units).
    """
    spans: list[tuple[int, int]] = []
    segment_start: int | None = None
    prev_end = start
    lines = _lines(text[start:end])
    for k, ln in enumerate(lines):
        a, b = start + ln.start, start + ln.end
        if _is_blank(ln):
            if segment_start is not None:
                spans.extend(_split_line_run(text, segment_start, prev_end, keep_markers))
                segment_start = None
            continue
        if segment_start is None:
            segment_start = a
        prev_end = b
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        stripped = ln.stripped
        boundary = (
            nxt is None
            or _is_blank(nxt)
            or "\t" in ln.text
            or "\t" in nxt.text
            or bool(_BULLET.match(nxt.text) or _NUMBERED.match(nxt.text))
            or stripped[-1] in ".!?:;\"'”’)"
        )
        if boundary:
            spans.extend(_split_line_run(text, segment_start, b, keep_markers))
            segment_start = None
    return [(a, b) for a, b in spans if b > a and any(c.isalnum() for c in text[a:b])]


def _split_line_run(text: str, start: int, end: int, keep_markers: bool) -> list[tuple[int, int]]:
    chunk = text[start:end]
    if not keep_markers:
        m = _LEADING_MARKER.match(chunk)
        if m and m.end() < len(chunk):
            start += m.end()
            chunk = text[start:end]
    spans, cursor = [], 0
    for m in _BOUNDARY.finditer(chunk):
        before = chunk[cursor : m.start() + 1]
        word = before.rsplit(None, 1)[-1].rstrip(".!?").lower() if before.split() else ""
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            continue
        if re.fullmatch(r"[-*•]?\s*\d{1,3}(\.\d{1,3})*\.?", before.strip()):
            continue  # "1. The purpose": the list number, not the end of a sentence
        cut = m.end()
        spans.append(_trim(text, start + cursor, start + cut))
        cursor = cut
    spans.append(_trim(text, start + cursor, end))
    return [s for s in spans if s[1] > s[0]]


def passages_by_id(passages: Sequence[Passage]) -> dict[str, Passage]:
    return {p.passage_id: p for p in passages}
