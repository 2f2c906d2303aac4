"""The vectors of an index build: passages and sentences, embedded afresh or reused from the last build.

Every vector is stored beside the hash of exactly the text that produced it (``vector_keys.json``); a later
build with the same model reuses a vector only when that key matches, so editing one report re-embeds only
that report's new text. Identical texts (a sentence every report of one inspectorate repeats) are embedded
once per build.

Passage vectors are made one of two ways (``Settings.passage_vectors``):

- ``embedded`` (the default): each passage's text, headed by its document's title, runs through the model.
- ``pooled``: only sentences and document titles run through the model; a passage's vector is the mean of
  its sentences' vectors plus half its title's, normalised. Passages are 59% of the tokens the model reads
  on the national reports, so this is what makes a cold build of a large collection fast: with the int8
  runtime the national reports build in a fifth of the time. The cost is measured in the README ("Ingest
  speed": the gold set's key-fact recall falls by about 0.02). The title weight, 0.5, was set once and not tuned.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import numpy as np

from assistant.index.embedding import Embedder
from assistant.types import Sentence

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuiltVectors:
    passage_vectors: np.ndarray
    sentence_vectors: np.ndarray
    keys: list[str]  # one per passage, then one per sentence: the hash of the text each vector embeds
    embedded: int  # distinct texts run through the model this build
    reused: int  # vectors taken from the previous build


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


TITLE_WEIGHT = 0.5
"""A pooled passage vector's share of its document's title vector (the embedded text is headed by the title)."""
POOLED_KEY = "pooled passage vector\n"
"""Prefixed to a passage's text for its pooled vector's key, so that it never passes for an embedded one."""


@dataclass(frozen=True)
class PoolingPlan:
    """What pooled passage vectors are made from: per passage, the positions of its sentences in the build's
    sentence list, and its document's title."""

    sentences: list[list[int]]
    titles: list[str]


def build_vectors(
    dense_texts: list[str],
    sentences: list[Sentence],
    embedder: Embedder,
    cache: dict[str, np.ndarray],
    show_progress: bool = False,
    pooling: PoolingPlan | None = None,
) -> BuiltVectors:
    """The vectors of the passages (their ``dense_texts``) and of ``sentences``, embedding only the texts
    whose key is not in ``cache`` (key -> vector from the previous build). With ``pooling``, the passages
    are pooled from their sentences and titles instead of embedded (a passage without sentences is still
    embedded); a pooled vector's key is not its text's, so it is never reused as an embedded one."""
    if pooling is None:
        texts = dense_texts + [s.text for s in sentences]
        vectors, embedded, reused = _embed_or_reuse(texts, embedder, cache, show_progress)
        n = len(dense_texts)
        return BuiltVectors(vectors[:n], vectors[n:], [text_key(t) for t in texts], embedded, reused)
    titles = sorted(set(pooling.titles))
    alone = [i for i, members in enumerate(pooling.sentences) if not members]
    texts = [s.text for s in sentences] + [dense_texts[i] for i in alone]
    vectors, embedded, reused = _embed_or_reuse(texts, embedder, cache, show_progress)
    title_vectors, titles_embedded, _ = _embed_or_reuse(titles, embedder, {}, False)
    sentence_vectors = vectors[: len(sentences)]
    title_of = dict(zip(titles, title_vectors, strict=True))
    passage_vectors = pool_passages(sentence_vectors, pooling.sentences, [title_of[t] for t in pooling.titles])
    passage_vectors[alone] = vectors[len(sentences):]
    keys = [text_key(t) if not members else text_key(POOLED_KEY + t)
            for t, members in zip(dense_texts, pooling.sentences, strict=True)]
    keys += [text_key(s.text) for s in sentences]
    return BuiltVectors(passage_vectors, sentence_vectors, keys, embedded + titles_embedded, reused)


def pool_passages(
    sentence_vectors: np.ndarray, members: list[list[int]], title_vectors: list[np.ndarray]
) -> np.ndarray:
    """Each passage's vector: the mean of its sentences' vectors plus ``TITLE_WEIGHT`` times its title's,
    normalised (a passage without sentences gets zeros, for the caller to fill).

    Example:
        >>> s = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
        >>> [[round(float(x), 3) for x in row] for row in pool_passages(s, [[0, 1], []], [np.zeros(2), np.ones(2)])]
        [[0.707, 0.707], [0.0, 0.0]]
    """
    out = np.zeros((len(members), sentence_vectors.shape[1]), dtype=np.float32)
    for i, (rows, title) in enumerate(zip(members, title_vectors, strict=True)):
        if rows:
            pooled = sentence_vectors[rows].mean(axis=0) + TITLE_WEIGHT * title
            out[i] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
    return out


def _embed_or_reuse(
    texts: list[str], embedder: Embedder, cache: dict[str, np.ndarray], show_progress: bool
) -> tuple[np.ndarray, int, int]:
    """The vectors of ``texts``: from ``cache`` by key, else embedded (each distinct text once); how many
    texts the model ran on, and how many vectors came from ``cache``."""
    keys = [text_key(t) for t in texts]
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    todo: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key in cache:
            vectors[i] = cache[key]
        else:
            todo.setdefault(key, []).append(i)
    if todo:
        first = [rows[0] for rows in todo.values()]
        log.info("Embedding %d new text(s), reusing %d", len(first), len(texts) - sum(map(len, todo.values())))
        embedded = embedder.embed([texts[i] for i in first], show_progress=show_progress)
        for rows, vector in zip(todo.values(), embedded, strict=True):
            vectors[rows] = vector
    return vectors, len(todo), len(texts) - sum(map(len, todo.values()))
