"""Briefings: Markdown and Word, each answer followed by its footnoted sources, with a dated footer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest

from assistant.chat.briefing import briefing_docx, briefing_markdown, footnoted, source_note, write_briefing
from assistant.types import Answer, Citation, Location, RetrievedPassage

TODAY = date(2025, 6, 4)
QUOTE = "The advice and support provided to care leavers aged 21 and over requires further improvement"


def _citation(n: int = 1, quote: str = QUOTE) -> Citation:
    return Citation(
        n=n, doc_id="2023-05-council-report", title="Ofsted ILACS judgement",
        publisher="West Sussex County Council", kind="council report", date="2023-05-11",
        quote=quote, text=f"Intro. {quote}. More.",
        location=Location("4. The Ofsted report", "4.2", 0, len(quote)), score=0.9, area="West Sussex",
    )


def _answer(question: str = "What about care leavers over 21?", standalone: str | None = None) -> Answer:
    return Answer(
        question=question, standalone_question=standalone or question,
        answer=f"**West Sussex County Council** (council report, 11 May 2023): “{QUOTE}” [1] “Second.” [2]",
        abstained=False, citations=(_citation(1), _citation(2, "Second.")), passages=(), timings_ms={},
    )


def _abstained() -> Answer:
    related = RetrievedPassage(
        doc_id="d", title="Budget paper", publisher="West Sussex County Council", kind="council report",
        date="2023-05", text="Money.", location=Location("Finance", "2.8", 0, 6), score=0.1,
    )
    return Answer(
        question="Surrey's budget?", standalone_question="Surrey's budget?",
        answer="**The reports in this collection do not cover this question.**", abstained=True, citations=(),
        passages=(), timings_ms={}, related=(related,),
    )


def test_markers_become_unique_footnote_references() -> None:
    assert footnoted("“a” [1] “b” [2]", 3) == "“a” [^3-1] “b” [^3-2]"


def test_source_note_names_title_publisher_date_paragraph_and_quote() -> None:
    note = source_note(_citation())
    assert note.startswith("*Ofsted ILACS judgement*. West Sussex County Council, 11 May 2023, paragraph 4.2")
    assert f"“{QUOTE}”" in note


def test_markdown_briefing_has_each_answer_then_its_footnotes_and_a_footer() -> None:
    follow = _answer("And for children in care?", "What did Ofsted say about children in care?")
    md = briefing_markdown([_answer(), follow, _abstained()], "v42", TODAY)
    assert md.startswith("# Briefing: West Sussex children's services")
    assert "## 1. What about care leavers over 21?" in md
    assert "## 2. And for children in care?" in md
    assert "_Understood as: What did Ofsted say about children in care?_" in md
    first, second = md.index("[^1-1]: "), md.index("## 2.")
    assert md.index("“The advice") < first < second  # the footnotes follow their answer
    assert "[^2-2]: " in md
    assert "**The reports in this collection do not cover this question.**" in md
    assert "Possibly related passages (not an answer to the question)" in md
    assert "[^3-" not in md  # related passages are never footnoted as sources
    assert md.rstrip().endswith("_Prepared on 4 June 2025 by the report assistant · index version v42_")


def test_word_briefing_has_question_quote_sources_and_footer(tmp_path: Path) -> None:
    path = briefing_docx([_answer(), _abstained()], "v42", TODAY, tmp_path / "b.docx")
    document = docx.Document(str(path))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "1. What about care leavers over 21?" in body
    assert QUOTE in body
    assert "[1] Ofsted ILACS judgement. West Sussex County Council, 11 May 2023, paragraph 4.2" in body
    assert "The reports in this collection do not cover this question." in body
    assert "Budget paper" in body
    footer = document.sections[0].footer.paragraphs[0].text
    assert "4 June 2025" in footer and "v42" in footer
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert "West Sussex County Council" in bold


@pytest.mark.parametrize("count", [0, 1])
def test_write_briefing_writes_both_files(tmp_path: Path, count: int) -> None:
    md, word = write_briefing([_answer()] * count, "v1", TODAY, tmp_path / "out")
    assert md.suffix == ".md" and word.suffix == ".docx"
    assert md.read_text(encoding="utf-8").count("## ") == count
    assert "2025-06-04" in md.name and word.exists()


def test_briefing_of_a_real_answer(fake_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    answer = fake_assistant.ask("What did Ofsted say about care leavers over 21?")
    md, word = write_briefing([answer], fake_assistant.index_version, TODAY, tmp_path)
    text = md.read_text(encoding="utf-8")
    for c in answer.citations:
        assert f"[^1-{c.n}]: *{c.title}*" in text
    assert fake_assistant.index_version in docx.Document(str(word)).sections[0].footer.paragraphs[0].text


def test_the_briefing_is_titled_and_named_from_the_cited_reports_areas(tmp_path: Path) -> None:
    from dataclasses import replace

    other = replace(_answer(), citations=(replace(_citation(), area="Barnet"),))
    assert briefing_markdown([_answer(), other], "v", TODAY).startswith(
        "# Briefing: Barnet and West Sussex children's services"
    )
    md, word = write_briefing([other], "v", TODAY, tmp_path)
    assert md.name == f"briefing-barnet-childrens-services-{TODAY.isoformat()}.md"
    assert docx.Document(str(word)).core_properties.title == "Briefing: Barnet children's services"
