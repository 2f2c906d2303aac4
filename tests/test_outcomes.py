"""Outcome questions: a report that only announces an event, or predates it, cannot give its outcome.

Cases here are made up for the rule, not taken from the evaluation set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.outcomes import before, dates_in, iso_day, reporting_quotes
from assistant.pipeline import Assistant
from assistant.types import Sentence
from corpus_helpers import catalogued


@dataclass(frozen=True)
class Quoted:
    sentence: Sentence


def quoted(text: str, doc: str) -> Quoted:
    return Quoted(Sentence(0, f"{doc}#0", doc, text, 0, len(text)))


DATED = {"update": "2024-03-01", "later": "2024-09-30"}


def test_dates_and_their_order() -> None:
    assert dates_in("from 14-18 March 2024, after visits in May and September 2023") == [
        (2024, 3, 18), (2023, 9, None)]
    assert iso_day("2024-03-01") == (2024, 3, 1) and iso_day("2019-07") == (2019, 7, None) and not iso_day("2020")
    assert before((2024, 3, 1), (2024, 3, 18)) and before((2023, 12, None), (2024, 1, None))
    assert not before((2024, 3, None), (2024, 3, 18))  # the same month at month precision: not sure
    assert not before(None, (2024, 3, 18))


def test_an_announced_event_has_no_outcome_in_the_report_that_announces_it() -> None:
    announced = quoted("The inspectorate will be conducting an inspection of the service from 14-18 March 2024.",
                       "update")
    in_passing = quoted("The youth service works closely with the courts.", "update")
    found = quoted("The inspection found that the youth service keeps children safe.", "later")
    question = "What was the outcome of the inspection of the youth service?"
    # The report of 1 March announces the inspection for 14-18 March: nothing in it can give the outcome.
    assert reporting_quotes(question, [announced, in_passing], DATED) == []
    # A later report can.
    assert reporting_quotes(question, [announced, in_passing, found], DATED) == [found]
    # A question that does not ask for an outcome keeps every quote.
    assert reporting_quotes("Who works with the courts?", [announced, in_passing], DATED) == [announced, in_passing]


def test_a_quote_about_another_occasion_does_not_give_the_outcome_of_the_one_named() -> None:
    other = quoted("Monitoring visits took place in May and September 2023.", "later")
    undated = quoted("Inspectors found that plans for children had improved.", "later")
    question = "What did inspectors find at the March 2024 monitoring visit?"
    assert reporting_quotes(question, [other, undated], DATED) == [undated]
    assert reporting_quotes(question, [other], DATED) == []
    assert reporting_quotes("What did inspectors find at the monitoring visits?", [other], DATED) == [other]


UPDATE = """1. The Committee is asked to note that the inspectorate will be conducting an inspection of the youth \
service from 14-18 March 2024.

2. The youth service works closely with partners, including the courts and the police.
"""
LATER = """1. The inspection of the youth service in March 2024 found that the service keeps children safe and \
works well with the courts.
"""


@pytest.fixture(scope="module")
def youth(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Assistant]:
    root = tmp_path_factory.mktemp("youth")
    return root, catalogued(root / "announced", [
        ("update", "Youth service update", "Northshire Council", "committee report", "2024-03-01", UPDATE)])


def test_the_outcome_of_an_event_the_reports_only_announce_is_declined(youth: tuple[Path, Assistant]) -> None:
    _, assistant = youth
    answer = assistant.ask("What was the outcome of the inspection of the youth service?")
    assert answer.abstained and not answer.citations
    assert "none gives its outcome" in answer.answer
    assert answer.related  # the announcement is still offered, labelled as possibly related
    # The same report answers what it does say.
    when = assistant.ask("When is the inspection of the youth service?")
    assert not when.abstained and "14-18 March 2024" in when.answer


def test_a_later_report_gives_the_outcome(youth: tuple[Path, Assistant]) -> None:
    root, _ = youth
    assistant = catalogued(root / "both", [
        ("update", "Youth service update", "Northshire Council", "committee report", "2024-03-01", UPDATE),
        ("later", "Youth service inspection", "Inspectorate", "inspection report", "2024-09-30", LATER)])
    answer = assistant.ask("What was the outcome of the inspection of the youth service?")
    assert not answer.abstained
    assert all(c.doc_id == "later" for c in answer.citations)  # the announcement is not quoted as an outcome
    assert "keeps children safe" in answer.answer


@dataclass(frozen=True)
class Scored:
    sentence: Sentence
    score: float


def test_a_question_about_one_year_is_answered_by_quotes_of_that_year() -> None:
    from assistant.outcomes import of_the_year

    dated = {"inspection-2025": "2025-05-01", "review-2024": "2024-01-01", "news-2023": "2023-07"}
    table = Scored(quoted("Overall effectiveness\tRequires improvement to be good", "inspection-2025").sentence, 0.9)
    earlier = Scored(quoted("Services were judged inadequate by Ofsted in February 2023.", "review-2024").sentence, 0.8)
    news = Scored(quoted("The council was told to write a plan.", "news-2023").sentence, 0.7)
    assert of_the_year("2023", [table, earlier, news], dated) == [earlier, news]
    assert of_the_year("2025", [table, earlier, news], dated) == [table]  # the table's own year
    # Nothing of that year, or only a weak quote of it: the evidence stays as it was.
    assert of_the_year("2021", [table, earlier], dated) == [table, earlier]
    weak = Scored(earlier.sentence, 0.5)
    assert of_the_year("2023", [table, weak], dated) == [table, weak]


def test_the_judgement_of_a_year_is_not_quoted_from_a_later_inspection(tmp_path: Path) -> None:
    assistant = catalogued(tmp_path, [
        ("inspection-2025", "Inspection of Northshire children's services", "Ofsted", "inspection report",
         "2025-05-01", "Judgements\n\nOverall effectiveness of children's services\tRequires improvement to be "
         "good\n\n1. The overall effectiveness of children's services is judged to be requires improvement to "
         "be good.\n"),
        ("review-2024", "Review of Northshire", "Commissioner", "commissioner report", "2024-01-01",
         "1. Ofsted judged the effectiveness of the services inadequate in February 2023.\n\n"
         "2. The commissioner has met leaders monthly since then.\n"),
    ])
    answer = assistant.ask("What was the overall effectiveness of children's services in 2023?")
    assert not answer.abstained
    # The 2025 inspection's judgement is another year's: not quoted beside the 2023 one.
    assert [c.doc_id for c in answer.citations] == ["review-2024"]
    assert "inadequate" in answer.citations[0].quote
    later = assistant.ask("What was the overall effectiveness of children's services in 2025?")
    assert "requires improvement" in later.citations[0].quote.lower()
