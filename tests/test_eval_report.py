"""The evaluation renderers on a small hand-made result, and one end-to-end run with the fast fake model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.evaluation import report
from assistant.evaluation.gold import load_gold
from assistant.evaluation.runner import EvalResult, evaluate, system_result, write_reports

ROOT = Path(__file__).resolve().parents[1]
QUOTE = "The overall effectiveness of Children's Services is judged to be 'Requires improvement to be good'"


def _item(
    ident: str, split: str, kind: str, question: str, answerable: bool = True, critical: bool = False
) -> dict[str, Any]:
    return {
        "id": ident,
        "split": split,
        "kind": kind,
        "question": question,
        "history": [],
        "answerable": answerable,
        "evidence": [{"doc_id": "d", "quote": QUOTE}] if answerable else [],
        "key_facts": [["requires improvement"]] if answerable else [],
        "wrong_figures": [],
        "must_not_contain": [],
        "critical": critical,
        "note": "",
    }


def _answer(text: str, passages: list[str], abstained: bool = False) -> dict[str, Any]:
    return {
        "answer": text,
        "abstained": abstained,
        "citations": [],
        "passages": [{"doc_id": "d", "paragraph": str(i + 1), "text": t} for i, t in enumerate(passages)],
        "timings_ms": {"total": 10.0 + len(passages)},
    }


@pytest.fixture
def result() -> EvalResult:
    """Three items: one passed, one failed (wrong passage, no key fact), one correct abstention."""
    items = [
        _item("g1", "tune", "fact", "What was the 2023 grade?"),
        _item("g2", "test", "fact", "What was the overall judgement in 2023?", critical=True),
        _item("g3", "test", "unanswerable", "What did Surrey get?", answerable=False),
    ]
    ours = [
        _answer(f"“{QUOTE}”", [QUOTE, "other"]),
        _answer("Something unrelated entirely.", ["other", "more"]),
        _answer("The reports do not cover this.", [], abstained=True),
    ]
    theirs = [_answer(p[0] if p else "", p) for p in ([QUOTE], ["other", QUOTE], ["other"])]
    systems = {
        "assistant": system_result("assistant", items, ours, [None, None, None]),
        "bm25": system_result("bm25", items, theirs, [None, None, None]),
    }
    systems["assistant"].overall.update(latency_p50_ms=11.0, latency_p95_ms=12.0, determinism=1.0)
    return EvalResult(
        items,
        systems,
        {"p50_ms": 11.0, "p95_ms": 12.0, "mean_ms": 11.3, "n": 3},
        1.0,
        {"items": 3, "model": "test", "index_version": "abc", "seconds": 0.1, "date": "today"},
    )


def test_table_lists_metrics_and_values_per_system_and_split(result: EvalResult) -> None:
    table = report.render_table(result)
    assert "assistant" in table and "bm25" in table
    for metric in (
        "hit@5",
        "mrr@10",
        "ndcg@10",
        "evidence_recall@5",
        "key_fact_recall",
        "pass_rate",
        "key_fact_recall_numbers_dates",
        "latency_p95_ms",
        "determinism",
    ):
        assert metric in table
    assert "split: test" in table and "split: tune" in table
    hit5 = next(line for line in table.splitlines() if line.startswith("hit@5"))
    assert hit5.split()[1:] == ["0.500", "1.000"]  # assistant missed g2's evidence; bm25 found both
    pass_rate = next(line for line in table.splitlines() if line.startswith("pass_rate"))
    assert pass_rate.split()[1] == "0.667"


def test_markdown_lists_the_failing_item_with_what_was_expected(result: EvalResult) -> None:
    md = report.render_markdown(result, None, ["critical item g2 failed: key facts 0"])
    failing = md.split("## Failing assistant items", 1)[1]
    assert "**g2** (fact, test, critical): What was the overall judgement in 2023?" in failing
    assert "key facts: requires improvement" in failing
    assert "Something unrelated entirely." in failing
    assert "top passages: d ¶1, d ¶2" in failing
    assert "**g1**" not in failing and "**g3**" not in failing
    assert "critical item g2 failed" in md
    for heading in ("## Summary", "## Per kind of question", "## Per split", "## Latency", "## Determinism"):
        assert heading in md


def test_markdown_keeps_a_hand_written_history(result: EvalResult) -> None:
    previous = (
        "# Old\n\n## History\n\n- 2026-01-05: fusion weight 0.6; hit@5 0.91 -> 0.95\n\n## Old tail\nx\n"
    )
    md = report.render_markdown(result, previous)
    assert md.count("## History") == 1
    assert "- 2026-01-05: fusion weight 0.6; hit@5 0.91 -> 0.95" in md
    assert "## Old tail" not in md
    assert report.render_markdown(result, md) == md  # re-rendering adds nothing


def test_markdown_starts_an_empty_history_when_there_is_none(result: EvalResult) -> None:
    md = report.render_markdown(result, None)
    assert md.rstrip().endswith(report.history_section(None))
    assert "## History" in md


def test_json_holds_summaries_rows_and_gate(result: EvalResult) -> None:
    data = json.loads(report.render_json(result, []))
    assert data["systems"]["assistant"]["overall"]["hit@5"] == 0.5
    assert data["systems"]["bm25"]["split"]["test"]["n"] == 2
    assert [r["id"] for r in data["systems"]["assistant"]["rows"]] == ["g1", "g2", "g3"]
    assert data["gate"] == {"checked": True, "failures": []}
    assert data["answers"][0]["passages"][0] == {
        "doc_id": "d",
        "paragraph": "1",
        "char_start": None,
        "char_end": None,
        "score": None,
    }


def test_chart_is_a_png(result: EvalResult) -> None:
    png = report.render_chart(result)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000


def test_write_reports_preserves_history_on_disk(result: EvalResult, tmp_path: Path) -> None:
    (tmp_path / "report.md").write_text("## History\n\n- kept by hand\n", encoding="utf-8")
    paths = write_reports(result, tmp_path)
    assert "- kept by hand" in paths["md"].read_text(encoding="utf-8")
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["gate"]["checked"] is False
    assert paths["chart"].read_bytes().startswith(b"\x89PNG")


def test_end_to_end_with_baselines_on_the_fake_model(fake_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    items = load_gold(ROOT / "eval" / "questions.jsonl")[:6]
    result = evaluate(fake_assistant, items, with_baselines=True, progress=False, corpus_dir=ROOT / "corpus")
    assert list(result.systems) == ["assistant", "bm25", "dense", "llama-index"]
    assert result.determinism == 1.0
    for system in result.systems.values():
        assert system.overall["n"] == 6 and len(system.rows) == 6
    for answer in result.systems["llama-index"].answers:
        assert answer is not None and len(answer["passages"]) == 10
        assert all(p["doc_id"] in fake_assistant.index.documents for p in answer["passages"])
        assert answer["citations"] == [] and answer["abstained"] is False
    table = report.render_table(result)
    assert "llama-index" in table
