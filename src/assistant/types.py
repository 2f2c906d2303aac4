"""The project's own small types: every stage boundary speaks these, never llama-index/FAISS/Gradio types."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Box:
    """A rectangle on a page of a PDF, in points from the page's top-left corner (pdfplumber's axes)."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class TextLine:
    """A line of a paged document as it sat on its page: ``text[char_start:char_end]`` of the document's
    text, on 1-based ``page``, inside ``box``."""

    char_start: int
    char_end: int
    page: int
    box: Box


@dataclass(frozen=True)
class Location:
    """Where a passage or a quote sits in its document: the one place every consumer (answer, JSON, chat,
    briefings, evaluation) reads pages, section, paragraph and character span from.

    ``page``/``page_end`` are 1-based and ``None`` for formats without pages; ``boxes`` are the PDF lines the
    span covers (empty for other formats); ``char_start``/``char_end`` are offsets into the document's text.
    """

    section: str | None
    paragraph: str | None
    char_start: int
    char_end: int
    page: int | None = None
    page_end: int | None = None
    boxes: tuple[Box, ...] = ()

    def pages_label(self) -> str:
        """ "p. 7", "pp. 7-8" or "" (no pages).

        Example:
            >>> Location(None, None, 0, 1, 7, 8).pages_label(), Location(None, None, 0, 1, 3, 3).pages_label()
            ('pp. 7-8', 'p. 3')
        """
        if self.page is None:
            return ""
        if self.page_end is not None and self.page_end != self.page:
            return f"pp. {self.page}-{self.page_end}"
        return f"p. {self.page}"

    def places(self) -> list[str]:
        """Where in the document, for a person, most precise first: pages, paragraph, section.

        Example:
            >>> Location("Care leavers", "12", 0, 1, 7, 7).places()
            ['p. 7', 'paragraph 12', 'section “Care leavers”']
        """
        parts = [self.pages_label()] if self.page is not None else []
        if self.paragraph:
            parts.append(f"paragraph {self.paragraph}")
        if self.section and self.section != self.paragraph:
            parts.append(f"section “{' '.join(self.section.split())}”")
        return parts

    def to_dict(self) -> dict[str, Any]:
        """The JSON fields of a location, flat (``boxes`` as ``[page, x0, top, x1, bottom]`` lists)."""
        return {
            "section": self.section,
            "paragraph": self.paragraph,
            "page": self.page,
            "page_end": self.page_end,
            "char_start": self.char_start,
            "char_end": self.char_end,
            "boxes": [
                [b.page, round(b.x0, 1), round(b.top, 1), round(b.x1, 1), round(b.bottom, 1)] for b in self.boxes
            ],
        }


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
    area: str | None = None
    """The council or area the document is about (catalogued, or read from the document)."""
    format: str = "text"
    """The loader that read it: "text", "pdf", "docx" or "html"."""
    page_count: int | None = None
    """Pages of the original file; ``None`` for formats without pages."""
    headings: tuple[int, ...] = field(default=(), repr=False)
    """Offsets in ``text`` of the lines its file marks as headings (by style or font); see ``LoadedText``."""


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
    page: int | None = None
    page_end: int | None = None


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
    areas: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None

    @classmethod
    def coerce(cls, value: Filters | Mapping[str, Any] | None) -> Filters:
        """Accept ``Filters``, ``None`` or a mapping with the same keys (lists or single strings)."""
        if value is None:
            return cls()
        if isinstance(value, Filters):
            return value
        known = {"doc_ids", "publishers", "kinds", "areas", "date_from", "date_to"}
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
            areas=many("areas"),
            date_from=value.get("date_from") or None,
            date_to=value.get("date_to") or None,
        )

    @property
    def active(self) -> bool:
        return bool(
            self.doc_ids or self.publishers or self.kinds or self.areas or self.date_from or self.date_to
        )


class _Located:
    """The location fields of a passage or citation, read from its one ``location``."""

    location: Location

    @property
    def section(self) -> str | None:
        return self.location.section

    @property
    def paragraph(self) -> str | None:
        return self.location.paragraph

    @property
    def char_start(self) -> int:
        return self.location.char_start

    @property
    def char_end(self) -> int:
        return self.location.char_end

    @property
    def page(self) -> int | None:
        return self.location.page

    @property
    def page_end(self) -> int | None:
        return self.location.page_end


@dataclass(frozen=True)
class RetrievedPassage(_Located):
    """A passage as retrieved for a question, with the catalogue facts of its document and its score."""

    doc_id: str
    title: str
    publisher: str
    kind: str
    date: str | None
    text: str
    location: Location
    score: float
    area: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "doc_id": self.doc_id, "title": self.title, "publisher": self.publisher, "kind": self.kind,
            "date": self.date, "area": self.area,
        }
        out.update(self.location.to_dict())
        out.update(text=self.text, score=self.score)
        return out


@dataclass(frozen=True)
class Citation(_Located):
    """A numbered source of an answer.

    ``quote`` is the verbatim cited sentence(s) and ``text`` the whole passage holding them; ``location``
    locates the *quote* in the document's text (its pages and, for a PDF, the boxes of its lines).
    """

    n: int
    doc_id: str
    title: str
    publisher: str
    kind: str
    date: str | None
    quote: str
    text: str
    location: Location
    score: float
    area: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "n": self.n, "doc_id": self.doc_id, "title": self.title, "publisher": self.publisher,
            "kind": self.kind, "date": self.date, "area": self.area,
        }
        out.update(self.location.to_dict())
        out.update(quote=self.quote, text=self.text, score=self.score)
        return out


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
