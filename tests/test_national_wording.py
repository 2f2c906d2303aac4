"""The overall grade asked in other words: one re-worded question per graded report, scored like the original."""

from __future__ import annotations

from pathlib import Path

from assistant.evaluation import national
from assistant.evaluation.national_report import render_markdown, render_table
from assistant.evaluation.national_run import NationalResult, SystemRun
from assistant.evaluation.national_split import summarise_splits
from assistant.evaluation.national_wording import TEMPLATES, summarise, wording_items
from test_national_compare import _sample


def test_each_graded_report_is_asked_once_in_other_words_expecting_its_grade(tmp_path: Path) -> None:
    folder = _sample(tmp_path)
    items = wording_items(folder / "judgements.csv", folder / "reports")
    assert items == wording_items(folder / "judgements.csv", folder / "reports")  # seeded
    overall = national.candidate_items(folder / "judgements.csv", folder / "reports")["overall"]
    assert len(items) == len(overall) > 0
    for item, original in zip(items, overall, strict=True):
        assert item["id"] == f"wording:{original['id']}" and item["kind"] == "wording"
        assert (item["doc_id"], item["facts"], item["split"]) == (original["doc_id"], original["facts"],
                                                                  original["split"])
        assert item["question"] != original["question"]
        assert any(item["question"] == t.format(council=item["council"], year=item["year"]) for t in TEMPLATES)
    assert len({i["question"].split(str(i["year"]))[0].replace(i["council"], "") for i in items}) > 1


def test_the_national_report_shows_the_wording_figures() -> None:
    rows = [{"split": "held-out", "right_report_first": True, "fact_from_right_report": False,
             "false_abstention": False}]
    run = SystemRun("assistant", [], [], national.summarise([]), 0.0)
    result = NationalResult([], {"assistant": run}, [], {}, {}, {}, summarise_splits(rows, summarise))
    assert "## The overall grade asked in other words" in render_markdown(result)
    assert "wording (held-out, n=1): right report cited first 1.000, grade quoted from the right report 0.000" in (
        render_table(result))
