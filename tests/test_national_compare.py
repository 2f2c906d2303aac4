"""National comparison questions: pairs of councils on one side of the split, scored on both grades quoted."""

from __future__ import annotations

import csv
from pathlib import Path

from assistant.evaluation import national
from assistant.evaluation.national_compare import ROUNDS, comparison_items, score_comparison, summarise
from assistant.evaluation.national_report import render_markdown, render_table
from assistant.evaluation.national_run import NationalResult, SystemRun
from assistant.evaluation.national_split import split_of, summarise_splits

COLUMNS = ["file", "council", "published", "framework", "lead_inspector", "inspection_start", "inspection_end",
           "overall_effectiveness", "impact_of_leaders", "help_and_protection", "children_in_care", "care_leavers"]
COUNCILS = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota", "Kappa"]


def _sample(tmp_path: Path) -> Path:
    """Ten councils, each with an older report and a newest one graded good; Kappa's newest is ungraded."""
    reports = tmp_path / "reports"
    reports.mkdir()
    rows = []
    for council in COUNCILS:
        for year, grade in (("2018", "inadequate"), ("2024", "good" if council != "Kappa" else "")):
            name = f"{council.lower()}-{year}-05-01.pdf"
            (reports / name).write_bytes(b"%PDF-1.4\n")
            rows.append([name, council, f"{year}-05-01", "standard", "", "", "", grade, "", "", "", ""])
    with (tmp_path / "judgements.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([COLUMNS, *rows])
    return tmp_path


def test_pairs_stay_on_one_side_of_the_split_and_ask_about_the_newest_graded_reports(tmp_path: Path) -> None:
    folder = _sample(tmp_path)
    items = comparison_items(folder / "judgements.csv", folder / "reports")
    assert items == comparison_items(folder / "judgements.csv", folder / "reports")  # deterministic
    assert items, "ten councils give pairs"
    pairs = [frozenset(i["councils"]) for i in items]
    assert len(set(pairs)) == len(pairs)
    for item in items:
        a, b = item["councils"]
        assert split_of(a) == split_of(b) == item["split"]
        assert a in item["question"] and b in item["question"]
        assert all(doc.endswith("2024-05-01") for doc in item["doc_ids"])
        assert item["facts"] == {doc: ["good"] for doc in item["doc_ids"]}
    assert "Kappa" not in {c for i in items for c in i["councils"]}  # its newest report has no grade
    for council in COUNCILS:
        assert sum(council in i["councils"] for i in items) <= ROUNDS


def test_an_answer_counts_when_each_grade_is_quoted_from_its_own_report() -> None:
    item = {"id": "c", "split": "dev", "council": "Alpha", "doc_ids": ["a-2024", "b-2024"],
            "facts": {"a-2024": ["good"], "b-2024": ["inadequate"]}}

    def cited(*quotes: tuple[str, str]) -> dict:
        return {"abstained": False, "citations": [{"doc_id": d, "quote": q} for d, q in quotes]}

    both = score_comparison(item, cited(("a-2024", "Overall effectiveness: Good"), ("b-2024", "judged inadequate")))
    assert both["both_reports_cited"] and both["both_facts_from_right_reports"] and not both["false_abstention"]
    swapped = score_comparison(item, cited(("a-2024", "judged inadequate"), ("b-2024", "Overall: good")))
    assert swapped["both_reports_cited"] and not swapped["both_facts_from_right_reports"]
    one = score_comparison(item, cited(("a-2024", "Overall effectiveness: Good")))
    assert not one["both_reports_cited"]
    declined = score_comparison(item, {"abstained": True, "citations": [{"doc_id": "a-2024", "quote": "good"}]})
    assert declined["false_abstention"] and not declined["both_reports_cited"]
    figures = summarise([both, one])["overall"]
    assert figures["both_reports_cited"] == 0.5 and figures["n"] == 2


def test_the_national_report_shows_the_comparison_figures() -> None:
    rows = [{"split": "dev", "council": "Alpha", "both_reports_cited": True, "both_facts_from_right_reports": False,
             "false_abstention": False}]
    run = SystemRun("assistant", [], [], national.summarise([]), 0.0)
    result = NationalResult([], {"assistant": run}, [], {}, summarise_splits(rows, summarise))
    assert "both grades quoted from the right reports" in render_markdown(result)
    assert "comparisons (all, n=1)" in render_table(result)
