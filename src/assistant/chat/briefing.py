"""Briefings: a conversation written out as Markdown or Word, each answer followed by its footnoted sources.

Pure functions over ``Answer`` objects; the only side effect is writing the file asked for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from assistant.cleaning import xml_safe_answer
from assistant.text import human_date, subject_of
from assistant.types import Answer, Citation, Location, RetrievedPassage

INTRO = (
    "Questions put to the report assistant, with its answers. Every quotation is verbatim from the report "
    "cited in its footnote; check the source before relying on it."
)
NOT_COVERED = "The reports in this collection do not cover this question."
_MARKER = re.compile(r"\[(\d+)\]")
_INLINE = re.compile(r"(\*\*.+?\*\*|\[\d+\])")


def _areas(answers: Sequence[Answer]) -> list[str | None]:
    return [c.area for a in answers for c in a.citations] + [p.area for a in answers for p in a.related]


def briefing_title(answers: Sequence[Answer]) -> str:
    """"Briefing: " and what the cited reports are about, named from their areas ("Briefing: West Sussex
    children's services")."""
    return f"Briefing: {subject_of(_areas(answers))}"


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines, tabs) made one space."""
    return " ".join(text.split())


def where(publisher: str, when: str | None, location: Location) -> str:
    """Publisher, human date and place in the report: ``"Ofsted, 4 December 2020, p. 3, paragraph 12"``."""
    return ", ".join([publisher, human_date(when), *location.places()])


def source_note(citation: Citation) -> str:
    """A footnote for a citation: title, publisher, date, paragraph and the quote.

    Example:
        >>> source_note(citation)  # doctest: +SKIP
        '*Focused visit to West Sussex children's services*. Ofsted, 4 December 2020, paragraph 12: “...”'
    """
    c = citation
    return f"*{c.title}*. {where(c.publisher, c.date, c.location)}: “{one_line(c.quote)}”"


def related_note(passage: RetrievedPassage, markdown: bool = True) -> str:
    """One line naming a "possibly related" passage (never presented as a source of an answer)."""
    p = passage
    title = f"*{p.title}*" if markdown else p.title
    return f"{title}. {where(p.publisher, p.date, p.location)}"


def footnoted(answer_markdown: str, q: int) -> str:
    """The answer with each ``[n]`` marker made a Markdown footnote reference ``[^q-n]``."""
    return _MARKER.sub(lambda m: f"[^{q}-{m.group(1)}]", answer_markdown)


def footer_text(index_version: str, today: date) -> str:
    """The footer of every briefing: the date it was prepared and the index version that answered."""
    return (
        f"Prepared on {human_date(today.isoformat())} by the report assistant · index version {index_version}"
    )


def understood_as(answer: Answer) -> str | None:
    """The standalone question when it differs from the one typed (a follow-up read in context)."""
    if one_line(answer.standalone_question).lower() == one_line(answer.question).lower():
        return None
    return answer.standalone_question


def briefing_markdown(answers: Sequence[Answer], index_version: str, today: date) -> str:
    """The conversation as a Markdown briefing with footnoted sources after each answer.

    Footnote labels are ``[^q-n]`` (question ``q``, citation ``n``), so they stay unique in the document.

    Args:
        answers: the conversation's answers, in order.
        index_version: the index version, printed in the footer.
        today: the date printed in the footer.

    Example:
        >>> print(briefing_markdown([answer], "51e18ad3e25f", date(2025, 6, 4)))  # doctest: +SKIP
        # Briefing: West Sussex children's services
        ...
    """
    out = [f"# {briefing_title(answers)}", "", f"_{INTRO}_", ""]
    for q, answer in enumerate(answers, start=1):
        out += [f"## {q}. {one_line(answer.question)}", ""]
        if (standalone := understood_as(answer)) is not None:
            out += [f"_Understood as: {one_line(standalone)}_", ""]
        if answer.abstained:
            out += [f"**{NOT_COVERED}**", ""]
            if answer.related:
                out += ["Possibly related passages (not an answer to the question):", ""]
                out += [f"- {related_note(p)}" for p in answer.related]
                out.append("")
            continue
        out += [footnoted(answer.answer, q), ""]
        out += [f"[^{q}-{c.n}]: {source_note(c)}" for c in answer.citations]
        out.append("")
    out += ["---", "", f"_{footer_text(index_version, today)}_", ""]
    return "\n".join(out)


def briefing_docx(answers: Sequence[Answer], index_version: str, today: date, path: str | Path) -> Path:
    """Write the conversation as a Word briefing: each answer, then its numbered sources; dated footer.

    Args:
        answers: the conversation's answers, in order.
        index_version: the index version, printed in the footer.
        today: the date printed in the footer.
        path: the ``.docx`` file to write (its folder must exist).

    Returns:
        The path written.
    """
    from docx import Document as new_document
    from docx.shared import Pt

    answers = [xml_safe_answer(a) for a in answers]  # Word (XML) cannot hold control characters
    doc = new_document()
    title = briefing_title(answers)
    doc.core_properties.title = title
    doc.add_heading(title, level=0)
    doc.add_paragraph().add_run(INTRO).italic = True
    for q, answer in enumerate(answers, start=1):
        doc.add_heading(f"{q}. {one_line(answer.question)}", level=2)
        if (standalone := understood_as(answer)) is not None:
            doc.add_paragraph().add_run(f"Understood as: {one_line(standalone)}").italic = True
        if answer.abstained:
            doc.add_paragraph().add_run(NOT_COVERED).bold = True
            if answer.related:
                doc.add_paragraph("Possibly related passages (not an answer to the question):")
                for p in answer.related:
                    doc.add_paragraph(related_note(p, markdown=False), style="List Bullet")
            continue
        for block in answer.answer.split("\n\n"):
            _add_inline(doc.add_paragraph(), block)
        sources = doc.add_paragraph()
        sources.add_run("Sources").bold = True
        for c in answer.citations:
            note = doc.add_paragraph()
            note.add_run(f"[{c.n}] ").bold = True
            note.add_run(c.title).italic = True
            note.add_run(f". {where(c.publisher, c.date, c.location)}: “{one_line(c.quote)}”")
            for run in note.runs:
                run.font.size = Pt(9)
    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = footer_text(index_version, today)
    out = Path(path)
    doc.save(str(out))
    return out


def write_briefing(
    answers: Sequence[Answer], index_version: str, today: date, folder: str | Path
) -> tuple[Path, Path]:
    """Write both forms of the briefing into ``folder``: (the Markdown file, the Word file)."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", subject_of(_areas(answers)).lower().replace("'", "")).strip("-")
    stem = f"briefing-{slug}-{today.isoformat()}"
    md = target / f"{stem}.md"
    md.write_text(briefing_markdown(answers, index_version, today), encoding="utf-8")
    return md, briefing_docx(answers, index_version, today, target / f"{stem}.docx")


def _add_inline(paragraph: Any, markdown: str) -> None:
    """Add ``**bold**`` runs and superscript ``[n]`` markers of one Markdown paragraph."""
    for token in _INLINE.split(one_line(markdown)):
        if not token:
            continue
        if token.startswith("**") and token.endswith("**"):
            paragraph.add_run(token[2:-2]).bold = True
        elif _MARKER.fullmatch(token):
            paragraph.add_run(token).font.superscript = True
        else:
            paragraph.add_run(token)
