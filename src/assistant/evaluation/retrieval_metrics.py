"""Retrieval metrics over passages ranked best first: relevance, hit@k, MRR@k, nDCG@k, evidence recall@k.

Pure functions on plain data (passage texts and a gold item's evidence quotes). A passage is relevant when
it contains an evidence quote under the rule of :mod:`assistant.evaluation.containment`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from assistant.evaluation.containment import contains_quote, distinct_quotes


def passage_relevance(passages: Sequence[str], evidence_quotes: Sequence[str]) -> list[int]:
    """Binary graded relevance of each ranked passage.

    A passage is relevant (1) if it contains (see :func:`contains_quote`) at least one evidence quote
    that no higher-ranked passage contained; every quote it contains is then credited to it. So a
    duplicate passage, or one that only repeats evidence already retrieved, scores 0. Evidence quotes
    that are equal once normalised count once.

    Args:
        passages: Passage texts, best first.
        evidence_quotes: The gold item's evidence quotes.

    Returns:
        One 0/1 value per passage, in rank order.
    """
    remaining = distinct_quotes(evidence_quotes)
    rel: list[int] = []
    for passage in passages:
        found = [quote for quote in remaining if contains_quote(passage, quote)]
        rel.append(1 if found else 0)
        remaining = [quote for quote in remaining if quote not in found]
    return rel


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1; got {k}.")


def hit_at_k(rel: Sequence[int], k: int) -> float:
    """1.0 if any of the top ``k`` passages is relevant, else 0.0.

    Args:
        rel: Relevance per ranked passage (from :func:`passage_relevance`).
        k: Cut-off; a list shorter than ``k`` is used whole.

    Returns:
        1.0 or 0.0.

    Raises:
        ValueError: If ``k`` is below 1.
    """
    _check_k(k)
    return 1.0 if any(r > 0 for r in rel[:k]) else 0.0


def mrr_at_k(rel: Sequence[int], k: int) -> float:
    """Reciprocal rank of the first relevant passage within the top ``k``; 0.0 if there is none.

    Args:
        rel: Relevance per ranked passage.
        k: Cut-off; a list shorter than ``k`` is used whole.

    Returns:
        ``1 / rank`` of the first relevant passage (ranks from 1), or 0.0.

    Raises:
        ValueError: If ``k`` is below 1.
    """
    _check_k(k)
    for rank, r in enumerate(rel[:k], start=1):
        if r > 0:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(rel: Sequence[int], k: int, n_relevant: int) -> float:
    """nDCG@k as BEIR computes it (pytrec_eval ``ndcg_cut``, linear gains).

    ``DCG = sum_{i=1..k} rel_i / log2(i + 1)``; the ideal DCG is the same sum for a ranking with
    ``min(k, n_relevant)`` relevant passages at the top.

    Args:
        rel: Relevance per ranked passage.
        k: Cut-off; a list shorter than ``k`` is used whole.
        n_relevant: How many relevant passages exist (the number of distinct evidence quotes).

    Returns:
        nDCG in [0, 1] for binary gains; 0.0 when ``n_relevant`` is 0.

    Raises:
        ValueError: If ``k`` is below 1.
    """
    _check_k(k)
    if n_relevant <= 0:
        return 0.0
    dcg = sum(r / math.log2(i + 1) for i, r in enumerate(rel[:k], start=1))
    idcg = sum(1.0 / math.log2(i + 1) for i in range(1, min(k, n_relevant) + 1))
    return dcg / idcg


def evidence_recall_at_k(passages: Sequence[str], evidence_quotes: Sequence[str], k: int) -> float | None:
    """Fraction of the (distinct) evidence quotes contained in at least one of the top ``k`` passages.

    Args:
        passages: Passage texts, best first.
        evidence_quotes: The gold item's evidence quotes.
        k: Cut-off; a list shorter than ``k`` is used whole.

    Returns:
        The fraction found, or None when there are no evidence quotes.

    Raises:
        ValueError: If ``k`` is below 1.
    """
    _check_k(k)
    quotes = distinct_quotes(evidence_quotes)
    if not quotes:
        return None
    top = passages[:k]
    found = sum(1 for quote in quotes if any(contains_quote(p, quote) for p in top))
    return found / len(quotes)
