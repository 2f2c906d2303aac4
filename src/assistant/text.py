"""Small pure text helpers shared by the pipeline and the evaluation."""

from __future__ import annotations

import re
import unicodedata

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
