"""PDF characters grouped into lines: one pass over a page's ``chars``, superscript markers taken out.

Lines are grouped by *baseline* (read from each character's text matrix), so a bullet glyph in a larger
font sits on its line while a raised footnote marker ("improve?¹") forms a group of its own a few points
higher; such raised groups of small digits are dropped, and raised small letters ("1st") are put back into
the line they belong to. Everything here is pure: character records (``pdf_chars``) in, ``PdfLine`` out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any

Char = Mapping[str, Any]

_BOLD_MARKS = ("bold", "black", "heavy", "semibold", "demi")
_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "\u00a0": " ", "\u00ad": "-"}
_BASELINE_TOLERANCE = 1.5  # points: characters of one line share a baseline to within rounding
_SPACE_GAP = 0.2  # a gap wider than this share of the font size is a space between words
_X0, _X1, _TOP, _BOTTOM, _FONTNAME = (itemgetter(k) for k in ("x0", "x1", "top", "bottom", "fontname"))


@dataclass(frozen=True)
class PdfLine:
    """One line of a page as printed: its text (words joined by single spaces), box and dominant font.

    ``marked`` says a raised footnote marker was removed just before the line's first character (the start
    of a footnote).
    """

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    baseline: float
    text: str
    size: float
    bold: bool
    marked: bool = False


@dataclass
class _Group:
    baseline: float
    chars: list[Char]


@lru_cache(maxsize=1024)  # a report uses a handful of fonts; this runs for every letter
def is_bold(fontname: str) -> bool:
    """Whether a font name names a bold face ("ABCDEF+Tahoma-Bold", "Tahoma,Bold", "Arial-BoldMT")."""
    name = fontname.split("+")[-1].lower()
    return any(mark in name for mark in _BOLD_MARKS)


def _groups(chars: Iterable[Char]) -> list[_Group]:
    """Visible upright characters clustered by baseline, top to bottom."""
    groups: list[_Group] = []
    last: _Group | None = None
    for char in sorted((c for c in chars if c.get("upright", True)), key=itemgetter("baseline")):
        base = char["baseline"]
        if last is not None and base - last.baseline <= _BASELINE_TOLERANCE:
            last.chars.append(char)
        else:
            last = _Group(base, [char])
            groups.append(last)
    return groups


def _visible(chars: Sequence[Char]) -> list[Char]:
    return [c for c in chars if not c["text"].isspace()]


def _size(chars: Sequence[Char]) -> float:
    """The most common size (to 0.1 pt) of the visible characters; the first seen of equally common ones."""
    raw = Counter(c["size"] for c in _visible(chars) or chars)  # counted raw, then rounded: far fewer rounds
    counts: Counter[float] = Counter()
    for size, n in raw.items():
        counts[round(size, 1)] += n
    return counts.most_common(1)[0][0]


def _raised_into(small: _Group, groups: list[_Group], largest: float) -> _Group | None:
    """The line a group of small characters is a superscript of, if it is one (``largest``: a bound on any
    line's size on the page)."""
    visible = _visible(small.chars)
    if not visible:
        return None
    size = max(float(c["size"]) for c in visible)
    x0 = min(float(c["x0"]) for c in visible)
    x1 = max(float(c["x1"]) for c in visible)
    for other in groups:
        rise = other.baseline - small.baseline
        # The cheap half of the test first: the line's size is only counted for lines close enough below.
        if other is small or not 0.5 < rise <= 0.8 * largest:
            continue
        other_size = _size(other.chars)
        if not (rise <= 0.8 * other_size and size <= 0.9 * other_size):
            continue
        seen = _visible(other.chars) or other.chars
        ox0 = min(float(c["x0"]) for c in seen)
        ox1 = max(float(c["x1"]) for c in seen)
        if x1 >= ox0 - other_size and x0 <= ox1 + other_size:
            return other
    return None


def _is_marker(text: str) -> bool:
    """Footnote markers: digits (and separators), asterisks, daggers."""
    return all(ch.isdigit() or ch in ",*†‡–-" for ch in text) and any(ch != "," for ch in text)


def _text(chars: Sequence[Char]) -> str:
    out: list[str] = []
    prev: Char | None = None
    spaced = False  # a space or tab character printed since the last visible one ("82.<tab>Since")
    for char in chars:
        text: str = char["text"]
        if text.isspace():
            spaced = True
            continue
        if prev is not None:
            size, prev_size = char["size"], prev["size"]
            if spaced or char["x0"] - prev["x1"] > _SPACE_GAP * (size if size >= prev_size else prev_size):
                out.append(" ")
        out.append(_LIGATURES.get(text, text))
        prev, spaced = char, False
    return "".join(out)


def _dedupe(chars: list[Char]) -> list[Char]:
    """Characters sorted left to right, without the overprinted copies some PDFs use for fake bold."""
    chars.sort(key=itemgetter("x0"))
    out: list[Char] = []
    last: Char | None = None
    for char in chars:
        if last is not None and char["text"] == last["text"] and abs(char["x0"] - last["x0"]) < 0.5:
            continue
        out.append(char)
        last = char
    return out


def page_lines(chars: Iterable[Char], page: int) -> list[PdfLine]:
    """The printed lines of one page (or of a part of it), top to bottom, superscript markers removed.

    Example:
        >>> c = lambda t, x, base, size=12.0: {"text": t, "x0": x, "x1": x + 6, "top": base - size,
        ...     "bottom": base, "baseline": base, "size": size, "fontname": "Tahoma"}
        >>> [ln.text for ln in page_lines([c("A", 0, 100), c("b", 6, 100), c("1", 12, 96, 6.5)], 1)]
        ['Ab']
    """
    groups = _groups(chars)
    # rounding to 0.1 pt (as _size does) adds at most 0.05
    largest = max((float(c["size"]) for g in groups for c in g.chars), default=0.0) + 0.05
    markers: dict[int, list[float]] = {}
    kept: list[_Group] = []
    for group in groups:
        host = _raised_into(group, groups, largest) if len(_visible(group.chars)) <= 6 else None
        if host is None:
            kept.append(group)
            continue
        visible = _visible(group.chars)
        text = "".join(str(c["text"]) for c in visible)
        if _is_marker(text):
            markers.setdefault(id(host), []).append(max(float(c["x1"]) for c in visible))
        else:  # "1st", "2nd": raised letters belong to their words
            host.chars.extend(group.chars)
    lines: list[PdfLine] = []
    for group in kept:
        ordered = _dedupe(group.chars)
        text = _text(ordered).strip()
        chars_ = _visible(ordered)
        if not text or not chars_:
            continue
        x0 = min(map(_X0, chars_))
        letters = [c for c in chars_ if c["text"].isalpha()] or chars_
        bold_share = sum(map(is_bold, map(_FONTNAME, letters))) / len(letters)
        lines.append(
            PdfLine(
                page=page,
                x0=x0,
                top=min(map(_TOP, chars_)),
                x1=max(map(_X1, chars_)),
                bottom=max(map(_BOTTOM, chars_)),
                baseline=group.baseline,
                text=text,
                size=_size(chars_),
                bold=bold_share >= 0.75,
                marked=any(m <= x0 + 2 for m in markers.get(id(group), ())),
            )
        )
    return lines
