"""Page lines turned into the report's own text: running headers, footers and footnotes set aside,
paragraphs rebuilt, bullets and the judgement table normalised, every line's span and box recorded.

The rules read the layout, never the wording:

- **Running headers and footers**: lines in the top or bottom band of a page whose text, digits removed,
  recurs at about the same height on several pages (page numbers, "Inspection of X ... 10 to 14 June 2024"),
  and lone page numbers in those bands.
- **Footnotes**: the run of lines smaller than the body text at the foot of a page. They are written as
  their own paragraphs once the paragraph in progress at the end of their page has finished.
- **Paragraphs**: lines of one style with no paragraph gap between them, joined with single spaces (a
  line-end hyphen is kept and joined without a space). A page's first line continues the last paragraph
  of the page before when that did not end a sentence or the line starts in lower case.
- **Headings**: short bold or larger-than-body runs that do not end with a full stop, on a line of their own.
- **Bullets**: any private-use glyph (Wingdings) or a bullet sign becomes "- "; one item per line.
- **Table rows**: ``"{judgement}:\\t{grade}"``, one per line.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.ingest.loaders.pdf_lines import PdfLine
from assistant.ingest.loaders.pdf_table import TableRow
from assistant.types import Box, TextLine

_BAND = 0.13  # share of the page height at the top and the bottom where running lines sit
_SAME_HEIGHT = 3.0  # points
_BULLET_SIGNS = "•◼▪■●◦○‣⁃➢►▶✓✔\uf0b7\uf0a7\uf06e\uf0d8\uf076\uf0fc"
_NUMBERED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*\.|\d{1,3}(?:\.\d{1,3})+)\s+\S")
_PAGE_NUMBER = re.compile(r"(?:page\s*)?\d+(?:\s*(?:of|/)\s*\d+)?|[ivxlc]+", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?:;][\"'”’)\]]*$")
_NOTE_NUMBER = re.compile(r"^\d{1,3}\s+(?=\S)")
_SUSPENDED = {"and", "or", "to"}  # "16- to 17-year-olds": the hyphen is followed by a space


@dataclass(frozen=True)
class PageContent:
    """What one page holds once its characters are grouped: its lines and judgement-table rows."""

    number: int
    height: float
    lines: tuple[PdfLine, ...]
    rows: tuple[TableRow, ...] = ()


@dataclass
class _Para:
    kind: str  # "heading" | "text" | "numbered" | "bullet" | "row" | "note"
    lines: list[PdfLine] = field(default_factory=list)
    row: TableRow | None = None

    @property
    def last_text(self) -> str:
        return self.lines[-1].text if self.lines else ""


def body_size(pages: Sequence[PageContent]) -> float:
    """The font size most of the text is set in (weighted by characters)."""
    counts: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            counts[line.size] += len(line.text)
    return counts.most_common(1)[0][0] if counts else 12.0


def _key(text: str) -> str:
    return " ".join(re.sub(r"\d+", " ", text.lower()).split())


def _in_band(line: PdfLine, height: float) -> bool:
    return line.bottom <= _BAND * height or line.top >= (1 - _BAND) * height


def drop_running_lines(pages: Sequence[PageContent]) -> list[PageContent]:
    """Pages without their running headers, footers and page numbers (found by position and recurrence)."""
    seen: dict[str, list[tuple[int, float]]] = {}
    for page in pages:
        for line in page.lines:
            if _in_band(line, page.height):
                seen.setdefault(_key(line.text), []).append((page.number, line.baseline))
    need = 2 if len(pages) <= 4 else max(3, math.ceil(0.25 * len(pages)))

    def running(page: PageContent, line: PdfLine) -> bool:
        if not _in_band(line, page.height):
            return False
        if _PAGE_NUMBER.fullmatch(line.text.strip()):
            return True
        places = seen.get(_key(line.text), [])
        pages_here = {p for p, base in places if abs(base - line.baseline) <= _SAME_HEIGHT}
        return len(pages_here) >= need

    return [
        PageContent(p.number, p.height, tuple(ln for ln in p.lines if not running(p, ln)), p.rows) for p in pages
    ]


def split_footnotes(page: PageContent, size: float) -> tuple[list[PdfLine], list[list[PdfLine]]]:
    """A page's body lines and its footnotes (each a list of lines): the small-type run at the page foot."""
    lines = list(page.lines)
    cut = len(lines)
    while cut > 0 and lines[cut - 1].size <= 0.9 * size and lines[cut - 1].top >= 0.5 * page.height:
        cut -= 1
    if cut == 0 or cut == len(lines) or (page.rows and max(r.top for r in page.rows) > lines[cut].top):
        return lines, []
    notes: list[list[PdfLine]] = []
    marker = False
    for line in lines[cut:]:
        if line.text.isdigit():  # a footnote's number set on a line of its own: the start of a note
            marker = True
            continue
        gap = line.top - notes[-1][-1].bottom if notes else 0.0
        numbered = bool(_NOTE_NUMBER.match(line.text)) and bool(notes and _TERMINAL.search(notes[-1][-1].text))
        if not notes or marker or line.marked or gap > 0.5 * line.size or numbered:
            notes.append([line])
            marker = False
        else:
            notes[-1].append(line)
    return lines[:cut], notes


def _is_bullet(text: str) -> bool:
    first = text[:1]
    return bool(first) and (first in _BULLET_SIGNS or "\ue000" <= first <= "\uf8ff")


def _strip_bullet(text: str) -> str:
    return text[1:].lstrip()


class _Writer:
    """Accumulates the output text and one ``TextLine`` per printed line or cell line."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.lines: list[TextLine] = []
        self.headings: list[int] = []  # where each heading line starts in the text
        self.prev_kind: str | None = None

    def _put(self, text: str, line: PdfLine | None = None) -> None:
        if line is not None and text.strip():
            box = Box(line.page, line.x0, line.top, line.x1, line.bottom)
            self.lines.append(TextLine(self.length, self.length + len(text), line.page, box))
        self.parts.append(text)
        self.length += len(text)

    def _separate(self, kind: str) -> None:
        if self.prev_kind is None:
            return
        together = kind == self.prev_kind and kind in ("bullet", "row")
        self._put("\n" if together else "\n\n")

    def _flow(self, lines: Sequence[PdfLine], texts: Sequence[str]) -> None:
        """Printed lines joined into one text line: single spaces, line-end hyphens kept and closed up."""
        prev = ""
        for i, (line, text) in enumerate(zip(lines, texts, strict=True)):
            if i:
                next_word = text.split(" ", 1)[0].lower()
                closed = prev.endswith("-") and len(prev) > 1 and prev[-2].isalnum() and next_word not in _SUSPENDED
                if not closed:
                    self._put(" ")
            self._put(text, line)
            prev = text

    def paragraph(self, para: _Para) -> None:
        if para.kind == "row" and para.row is not None:
            self._row(para.row)
            return
        self._separate(para.kind)
        if para.kind == "heading":
            self.headings.append(self.length)
        texts = [ln.text for ln in para.lines]
        if para.kind == "note":  # a footnote's own number, when printed on the baseline, is its marker
            texts[0] = _NOTE_NUMBER.sub("", texts[0]) or texts[0]
        if para.kind == "bullet":
            texts[0] = "- " + (_strip_bullet(texts[0]) if _is_bullet(texts[0]) else texts[0])
        self._flow(para.lines, texts)
        self.prev_kind = para.kind

    def _row(self, row: TableRow) -> None:
        self._separate("row")
        judgement = [ln.text for ln in row.judgement]
        if not judgement[-1].endswith(":"):
            judgement[-1] += ":"
        self._flow(row.judgement, judgement)
        self._put("\t")
        self._flow(row.grade, [ln.text for ln in row.grade])
        self.prev_kind = "row"

    def text(self) -> str:
        return "".join(self.parts) + ("\n" if self.parts else "")


def _style(line: PdfLine, size: float) -> str:
    return "heading" if line.bold or line.size >= 1.15 * size else "body"


def _starts(line: PdfLine) -> str | None:
    """The kind of paragraph a line opens by its own marks: "bullet", "numbered" or None."""
    if _is_bullet(line.text):
        return "bullet"
    if _NUMBERED.match(line.text):
        return "numbered"
    return None


_LABELLED = re.compile(r"[^:]{2,40}:\s+\S")  # "Inspection dates: 13 to 24 May 2019": a fact, not a heading


def _heading_kind(para: _Para) -> str:
    text = " ".join(ln.text for ln in para.lines)
    if len(text) > 160 or text.endswith(".") or not any(c.isalpha() for c in text) or _LABELLED.match(text):
        return "text"
    return "heading"


def _unmarked_item(line: PdfLine, para: _Para | None, unmarked_x: float | None) -> bool:
    """Whether ``line`` opens an item of a list printed without bullet signs: indented under a lead-in
    ending with ":" ("Of this number:" / "26 live in residential homes") or deeper than a bullet's text, or
    level with such items."""
    if para is None or para.kind not in ("text", "numbered", "bullet"):
        return False
    if unmarked_x is not None and abs(line.x0 - unmarked_x) <= 2:
        return True
    if para.kind == "bullet":  # sub-items sit deeper than the bullet's own text
        return line.x0 > max(para.lines[-1].x0, para.lines[0].x0 + 20) + 3
    return para.last_text.endswith(":") and line.x0 > para.lines[-1].x0 + 3


def compose(pages: Sequence[PageContent]) -> tuple[str, tuple[TextLine, ...], tuple[int, ...]]:
    """The document's text, its lines and where its headings start, from its pages (see the module
    docstring for the rules)."""
    size = body_size(pages)
    writer = _Writer()
    pending: list[list[PdfLine]] = []
    para: _Para | None = None
    para_style = ""

    def close(next_kind: str | None = None) -> None:
        nonlocal para
        closing = para.kind if para is not None else None
        if para is not None:
            if para.kind == "heading":
                para.kind = _heading_kind(para)
            writer.paragraph(para)
            para = None
        if closing is not None and closing == next_kind and closing in ("bullet", "row"):
            return  # a list or table crossing a page break stays whole; its footnotes follow it
        for note in pending:
            writer.paragraph(_Para("note", note))
        pending.clear()

    for page in drop_running_lines(pages):
        body, notes = split_footnotes(page, size)
        items: list[PdfLine | TableRow] = [*body, *page.rows]
        items.sort(key=lambda item: item.top)
        first_on_page = True
        prev_line: PdfLine | None = None
        unmarked_x: float | None = None  # left edge of the items of a list printed without bullet signs
        for item in items:
            if isinstance(item, TableRow):
                close("row")
                writer.paragraph(_Para("row", row=item))
                prev_line, first_on_page = None, False
                continue
            line = item
            style = _style(line, size)
            opens = _starts(line)
            # A number indented like the paragraph's own text ("... a rate of / 46.2 per") continues it.
            if (
                opens == "numbered"
                and para is not None
                and para.kind in ("text", "numbered", "bullet")
                and line.x0 > para.lines[0].x0 + 3
            ):
                opens = None
            same_look = style == para_style and para is not None and abs(line.size - para.lines[-1].size) <= 1
            list_item = opens is None and style == "body" and _unmarked_item(line, para, unmarked_x)
            if para is not None and opens is None and same_look and para.kind not in ("row", "note"):
                if first_on_page:
                    carry = not list_item and para.kind != "heading" and (
                        not _TERMINAL.search(para.last_text) or line.text[:1].islower()
                    )
                else:
                    assert prev_line is not None
                    gap = line.top - prev_line.bottom
                    carry = 0 <= gap <= 0.45 * max(line.size, prev_line.size) or (
                        -0.5 * line.size <= gap < 0 and line.x0 >= para.lines[-1].x0 - 1
                    )
                # "there have been:" / "75 adoptions;" / "11 children became ...;": the figures of a list
                # written as one sentence continue it (and must not read as paragraph numbers).
                carry = carry or (not list_item and line.text[:1].isdigit() and para.last_text[-1:] in ";:,")
                if carry:
                    para.lines.append(line)
                    prev_line, first_on_page = line, False
                    continue
            kind = opens or ("bullet" if list_item else "heading" if style == "heading" else "text")
            unmarked_x = (unmarked_x or line.x0) if list_item else None
            close(kind)
            para = _Para(kind, [line])
            para_style = style
            prev_line, first_on_page = line, False
        pending.extend(notes)
    close()
    return writer.text(), tuple(writer.lines), tuple(writer.headings)

