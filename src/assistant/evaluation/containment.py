"""The evaluation's containment rule: whether a passage or citation text holds an evidence quote.

Retrieval relevance and evidence recall (:mod:`assistant.evaluation.retrieval_metrics`) and citation
precision (:mod:`assistant.evaluation.citation_metrics`) all go through :func:`contains_quote`. Text is
compared through :func:`assistant.text.normalise` (NFKC, straight quotes, one kind of dash, collapsed
whitespace, lower case).

A text *contains* a quote when the normalised text contains the normalised quote, or, because chunking
can split a quote across two passages, when it contains a normalised prefix or suffix of the quote at
least 60% of the quote's length (:data:`SPLIT_QUOTE_FRACTION`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from assistant.text import normalise

#: Share of a quote's (normalised) length that a prefix or suffix must reach to count as the quote.
SPLIT_QUOTE_FRACTION = 0.6


def contains_quote(text: str, quote: str) -> bool:
    """Whether ``text`` contains ``quote`` under the evaluation's containment rule.

    Both are normalised. The text contains the quote if it contains the whole normalised quote, or a
    prefix or a suffix of it at least :data:`SPLIT_QUOTE_FRACTION` (60%) of its length, rounded up.
    The partial rule credits a quote that chunking split across two passages to the passage holding
    most of it; a quote split near its middle is credited to neither passage. An empty quote is never
    contained.

    Args:
        text: A passage or citation text.
        quote: An evidence quote.

    Returns:
        True if the text contains the quote (whole, or its long-enough prefix or suffix).
    """
    norm_quote = normalise(quote)
    if not norm_quote:
        return False
    norm_text = normalise(text)
    if norm_quote in norm_text:
        return True
    # Any prefix (suffix) of at least `need` characters contains the one of exactly `need` characters,
    # so checking those two is enough. Strip: the cut may fall next to a space the text does not end in.
    need = math.ceil(SPLIT_QUOTE_FRACTION * len(norm_quote))
    prefix, suffix = norm_quote[:need].strip(), norm_quote[-need:].strip()
    return bool(prefix and prefix in norm_text) or bool(suffix and suffix in norm_text)


def distinct_quotes(evidence_quotes: Iterable[str]) -> list[str]:
    """The evidence quotes without empty ones and without repeats (compared normalised), in order."""
    seen: set[str] = set()
    out: list[str] = []
    for quote in evidence_quotes:
        key = normalise(quote)
        if key and key not in seen:
            seen.add(key)
            out.append(quote)
    return out
