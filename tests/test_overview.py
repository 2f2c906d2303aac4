"""Questions about a whole document are answered from its own summary, findings, conclusions or
recommendations.

Cases here are made up for the rule, not taken from the evaluation set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.overview import lead_sentences, overview_document, overview_wanted, summary_passages
from assistant.passages import split_document
from assistant.pipeline import Assistant
from assistant.search_text import terms
from assistant.types import Document
from corpus_helpers import catalogued

DESCRIBED = {
    "visit": set(terms("Focused visit to Northshire children's services Ofsted inspection letter 2021")),
    "review": set(terms("Review of the Northshire children's trust Commissioner commissioner report 2022")),
}


@pytest.mark.parametrize(
    ("question", "doc", "wanted"),
    [
        ("What did the focused visit find?", "visit", "findings"),
        ("Summarise the focused visit letter.", "visit", "findings"),
        ("What were the commissioner's recommendations?", "review", "recommendations"),
        ("What did the commissioner conclude about the children's trust?", "review", "conclusions"),
        ("What did the commissioner recommend about the children's trust?", "review", "recommendations"),
        ("What was said about the focused visit?", "visit", "findings"),
        ("What are the next steps in the commissioner's review?", "review", "recommendations"),
        # The words before "about" name the document: the title's "children's trust" is then a subject.
        ("What did the commissioner say about the children's trust?", None, "findings"),
        # Not about one document as a whole: a subject of its own, a fact asked for, or no document named.
        ("What did the focused visit find about care leavers?", None, "findings"),
        ("When was the focused visit?", None, None),
        ("How were children in care judged at the focused visit?", None, None),
        ("What was the focused visit's overall judgement?", None, "findings"),  # a fact: a grade
        ("What did they find?", None, "findings"),
        ("What did the Northshire reports say?", None, "findings"),  # a word both documents share
    ],
)
def test_a_question_about_a_whole_document(question: str, doc: str | None, wanted: str | None) -> None:
    assert overview_document(question, DESCRIBED) == doc
    assert overview_wanted(question) == wanted


LETTER = """Focused visit to Northshire

Overview

Leaders have strengthened the front door. Referrals are now screened promptly. Staff feel supported.

Plans for children in care are clearer than at the last inspection.

Findings

Management oversight is regular but does not always drive progress.

Recommendations

1. The council should improve the timeliness of assessments for disabled children.

2. The council should review its audit programme.

Publication

© Crown copyright 2021. This publication is licensed under the terms of the Open Government Licence.
"""


def letter() -> tuple[Document, list]:
    doc = Document("visit", "Focused visit", "Ofsted", "inspection letter", "2021-05-01", "visit.txt", "", LETTER)
    return doc, split_document(doc)[0]


def test_summary_sections_come_in_the_order_that_fits_the_question_and_the_lead_stands_in_without_them() -> None:
    _, passages = letter()
    sections = [p.section for p in summary_passages(passages, "findings")]
    assert sections and set(sections) == {"Overview", "Findings"} and sections[0] == "Overview"
    assert {p.section for p in summary_passages(passages, "recommendations")} == {"Recommendations"}
    untitled = [p for p in passages if p.section != "Overview"][:1]
    assert summary_passages(untitled, "conclusions") == untitled  # no heading fits: the opening passages


def test_the_lead_takes_each_passages_opening_sentences_and_skips_boilerplate() -> None:
    doc, passages = letter()
    _, sentences = split_document(doc)
    by_passage: dict[str, list] = {}
    for s in sentences:
        by_passage.setdefault(s.passage_id, []).append(s)
    lead = lead_sentences(passages, by_passage, lambda s: True, limit=10, lines=12, per_passage=2)
    texts = [s.text for s, _ in lead]
    assert texts[:2] == ["Leaders have strengthened the front door.", "Referrals are now screened promptly."]
    assert "Staff feel supported." not in texts  # two sentences of a passage
    assert not any("copyright" in t.lower() for t in texts)


REPORT = """1. The commissioner reviewed progress on the children's trust over the year.

2. Caseloads have fallen and staff turnover is lower than in any year since 2015.

Conclusions

3. The council has the capacity to improve its own services.

Recommendations

4. The Minister should agree that a children's trust is no longer required.

5. The commissioner should continue to oversee the improvement board for a further year.
"""


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root: Path = tmp_path_factory.mktemp("review")
    return catalogued(root, [
        ("review", "Review of the children's trust", "Commissioner", "commissioner report", "2022-01", REPORT),
        ("letter", "Focused visit to Northshire", "Ofsted", "inspection letter", "2021-05-01", LETTER)])


def test_the_recommendations_of_a_document_are_quoted_from_its_recommendations(review: Assistant) -> None:
    answer = review.ask("What were the commissioner's recommendations?")
    assert not answer.abstained
    assert [c.paragraph for c in answer.citations] == ["4", "5"]
    assert answer.passages[0].paragraph == "4"  # the sources listed lead with the quoted passages


def test_a_document_wide_question_quotes_its_summary_in_reading_order(review: Assistant) -> None:
    answer = review.ask("What did the focused visit find?")
    quotes = [c.quote for c in answer.citations]
    assert quotes[0] == "Leaders have strengthened the front door. Referrals are now screened promptly."
    assert "Management oversight is regular but does not always drive progress." in quotes
    assert all(c.doc_id == "letter" for c in answer.citations)
    # With a subject of its own the question is answered as any other.
    specific = review.ask("What did the focused visit find about management oversight?")
    assert specific.citations[0].quote.startswith("Management oversight")


def test_a_summary_with_nothing_to_quote_leaves_the_question_to_ordinary_answering(tmp_path: Path) -> None:
    report = ("1. Inspectors found that plans for children are written with them and reviewed often.\n\n"
              "Summary\n\n© Crown copyright 2021. This publication is licensed under the Open Government Licence.\n")
    assistant = catalogued(tmp_path, [
        ("visit", "Focused visit to Northshire", "Ofsted", "inspection letter", "2021-05-01", report)])
    answer = assistant.ask("What did the focused visit find?")
    assert answer.citations and "plans for children" in answer.citations[0].quote  # not an empty answer


def test_a_document_that_summarises_its_key_findings_is_answered_with_that_summary(tmp_path: Path) -> None:
    report = ("Introduction\n\n1.1 Ofsted inspected the service in March 2023 and published its report in May.\n\n"
              "2. The inspection\n\n2.1 The report is attached but key findings are summarised as follows:\n\n"
              "- Most children in care make good progress\n- Early help makes a positive difference\n"
              "- Care leavers aged 21 and over need better support\n\n"
              "Responding to the report\n\n2.2 Senior leaders consider the report fair and balanced.\n")
    assistant = catalogued(tmp_path, [
        ("ilacs", "Report on the 2023 inspection", "Northshire Council", "council report", "2023-05-11", report)])
    quotes = [c.quote for c in assistant.ask("What did the 2023 inspection find?").citations]
    assert quotes == ["The report is attached but key findings are summarised as follows:",
                      "Most children in care make good progress", "Early help makes a positive difference",
                      "Care leavers aged 21 and over need better support"]
    # With no summary of its findings announced, the summary sections are read as before.
    _, passages = letter()
    assert {p.section for p in summary_passages(passages, "findings")} == {"Overview", "Findings"}
