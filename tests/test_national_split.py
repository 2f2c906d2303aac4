"""The national set's dev / held-out split: by council, by a hash of its name, reported for both sides and all."""

from __future__ import annotations

import json
from typing import Any

from assistant.evaluation.national import score_all, summarise
from assistant.evaluation.national_report import misses, render_json, render_markdown, render_table
from assistant.evaluation.national_run import NationalResult, SystemRun
from assistant.evaluation.national_split import ALL, DEV, HELD_OUT, SPLIT_RULE, split_of, summarise_splits

NAMES = [f"Council {i}" for i in range(200)]


def test_the_split_is_a_stable_function_of_the_name_and_about_half_each() -> None:
    assert split_of("Alpha") == split_of(" alpha ") == split_of("ALPHA")
    sides = [split_of(name) for name in NAMES]
    assert set(sides) == {DEV, HELD_OUT}
    assert 0.35 < sides.count(DEV) / len(sides) < 0.65
    assert sides == [split_of(name) for name in NAMES]


def _item(council: str, kind: str = "overall", answerable: bool = True) -> dict[str, Any]:
    return {"id": f"{kind}:{council}", "kind": kind, "question": f"What grade did {council} get?",
            "doc_id": f"{council.lower()}-2024" if answerable else None, "facts": ["good"] if answerable else [],
            "council": council, "year": 2024, "answerable": answerable, "split": split_of(council)}


def _councils() -> tuple[list[str], list[str]]:
    dev = [n for n in NAMES if split_of(n) == DEV][:3]
    held = [n for n in NAMES if split_of(n) == HELD_OUT][:2]
    return dev, held


def test_every_figure_is_summarised_for_each_side_and_all() -> None:
    dev, held = _councils()
    items = [_item(c) for c in dev + held]
    right = {"answer": "", "abstained": False, "passages": [],
             "citations": [{"doc_id": f"{c.lower()}-2024", "quote": "Overall effectiveness:\tGood"} for c in dev[:1]]}
    declined = {"answer": "", "abstained": True, "citations": [], "passages": []}
    answers = [right if i == 0 else declined for i in range(len(items))]
    rows = score_all(items, answers, "citations")
    assert [r["split"] for r in rows] == [i["split"] for i in items]
    sides = summarise_splits(rows, summarise)
    assert sides[DEV]["overall"]["n"] == 3 and sides[HELD_OUT]["overall"]["n"] == 2 and sides[ALL]["overall"]["n"] == 5
    assert sides[DEV]["overall"]["right_report_first"] == 1 / 3
    assert sides[HELD_OUT]["overall"]["right_report_first"] == 0.0
    assert sides[ALL]["overall"]["false_abstention"] == 4 / 5


def _result() -> NationalResult:
    dev, held = _councils()
    items = [_item(c) for c in dev + held] + [_item(held[0], "no_inspection", answerable=False)]
    answers: list[dict[str, Any] | None] = [{"answer": "", "abstained": True, "citations": [], "passages": []}
                                            for _ in items]
    rows = score_all(items, answers, "citations")
    summary = summarise(rows)
    summary["splits"] = summarise_splits(rows, summarise)
    meta = {"items": len(items), "councils": 5, "documents": 5, "passages": 50, "skipped": [],
            "split_councils": {DEV: dev, HELD_OUT: held}}
    return NationalResult(items, {"assistant": SystemRun("assistant", answers, rows, summary, 1.0)}, [], meta)


def test_the_report_states_the_rule_gives_each_side_and_shows_only_dev_misses() -> None:
    result = _result()
    markdown = render_markdown(result)
    assert SPLIT_RULE in markdown
    assert "right report cited first (dev)" in markdown and "right report cited first (held-out)" in markdown
    assert "assistant (dev)" in markdown and "assistant (held-out)" in markdown
    shown = misses(result)
    assert shown and all(m["item"]["split"] == DEV for m in shown)
    assert len(misses(result, side=None)) == len(result.items) - 1  # the no-inspection question was declined
    assert "(held-out)" in render_table(result)
    data = json.loads(render_json(result))
    assert data["split_rule"] == SPLIT_RULE
    assert set(data["systems"]["assistant"]["summary"]["splits"]) == {DEV, HELD_OUT, ALL}
