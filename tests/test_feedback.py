"""Feedback log: one JSON line per rating, never lost or interleaved under concurrent writers."""

from __future__ import annotations

import json
import multiprocessing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.chat.feedback import feedback_entry, record_feedback
from assistant.types import Answer, Citation, Location

WRITERS = 4
LINES_EACH = 60


def _answer() -> Answer:
    citation = Citation(
        n=1, doc_id="d1", title="A report", publisher="Ofsted", kind="inspection letter", date="2020-12-04",
        quote="Care leavers are well supported.", text="Care leavers are well supported. More follows.",
        location=Location("Care leavers", "12", 10, 42), score=0.8,
    )
    return Answer(
        question="What about care leavers?", standalone_question="What about care leavers?",
        answer="**Ofsted**: “Care leavers are well supported.” [1]", abstained=False, citations=(citation,),
        passages=(), timings_ms={"total": 3.0}, id="a1",
    )


def test_entry_holds_what_a_reviewer_needs() -> None:
    moment = datetime(2025, 6, 4, 10, 30, tzinfo=UTC)
    entry = feedback_entry(_answer(), "down", "v123", "  Missed the 2023 report  ", now=moment)
    assert entry["rating"] == "down"
    assert entry["comment"] == "Missed the 2023 report"
    assert entry["question"] == entry["standalone_question"] == "What about care leavers?"
    assert entry["answer"].startswith("**Ofsted**")
    assert entry["citations"][0]["quote"] == "Care leavers are well supported."
    assert entry["citations"][0]["paragraph"] == "12"
    assert entry["index_version"] == "v123"
    assert entry["time"] == "2025-06-04T10:30:00+00:00"
    json.dumps(entry)  # serialisable as it is


def test_a_bad_rating_is_refused_with_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="up"):
        feedback_entry(_answer(), "meh", "v1")


def test_record_creates_folders_and_appends_lines(tmp_path: Path) -> None:
    log = tmp_path / "deep" / "er" / "feedback.jsonl"
    record_feedback(log, feedback_entry(_answer(), "up", "v1", "line one\nline two"))
    record_feedback(log, feedback_entry(_answer(), "down", "v1"))
    lines = log.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["rating"] for line in lines] == ["up", "down"]
    assert json.loads(lines[0])["comment"] == "line one\nline two"  # a newline stays inside its line


def _write_many(log: str, writer: int) -> None:
    for i in range(LINES_EACH):
        # Long lines (over the 4 KiB a pipe writes atomically) make interleaving visible if locking failed.
        record_feedback(log, {"writer": writer, "i": i, "rating": "up", "comment": "x" * 6000})


def test_concurrent_writers_lose_and_mangle_nothing(tmp_path: Path) -> None:
    log = tmp_path / "feedback.jsonl"
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_write_many, args=(str(log), w)) for w in range(WRITERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == WRITERS * LINES_EACH
    seen = {(e["writer"], e["i"]) for e in map(json.loads, lines)}
    assert seen == {(w, i) for w in range(WRITERS) for i in range(LINES_EACH)}
