"""The project's own small types: every stage boundary speaks these, never llama-index/FAISS/Gradio types."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Document:
    """One report in the collection, with the catalogue facts a citation needs.

    ``date`` is ISO: ``YYYY-MM-DD`` or, at month precision, ``YYYY-MM``; ``None`` when unknown.
    """

    doc_id: str
    title: str
    publisher: str
    kind: str
    date: str | None
    filename: str
    sha256: str
    text: str = field(repr=False, compare=False)


@dataclass(frozen=True)
class Passage:
    """A citable unit of a document: a paragraph, a bullet run, a table with its header, a heading's body.

    ``char_start``/``char_end`` locate ``text`` exactly in the document: ``doc.text[char_start:char_end] == text``.
    ``paragraph`` is the report's own numbering (``"4.2"``, ``"23"``, or a range ``"4.2-4.3"``) where it has one.
    """

    passage_id: str
    doc_id: str
    position: int
    text: str
    section: str | None
    paragraph: str | None
    char_start: int
    char_end: int


@dataclass(frozen=True)
class Sentence:
    """A sentence of a passage; its span is in document coordinates, like the passage's."""

    sentence_id: int
    passage_id: str
    doc_id: str
    text: str
    char_start: int
    char_end: int


@dataclass(frozen=True)
class Turn:
    """One message of a conversation."""

    role: Role
    content: str

    @classmethod
    def coerce(cls, value: Turn | Mapping[str, Any]) -> Turn:
        """Accept a ``Turn`` or a ``{"role", "content"}`` mapping (the batch/JSON form)."""
        if isinstance(value, Turn):
            return value
        role, content = value.get("role"), value.get("content")
        if role not in ("user", "assistant") or not isinstance(content, str):
            from assistant.errors import InvalidQuestionError

            raise InvalidQuestionError(
                f"Each history entry needs role 'user' or 'assistant' and a text content; got {dict(value)!r}."
            )
        return cls(role=role, content=content)


@dataclass(frozen=True)
class Filters:
    """Narrow a question to some documents. Empty fields mean "no restriction".

    Dates are ISO strings compared at the precision given (``"2020"``, ``"2020-10"``, ``"2020-10-20"``).
    """

    doc_ids: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None

    @classmethod
    def coerce(cls, value: Filters | Mapping[str, Any] | None) -> Filters:
        """Accept ``Filters``, ``None`` or a mapping with the same keys (lists or single strings)."""
        if value is None:
            return cls()
        if isinstance(value, Filters):
            return value
        known = {"doc_ids", "publishers", "kinds", "date_from", "date_to"}
        unknown = set(value) - known
        if unknown:
            from assistant.errors import InvalidFilterError

            raise InvalidFilterError(
                f"Unknown filter(s) {sorted(unknown)}; valid filters are {sorted(known)}."
            )

        def many(key: str) -> tuple[str, ...]:
            raw = value.get(key) or ()
            return (raw,) if isinstance(raw, str) else tuple(str(v) for v in raw)

        return cls(
            doc_ids=many("doc_ids"),
            publishers=many("publishers"),
            kinds=many("kinds"),
            date_from=value.get("date_from") or None,
            date_to=value.get("date_to") or None,
        )

    @property
    def active(self) -> bool:
        return bool(self.doc_ids or self.publishers or self.kinds or self.date_from or self.date_to)


@dataclass(frozen=True)
class RetrievedPassage:
    """A passage as retrieved for a question, with the catalogue facts of its document and its score."""

    doc_id: str
    title: str
    publisher: str
    kind: str
    date: str | None
    section: str | None
    paragraph: str | None
    text: str
    char_start: int
    char_end: int
    score: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer.

    ``quote`` is the verbatim cited sentence(s) and ``text`` the whole passage holding them;
    ``char_start``/``char_end`` locate the *quote* in the document's text.
    """

    n: int
    doc_id: str
    title: str
    publisher: str
    kind: str
    date: str | None
    section: str | None
    paragraph: str | None
    quote: str
    text: str
    char_start: int
    char_end: int
    score: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """What the assistant says, and everything needed to check it.

    ``answer`` is Markdown in which every ``[n]`` marker refers to ``citations``. When ``abstained`` is
    true the reports do not cover the question; ``related`` then holds "possibly related" passages,
    which are never presented as an answer.
    """

    question: str
    standalone_question: str
    answer: str
    abstained: bool
    citations: tuple[Citation, ...]
    passages: tuple[RetrievedPassage, ...]
    timings_ms: Mapping[str, float]
    related: tuple[RetrievedPassage, ...] = ()
    id: str | int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``assistant ask --json`` (see README, "The JSON answer")."""
        return {
            "id": self.id,
            "question": self.question,
            "standalone_question": self.standalone_question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "passages": [p.to_dict() for p in self.passages],
            "related": [p.to_dict() for p in self.related],
            "timings_ms": dict(self.timings_ms),
        }


def history_of(turns: Sequence[Turn | Mapping[str, Any]] | None) -> tuple[Turn, ...]:
    """Coerce a conversation history given as turns or JSON mappings."""
    return tuple(Turn.coerce(t) for t in (turns or ()))
