"""What the assistant works out once from a loaded index, so that answering a question only looks it up.

``CollectionStats.from_index`` is pure: the same index gives the same statistics. ``Assistant`` builds them
when it is made and reads them for every question (term weights, which sentences may be quoted, where a
passage sits in the index, which words name a document).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.index.build import Index
from assistant.index.search_text import idf_table, terms, unseen_idf
from assistant.ingest.passages import embedding_text
from assistant.query.fact_types import labelled, labelled_date
from assistant.query.questions import financial_years, naming_words
from assistant.query.scope import areas_of, other_councils
from assistant.text import human_date
from assistant.types import Document, Passage, Sentence


def quotable(sentence: Sentence, content_terms: int, is_title: bool) -> bool:
    """Whether a sentence can stand as evidence on its own.

    Not: a document's title line (it matches every question about the document and says nothing), a
    block spanning several lines (an address, a letterhead), or a fragment of under three content words
    (a table's header row, a stray label).
    """
    return "\n" not in sentence.text and content_terms >= 3 and not is_title


def title_sentences(sentences: Sequence[Sentence]) -> set[int]:
    """Each document's opening sentence when it is a headline (no closing full stop), not prose; a labelled
    line ("Inspection dates: 17 to 28 July 2023", see ``labelled`` and ``labelled_date``) states a fact and is no
    headline."""
    first: dict[str, Sentence] = {}
    for s in sentences:
        if s.doc_id not in first or s.char_start < first[s.doc_id].char_start:
            first[s.doc_id] = s
    return {s.sentence_id for s in first.values()
            if not s.text.rstrip().endswith((".", "!", "?")) and labelled(s.text) is None and not labelled_date(s.text)}


@dataclass(frozen=True, eq=False)  # eq=False: compared by identity (the fields hold arrays and sets)
class CollectionStats:
    """The collection's precomputed term statistics and lookups, indexed as ``Index`` indexes its lists:
    by sentence id for ``index.sentences``, by position for ``index.passages``, by doc_id for documents.

    Example:
        >>> stats = CollectionStats.from_index(index)             # doctest: +SKIP
        >>> stats.position_of(index.passages[3].passage_id)       # doctest: +SKIP
        3
    """

    index: Index
    """The index these statistics describe (``following`` walks its sentences and passages)."""

    # ------------------------------------------------------------------------- the collection's words
    idf: dict[str, float]
    unseen_idf: float
    known_terms: set[str]
    """Term weights over the passages' keyword-indexed texts (``embedding_text``), the weight of a term
    they never use, and every term the collection knows (its documents' titles and financial years
    included)."""

    # ------------------------------------------------------------------------------- per sentence id
    sentence_terms: list[set[str]]
    scoring_terms: list[set[str]]
    quotable: list[bool]
    titles: frozenset[int]
    sentence_passages: np.ndarray
    passage_sentence_starts: np.ndarray
    passage_sentence_ends: np.ndarray
    """Sentences are stored passage by passage: per passage position, its sentences' ids from start to end
    (end excluded; equal when it has none), for ``np.maximum.reduceat`` over a question's cosines."""
    """Each sentence's own terms; the terms it is scored on (its own, its document's header words and, for a
    table row, its table's header words); whether it can stand as a quote (``quotable``, title lines
    aside); the ids of the documents' title lines (``title_sentences``); and the
    position in ``index.passages`` of its passage (int64)."""

    # ----------------------------------------------------------------------------------- per passage
    passage_terms: list[set[str]]
    passage_positions: dict[str, int]
    """Each passage's terms (by position, of its keyword-indexed text), and each passage_id's position in
    ``index.passages``."""

    # ---------------------------------------------------------------------------------- per document
    naming_words: dict[str, frozenset[str]]
    document_offsets: dict[str, int]
    """Per doc_id: the words a question can name it by (``query.questions.naming_words``) and the position of its
    first passage less that passage's own position (see ``position_of``)."""
    areas: dict[str, list[Document]]
    """The collection's areas by the short name a question uses for them, each with its documents oldest
    first (``query.scope.areas_of``)."""
    other_councils: dict[str, tuple[str, ...]]
    """Councils the reports mention that no report is about, with the reports mentioning each
    (``query.scope.other_councils``)."""

    @classmethod
    def from_index(cls, index: Index) -> CollectionStats:
        """Work the statistics out from ``index`` (reads it, never changes it)."""
        texts = [embedding_text(p, index.documents[p.doc_id]) for p in index.passages]
        document_offsets: dict[str, int] = {}
        for i, p in enumerate(index.passages):
            document_offsets.setdefault(p.doc_id, i - p.position)
        idf = idf_table(texts)
        sentence_terms = [set(terms(s.text)) for s in index.sentences]
        header_terms = {d.doc_id: set(terms(f"{d.title} {d.publisher} {d.kind} {d.date or ''}")) |
                        set(terms(human_date(d.date))) for d in index.documents.values()}
        scoring_terms = [sentence_terms[s.sentence_id] | header_terms[s.doc_id] for s in index.sentences]
        # Every word the collection uses, its documents' titles included (a council may be named only there).
        known_terms = set(idf).union(*header_terms.values())
        known_terms |= {fy for s in index.sentences for fy in financial_years(s.text)}
        for s in index.sentences:
            if "\t" in s.text:  # a table row: it inherits its table's header words ("Judgement", "Grade")
                passage = index.passages[_position(document_offsets, s.passage_id)]
                header = passage.text.split("\n", 1)[0]
                if "\t" in header and header != s.text:
                    scoring_terms[s.sentence_id] = scoring_terms[s.sentence_id] | set(terms(header))
        titles = title_sentences(index.sentences)
        passage_positions = {p.passage_id: i for i, p in enumerate(index.passages)}
        sentence_passages = np.array([passage_positions[s.passage_id] for s in index.sentences], dtype=np.int64)
        if len(sentence_passages) and np.any(np.diff(sentence_passages) < 0):
            raise ValueError("The index's sentences are not stored passage by passage; rebuild the index.")
        return cls(
            index=index,
            idf=idf,
            unseen_idf=unseen_idf(len(texts)),
            known_terms=known_terms,
            sentence_terms=sentence_terms,
            scoring_terms=scoring_terms,
            quotable=[quotable(s, len(sentence_terms[s.sentence_id]), False) for s in index.sentences],
            titles=frozenset(titles),
            sentence_passages=sentence_passages,
            passage_sentence_starts=np.searchsorted(sentence_passages, np.arange(len(index.passages)), "left"),
            passage_sentence_ends=np.searchsorted(sentence_passages, np.arange(len(index.passages)), "right"),
            passage_terms=[set(terms(t)) for t in texts],
            passage_positions=passage_positions,
            naming_words=naming_words(index.documents),
            document_offsets=document_offsets,
            areas=(areas := areas_of(index.documents)),
            other_councils=other_councils(index.documents, areas),
        )

    def following(self, sentence: Sentence) -> tuple[Sentence, Passage] | None:
        """The sentence after ``sentence`` with its passage: the next of its passage, or the first of the
        next passage of the same document."""
        index = self.index
        position = self.position_of(sentence.passage_id)
        ids = index.sentences_of.get(sentence.passage_id, [])
        try:
            k = ids.index(sentence.sentence_id) + 1
        except ValueError:
            k = len(ids)
        if k < len(ids):
            return index.sentences[ids[k]], index.passages[position]
        after = index.passages[position + 1] if position + 1 < len(index.passages) else None
        if after is None or after.doc_id != sentence.doc_id or not index.sentences_of.get(after.passage_id):
            return None
        return index.sentences[index.sentences_of[after.passage_id][0]], after

    def preceding(self, sentence: Sentence) -> tuple[Sentence, Passage] | None:
        """The sentence before ``sentence`` with its passage: the previous of its passage, or the last of the
        previous passage of the same document."""
        index = self.index
        position = self.position_of(sentence.passage_id)
        ids = index.sentences_of.get(sentence.passage_id, [])
        k = ids.index(sentence.sentence_id) - 1 if sentence.sentence_id in ids else -1
        if k >= 0:
            return index.sentences[ids[k]], index.passages[position]
        before = index.passages[position - 1] if position > 0 else None
        if before is None or before.doc_id != sentence.doc_id or not index.sentences_of.get(before.passage_id):
            return None
        return index.sentences[index.sentences_of[before.passage_id][-1]], before

    def position_of(self, passage_id: str) -> int:
        """The position in ``index.passages`` of the passage ``passage_id`` ("doc_id#n") names."""
        return _position(self.document_offsets, passage_id)


def _position(document_offsets: dict[str, int], passage_id: str) -> int:
    return int(passage_id.rsplit("#", 1)[1]) + document_offsets[passage_id.rsplit("#", 1)[0]]
