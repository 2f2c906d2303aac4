"""PDF characters grouped into lines: one pass over a page's ``chars``, superscript markers taken out.

Lines are grouped by *baseline* (read from each character's text matrix), so a bullet glyph in a larger
font sits on its line while a raised footnote marker ("improve?¹") forms a group of its own a few points
higher; such raised groups of small digits are dropped, and raised small letters ("1st") are put back into
the line they belong to. Everything here is pure: character dicts in, ``PdfLine`` out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Char = Mapping[str, Any]

_BOLD_MARKS = ("bold", "black", "heavy", "semibold", "demi")
_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "\u00a0": " ", "\u00ad": "-"}
_BASELINE_TOLERANCE = 1.5  # points: characters of one line share a baseline to within rounding
_SPACE_GAP = 0.2  # a gap wider than this share of the font size is a space between words


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


def is_bold(fontname: str) -> bool:
    """Whether a font name names a bold face ("ABCDEF+Tahoma-Bold", "Tahoma,Bold", "Arial-BoldMT")."""
    name = fontname.split("+")[-1].lower()
    return any(mark in name for mark in _BOLD_MARKS)


def _baseline(char: Char) -> float:
    # pdfplumber's "bottom" is top-left; the matrix's y offset is the baseline in PDF space (y up).
    matrix = char.get("matrix")
    if matrix is None:
        return float(char["bottom"])
    return float(char["bottom"]) - (float(matrix[5]) - float(char["y0"]))


def _groups(chars: Iterable[Char]) -> list[_Group]:
    """Visible upright characters clustered by baseline, top to bottom."""
    keyed = sorted(
        ((_baseline(c), c) for c in chars if c.get("upright", True)),
        key=lambda item: item[0],
    )
    groups: list[_Group] = []
    for base, char in keyed:
        if groups and base - groups[-1].baseline <= _BASELINE_TOLERANCE:
            groups[-1].chars.append(char)
        else:
            groups.append(_Group(base, [char]))
    return groups


def _visible(chars: Sequence[Char]) -> list[Char]:
    return [c for c in chars if not str(c["text"]).isspace()]


def _size(chars: Sequence[Char]) -> float:
    counts = Counter(round(float(c["size"]), 1) for c in _visible(chars) or chars)
    return counts.most_common(1)[0][0]


def _raised_into(small: _Group, groups: list[_Group]) -> _Group | None:
    """The line a group of small characters is a superscript of, if it is one."""
    visible = _visible(small.chars)
    if not visible:
        return None
    size = max(float(c["size"]) for c in visible)
    x0 = min(float(c["x0"]) for c in visible)
    x1 = max(float(c["x1"]) for c in visible)
    for other in groups:
        if other is small:
            continue
        other_size = _size(other.chars)
        rise = other.baseline - small.baseline
        if not (0.5 < rise <= 0.8 * other_size and size <= 0.9 * other_size):
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
        text = str(char["text"])
        if text.isspace():
            spaced = True
            continue
        if prev is not None:
            gap = float(char["x0"]) - float(prev["x1"])
            if spaced or gap > _SPACE_GAP * max(float(char["size"]), float(prev["size"])):
                out.append(" ")
        out.append(_LIGATURES.get(text, text))
        prev, spaced = char, False
    return "".join(out)


def _dedupe(chars: list[Char]) -> list[Char]:
    """Characters sorted left to right, without the overprinted copies some PDFs use for fake bold."""
    chars.sort(key=lambda c: float(c["x0"]))
    out: list[Char] = []
    for char in chars:
        if out and char["text"] == out[-1]["text"] and abs(float(char["x0"]) - float(out[-1]["x0"])) < 0.5:
            continue
        out.append(char)
    return out


def page_lines(chars: Iterable[Char], page: int) -> list[PdfLine]:
    """The printed lines of one page (or of a part of it), top to bottom, superscript markers removed.

    Example:
        >>> c = lambda t, x, base, size=12.0: {"text": t, "x0": x, "x1": x + 6, "top": base - size,
        ...     "bottom": base, "y0": 0.0, "matrix": (1, 0, 0, 1, x, 0.0), "size": size, "fontname": "Tahoma"}
        >>> [ln.text for ln in page_lines([c("A", 0, 100), c("b", 6, 100), c("1", 12, 96, 6.5)], 1)]
        ['Ab']
    """
    groups = _groups(chars)
    markers: dict[int, list[float]] = {}
    kept: list[_Group] = []
    for group in groups:
        host = _raised_into(group, groups) if len(_visible(group.chars)) <= 6 else None
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
        x0 = min(float(c["x0"]) for c in chars_)
        letters = [c for c in chars_ if str(c["text"]).isalpha()] or chars_
        bold_share = sum(is_bold(str(c["fontname"])) for c in letters) / len(letters)
        lines.append(
            PdfLine(
                page=page,
                x0=x0,
                top=min(float(c["top"]) for c in chars_),
                x1=max(float(c["x1"]) for c in chars_),
                bottom=max(float(c["bottom"]) for c in chars_),
                baseline=group.baseline,
                text=text,
                size=_size(chars_),
                bold=bold_share >= 0.75,
                marked=any(m <= x0 + 2 for m in markers.get(id(group), ())),
            )
        )
    return lines
