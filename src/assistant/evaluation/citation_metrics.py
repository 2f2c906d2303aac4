"""Quote and citation metrics: quoted segments, quote fidelity, citation validity and precision.

Pure functions on an answer dict in the JSON contract of ``assistant ask --json`` (``answer`` Markdown
with ``[n]`` citation markers, ``citations``) and a gold item. Quote fidelity is exact, character for
character: a quote shown to a user must be the corpus's own characters. Citation precision compares
normalised text (:func:`assistant.text.normalise`) under the rule of :mod:`assistant.evaluation.containment`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from assistant.evaluation.containment import contains_quote, distinct_quotes
from assistant.text import normalise

#: A quoted sentence of the answer Markdown: ``“...”`` directly followed by one or more ``[n]`` markers.
#: The body is non-greedy but must end at a ``”`` that markers follow, so a quote may contain curly quotes.
_SEGMENT = re.compile(r"“(.*?)”\s*((?:\[\d+\]\s*)*\[\d+\])")
_MARKER = re.compile(r"\[(\d+)\]")


def strip_markers(answer_md: str) -> str:
    """The answer Markdown with every ``[n]`` citation marker replaced by a space.

    Args:
        answer_md: The answer Markdown.

    Returns:
        The text without markers.
    """
    return _MARKER.sub(" ", answer_md)


def quoted_segments(answer_md: str) -> list[tuple[str, list[int]]]:
    """The quoted sentences of an answer with the citation numbers that follow each.

    A segment is ``“...”`` followed (after optional whitespace) by one or more ``[n]`` markers, on one
    line. The body is matched non-greedily up to the first ``”`` that markers follow, so a quote can
    itself contain curly quotes.

    Args:
        answer_md: The answer Markdown.

    Returns:
        ``(quote text, [n, ...])`` pairs in order of appearance; the text is exactly as written.
    """
    return [
        (match.group(1), [int(n) for n in _MARKER.findall(match.group(2))])
        for match in _SEGMENT.finditer(answer_md)
    ]


def _citations(answer: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(answer.get("citations") or [])


def _number(citation: Mapping[str, Any]) -> int | None:
    """A citation's ``n`` if it is an integer (a bool or a missing ``n`` is not), else None."""
    n = citation.get("n")
    return n if isinstance(n, int) and not isinstance(n, bool) else None


def quote_fidelity(answer: Mapping[str, Any]) -> float | None:
    """Fraction of quoted segments and citations that are verbatim (exact, character for character).

    A quoted segment is faithful if it appears exactly in the ``text`` of every citation it marks; a
    marker to a citation number that does not exist makes its segment unfaithful (it cannot be
    checked), and a number shared by several citations requires the segment in each. A citation is
    faithful if its non-empty ``quote`` appears exactly in its ``text``.

    Args:
        answer: An answer dict (``answer`` Markdown and ``citations``).

    Returns:
        The faithful fraction over segments plus citations, or None when there is nothing to check.
    """
    citations = _citations(answer)
    by_n: dict[int, list[str]] = {}
    for citation in citations:
        n = _number(citation)
        if n is not None:
            by_n.setdefault(n, []).append(str(citation.get("text") or ""))
    checks: list[bool] = []
    for text, numbers in quoted_segments(str(answer.get("answer") or "")):
        checks.append(bool(text) and all(n in by_n and all(text in t for t in by_n[n]) for n in numbers))
    for citation in citations:
        quote = str(citation.get("quote") or "")
        checks.append(bool(quote) and quote in str(citation.get("text") or ""))
    if not checks:
        return None
    return sum(checks) / len(checks)


def citation_validity(answer: Mapping[str, Any]) -> float | None:
    """Fraction of citation markers and citations that are well-formed.

    Each ``[n]`` marker anywhere in the Markdown is checked: it is valid if exactly one citation has
    number ``n``. Each citation is checked too: it is valid if its ``n`` is an integer that no other
    citation has.
    Citations that no marker refers to are not penalised.

    Args:
        answer: An answer dict (``answer`` Markdown and ``citations``).

    Returns:
        The valid fraction over markers plus citations, or None if there are neither.
    """
    citations = _citations(answer)
    numbers = [_number(c) for c in citations]
    counts: dict[int, int] = {}
    for n in numbers:
        if n is not None:
            counts[n] = counts.get(n, 0) + 1
    markers = [int(n) for n in _MARKER.findall(str(answer.get("answer") or ""))]
    checks = [counts.get(n, 0) == 1 for n in markers]
    checks += [n is not None and counts[n] == 1 for n in numbers]
    if not checks:
        return None
    return sum(checks) / len(checks)


def citation_precision(answer: Mapping[str, Any], item: Mapping[str, Any]) -> float | None:
    """Fraction of citations that support the gold answer.

    A citation is precise if its ``quote`` or its passage ``text`` contains one of the item's evidence
    quotes (see :func:`contains_quote`), or if its ``quote`` contains (normalised substring) an alias
    of one of the item's key-fact groups.

    Args:
        answer: An answer dict.
        item: The gold item.

    Returns:
        The precise fraction; None for unanswerable items and for answers without citations.
    """
    citations = _citations(answer)
    if not item.get("answerable") or not citations:
        return None
    quotes = distinct_quotes(e.get("quote", "") for e in item.get("evidence") or [])
    aliases = [a for group in item.get("key_facts") or [] for a in (normalise(x) for x in group) if a]
    precise = 0
    for citation in citations:
        quote, text = str(citation.get("quote") or ""), str(citation.get("text") or "")
        has_evidence = any(contains_quote(quote, q) or contains_quote(text, q) for q in quotes)
        has_fact = any(alias in normalise(quote) for alias in aliases)
        if has_evidence or has_fact:
            precise += 1
    return precise / len(citations)
