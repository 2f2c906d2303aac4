"""Feedback: a thumbs up or down (with an optional comment) on an answer, kept as one JSON line each.

Several chat sessions, or several server processes, may write at once: every entry is one line written
with a single ``write`` on a file opened for appending, under an exclusive ``fcntl.flock`` on a lock file
beside the log, so lines never interleave and none is lost.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from assistant.text import json_line
from assistant.types import Answer

Rating = Literal["up", "down"]
RATINGS: tuple[str, ...] = ("up", "down")
MAX_COMMENT_CHARS = 2000


def feedback_entry(
    answer: Answer,
    rating: str,
    index_version: str,
    comment: str = "",
    now: datetime | None = None,
) -> dict[str, Any]:
    """The log entry for one rating of one answer.

    Args:
        answer: the answer rated.
        rating: ``"up"`` or ``"down"``.
        index_version: the version of the index that produced the answer.
        comment: optional free text; trimmed, and cut to 2,000 characters.
        now: the time of the rating (default: now, UTC).

    Raises:
        ValueError: for a rating other than ``"up"`` or ``"down"``.

    Example:
        >>> entry = feedback_entry(answer, "up", "51e18ad3e25f", "Clear and quick")  # doctest: +SKIP
        >>> entry["rating"], entry["comment"]                                          # doctest: +SKIP
        ('up', 'Clear and quick')
    """
    if rating not in RATINGS:
        raise ValueError(f"A rating must be one of {list(RATINGS)}, not {rating!r}.")
    moment = now or datetime.now(UTC)
    return {
        "time": moment.isoformat(timespec="seconds"),
        "rating": rating,
        "comment": comment.strip()[:MAX_COMMENT_CHARS],
        "question": answer.question,
        "standalone_question": answer.standalone_question,
        "answer": answer.answer,
        "abstained": answer.abstained,
        "citations": [
            {
                "n": c.n,
                "doc_id": c.doc_id,
                "title": c.title,
                "date": c.date,
                "section": c.section,
                "paragraph": c.paragraph,
                "quote": c.quote,
            }
            for c in answer.citations
        ],
        "index_version": index_version,
        "answer_id": answer.id,
    }


def record_feedback(path: str | Path, entry: Mapping[str, Any]) -> None:
    """Append ``entry`` to the JSON-lines log at ``path`` as one line, safely under concurrent writers.

    The parent folders are created when missing.

    Args:
        path: the log file (``settings.feedback_log``).
        entry: a JSON-serialisable mapping, usually from :func:`feedback_entry`.

    Example:
        >>> record_feedback(tmp_path / "feedback.jsonl", {"rating": "up"})  # doctest: +SKIP
    """
    log_path = Path(path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    line = (json_line(dict(entry), default=str) + "\n").encode("utf-8")
    lock_path = log_path.with_name(log_path.name + ".lock")
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                written = os.write(fd, line)
                if written != len(line):  # a short write on a regular file means a full disk
                    raise OSError(f"Only {written} of {len(line)} bytes of feedback reached {log_path}.")
            finally:
                os.close(fd)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
