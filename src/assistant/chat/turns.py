"""Turns: the chat's actions as plain functions that return data, tested without a browser or gradio.

Reading the filter controls into ``Filters``, asking the assistant a follow-up (``answer_turn``, whose errors
become messages for the person), recording feedback on an answer, and writing the conversation's
briefing files; ``AskService`` is what they (and the page) need of the assistant.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from assistant.chat.briefing import write_briefing
from assistant.chat.feedback import feedback_entry, record_feedback
from assistant.chat.pages import PageViewer
from assistant.chat.render import Exchange
from assistant.cleaning import check_date_range, clean_text
from assistant.errors import AssistantError, InvalidFilterError
from assistant.query.retrieval import allowed_documents
from assistant.settings import Settings
from assistant.text import human_date
from assistant.types import Answer, Document, Filters, Turn

log = logging.getLogger(__name__)


class AskService(Protocol):
    """What the page needs of the assistant (``assistant.pipeline.Assistant`` or a test double)."""

    @property
    def index_version(self) -> str: ...

    def ask(
        self, question: str, history: Sequence[Turn] | None = None, filters: Filters | None = None
    ) -> Answer: ...

    def documents(self) -> list[Document]: ...


def filters_from(
    doc_ids: Sequence[str] | None,
    publishers: Sequence[str] | None,
    kinds: Sequence[str] | None,
    date_from: str | None,
    date_to: str | None,
    areas: Sequence[str] | None = None,
) -> Filters:
    """The filter controls' values as ``Filters``; a range that ends before it starts is refused.

    Raises:
        InvalidFilterError: when a date is not an ISO date or ``date_from`` is later than ``date_to``.
    """
    start, end = check_date_range(date_from, date_to)  # the same rule as the CLI and the Python API
    return Filters(
        doc_ids=tuple(doc_ids or ()),
        publishers=tuple(publishers or ()),
        kinds=tuple(kinds or ()),
        areas=tuple(areas or ()),
        date_from=start,
        date_to=end,
    )


def scope_note(documents: Sequence[Document], filters: Filters) -> str:
    """Which reports a filtered question searched ("" when unfiltered).

    Raises:
        InvalidFilterError: when the filters leave no report to search.
    """
    if not filters.active:
        return ""
    by_id = {d.doc_id: d for d in documents}
    allowed = [d for d in documents if d.doc_id in allowed_documents(by_id, filters)]
    if not allowed:
        raise InvalidFilterError("No report matches these filters. Clear some of them and ask again.")
    if len(allowed) == 1:
        d = allowed[0]
        return f"Searched only: {d.title} ({d.publisher}, {human_date(d.date)})."
    return f"Searched {len(allowed)} of {len(documents)} reports, as filtered."


def history_of(exchanges: Sequence[Exchange]) -> list[Turn]:
    """The conversation so far as turns for ``Assistant.ask``."""
    turns: list[Turn] = []
    for ex in exchanges:
        turns += [Turn("user", ex.answer.question), Turn("assistant", ex.answer.answer)]
    return turns


@dataclass(frozen=True)
class TurnResult:
    """What asking gave: a new exchange, or a message for the person (never both)."""

    exchange: Exchange | None = None
    error: str | None = None


def answer_turn(
    assistant: AskService,
    question: str,
    exchanges: Sequence[Exchange],
    filters: Filters,
    viewer: PageViewer | None = None,
) -> TurnResult:
    """Ask ``question`` as a follow-up of ``exchanges`` within ``filters``; errors become messages.
    With a ``viewer``, each PDF citation's page is rendered for "View page".

    Example:
        >>> answer_turn(assistant, "", [], Filters()).error  # doctest: +SKIP
        'The question is empty. Type a question about the reports.'
    """
    try:
        scope = scope_note(assistant.documents(), filters)
        answer = assistant.ask(question, history=history_of(exchanges), filters=filters)
    except AssistantError as exc:
        return TurnResult(error=str(exc))
    except Exception as exc:  # the page must stay up whatever goes wrong inside
        log.exception("Answering %r failed", question)
        return TurnResult(error=f"Something went wrong while answering ({type(exc).__name__}). Try again.")
    views = tuple(viewer.view(c) for c in answer.citations) if viewer else ()
    return TurnResult(exchange=Exchange(answer, scope, views))


def rate(
    settings: Settings,
    index_version: str,
    exchanges: Sequence[Exchange],
    position: int,
    rating: str,
    comment: str,
) -> tuple[bool, str]:
    """Record a rating of the answer at ``position`` (0-based; -1 is the latest).

    Returns:
        Whether it was recorded, and a message for the person saying so or why not.
    """
    if not exchanges:
        return False, "There is no answer to rate yet. Ask a question first."
    try:
        answer = exchanges[position].answer
    except IndexError:
        return False, "That answer is no longer in this conversation."
    try:
        entry = feedback_entry(answer, rating, index_version, clean_text(comment or ""))
        record_feedback(settings.feedback_log, entry)
    except OSError as exc:
        log.exception("Cannot write feedback to %s", settings.feedback_log)
        return (
            False,
            f"Your feedback could not be saved ({exc.strerror or exc}). Tell the team running the service.",
        )
    except Exception as exc:  # the page must stay usable whatever goes wrong in recording
        log.exception("Recording feedback failed")
        return False, f"Your feedback could not be saved ({type(exc).__name__}). Tell the team running the service."
    return True, "Thank you: your feedback was recorded."


def briefing_files(
    exchanges: Sequence[Exchange], index_version: str, folder: Path, today: date | None = None
) -> tuple[Path, Path] | None:
    """Write the conversation's briefing (Markdown, Word) into a new folder under ``folder``."""
    if not exchanges:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    _prune(folder, max_age_s=86_400)
    target = Path(tempfile.mkdtemp(dir=folder))
    return write_briefing([ex.answer for ex in exchanges], index_version, today or date.today(), target)


def answer_position(message_index: int | Sequence[int]) -> int:
    """Which answer of the conversation a Chatbot message index points at (messages alternate Q, A)."""
    index = message_index if isinstance(message_index, int) else message_index[0]
    return int(index) // 2


def _prune(folder: Path, max_age_s: float) -> None:
    """Remove briefing folders older than ``max_age_s``: a long-running server must not fill the disk."""
    cutoff = time.time() - max_age_s
    for old in folder.iterdir():
        if old.is_dir() and old.stat().st_mtime < cutoff:
            shutil.rmtree(old, ignore_errors=True)
