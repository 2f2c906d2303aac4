"""Labelled lines and table rows answer the question that asks for their label; "when" and "who led" questions
are read as such; a council's name is found with its framing words.

Made-up reports only (the keyword embedder): nothing here is read from the real Ofsted reports.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.index.search_text import alternatives, terms
from assistant.pipeline import Assistant
from assistant.query.collection import title_sentences
from assistant.query.fact_types import answer_type, label_share, labelled, passage_fit
from assistant.query.scope import areas_of, named_areas, question_scope, without_scope_words
from assistant.settings import Settings
from assistant.types import Document, Sentence
from corpus_helpers import KeywordEmbedder

PROSE = (
    "Ofsted inspectors found that care leavers in {area} are supported by committed personal advisers who know them "
    "well and help them into education, training and work.",
    "Leaders inspected the quality of plans in {month} 2024 and have led a programme of improvement for care "
    "leavers since then.",
    "Services for children in care are led by an experienced team and managers inspect case files every month.",
)


def _report(path: Path, area: str, dates: str, lead: str, month: str) -> None:
    """A Word report laid out as an inspection report: its title as a heading, the labelled lines of its
    head, the judgement table, then prose (a heading marked by style, so the labelled lines stay text)."""
    from docx import Document as Docx

    doc = Docx()
    doc.add_heading(f"Inspection of {area} local authority children's services", level=1)
    doc.add_paragraph(f"Inspection dates: {dates}")
    doc.add_paragraph(f"Lead inspector: {lead}, His Majesty's Inspector")
    rows = [("Judgement:", "Grade"), ("The experiences and progress of children in care:", "Outstanding"),
            ("The experiences and progress of care leavers:", "Requires improvement to be good"),
            ("Overall effectiveness:", "Good")]
    table = doc.add_table(rows=len(rows), cols=2)
    for i, (label, grade) in enumerate(rows):
        table.cell(i, 0).text, table.cell(i, 1).text = label, grade
    doc.add_heading("Care leavers", level=2)
    for text in PROSE:
        doc.add_paragraph(text.format(area=area, month=month))
    doc.save(str(path))


def _reports(root: Path) -> Assistant:
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    entries = []
    for name, area, date, dates, lead, month in [
        ("east-2025", "Eastshire", "2025-03-07", "3 to 7 March 2025", "Ann Example", "June"),
        ("west-2025", "Westshire", "2025-05-09", "5 to 9 May 2025", "Bob Sample", "July"),
    ]:
        _report(corpus / f"{name}.docx", area, dates, lead, month)
        entries.append(f'["{name}.docx"]\ntitle = "Inspection of {area}"\npublisher = "Ofsted"\n'
                       f'kind = "inspection report"\ndate = "{date}"\narea = "{area}"\n')
    (corpus / "catalog.toml").write_text("\n".join(entries), encoding="utf-8")
    return Assistant.load(index_dir=root / "index", corpus_dir=corpus, settings=Settings.load(environ={}),
                          embedder=KeywordEmbedder())


# ------------------------------------------------------------------------------------- pure rules


def test_a_labelled_line_is_a_label_and_a_short_value() -> None:
    assert labelled("Inspection dates: 17 to 28 July 2023") == ("Inspection dates", "17 to 28 July 2023")
    assert labelled("Lead inspector: Ann Example, His Majesty's Inspector") == (
        "Lead inspector", "Ann Example, His Majesty's Inspector")
    assert labelled("The experiences and progress of care leavers:\tGood") == (
        "The experiences and progress of care leavers", "Good")
    # prose with a colon is not a labelled line: a long value, or one closing with a full stop
    assert labelled("Among the issues: weak structures served children badly.") is None
    assert labelled("Leaders said: we will improve the quality of plans for children and the timeliness of "
                    "visits to them over the coming year and beyond") is None
    assert labelled("Care leavers are well supported.") is None


def test_the_label_a_question_asks_for_scores_its_line() -> None:
    when = "When did Ofsted inspect the council?"
    assert label_share("Inspection dates: 3 to 7 March 2025", terms(when), alternatives(when), "date") == 1.0
    assert label_share("Lead inspector: Ann Example", terms(when), alternatives(when), "date") == 0.0
    who = "Who led the inspection?"
    assert label_share("Lead inspector: Ann Example", terms(who), alternatives(who), answer_type(who)) == 1.0
    rate = "How did Ofsted rate the services for care leavers?"
    leavers = label_share("The experiences and progress of care leavers:\tGood", terms(rate), alternatives(rate),
                          answer_type(rate))
    in_care = label_share("The experiences and progress of children in care:\tGood", terms(rate),
                          alternatives(rate), answer_type(rate))
    assert leavers > in_care
    # a line whose value does not give the kind of fact asked for is no answer, whatever its label
    assert label_share("Inspection dates: to be confirmed", terms(when), alternatives(when), "date") == 0.0


def test_a_passage_with_the_labelled_fact_earns_more_than_one_that_only_holds_the_kind() -> None:
    words = ["When", "were", "the", "inspection", "dates"]
    assert passage_fit("date", "Inspection dates: 3 to 7 March 2025", words) > passage_fit(
        "date", "Leaders met on 4 March 2025 to plan.", words) > passage_fit("date", "No date here.", words)


@pytest.mark.parametrize(("question", "kind"), [
    ("What were the dates of Ofsted's 2023 inspection of Eastshire?", "date"),
    ("On what dates were inspectors in Eastshire for the 2023 inspection?", "date"),
    ("What date was the visit?", "date"),
    ("How did Ofsted rate Eastshire's services for care leavers in 2025?", "grade"),
    ("How did Ofsted rate services for care leavers?", "grade"),
    ("How did the rate of referrals change?", None),
])
def test_when_and_rating_questions_are_read_as_such(question: str, kind: str | None) -> None:
    assert answer_type(question) == kind


def test_a_labelled_opening_line_is_not_a_headline() -> None:
    opening = [Sentence(0, "a#0", "a", "Inspection dates: 3 to 7 March 2025", 0, 35),
               Sentence(1, "b#0", "b", "Inspection of Westshire children's services", 0, 44)]
    assert title_sentences(opening) == {1}
    # an inspection held in two parts states a long date, and is still a date, not a headline
    long_dates = "Inspection dates: 8 July 2019 to 12 July 2019 and 7 August 2019 to 8 August 2019"
    assert title_sentences([Sentence(0, "c#0", "c", long_dates, 0, len(long_dates))]) == set()


def _doc(doc_id: str, area: str, date: str, text: str = "") -> Document:
    return Document(doc_id, f"Inspection of {area}", "Ofsted", "inspection report", date, f"{doc_id}.pdf", "", text,
                    area=area)


def test_a_name_with_framing_words_inside_is_found_as_written() -> None:
    areas = areas_of({d.doc_id: d for d in [_doc("scilly", "Isles of Scilly", "2023-07-13"),
                                            _doc("redcar", "Redcar and Cleveland", "2022-07-01"),
                                            _doc("kent", "Kent", "2022-01-01")]})
    assert named_areas("What is the latest Ofsted judgement for Isles of Scilly?", list(areas)) == ["isles scilly"]
    assert named_areas("How did Redcar and Cleveland do?", list(areas)) == ["redcar cleveland"]
    scope = question_scope("What is the latest Ofsted judgement for Isles of Scilly?", areas)
    assert scope.doc_ids == {"scilly"}
    assert without_scope_words("Who led the Isles of Scilly's inspection?", scope) == "Who led the inspection?"


# ------------------------------------------------------------------------------------- end to end


def test_labelled_lines_and_table_rows_answer_the_question_asking_for_their_label(tmp_path: Path) -> None:
    assistant = _reports(tmp_path)
    when = assistant.ask("When did Ofsted inspect Westshire's children's services in 2025?")
    assert not when.abstained
    assert when.citations[0].doc_id == "west-2025"

    dates = assistant.ask("What were the dates of Ofsted's 2025 inspection of Eastshire?")
    assert dates.citations[0].quote == "Inspection dates: 3 to 7 March 2025"

    who = assistant.ask("Who led Ofsted's 2025 inspection of Westshire?")
    assert who.citations[0].quote == "Lead inspector: Bob Sample, His Majesty's Inspector"

    leavers = assistant.ask("What judgement did Ofsted give Eastshire's services for care leavers in 2025?")
    row = "The experiences and progress of care leavers:\tRequires improvement to be good"
    assert leavers.citations[0].quote == row
