"""Comparisons across councils and over time: one block per report, grouped by council, oldest first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.answer.compare import aspect_of, plan, topic_of
from assistant.pipeline import Assistant
from assistant.query.scope import Scope, areas_of, question_scope
from assistant.types import Document
from corpus_helpers import catalogued_with_areas

FILLER = ("Inspectors met social workers and managers during the visit. "
          "The inspection took place over two weeks with a team of four inspectors.")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("compare")
    return catalogued_with_areas(root, [
        ("east-2017", "Eastshire County Council", "2017-06",
         f"{FILLER}\n\nCare leavers in Eastshire have poor accommodation and little support from advisers.\n\n"
         "Since January 2017, the local authority has begun to recruit foster carers."),
        ("east-2019", "Eastshire County Council", "2019-05",
         f"{FILLER}\n\nCare leavers in Eastshire now have suitable accommodation and regular adviser visits."),
        ("east-2024", "Eastshire", "2024-03",
         f"{FILLER}\n\nThe fostering panel meets monthly and approves new foster carers promptly."),
        ("west-2023", "Westshire Council", "2023-04",
         f"{FILLER}\n\nCare leavers in Westshire receive strong support from personal advisers and good homes."),
        ("north-2022", "Northshire Council", "2022-01", f"{FILLER}\n\nCare leavers in Northshire are well supported."),
    ])


def _blocks(answer: str) -> list[str]:
    return [b for b in answer.split("\n\n") if b.startswith("**") and "): " in b]


def _cited_once_per_quote(answer: str, citations: tuple) -> bool:  # type: ignore[type-arg]
    numbers = [int(n) for n in re.findall(r"” \[(\d+)\]", answer)]
    return numbers == list(range(1, len(citations) + 1)) == [c.n for c in citations]


def test_two_councils_get_a_block_each(assistant: Assistant) -> None:
    answer = assistant.ask("How did Westshire and Northshire compare on care leavers?")
    assert not answer.abstained
    blocks = _blocks(answer.answer)
    assert len(blocks) == 2
    assert {c.doc_id for c in answer.citations} == {"west-2023", "north-2022"}
    # grouped by council, in the order the question names them, each under its heading
    assert answer.answer.index("**Westshire Council**\n") < answer.answer.index("**Northshire Council**\n")
    assert _cited_once_per_quote(answer.answer, answer.citations)


def test_one_council_over_time_gets_a_block_per_report_oldest_first_and_the_newest_too(assistant: Assistant) -> None:
    answer = assistant.ask("How has support for care leavers in Eastshire changed since 2017?")
    blocks = _blocks(answer.answer)
    assert len(blocks) == 3
    assert ["2017" in blocks[0], "2019" in blocks[1], "2024" in blocks[2]] == [True, True, True]
    assert answer.answer.count("**Eastshire") == 1  # one council, one heading, though its reports name it two ways
    # the "since 2017" that chose the reports is not searched for: the 2017 quote is about care leavers
    assert not any("January 2017" in c.quote for c in answer.citations)
    assert {c.doc_id for c in answer.citations} == {"east-2017", "east-2019"}
    assert _cited_once_per_quote(answer.answer, answer.citations)


def test_a_report_with_nothing_on_the_aspect_says_so_and_quotes_nothing(assistant: Assistant) -> None:
    answer = assistant.ask("How has support for care leavers in Eastshire changed since 2017?")
    newest = _blocks(answer.answer)[-1]
    assert "The 2024 report says nothing quotable about" in newest and "care leavers" in newest
    assert "“" not in newest and not any(c.doc_id == "east-2024" for c in answer.citations)


def test_nothing_in_any_report_abstains(assistant: Assistant) -> None:
    answer = assistant.ask("How has Eastshire's approach to the weather changed since 2017?")
    assert answer.abstained and not answer.citations


def _docs(area: str, years: range) -> list[Document]:
    return [Document(f"{area}-{y}", area, "Ofsted", "inspection report", f"{y}-01-01", f"{area}-{y}.pdf", "", "",
                     area=area) for y in years]


def test_the_cap_keeps_each_councils_newest_and_names_the_rest() -> None:
    docs = {d.doc_id: d for d in _docs("Eastshire", range(2010, 2018)) + _docs("Westshire", range(2012, 2016))}
    areas = areas_of(docs)
    question = "Compare Eastshire and Westshire on care leavers"
    chosen = plan(question, question_scope(question, areas), areas, None, limit=6)
    assert chosen is not None
    assert [d.doc_id for d in chosen.reports] == [
        "Eastshire-2015", "Eastshire-2016", "Eastshire-2017", "Westshire-2013", "Westshire-2014", "Westshire-2015",
    ]  # each council's newest, in turn
    assert len(chosen.left_out) == 6 and len(chosen.reports) + len(chosen.left_out) == 12


def test_the_cap_is_said_in_the_answer(tmp_path: Path) -> None:
    reports = [(f"east-{y}", "Eastshire Council", f"{y}-01", f"Care leavers in Eastshire were seen in {y}.")
               for y in range(2010, 2020)]
    answer = catalogued_with_areas(tmp_path, [*reports, ("west-2020", "Westshire", "2020-01", "Care leavers.")]).ask(
        "How have care leavers in Eastshire been supported over time?")
    assert len(_blocks(answer.answer)) == 8
    assert "2 older report(s) left out" in answer.answer


def test_only_comparisons_are_answered_report_by_report() -> None:
    docs = {d.doc_id: d for d in _docs("Eastshire", range(2017, 2020)) + _docs("Westshire", range(2018, 2019))}
    areas = areas_of(docs)
    for question in ("What did Ofsted say about care leavers in Eastshire?", "the latest Eastshire report"):
        assert plan(question, question_scope(question, areas), areas, None) is None
    question = "How did Eastshire's care leavers fare over time?"
    assert plan(question, question_scope(question, areas), areas, None) is not None
    question = "Care leavers in Eastshire and Westshire"
    assert plan(question, question_scope(question, areas), areas, None) is not None


def test_the_aspect_drops_place_time_and_change_words() -> None:
    scope = Scope(("barnet",), frozenset())
    assert aspect_of("How has Barnet's overall judgement changed since 2017?", scope) == "How has overall judgement?"
    assert topic_of(aspect_of("How did Barnet compare on care leavers between 2018 and 2022?", scope)) == "care leavers"


def test_the_topic_keeps_the_words_between_its_subject_words_and_no_subject_means_the_headline_judgement() -> None:
    scope = Scope(("eastshire",), frozenset())
    assert topic_of(aspect_of("How did Eastshire's judgement for care leavers change over time?", scope)) == (
        "judgement for care leavers")
    docs = {d.doc_id: d for d in _docs("Eastshire", range(2017, 2019)) + _docs("Westshire", range(2018, 2019))}
    areas = areas_of(docs)
    chosen = plan("How did Eastshire and Westshire compare?", question_scope("Eastshire and Westshire", areas),
                  areas, None)
    assert chosen is not None and "overall" in chosen.aspect and chosen.topic


def test_a_named_council_with_no_report_for_the_year_says_so(assistant: Assistant) -> None:
    answer = assistant.ask("How did Westshire and Northshire compare on care leavers in 2023?")
    assert {c.doc_id for c in answer.citations} == {"west-2023"}
    assert "**Northshire Council**\n\nNone of its reports is from the time the question names" in answer.answer
    assert "reports from 2022" in answer.answer
