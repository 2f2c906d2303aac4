"""Small pure text helpers shared by the pipeline and the evaluation."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "′": "'"})
_DASHES = re.compile(r"[‐‑‒–—―−]")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Fold the differences that conversion from PDF/HTML leaves in text.

    Curly quotes become straight, every dash becomes ``-``, runs of whitespace become one space,
    and the result is lower-cased and stripped. Used to compare quotes with the corpus, never to
    build the text a user sees (quotes shown to users are always the corpus's own characters).

    Example:
        >>> normalise("The ‘Children  First’ plan – 2019")
        "the 'children first' plan - 2019"
    """
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _DASHES.sub("-", text)
    return _SPACE.sub(" ", text).strip().lower()


def either(words: Sequence[str]) -> str:
    """Each word once, in order, joined with "or".

    >>> either(["Surrey"]), either(["Surrey", "Kent", "Surrey", "2025"])
    ('Surrey', 'Surrey, Kent or 2025')
    """
    words = list(dict.fromkeys(words))
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


#: The months, in order: shared by date rendering and the date patterns.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def human_date(iso: str | None) -> str:
    """"2020-12-04" -> "4 December 2020"; "2019-07" -> "July 2019"; None -> "undated"."""
    if not iso:
        return "undated"
    parts = iso.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    return f"{int(parts[2])} {month} {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


def subject_of(areas: Iterable[str | None]) -> str:
    """What a set of reports is about, named from their own areas (never from code): the one or two areas,
    or how many there are.

    Example:
        >>> subject_of(["West Sussex", "West Sussex", None]), subject_of(["Kent", "Barnet"]), subject_of([])
        ("West Sussex children's services", "Barnet and Kent children's services", "children's services")
        >>> subject_of(["Kent", "Barnet", "Surrey"])
        "children's services in 3 areas"
    """
    named = sorted({a for a in areas if a})
    if not named:
        return "children's services"
    if len(named) <= 2:
        return f"{' and '.join(named)} children's services"
    return f"children's services in {len(named)} areas"


# Characters json.dumps leaves as they are that Python's str.splitlines (and other readers) take for a line end.
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_line(value: object, default: Callable[[Any], Any] | None = None) -> str:
    """``value`` as one line of JSON Lines: readable text kept as it is (not escaped), but every character a
    reader could take for a line end escaped, so that one record is always one line. ``default``: as for
    ``json.dumps``.

    Example:
        >>> record = {"q": "café" + chr(0x2028) + "next" + chr(0x85)}
        >>> line = json_line(record)
        >>> len(line.splitlines()), json.loads(line) == record, "café" in line
        (1, True, True)
    """
    text = json.dumps(value, ensure_ascii=False, default=default)
    return re.sub("[\x85\u2028\u2029]", lambda m: _LINE_BREAKS[m.group()], text)
