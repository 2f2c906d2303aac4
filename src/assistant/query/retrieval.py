"""Retrieval: dense (FAISS) and keyword (BM25) candidates, narrowed by filters, fused into one ranking."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from assistant.errors import InvalidFilterError
from assistant.index.build import Index
from assistant.query.scope import short_name
from assistant.types import Document, Filters


@dataclass(frozen=True)
class Scored:
    """A passage (by position in ``Index.passages``) with its fused and component scores."""

    passage: int
    score: float
    dense: float
    keyword: float


def allowed_documents(documents: dict[str, Document], filters: Filters) -> set[str]:
    """Ids of the documents a filter admits. Unknown document ids are an error that lists the valid ones;
    a publisher, kind or area no document has is an error that names the nearest ones the collection has.
    An area matches by its full name or the name a person calls it ("Barnet" for "London Borough of Barnet",
    ``query.scope.short_name``), case aside."""
    unknown = [d for d in filters.doc_ids if d not in documents]
    if unknown:
        raise InvalidFilterError(f"Unknown document(s) {unknown}. Valid documents: {sorted(documents)}.")
    docs = documents.values()
    _check_known("publisher", filters.publishers, (d.publisher for d in docs))
    _check_known("kind", filters.kinds, (d.kind for d in docs))
    _check_known("area", filters.areas, (d.area for d in docs), short_name)
    areas = _names(filters.areas)
    keep = set()
    for doc in documents.values():
        if filters.doc_ids and doc.doc_id not in filters.doc_ids:
            continue
        if filters.publishers and doc.publisher.lower() not in {p.lower() for p in filters.publishers}:
            continue
        if filters.kinds and doc.kind.lower() not in {k.lower() for k in filters.kinds}:
            continue
        if filters.areas and not (_names([doc.area or ""]) & areas):
            continue
        if (filters.date_from or filters.date_to) and not _in_range(doc.date, filters.date_from, filters.date_to):
            continue
        keep.add(doc.doc_id)
    return keep


def _names(areas: Iterable[str]) -> set[str]:
    """The names areas match by: each full name and its short name, lower case (never the empty name)."""
    return {n for a in areas for n in (a.strip().lower(), short_name(a)) if n}


def _check_known(
    facet: str, wanted: tuple[str, ...], values: Iterable[str | None], alias: Callable[[str], str] | None = None
) -> None:
    """Refuse a filter value no document has (case aside; or, with ``alias``, under no document's alias):
    with hundreds of reports a typo would otherwise leave nothing to search, silently. The message offers the
    closest values, or some of them."""
    if not wanted:
        return
    known: dict[str, str] = {}
    for v in values:
        if v:
            known.setdefault(v.strip().lower(), v)
            if alias is not None and alias(v):
                known.setdefault(alias(v), v)
    missing = [w for w in wanted if w.strip().lower() not in known and not (alias and alias(w) in known)]
    if not missing:
        return
    close = difflib.get_close_matches(missing[0].strip().lower(), list(known), n=6, cutoff=0.6)
    suggestions = list(dict.fromkeys(known[c] for c in close))[:3]
    names = sorted(set(known.values()), key=str.lower)
    hint = (f"Did you mean {' or '.join(repr(n) for n in suggestions)}?" if suggestions else
            f"The collection's {facet}s include {', '.join(repr(n) for n in names[:8])}"
            + (f" and {len(names) - 8} more." if len(names) > 8 else "."))
    raise InvalidFilterError(f"No report has the {facet} {', '.join(repr(m) for m in missing)}. {hint}")


def _in_range(date: str | None, start: str | None, end: str | None) -> bool:
    """Compare ISO dates at the precision both have: "2020-10" is within 2020..2020."""
    if date is None:
        return False
    if start and date[: len(start)] < start[: len(date)]:
        return False
    return not (end and date[: len(end)] > end[: len(date)])


class SentenceScores:
    """Each passage's best sentence cosine to a question, worked out only for the passages asked about.

    On a large collection scanning every sentence vector for every question costs more than the rest of
    answering (it reads them all from memory: 120 MB for 80,000 sentences); this scores only the candidate
    passages' sentences, so a question's cost stays with its candidates, not the collection.
    """

    def __init__(self, vectors: np.ndarray, query: np.ndarray, run_starts: np.ndarray, run_ends: np.ndarray) -> None:
        self.vectors, self.query = vectors, query
        self.run_starts, self.run_ends = run_starts, run_ends  # per passage position; start == end: no sentence

    def of(self, positions: list[int]) -> np.ndarray:
        """The best sentence cosine of each passage at ``positions`` (-1 for a passage without sentences)."""
        out = np.full(len(positions), -1.0, dtype=np.float32)
        starts, ends = self.run_starts[positions], self.run_ends[positions]
        has = ends > starts
        if not has.any():
            return out
        ids = np.concatenate([np.arange(a, b) for a, b in zip(starts[has], ends[has], strict=True)])
        cosines = self.vectors[ids] @ self.query
        offsets = np.r_[0, np.cumsum((ends - starts)[has])[:-1]]
        out[has] = np.maximum.reduceat(cosines, offsets)
        return out


def retrieve(
    index: Index,
    query_vector: np.ndarray,
    query_terms: list[str],
    allowed: set[str] | None,
    candidates: int,
    fusion: str = "weighted",
    dense_weight: float = 0.6,
    rrf_k: int = 60,
    sentence_dense: np.ndarray | SentenceScores | None = None,
) -> list[Scored]:
    """Rank passages for a query: best first, only from ``allowed`` documents (None = all).

    Weighted fusion adds ``dense_weight`` x cosine to (1 - ``dense_weight``) x the BM25 score scaled by
    the best BM25 score among candidates; RRF adds 1/(rrf_k + rank) from each list. ``sentence_dense``
    (per passage: the best cosine of any of its sentences) lets a passage that holds one exactly matching
    sentence rank with it: a passage's dense score is the mean of its own cosine and that best one.
    """
    n = len(index.passages)
    if n == 0:
        return []
    mask = np.ones(n, dtype=bool)
    if allowed is not None:
        mask = index.passages_in(allowed)
        if not mask.any():
            return []
    k = min(candidates, int(mask.sum()))
    q = np.ascontiguousarray(query_vector.reshape(1, -1), dtype=np.float32)
    dense_ids = index.store.dense_search(q, k, None if allowed is None else mask)
    lazy = sentence_dense if isinstance(sentence_dense, SentenceScores) else None
    if isinstance(sentence_dense, np.ndarray):
        by_sentence = np.where(mask, sentence_dense, -1.0)
        dense_ids = list(dict.fromkeys(dense_ids + [int(i) for i in np.argsort(-by_sentence, kind="stable")[:k]]))

    keyword_all = index.store.keyword_scores(query_terms)
    keyword_all = np.where(mask, keyword_all, -1.0)
    order = np.argsort(-keyword_all, kind="stable")[:k]
    keyword_ids = [int(i) for i in order if keyword_all[i] > 0]

    pool = list(dict.fromkeys(dense_ids + keyword_ids))
    dense = index.passage_vectors[pool] @ q[0]
    if lazy is not None:
        dense = (dense + lazy.of(pool)) / 2
    elif isinstance(sentence_dense, np.ndarray):
        dense = (dense + sentence_dense[pool]) / 2
    keyword = keyword_all[pool]
    top_kw = float(keyword.max()) if len(pool) and keyword.max() > 0 else 1.0
    if fusion == "rrf":
        dense_ids = [pool[i] for i in np.argsort(-dense, kind="stable") if pool[i] in set(dense_ids)]
        d_rank = {p: r for r, p in enumerate(dense_ids)}
        k_rank = {p: r for r, p in enumerate(keyword_ids)}
        fused = [
            (1.0 / (rrf_k + d_rank[p] + 1) if p in d_rank else 0.0)
            + (1.0 / (rrf_k + k_rank[p] + 1) if p in k_rank else 0.0)
            for p in pool
        ]
    else:
        fused = [
            dense_weight * float(d) + (1 - dense_weight) * float(s) / top_kw
            for d, s in zip(dense, keyword, strict=True)
        ]
    scored = [
        Scored(p, float(f), float(d), float(s) / top_kw)
        for p, f, d, s in zip(pool, fused, dense, keyword, strict=True)
    ]
    # Ties broken by document order, so the same question always gives the same ranking.
    return sorted(scored, key=lambda s: (-s.score, s.passage))
