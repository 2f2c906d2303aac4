"""A question's council and time: reports picked from the collection's own areas and dates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.query.scope import areas_of, named_areas, question_scope, short_name
from assistant.types import Document
from corpus_helpers import catalogued_with_areas


def _doc(doc_id: str, area: str, date: str) -> Document:
    return Document(doc_id, f"Inspection of {area}", "Ofsted", "inspection report", date, f"{doc_id}.pdf", "", "",
                    area=area)


DOCS = {d.doc_id: d for d in [
    _doc("barnet-2017", "London Borough of Barnet", "2017-07-07"),
    _doc("barnet-2019", "London Borough of Barnet", "2019-05-24"),
    _doc("barnet-2024", "Barnet", "2024-06-14"),
    _doc("somerset-2018", "Somerset County Council", "2018-01-29"),
    _doc("north-somerset-2023", "North Somerset", "2023-03-24"),
]}
AREAS = areas_of(DOCS)


@pytest.mark.parametrize(("question", "expected"), [
    ("What did Ofsted find in Barnet's 2019 inspection?", {"barnet-2019"}),
    ("What is the latest Ofsted judgement for Barnet?", {"barnet-2024"}),
    ("What did the previous inspection of Barnet say?", {"barnet-2019"}),
    ("How has Barnet changed since 2019?", {"barnet-2019", "barnet-2024"}),
    ("How did North Somerset do on care leavers?", {"north-somerset-2023"}),
    ("Compare Somerset and North Somerset", {"somerset-2018", "north-somerset-2023"}),
    ("What did Ofsted say about Barnet?", {"barnet-2017", "barnet-2019", "barnet-2024"}),
])
def test_the_area_and_time_a_question_names_pick_its_reports(question: str, expected: set[str]) -> None:
    scope = question_scope(question, AREAS)
    assert scope.doc_ids == expected and not scope.missing


def test_an_inspection_the_collection_does_not_hold_is_named_with_what_it_has() -> None:
    scope = question_scope("What did Ofsted find when it inspected Barnet in 2021?", AREAS)
    assert scope.doc_ids == frozenset()
    assert scope.missing == (
        "The collection has reports on London Borough of Barnet from 2017, 2019 and 2024; none from 2021."
    )


def test_a_year_names_the_report_inspected_in_it_as_well_as_the_one_dated_in_it() -> None:
    text = ("Inspection of Somerset\n\nInspection dates: 5 to 9 December 2022 and 14 to 15 February 2023\n\n"
            "Lead inspector: A Name\n\nThe council has improved since 2019 and 2021.")
    inspected = Document("somerset-2023", "Inspection of Somerset", "Ofsted", "inspection report", "2023-05-10",
                         "somerset-2023.pdf", "", text, area="Somerset County Council")
    areas = areas_of({**DOCS, inspected.doc_id: inspected})
    for year in ("2022", "2023"):
        scope = question_scope(f"What grade did Somerset get when Ofsted inspected in {year}?", areas)
        assert scope.doc_ids == {"somerset-2023"} and not scope.missing
    # years in the body are not the report's: 2021 names no report
    assert question_scope("What did Ofsted find in Somerset in 2021?", areas).missing


def test_questions_naming_no_area_and_single_area_collections_are_not_scoped() -> None:
    assert question_scope("What did Ofsted find in 2019?", AREAS).doc_ids is None
    one = {k: v for k, v in DOCS.items() if k.startswith("barnet")}
    assert question_scope("Barnet in 2021?", areas_of(one)).doc_ids is None


def test_short_names_and_the_longest_name_first() -> None:
    assert short_name("Blackburn with Darwen Borough Council") == "blackburn with darwen"
    assert named_areas("Somerset's care leavers", list(AREAS)) == ["somerset"]
    assert named_areas("north somerset", list(AREAS)) == ["north somerset"]


def test_a_council_is_found_whatever_each_of_its_reports_calls_it() -> None:
    areas = areas_of({d.doc_id: d for d in [
        _doc("tes-2018", "City of Testport Metropolitan District Council", "2018-10-29"),
        _doc("tes-2026", "Testport Children and Families Trust", "2026-05-21"),
        _doc("nor-2019", "Norham upon Tyne", "2019-01-01"),
        _doc("nor-2022", "Norham", "2022-02-01"),
        _doc("cap-2024", "City of London", "2024-11-05"),
    ]})
    assert question_scope("What is the latest judgement for Testport?", areas).doc_ids == {"tes-2026"}
    assert question_scope("Norham upon Tyne's latest inspection", areas).doc_ids == {"nor-2022"}
    assert question_scope("How did Norham do in 2019?", areas).doc_ids == {"nor-2019"}
    assert question_scope("What did Ofsted say about the City of London?", areas).doc_ids == {"cap-2024"}
    # a name only of framing words is matched whole, never by one of its words
    assert named_areas("What did the London Borough of Testport say?", list(areas)) == ["testport"]
    assert named_areas("Care leavers in London", list(areas)) == []


def test_answers_come_only_from_the_named_council_and_a_missing_year_abstains(tmp_path: Path) -> None:
    assistant = catalogued_with_areas(tmp_path, [
        ("east-2019", "Eastshire County Council", "2019-05", "Care leavers in Eastshire have suitable homes."),
        ("east-2023", "Eastshire County Council", "2023-03", "Care leavers in Eastshire lack suitable homes."),
        ("west-2023", "Westshire Council", "2023-04", "Care leavers in Westshire have suitable homes."),
    ])
    answer = assistant.ask("What did inspectors say about homes for care leavers in Westshire?")
    assert {c.doc_id for c in answer.citations} == {"west-2023"}
    latest = assistant.ask("What did the latest Eastshire report say about homes for care leavers?")
    assert {c.doc_id for c in latest.citations} == {"east-2023"}
    missing = assistant.ask("What did Ofsted find about care leavers in Westshire in 2019?")
    assert missing.abstained and not missing.citations
    assert "reports on Westshire Council from 2023; none from 2019" in missing.answer


def test_a_council_the_reports_only_mention_is_declined_with_the_areas_held(tmp_path: Path) -> None:
    assistant = catalogued_with_areas(tmp_path, [
        ("east-2023", "Eastshire County Council", "2023-03",
         "Care leavers in Eastshire have suitable homes, as Northby County Council found in its own review. "
         "Southby County Council agreed. The Youth Council meets monthly and the youth service supports it."),
        ("west-2023", "Westshire Council", "2023-04", "Care leavers in Westshire have suitable homes."),
    ])
    answer = assistant.ask("What did Ofsted say about homes for care leavers in Northby?")
    assert answer.abstained and not answer.citations
    assert ("The collection has no reports on Northby; only other councils' reports mention it: Eastshire County "
            "Council (2023). The collection has reports on 2 areas: Eastshire County Council, Westshire Council."
            ) in answer.answer
    both = assistant.ask("How do Northby and Southby support care leavers?")
    assert both.abstained and "no reports on Northby and Southby; only other councils' reports mention them:" in (
        both.answer)
    # A council's own name, and a body that is no place ("Youth Council"), are answered as before.
    assert {c.doc_id for c in assistant.ask("What did inspectors say about care leavers in Westshire?").citations} == {
        "west-2023"}
    youth = assistant.ask("How often does the Youth Council meet?")
    assert not youth.abstained and {c.doc_id for c in youth.citations} == {"east-2023"}


def test_scoring_only_the_candidates_sentences_gives_the_same_best_sentences(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.query.retrieval import SentenceScores

    a = fake_assistant
    vector = a.embedder.embed(["care leavers aged 21 and over"])[0]
    full = a.ranker._best_sentence_per_passage(vector)
    lazy = SentenceScores(a.index.sentence_vectors, vector, a.stats.passage_sentence_starts,
                          a.stats.passage_sentence_ends)
    positions = list(range(len(a.index.passages)))
    assert isinstance(full, np.ndarray)
    assert np.allclose(lazy.of(positions), full) and np.allclose(lazy.of(positions[::-7]), full[::-7])


def test_a_large_collection_scores_only_candidate_sentences_and_still_answers(tmp_path: Path) -> None:
    from assistant.settings import Settings

    small_limit = Settings.load(environ={}, sentence_scan_limit=3)
    assistant = catalogued_with_areas(tmp_path, [
        ("east-2023", "Eastshire County Council", "2023-03", "Care leavers in Eastshire lack suitable homes."),
        ("west-2023", "Westshire Council", "2023-04", "Care leavers in Westshire have suitable homes. "
         "Adoption is timely."),
    ])
    assistant.settings = small_limit
    answer = assistant.ask("What did inspectors say about homes for care leavers in Westshire?")
    assert [c.doc_id for c in answer.citations] == ["west-2023"] and "suitable homes" in answer.citations[0].quote
