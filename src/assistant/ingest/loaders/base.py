"""The loader seam: what every format's loader returns, and the error that skips a file.

A loader turns one file's bytes into ``LoadedText``: the text every character span in the project points
into, the lines of that text as they sat on the pages (for formats with pages), and whatever metadata the
file itself states (title, date, publisher, area). Loaders are pure functions of the bytes: no catalogue, no
settings, no index.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from assistant.types import TextLine


class SkipFile(Exception):  # noqa: N818 - a signal, not a failure of the program
    """The file cannot be indexed; ``reason`` says why in words for a person ("it is password-protected")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class LoadedText:
    """One file's text, the page lines behind it and the metadata it states about itself.

    ``lines`` is empty for formats without pages; otherwise every non-blank stretch of ``text`` lies in
    exactly one line's ``char_start:char_end`` (in text order), and each line knows its page and box.
    ``meta`` holds only what the file states: keys among ``title``, ``date`` (ISO), ``publisher`` and
    ``area`` (the council or area the report is about).
    """

    text: str
    lines: tuple[TextLine, ...] = ()
    meta: Mapping[str, str] = field(default_factory=dict)
    page_count: int | None = None
    headings: tuple[int, ...] = ()
    """Offsets in ``text`` of the lines the file marks as headings (by style or font), whatever their
    wording: "What needs to improve?" is a heading in a report even though it ends in a question mark."""


def render_blocks(blocks: Iterable[tuple[str, str]]) -> tuple[str, tuple[int, ...]]:
    """Join ``(kind, text)`` blocks into the splitter's layout, and the offsets of the heading lines.

    Blank lines go around headings and between paragraphs; the items of a list and the rows of a table
    sit on consecutive lines. A ``"break"`` block ends a run (two tables in a row stay apart).

    Example:
        >>> render_blocks([("heading", "Findings"), ("para", "Good."), ("item", "- a"), ("item", "- b")])
        ('Findings\\n\\nGood.\\n\\n- a\\n- b\\n', (0,))
    """
    out: list[str] = []
    headings: list[int] = []
    size = 0
    prev: str | None = None
    for kind, text in blocks:
        if kind == "break":
            prev = kind if prev is not None else None
            continue
        if prev is not None:
            together = kind == prev and kind in ("item", "row")
            sep = "\n" if together else "\n\n"
            out.append(sep)
            size += len(sep)
        if kind == "heading":
            headings.append(size)
        out.append(text)
        size += len(text)
        prev = kind
    return ("".join(out) + "\n" if out else ""), tuple(headings)


class Loader(Protocol):
    """One document format. ``sniff`` looks at the first bytes only; ``load`` raises ``SkipFile``."""

    format: str
    """Short name of the format: "text", "pdf", "docx", "html"."""
    suffixes: tuple[str, ...]
    """File name endings this format is published under (lower case, with the dot)."""

    def sniff(self, head: bytes) -> bool:
        """Whether the file's first bytes (up to 8 KiB) are of this format."""
        ...

    def load(self, raw: bytes, name: str) -> LoadedText:
        """The file's text, lines and metadata. Raises ``SkipFile`` when it cannot be read."""
        ...
