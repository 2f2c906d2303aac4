"""Small documents of every format the corpus reads, built by the tests themselves (no real reports)."""

from __future__ import annotations

from pathlib import Path

BODY = [
    "1. Leaders have a clear understanding of the quality of practice with children and families.",
    "2. Care leavers aged 21 and over receive advice and support from their personal advisers, and most of "
    "them live in suitable homes that meet their needs.",
    "3. Social workers visit children regularly and know them well. Managers provide supervision that helps "
    "social workers to reflect on their decision-making, and the quality of plans for children has improved "
    "since the last inspection, although some plans still lack clear timescales for actions.",
]


def _wrap(text: str, width: int = 88) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def inspection_pdf(path: Path, area: str = "Testshire", encrypt: str | None = None) -> Path:
    """A two-page report: title, inspection dates, running header and footer, a bold heading, numbered
    paragraphs (the third crossing the page break) and a footnote with its raised marker."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    c.setTitle(f"Inspection of {area} local authority children's services")

    def furniture(page: int) -> None:
        c.setFont("Helvetica", 9)
        c.drawString(72, height - 40, f"Inspection of {area} local authority children's services")
        c.drawString(72, 30, f"Page {page} of 2")

    furniture(1)
    y = height - 110
    c.setFont("Helvetica-Bold", 18)
    c.drawString(72, y, f"Inspection of {area} local authority children's services")
    y -= 30
    c.setFont("Helvetica", 12)
    c.drawString(72, y, "Inspection dates: 3 to 7 November 2025")
    y -= 40
    c.setFont("Helvetica-Bold", 14)
    c.drawString(72, y, "What needs to improve?")
    c.setFont("Helvetica", 7)
    c.drawString(72 + c.stringWidth("What needs to improve?", "Helvetica-Bold", 14) + 1, y + 6, "1")
    y -= 30
    c.setFont("Helvetica", 12)
    third = _wrap(BODY[2])
    for text in BODY[:2]:
        for line in _wrap(text):
            c.drawString(72, y, line)
            y -= 16
        y -= 10
    # The third paragraph starts at the foot of page 1 and carries on over the page break.
    y = 130
    for line in third[:2]:
        c.drawString(72, y, line)
        y -= 16
    c.setFont("Helvetica", 9)
    c.drawString(72, 60, "1 The last inspection was in 2022.")
    c.showPage()
    furniture(2)
    c.setFont("Helvetica", 12)
    y = height - 90
    for line in third[2:]:
        c.drawString(72, y, line)
        y -= 16
    c.showPage()
    c.save()
    return path


def report_docx(path: Path) -> Path:
    """A Word report: a heading, a paragraph, a bulleted list and a table."""
    from docx import Document as Docx

    doc = Docx()
    doc.core_properties.title = "Corporate parenting annual report"
    doc.add_heading("Care leavers", level=1)
    doc.add_paragraph("The council supports care leavers aged 21 and over through its local offer.")
    for item in ("Personal advisers keep in touch.", "Most care leavers live in suitable homes."):
        doc.add_paragraph(item, style="List Bullet")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Measure", "Value"
    table.cell(1, 0).text, table.cell(1, 1).text = "Care leavers in touch", "94%"
    doc.save(str(path))
    return path


def report_html(path: Path) -> Path:
    """A web page with navigation and a footer around its article."""
    path.write_text(
        "<!DOCTYPE html><html><head><title>Scrutiny update | Testshire Council</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<main><h1>Scrutiny update</h1><h2>Placements</h2>"
        "<p>The committee heard that sufficiency of placements remains a concern for the council.</p>"
        "</main><footer>Cookies and privacy</footer></body></html>",
        encoding="utf-8",
    )
    return path
