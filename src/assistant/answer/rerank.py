"""Sentence-level reranking: the top passages in the order of their best sentence's answer score.

A ``stages.Reranker`` that sits after the query stage's ranking and reads the answer stage's sentence
scores (``QuoteAnswerer.evidence``), so that the passages listed with an answer lead with those its quotes come
from. Rule ``rerank-by-sentence``; ``rerank_passages`` says how many of the top passages it reorders.
"""

from __future__ import annotations

import numpy as np

from assistant.answer.answerer import QuoteAnswerer
from assistant.index.search_text import terms
from assistant.query.ranking import Query
from assistant.query.retrieval import Scored


class SentenceReranker:
    """Reorders the top ``rerank_passages`` passages by their best quotable sentence's score."""

    def __init__(self, answerer: QuoteAnswerer) -> None:
        self.answerer, self.settings = answerer, answerer.settings

    def rerank(self, ranked: list[Scored], query: Query) -> list[Scored]:
        """The top ``rerank_passages`` passages in the order of their best sentence's score, as the answer
        scores sentences; a passage with no quotable sentence goes last among them; ties and the passages
        below keep their order."""
        head = ranked[: self.settings.rerank_passages]
        if len(head) < 2 or not self.settings.on("rerank-by-sentence"):
            return ranked
        evidence = self.answerer.evidence(head, query, terms(query.standalone))
        best: dict[str, float] = {}
        for e in evidence:  # best first
            best.setdefault(e.passage.passage_id, e.score)
        passages = self.answerer.index.passages
        key = {s.passage: best.get(passages[s.passage].passage_id, -np.inf) for s in head}
        return sorted(head, key=lambda s: -key[s.passage]) + ranked[len(head):]
