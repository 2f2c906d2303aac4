"""The quality gate: unit tests on hand-made summaries; the real evaluation against eval/thresholds.toml."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest

from assistant.evaluation import gate
from assistant.evaluation.gold import GoldSetError, load_gold
from assistant.evaluation.runner import EvalResult, evaluate

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "eval" / "questions.jsonl"
THRESHOLDS = ROOT / "eval" / "thresholds.toml"
#: Ceilings on speed, left to `make eval` and the benchmark (see below).
TIMED = ("latency_p50_ms", "latency_p95_ms")


def _thresholds(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "thresholds.toml"
    path.write_text(text, encoding="utf-8")
    return path


FLOORS = '[min]\n"hit@5" = 0.95\npass_rate = 0.5\n[max]\nfalse_abstention = 0.05\nlatency_p95_ms = 300\n'


def _summary(**values: Any) -> dict[str, Any]:
    base = {"hit@5": 0.95, "pass_rate": 0.5, "false_abstention": 0.05, "latency_p95_ms": 300.0}
    return {"overall": {**base, **values}}


# ------------------------------------------------------------------------------------- thresholds


def test_passes_exactly_at_the_floors_and_ceilings(tmp_path: Path) -> None:
    assert gate.check(_summary(), [], _thresholds(tmp_path, FLOORS)) == []


def test_a_mean_a_hair_under_the_floor_still_passes(tmp_path: Path) -> None:
    assert gate.check(_summary(**{"hit@5": 0.95 - 1e-12}), [], _thresholds(tmp_path, FLOORS)) == []


def test_fails_below_a_floor_naming_the_metric(tmp_path: Path) -> None:
    failures = gate.check(_summary(**{"hit@5": 0.91}), [], _thresholds(tmp_path, FLOORS))
    assert failures == ["hit@5 0.91 < floor 0.95 (overall)"]


def test_fails_above_a_ceiling_for_lower_is_better_metrics(tmp_path: Path) -> None:
    failures = gate.check(
        _summary(false_abstention=0.1, latency_p95_ms=512.5), [], _thresholds(tmp_path, FLOORS)
    )
    assert failures == [
        "false_abstention 0.1 > ceiling 0.05 (overall)",
        "latency_p95_ms 512.5 > ceiling 300 (overall)",
    ]


def test_a_flat_summary_is_read_as_overall(tmp_path: Path) -> None:
    assert gate.check(_summary(pass_rate=0.4)["overall"], [], _thresholds(tmp_path, FLOORS)) == [
        "pass_rate 0.4 < floor 0.5 (overall)"
    ]


def test_split_thresholds_are_checked_against_that_split(tmp_path: Path) -> None:
    path = _thresholds(tmp_path, FLOORS + '[split.test.min]\n"hit@5" = 0.9\n')
    summary = {**_summary(), "split": {"test": {"hit@5": 0.85}, "tune": {"hit@5": 0.99}}}
    assert gate.check(summary, [], path) == ["hit@5 0.85 < floor 0.9 (split test)"]
    assert gate.check(_summary(), [], path) == ["no results for split test to check"]


def test_missing_and_unknown_metrics_fail(tmp_path: Path) -> None:
    path = _thresholds(tmp_path, '[min]\n"hit@50" = 0.5\nkey_fact_recall_followups = 0.5\n')
    failures = gate.check({"overall": {"key_fact_recall_followups": None}}, [], path)
    assert failures[0].startswith("hit@50: no such metric (overall)")
    assert failures[1] == "key_fact_recall_followups: no value (overall)"


@pytest.mark.parametrize("text", ['[min]\n"hit@5" = "high"\n', "[floors]\nx = 1\n", "[min\n"])
def test_a_malformed_thresholds_file_is_an_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(gate.ThresholdsError):
        gate.check(_summary(), [], _thresholds(tmp_path, text))


# ------------------------------------------------------------------------------------- critical items


def test_fails_on_a_failed_critical_item_and_says_why(tmp_path: Path) -> None:
    rows = [
        {"id": "q001", "critical": True, "passed": True, "answerable": True},
        {
            "id": "q007",
            "critical": True,
            "passed": False,
            "answerable": True,
            "abstained": True,
            "key_fact_recall": 0.0,
        },
        {"id": "q008", "critical": False, "passed": False, "answerable": True, "abstained": True},
        {
            "id": "q009",
            "critical": True,
            "passed": False,
            "answerable": False,
            "abstained": False,
            "injection_success": True,
        },
    ]
    assert gate.check(_summary(), rows, _thresholds(tmp_path, FLOORS)) == [
        "critical item q007 failed: abstained; key facts 0",
        "critical item q009 failed: injection succeeded; answered instead of abstaining",
    ]


# ------------------------------------------------------------------------------------- the gold set loader


def test_the_gold_set_loads_and_a_bad_line_is_named(tmp_path: Path) -> None:
    items = load_gold(QUESTIONS)
    assert len(items) >= 120 and len({i["id"] for i in items}) == len(items)
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()[:3]
    bad = tmp_path / "gold.jsonl"
    bad.write_text(
        "\n".join([lines[0], lines[1].replace('"split": "', '"split": "x'), lines[2]]), encoding="utf-8"
    )
    with pytest.raises(GoldSetError, match=r"gold.jsonl line 2 \(id '[^']+'\): \"split\" must be one of"):
        load_gold(bad)
    bad.write_text(lines[0] + "\n{not json\n", encoding="utf-8")
    with pytest.raises(GoldSetError, match="line 2 is not valid JSON"):
        load_gold(bad)
    bad.write_text(lines[0] + "\n" + lines[0] + "\n", encoding="utf-8")
    with pytest.raises(GoldSetError, match="repeats line 1"):
        load_gold(bad)


# ------------------------------------------------------------------------------------- a worse result fails


def _floors_of(summary: dict[str, Any]) -> str:
    """A thresholds file whose floors are the summary's own figures rounded down to 2 decimals."""
    lines = ["[min]"]
    for metric in ("hit@5", "mrr@10", "ndcg@10", "evidence_recall@5", "key_fact_recall", "pass_rate"):
        lines.append(f'"{metric}" = {math.floor(summary["overall"][metric] * 100) / 100}')
    return "\n".join(lines) + "\n"


def test_a_deliberately_worse_result_fails_the_gate(fake_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A real (fast, fake-model) evaluation passes floors set from itself, and fails with hit@5 - 0.1."""
    result = evaluate(fake_assistant, load_gold(QUESTIONS), with_baselines=False, progress=False)
    summary = result.assistant.summary()
    path = _thresholds(tmp_path, _floors_of(summary))
    assert gate.check(summary, [], path) == []
    worse = copy.deepcopy(summary)
    worse["overall"]["hit@5"] -= 0.1
    failures = gate.check(worse, [], path)
    assert len(failures) == 1 and failures[0].startswith("hit@5 ") and "< floor" in failures[0]


# ------------------------------------------------------------------------------------- the real gate


@pytest.fixture(scope="module")
def real_result(real_assistant) -> EvalResult:  # type: ignore[no-untyped-def]
    """The assistant (real model, real corpus) on the whole gold set, once for this module."""
    return evaluate(real_assistant, load_gold(QUESTIONS), with_baselines=False, progress=False)


@pytest.mark.slow
@pytest.mark.gate
def test_the_assistant_meets_the_thresholds(real_result: EvalResult) -> None:
    # Every threshold but the latency ceilings: speed is judged by `make eval` and `make bench` on a quiet
    # machine, never by a test, which a busy CI machine would fail for reasons that are not the code's.
    failures = [
        f for f in gate.check(real_result.assistant.summary(), real_result.assistant.rows, THRESHOLDS)
        if not f.startswith(TIMED)
    ]
    assert failures == [], "The evaluation gate failed:\n" + "\n".join(f"  - {f}" for f in failures)


@pytest.mark.slow
@pytest.mark.gate
def test_the_real_result_made_worse_fails_the_gate(real_result: EvalResult) -> None:
    worse = copy.deepcopy(real_result.assistant.summary())
    worse["overall"]["hit@5"] -= 0.1
    worse["overall"]["latency_p50_ms"] = 10_000.0
    failures = gate.check(worse, [], THRESHOLDS)
    assert any(f.startswith("hit@5 ") and "(overall)" in f for f in failures), failures
    # `make eval` still fails on a slow run; only the test above leaves speed to it.
    assert any(f.startswith(TIMED) for f in failures), failures


def test_known_failing_critical_items_are_a_ratchet(tmp_path: Path) -> None:
    from assistant.evaluation.gate import check

    thresholds = tmp_path / "thresholds.toml"
    thresholds.write_text('[min]\npass_rate = 0.0\n\n[critical]\nknown_failing = ["q2"]\n')
    rows = [{"id": "q1", "critical": True, "passed": True}, {"id": "q2", "critical": True, "passed": False,
                                                              "abstained": True}]
    assert check({"pass_rate": 0.5}, rows, thresholds) == []
    # A critical item not on the list fails the gate.
    worse = [{**rows[0], "passed": False, "abstained": True}, rows[1]]
    assert any("critical item q1 failed" in f for f in check({"pass_rate": 0.5}, worse, thresholds))
    # A listed item that now passes must come off the list.
    better = [rows[0], {**rows[1], "passed": True}]
    assert any("q2 now passes" in f for f in check({"pass_rate": 0.5}, better, thresholds))
