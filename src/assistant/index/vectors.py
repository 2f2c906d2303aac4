"""The vectors of an index build: passages and sentences, embedded afresh or reused from the last build.

Every vector is stored beside the hash of exactly the text that produced it (``vector_keys.json``); a later
build with the same model reuses a vector only when that key matches, so editing one report re-embeds only
that report's new text.
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
    embedded: int  # texts run through the model this build
    reused: int  # vectors taken from the previous build


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def build_vectors(
    dense_texts: list[str],
    sentences: list[Sentence],
    embedder: Embedder,
    cache: dict[str, np.ndarray],
    show_progress: bool = False,
) -> BuiltVectors:
    """The vectors of the passages (their ``dense_texts``) and of ``sentences``, embedding only the texts
    whose key is not in ``cache`` (key -> vector from the previous build)."""
    texts = dense_texts + [s.text for s in sentences]
    keys = [text_key(t) for t in texts]
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    todo = []
    for i, key in enumerate(keys):
        if key in cache:
            vectors[i] = cache[key]
        else:
            todo.append(i)
    if todo:
        log.info("Embedding %d new text(s), reusing %d", len(todo), len(texts) - len(todo))
        vectors[todo] = embedder.embed([texts[i] for i in todo], show_progress=show_progress)
    n = len(dense_texts)
    return BuiltVectors(vectors[:n], vectors[n:], keys, len(todo), len(texts) - len(todo))
