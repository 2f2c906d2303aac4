"""The national evaluation: question generation from a judgements table, scoring, rendering, the CLI hook.

Generation and scoring run on a tiny table written in ``tmp_path`` (files with a ``%PDF-`` header stand in
for reports); the slow test runs the whole pipeline on three councils of ../shared/ofsted with the real
model, and is skipped when that folder is absent.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from assistant import cli
from assistant.evaluation.national import (
    GRADES,
    aggregate,
    fact_found,
    national_data_dir,
    national_items,
    score_national,
    summarise,
)
from assistant.evaluation.national_report import misses, render_chart, render_json, render_markdown
from assistant.evaluation.national_run import NationalResult, SystemRun, write_national

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "ofsted"

COLUMNS = ["file", "council", "published", "framework", "lead_inspector", "inspection_start", "inspection_end",
           "overall_effectiveness", "impact_of_leaders", "help_and_protection", "children_in_care", "care_leavers"]
ROWS = [
    # Alpha: an old report (nothing readable), an ILACS report, a 2024 one with a care-leavers grade,
    # and an error page saved as .pdf.
    ["alpha-2014-06-01.pdf", "Alpha", "2014-06-01", "", "", "", "", "", "data_unreadable", "data_unreadable",
     "data_unreadable", "data_unreadable"],
    ["alpha-2019-07-01.pdf", "Alpha", "2019-07-01", "standard", "Ann Example", "2019-05-13", "2019-05-24",
     "requires improvement", "good", "good", "good", "inspection_pre_dates_judgement"],
    ["alpha-2024-07-23.pdf", "Alpha", "2024-07-23", "short", "Bob Sample", "2024-06-10", "2024-06-14",
     "good", "good", "good", "outstanding", "outstanding"],
    ["alpha-2012-10-19.pdf", "Alpha", "2012-10-19", "", "", "", "", "", "", "", "", ""],
    # Beta: inspected late in one year, published the next; then a report after the 2026 reform.
    ["beta-2019-01-17.pdf", "Beta", "2019-01-17", "standard", "Cy Person", "2018-11-26", "2018-12-07",
     "inadequate", "inadequate", "inadequate", "inadequate", "inspection_pre_dates_judgement"],
    ["beta-2026-06-17.pdf", "Beta", "2026-06-17", "standard", "", "2026-05-11", "2026-05-22",
     "not_reported_post_reform", "good", "good", "good", "good"],
]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A folder like ../shared/ofsted: judgements.csv and reports/ (one report is an HTML error page)."""
    reports = tmp_path / "ofsted" / "reports"
    reports.mkdir(parents=True)
    with (tmp_path / "ofsted" / "judgements.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(ROWS)
    for row in ROWS:
        body = b"<!DOCTYPE html><html>Not found</html>" if row[0].startswith("alpha-2012") else b"%PDF-1.7\n"
        (reports / row[0]).write_bytes(body)
    return tmp_path / "ofsted"


def _items(sample: Path, cap: int = 300) -> list[dict[str, Any]]:
    return national_items(sample / "judgements.csv", sample / "reports", cap)


def _by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in items}


# ------------------------------------------------------------------------------------------ generation


def test_items_cover_each_kind_with_the_expected_report_and_fact(sample: Path) -> None:
    items = _by_id(_items(sample))
    overall = items["overall:alpha-2019-07-01:2019"]
    assert overall["doc_id"] == "alpha-2019-07-01" and overall["facts"] == ["requires improvement"]
    assert "Alpha" in overall["question"] and "2019" in overall["question"]
    assert items["care_leavers:alpha-2024-07-23:2024"]["facts"] == ["outstanding"]
    assert items["lead_inspector:alpha-2019-07-01:2019"]["facts"] == ["Ann Example"]
    assert items["dates:alpha-2019-07-01:2019"]["facts"] == ["24 May 2019", "13 May 2019"]
    # Named by the inspection's year, which is not the year of publication.
    assert items["overall:beta-2019-01-17:2018"]["facts"] == ["inadequate"]
    assert items["dates:beta-2019-01-17:2018"]["facts"][0] == "7 December 2018"


def test_items_skip_unreadable_values_error_pages_and_pre_reform_gaps(sample: Path) -> None:
    items = _items(sample)
    docs = {item["doc_id"] for item in items}
    assert "alpha-2012-10-19" not in docs  # an HTML page saved as .pdf
    assert "alpha-2014-06-01" not in docs  # nothing readable in its row
    ids = {item["id"] for item in items}
    assert "care_leavers:alpha-2019-07-01:2019" not in ids  # inspection_pre_dates_judgement
    assert "overall:beta-2026-06-17:2026" not in ids  # not_reported_post_reform
    assert "lead_inspector:beta-2026-06-17:2026" not in ids  # empty
    assert all(item["facts"][0] in GRADES for item in items if item["kind"] in ("overall", "care_leavers"))


def test_latest_is_the_newest_file_and_falls_back_to_dates_without_a_grade(sample: Path) -> None:
    latest = {item["council"]: item for item in _items(sample) if item["kind"] == "latest"}
    assert latest["Alpha"]["doc_id"] == "alpha-2024-07-23" and latest["Alpha"]["facts"] == ["good"]
    assert latest["Beta"]["doc_id"] == "beta-2026-06-17"
    assert latest["Beta"]["facts"] == ["22 May 2026", "11 May 2026"]
    assert "last" in latest["Beta"]["question"]


def test_no_inspection_years_have_no_report_of_the_council(sample: Path) -> None:
    gaps = [item for item in _items(sample) if item["kind"] == "no_inspection"]
    assert {item["council"] for item in gaps} == {"Alpha", "Beta"}
    taken = {"Alpha": {2012, 2013, 2014, 2019, 2024}, "Beta": {2018, 2019, 2026}}
    for item in gaps:
        assert item["doc_id"] is None and not item["answerable"] and item["facts"] == []
        assert item["year"] not in taken[item["council"]]
        assert str(item["year"]) in item["question"]


def test_generation_is_deterministic_and_capped_evenly_over_kinds(sample: Path) -> None:
    assert _items(sample) == _items(sample)
    capped = _items(sample, cap=6)
    assert len(capped) == 6
    assert len({item["kind"] for item in capped}) == 6
    assert len({item["id"] for item in _items(sample)}) == len(_items(sample))


def test_national_data_dir_honours_the_variable_and_needs_the_table(sample: Path, tmp_path: Path) -> None:
    assert national_data_dir({"ASSISTANT_NATIONAL_DIR": str(sample)}) == sample
    assert national_data_dir({"ASSISTANT_NATIONAL_DIR": str(tmp_path / "nowhere")}) is None


# ------------------------------------------------------------------------------------------ scoring

ITEM: dict[str, Any] = {"id": "overall:alpha-2019-07-01:2019", "kind": "overall", "doc_id": "alpha-2019-07-01",
        "facts": ["good"], "council": "Alpha", "year": 2019, "answerable": True}
GAP: dict[str, Any] = {"id": "no_inspection:Alpha:2021", "kind": "no_inspection", "doc_id": None, "facts": [],
       "council": "Alpha", "year": 2021, "answerable": False}


def _cited(*citations: tuple[str, str], abstained: bool = False) -> dict[str, Any]:
    text = " ".join(f"“{quote}” [{n}]" for n, (_, quote) in enumerate(citations, start=1))
    return {"answer": text, "abstained": abstained, "passages": [],
            "citations": [{"n": n, "doc_id": doc, "quote": quote, "text": quote}
                          for n, (doc, quote) in enumerate(citations, start=1)]}


def test_right_report_cited_first_with_the_fact_in_its_quote() -> None:
    row = score_national(ITEM, _cited(("alpha-2019-07-01", "Overall effectiveness: Good.")))
    assert row["right_report_first"] is True
    assert row["fact_in_answer"] is True and row["fact_from_right_report"] is True
    assert row["false_abstention"] is False and row["abstention"] is None


def test_wrong_report_first_and_a_fact_quoted_from_another_report_does_not_count() -> None:
    row = score_national(ITEM, _cited(("alpha-2024-07-23", "Overall effectiveness: Good."),
                                      ("alpha-2019-07-01", "Leaders have a clear plan.")))
    assert row["right_report_first"] is False
    assert row["fact_in_answer"] is True  # the word is in the answer ...
    assert row["fact_from_right_report"] is False  # ... but not quoted from the right report


def test_requires_improvement_to_be_good_is_not_good() -> None:
    assert not fact_found("Overall effectiveness: Requires improvement to be good", ["good"])
    assert fact_found("Overall effectiveness: Requires improvement to be good", ["requires improvement"])
    assert fact_found("Inspection dates: 13 to 24 May 2019", ["24 May 2019"])
    assert fact_found("Lead inspector:  ANN   example.", ["Ann Example"])
    assert not fact_found("Goodwin Road", ["good"])


def test_abstention_on_no_inspection_and_false_abstention_on_answerable() -> None:
    declined = {"answer": "The reports do not cover this.", "abstained": True, "citations": [], "passages": []}
    assert score_national(GAP, declined)["abstention"] is True
    answered = _cited(("alpha-2019-07-01", "Overall effectiveness: Good."))
    assert score_national(GAP, answered)["abstention"] is False
    row = score_national(ITEM, declined)
    assert row["false_abstention"] is True and row["right_report_first"] is False
    assert row["fact_from_right_report"] is False


def test_baselines_are_scored_on_their_passages_and_never_abstain() -> None:
    passages = [{"doc_id": d, "text": t} for d, t in [
        ("alpha-2019-07-01", "Leaders have a plan."), ("beta-2019-01-17", "x"), ("beta-2019-01-17", "y"),
        ("alpha-2019-07-01", "Overall effectiveness: Good."),  # fourth: past the top three
    ]]
    answer = {"answer": passages[0]["text"], "abstained": False, "citations": [], "passages": passages}
    row = score_national(ITEM, answer, by="passages")
    assert row["right_report_first"] is True
    assert row["fact_from_right_report"] is False and row["fact_in_answer"] is False
    assert score_national(GAP, answer, by="passages")["abstention"] is False
    with pytest.raises(ValueError, match="citations"):
        score_national(ITEM, answer, by="quotes")


def test_aggregate_overall_and_per_kind() -> None:
    good = _cited(("alpha-2019-07-01", "Overall effectiveness: Good."))
    declined = {"answer": "", "abstained": True, "citations": [], "passages": []}
    rows = [score_national(ITEM, good), score_national(ITEM, declined), score_national(GAP, declined)]
    overall = aggregate(rows)
    assert overall["right_report_first"] == 0.5 and overall["abstention"] == 1.0
    assert overall["false_abstention"] == 0.5 and overall["n"] == 3
    assert summarise(rows)["by_kind"]["no_inspection"]["right_report_first"] is None


# ------------------------------------------------------------------------------------------ rendering


def _result(items: list[dict[str, Any]]) -> NationalResult:
    from assistant.evaluation.national import score_all

    declined = {"answer": "", "abstained": True, "citations": [], "passages": []}
    answers: list[dict[str, Any] | None] = [declined for _ in items]
    runs = {}
    for name, by in (("assistant", "citations"), ("bm25", "passages")):
        rows = score_all(items, answers, by)
        runs[name] = SystemRun(name, list(answers), rows, summarise(rows), 1.0)
    meta = {"items": len(items), "councils": 2, "documents": 5, "passages": 50, "skipped": ["alpha-2012-10-19.pdf"]}
    return NationalResult(items, runs, ["dates:alpha-2019-07-01:2019"], meta)


def test_reports_are_written_with_figures_kinds_and_misses(sample: Path, tmp_path: Path) -> None:
    result = _result(_items(sample))
    markdown = render_markdown(result)
    assert "right report cited first" in markdown and "| assistant | bm25 | target |" in markdown
    assert "year with no inspection" in markdown and "declined" in markdown
    assert len(misses(result)) == min(10, len(result.items))
    data = json.loads(render_json(result))
    assert set(data["systems"]) == {"assistant", "bm25"} and data["unverified"]
    assert render_chart(result).startswith(b"\x89PNG")
    paths = write_national(result, tmp_path / "out")
    assert all(path.is_file() for path in paths.values())


def test_eval_says_the_national_evaluation_was_skipped_when_the_folder_is_absent(
    fake_assistant: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()[0]
    questions = tmp_path / "questions.jsonl"
    questions.write_text(line + "\n", encoding="utf-8")
    monkeypatch.setattr("assistant.pipeline.Assistant.load", lambda *a, **k: fake_assistant)
    monkeypatch.chdir(tmp_path)  # no ../shared/ofsted from here
    result = CliRunner().invoke(cli.main, ["eval", "--questions", str(questions), "--out", str(tmp_path / "out"),
                                           "--no-baselines"])
    assert "National evaluation skipped: ../shared/ofsted not found." in result.output
    assert not (tmp_path / "out" / "national.md").exists()


# ------------------------------------------------------------------------------------------ end to end


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "judgements.csv").is_file(), reason=f"the national sample {SHARED} is absent")
def test_the_national_pipeline_on_three_councils(tmp_path: Path, real_embedder: Any) -> None:
    from assistant.evaluation.national_run import run_national
    from assistant.settings import Settings

    with (SHARED / "judgements.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    councils = sorted({row["council"] for row in rows})[:3]
    chosen = [row for row in rows if row["council"] in councils]
    data = tmp_path / "ofsted"
    (data / "reports").mkdir(parents=True)
    for row in chosen:
        shutil.copyfile(SHARED / "reports" / row["file"], data / "reports" / row["file"])
    with (data / "judgements.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(chosen)

    result = run_national(Settings.load(environ={}), data, index_dir=tmp_path / "runs" / "index", progress=False,
                          embedder=real_embedder)
    paths = write_national(result, tmp_path / "eval")
    assert all(path.is_file() for path in paths.values())
    assert set(result.systems) == {"assistant", "bm25", "dense", "llama-index"}
    assert {item["council"] for item in result.items} <= set(councils)
    for run in result.systems.values():
        for value in run.summary["overall"].values():
            assert value is None or 0.0 <= value <= max(1.0, len(result.items))
        for metric in ("right_report_first", "fact_in_answer", "fact_from_right_report", "abstention"):
            value = run.summary["overall"][metric]
            assert value is None or 0.0 <= value <= 1.0
    assert "# National evaluation" in paths["md"].read_text(encoding="utf-8")
