"""Three baseline systems, answering in the assistant's JSON contract so the same metrics score them.

* ``bm25``: the assistant's own BM25 index alone, queried with :func:`assistant.index.search_text.terms` of the
  question (no glossary expansion, no fusion).
* ``dense``: the assistant's own FAISS passage index alone, queried with the embedded question.
* ``llama-index``: llama-index's stock pipeline over the same reports: ``SimpleDirectoryReader`` (the
  ``.txt`` files), the default ``SentenceSplitter()``, a ``VectorStoreIndex`` on an in-memory
  ``FaissVectorStore(IndexFlatIP)``, ``as_retriever(similarity_top_k=10)``, with the same embedding model
  wrapped as a llama-index ``BaseEmbedding``. No LLM.

A baseline "answers" with its top passage's text, never abstains and cites nothing; ``passages`` holds
its ranking. Baselines see the question text only: a follow-up reaches them without its history, as it
would reach a stock retriever. llama-index is imported inside the functions that use it (import cost).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.index.build import Index
from assistant.index.embedding import Embedder
from assistant.index.search_text import terms
from assistant.types import Document

TOP_K = 10


class Baseline(Protocol):
    """A system that answers a gold item with an answer dict in the assistant's JSON contract."""

    name: str

    def answer(self, item: Mapping[str, Any]) -> dict[str, Any]: ...


def answer_dict(item: Mapping[str, Any], passages: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A baseline's answer: the top passage's text, no citations, never an abstention.

    Args:
        item: The gold item (its ``id`` and ``question`` are copied).
        passages: The ranked passage dicts, best first.

    Returns:
        A dict with the keys of ``Answer.to_dict()``.
    """
    return {
        "id": item.get("id"),
        "question": item.get("question"),
        "standalone_question": item.get("question"),
        "answer": passages[0]["text"] if passages else "",
        "abstained": False,
        "citations": [],
        "passages": list(passages),
        "related": [],
        "timings_ms": {},
    }


def _passage_dict(index: Index, position: int, score: float) -> dict[str, Any]:
    """A passage of the assistant's index in the ``passages`` shape of the JSON contract."""
    p = index.passages[position]
    return {
        **_document_fields(index.documents, p.doc_id),
        "section": p.section,
        "paragraph": p.paragraph,
        "text": p.text,
        "char_start": p.char_start,
        "char_end": p.char_end,
        "score": round(float(score), 4),
    }


def _document_fields(documents: Mapping[str, Document], doc_id: str) -> dict[str, Any]:
    doc = documents.get(doc_id)
    if doc is None:
        return {"doc_id": doc_id, "title": doc_id, "publisher": "", "kind": "", "date": None}
    return {
        "doc_id": doc_id,
        "title": doc.title,
        "publisher": doc.publisher,
        "kind": doc.kind,
        "date": doc.date,
    }


class BM25Baseline:
    """The assistant's BM25 index alone; passages with no matching term are not returned."""

    name = "bm25"

    def __init__(self, index: Index, top_k: int = TOP_K) -> None:
        self.index = index
        self.top_k = top_k

    def answer(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """Rank every passage by ``bm25.get_scores(terms(question))``; ties keep document order."""
        query = terms(str(item["question"]))
        if not query or not self.index.passages:
            return answer_dict(item, [])
        scores = self.index.store.keyword_scores(query)
        order = np.argsort(-scores, kind="stable")[: self.top_k]
        return answer_dict(
            item, [_passage_dict(self.index, int(i), scores[i]) for i in order if scores[i] > 0]
        )


class DenseBaseline:
    """The assistant's FAISS passage index alone, queried with the same embedder."""

    name = "dense"

    def __init__(self, index: Index, embedder: Embedder, top_k: int = TOP_K) -> None:
        self.index = index
        self.embedder = embedder
        self.top_k = top_k

    def answer(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """Cosine search of the question's vector over the passage vectors."""
        k = min(self.top_k, len(self.index.passages))
        if k == 0:
            return answer_dict(item, [])
        vector = self.embedder.embed([str(item["question"])])
        ids = self.index.store.dense_search(vector[0], k)
        ranked = [(i, float(self.index.passage_vectors[i] @ vector[0])) for i in ids]
        return answer_dict(item, [_passage_dict(self.index, i, s) for i, s in ranked])


class LlamaIndexBaseline:
    """llama-index's stock retrieval pipeline over the corpus folder (see the module docstring)."""

    name = "llama-index"

    def __init__(
        self, corpus_dir: Path, embedder: Embedder, documents: Mapping[str, Document], top_k: int = TOP_K
    ) -> None:
        self.documents = documents
        self.retriever = _stock_retriever(Path(corpus_dir), embedder, top_k)

    def answer(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """Retrieve with the stock retriever and turn its nodes into passage dicts."""
        results = self.retriever.retrieve(str(item["question"]))
        return answer_dict(item, [self._passage(result) for result in results])

    def _passage(self, result: Any) -> dict[str, Any]:
        node = result.node
        doc_id = Path(str(node.metadata.get("file_name", ""))).stem
        return {
            **_document_fields(self.documents, doc_id),
            "section": None,
            "paragraph": None,
            "text": node.get_content(),
            "char_start": node.start_char_idx,
            "char_end": node.end_char_idx,
            "score": round(float(result.score or 0.0), 4),
        }


def _stock_retriever(corpus_dir: Path, embedder: Embedder, top_k: int) -> Any:
    """Build llama-index's default pipeline in memory and return its retriever."""
    import faiss
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.vector_stores.faiss import FaissVectorStore

    documents = SimpleDirectoryReader(input_dir=str(corpus_dir), required_exts=[".txt"]).load_data()
    for doc in documents:
        # The reader puts the absolute file_path into the metadata, which would otherwise be embedded
        # with every chunk (and tie the ranking to this machine's folders). Exclude it.
        doc.excluded_embed_metadata_keys.append("file_path")
        doc.excluded_llm_metadata_keys.append("file_path")
    nodes = SentenceSplitter().get_nodes_from_documents(documents)
    store = FaissVectorStore(faiss_index=faiss.IndexFlatIP(embedder.dim))
    index = VectorStoreIndex(
        nodes,
        storage_context=StorageContext.from_defaults(vector_store=store),
        embed_model=llama_embedding(embedder),
    )
    return index.as_retriever(similarity_top_k=top_k)


def llama_embedding(embedder: Embedder) -> Any:
    """The project's embedder as a llama-index ``BaseEmbedding`` (queries and texts embedded alike).

    Args:
        embedder: Any :class:`assistant.index.embedding.Embedder`.

    Returns:
        A ``BaseEmbedding`` instance to pass as ``embed_model=``.
    """
    return _embedding_class()(embedder)


@lru_cache(maxsize=1)
def _embedding_class() -> Any:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.core.bridge.pydantic import PrivateAttr

    class ProjectEmbedding(BaseEmbedding):
        """Wraps an :class:`assistant.index.embedding.Embedder`; vectors come back as lists of floats."""

        _embedder: Any = PrivateAttr()

        def __init__(self, embedder: Embedder, **kwargs: Any) -> None:
            super().__init__(model_name=embedder.name, **kwargs)
            self._embedder = embedder

        @classmethod
        def class_name(cls) -> str:
            return "ProjectEmbedding"

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._get_text_embeddings([query])[0]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._get_text_embeddings([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return [[float(x) for x in row] for row in self._embedder.embed(list(texts))]

    return ProjectEmbedding


def build_baselines(index: Index, embedder: Embedder, corpus_dir: Path) -> list[Baseline]:
    """The three baselines over the assistant's index, embedder and corpus folder.

    Args:
        index: The assistant's loaded index (BM25 and FAISS are reused as they are).
        embedder: The assistant's embedder (also wrapped for llama-index).
        corpus_dir: The reports folder the llama-index pipeline reads.

    Returns:
        ``[bm25, dense, llama-index]``.
    """
    return [
        BM25Baseline(index),
        DenseBaseline(index, embedder),
        LlamaIndexBaseline(corpus_dir, embedder, index.documents),
    ]
