"""PdfLoader on small reports drawn with reportlab: the layout of a real report in three pages.

The made-up report has what the real ones have: a running header and footer with page numbers (alternating
sides), a 24 pt title, a ruled judgement table, a 14 pt bold heading with a 6.5 pt raised footnote marker,
bullets in a symbol font ("◼" and the Wingdings private-use U+F06E), numbered paragraphs with a tab-like
gap after the number, one of which crosses a page break with a real hyphen at the last line of the page, and
a 10 pt footnote at the foot of page 1.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from assistant.ingest.loaders.base import LoadedText, SkipFile
from assistant.ingest.loaders.pdf import PdfLoader
from assistant.ingest.passages import split_document
from assistant.types import Document

WIDTH, HEIGHT = A4
HEADER = "Testshire children’s services inspection report"
FOOTER = "Testshire report, November 2025"
FOOTNOTE = "This footnote explains what improvement means in this report."
CROSS_PAGE = (
    "2. Leaders have strengthened the front door so that partners understand thresholds and improve "
    "decision-making for children and families. Leaders know their services well."
)


def _symbol_font() -> str:
    """A font whose text layer holds "◼" and U+F06E (as Wingdings bullets do in real reports).

    reportlab's bundled Vera has neither glyph; mapping both code points to an existing glyph is enough,
    since only the text layer is read.
    """
    import reportlab

    if "Bullets" not in pdfmetrics.getRegisteredFontNames():
        font = TTFont("Bullets", os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf"))
        for code in (0x25FC, 0xF06E):
            font.face.charToGlyph[code] = font.face.charToGlyph[ord("o")]
        pdfmetrics.registerFont(font)
    return "Bullets"


def _at(c: canvas.Canvas, x: float, baseline: float, text: str, font: str = "Helvetica", size: float = 12) -> None:
    """Draw ``text`` with its baseline ``baseline`` points below the top of the page."""
    c.setFont(font, size)
    c.drawString(x, HEIGHT - baseline, text)


def _running(c: canvas.Canvas, page: int) -> None:
    _at(c, 72, 40, HEADER, size=9)
    _at(c, 72, 815, FOOTER, size=8)
    _at(c, 520 if page % 2 else 72, 800, str(page), size=14)  # the page number changes sides


def _table(c: canvas.Canvas, top: float, rows: list[tuple[str, str]]) -> None:
    x0, mid, x1, height = 72.0, 300.0, 540.0, 28.0
    for i, (judgement, grade) in enumerate(rows):
        row_top = top + i * height
        c.rect(x0, HEIGHT - row_top - height, x1 - x0, height)
        c.line(mid, HEIGHT - row_top, mid, HEIGHT - row_top - height)
        font = "Helvetica-Bold" if i == 0 else "Helvetica"
        _at(c, x0 + 5, row_top + 18, judgement, font)
        _at(c, mid + 5, row_top + 18, grade, font)


def _numbered(c: canvas.Canvas, baseline: float, number: str, lines: list[str]) -> None:
    _at(c, 72, baseline, number)
    for i, line in enumerate(lines):
        _at(c, 108, baseline + i * 14.5, line)


def make_report(path: Path, encrypt: str | None = None) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    symbols = _symbol_font()
    # Page 1
    _running(c, 1)
    _at(c, 72, 100, "Inspection of Testshire local", size=24)
    _at(c, 72, 128, "authority children’s services", size=24)
    _at(c, 72, 160, "Inspection dates: 3 to 7 November 2025")
    _table(c, 180, [("Judgement", "Grade"), ("The impact of leaders", "Good"),
                    ("Overall effectiveness", "Requires improvement to be good")])
    _at(c, 72, 300, "What needs to improve?", "Helvetica-Bold", 14)
    _at(c, 72 + pdfmetrics.stringWidth("What needs to improve?", "Helvetica-Bold", 14), 295, "1", size=6.5)
    _at(c, 72, 330, "\u25fc", symbols)
    _at(c, 86, 330, "Timeliness of early help support.")
    _at(c, 72, 355, "\uf06e", symbols)
    _at(c, 86, 355, "Management oversight of the local authority designated")
    _at(c, 86, 369.5, "officer (LADO).")
    _at(c, 72, 400, "The experiences and progress of children: good", "Helvetica-Bold", 14)
    _numbered(c, 430, "1.", ["Children are seen regularly by social workers who", "know them well."])
    _numbered(c, 700, "2.", ["Leaders have strengthened the front door so that",
                             "partners understand thresholds and improve decision-"])
    _at(c, 72, 766, "1", size=6.5)
    _at(c, 76, 770, FOOTNOTE, size=10)
    c.showPage()
    # Page 2: the paragraph goes on at the top, in lower case
    _running(c, 2)
    _at(c, 108, 90, "making for children and families. Leaders know their")
    _at(c, 108, 104.5, "services well.")
    _numbered(c, 135, "3.", ["Managers check the quality of plans every month."])
    _at(c, 72, 170, "Care leavers", "Helvetica-Bold", 14)
    _at(c, 72, 195, "Care leavers are supported well by personal advisers.")
    c.showPage()
    # Page 3
    _running(c, 3)
    _numbered(c, 90, "4.", ["Final paragraph of the report."])
    c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, LoadedText]:
    raw = make_report(tmp_path_factory.mktemp("pdf") / "testshire.pdf").read_bytes()
    return raw, PdfLoader().load(raw, "testshire.pdf")


def test_sniff_and_page_count(report: tuple[bytes, LoadedText]) -> None:
    raw, loaded = report
    assert PdfLoader().sniff(raw[:1024]) and not PdfLoader().sniff(b"<!DOCTYPE html><html>")
    assert loaded.page_count == 3


def test_running_headers_footers_and_page_numbers_are_gone(report: tuple[bytes, LoadedText]) -> None:
    text = report[1].text
    assert HEADER not in text and FOOTER not in text
    assert not [line for line in text.split("\n") if line.strip().isdigit()]
    # The first body line of page 2 sits in the top band but is not a running line.
    assert "making for children" in text


def test_footnote_is_its_own_paragraph_after_the_paragraph_it_interrupts(report: tuple[bytes, LoadedText]) -> None:
    lines = report[1].text.split("\n")
    assert FOOTNOTE in lines  # no marker left at its start
    assert lines.index(FOOTNOTE) == lines.index(CROSS_PAGE) + 2
    assert "What needs to improve?" in lines  # the raised marker is gone


def test_paragraph_crossing_a_page_break_is_whole_with_its_hyphen(report: tuple[bytes, LoadedText]) -> None:
    lines = report[1].text.split("\n")
    assert CROSS_PAGE in lines
    assert "1. Children are seen regularly by social workers who know them well." in lines
    start = report[1].text.index(CROSS_PAGE)
    pages = {ln.page for ln in report[1].lines if start <= ln.char_start < start + len(CROSS_PAGE)}
    assert pages == {1, 2}


def test_headings_bullets_and_table_rows(report: tuple[bytes, LoadedText]) -> None:
    text = report[1].text
    assert "\n\nThe experiences and progress of children: good\n\n" in text
    assert "\n\nCare leavers\n\n" in text
    assert (
        "\n\n- Timeliness of early help support.\n"
        "- Management oversight of the local authority designated officer (LADO).\n\n"
    ) in text
    assert (
        "\n\nJudgement:\tGrade\nThe impact of leaders:\tGood\n"
        "Overall effectiveness:\tRequires improvement to be good\n\n"
    ) in text


def test_meta_is_read_from_page_one(report: tuple[bytes, LoadedText]) -> None:
    meta = report[1].meta
    assert meta["title"] == "Inspection of Testshire local authority children’s services"
    assert meta["date"] == "2025-11-07"
    assert meta["area"] == "Testshire"
    assert "publisher" not in meta  # the report does not say who publishes it


def _words(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def test_lines_cover_the_text_in_order_and_match_their_boxes(report: tuple[bytes, LoadedText]) -> None:
    raw, loaded = report
    text, lines = loaded.text, loaded.lines
    covered = [False] * len(text)
    for prev, line in zip(lines, lines[1:], strict=False):
        assert prev.char_end <= line.char_start
    for line in lines:
        for i in range(line.char_start, line.char_end):
            covered[i] = True
    assert all(covered[i] for i, ch in enumerate(text) if not ch.isspace())
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        for line in lines:
            box = line.box
            assert box.page == line.page
            page = pdf.pages[line.page - 1]
            inside = page.within_bbox((box.x0 - 1, box.top - 1, box.x1 + 1, box.bottom + 1)).extract_text()
            assert _words(text[line.char_start : line.char_end]) == _words(inside)


def test_numbered_paragraphs_become_passages_with_their_numbers(report: tuple[bytes, LoadedText]) -> None:
    loaded = report[1]
    doc = Document("t", "T", "P", "report", None, "t.pdf", "", loaded.text, format="pdf", page_count=3)
    passages, _ = split_document(doc)
    numbered = {p.paragraph: p.text for p in passages if p.paragraph}
    assert list(numbered) == ["1", "2", "3", "4"]
    assert numbered["2"] == CROSS_PAGE


def test_html_saved_as_pdf_is_skipped() -> None:
    with pytest.raises(SkipFile, match="not a PDF"):
        PdfLoader().load(b"<!DOCTYPE html><html><body>Not found</body></html>", "report.pdf")


def test_truncated_pdf_is_skipped(report: tuple[bytes, LoadedText]) -> None:
    raw = report[0]
    with pytest.raises(SkipFile, match="damaged or incomplete.*download it again"):
        PdfLoader().load(raw[: len(raw) // 2], "report.pdf")


def test_password_protected_pdf_is_skipped(tmp_path: Path) -> None:
    raw = make_report(tmp_path / "locked.pdf", encrypt="secret").read_bytes()
    with pytest.raises(SkipFile, match="password-protected; save an unprotected copy"):
        PdfLoader().load(raw, "locked.pdf")


def test_scanned_pdf_without_text_is_skipped(tmp_path: Path) -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    image = Image.new("RGB", (200, 100), "white")
    c = canvas.Canvas(str(tmp_path / "scan.pdf"), pagesize=A4)
    c.drawImage(ImageReader(image), 72, 500, 400, 200)
    c.showPage()
    c.save()
    with pytest.raises(SkipFile, match="no text layer") as caught:
        PdfLoader().load((tmp_path / "scan.pdf").read_bytes(), "scan.pdf")
    assert "\n" not in caught.value.reason


def test_rotated_page_is_read_as_displayed(tmp_path: Path) -> None:
    """A page with /Rotate 90 whose text is drawn turned, so that it reads upright on screen (a landscape
    annex): its lines come out in display order, with boxes where pdfplumber finds the same words."""
    c = canvas.Canvas(str(tmp_path / "landscape.pdf"), pagesize=A4)
    c.setPageRotation(90)
    c.rotate(90)  # text runs up the page's own y axis: left to right once the page is turned for display
    lines = ["Children in care by placement type", "Foster care is the most common placement."]
    c.setFont("Helvetica-Bold", 14)
    c.drawString(60, -80, lines[0])
    c.setFont("Helvetica", 12)
    c.drawString(60, -120, lines[1])
    c.showPage()
    c.save()
    raw = (tmp_path / "landscape.pdf").read_bytes()
    loaded = PdfLoader().load(raw, "landscape.pdf")
    assert loaded.text == f"{lines[0]}\n\n{lines[1]}\n"
    assert loaded.headings == (0,)
    with pdfplumber.open(io.BytesIO(raw)) as pdf:  # pdfminer turns the characters as displayed too
        page = pdf.pages[0]
        for line in loaded.lines:
            box = line.box
            inside = page.within_bbox((box.x0 - 1, box.top - 1, box.x1 + 1, box.bottom + 1)).extract_text()
            assert _words(loaded.text[line.char_start : line.char_end]) == _words(inside)


def test_a_space_printed_as_an_object_of_its_own_separates_words(tmp_path: Path) -> None:
    """Word prints the tab after a paragraph number as a lone space in another font, overlapping the number
    and closer to the next word than a word gap: that space (a text object without ink) still separates."""
    c = canvas.Canvas(str(tmp_path / "space.pdf"), pagesize=A4)
    _at(c, 72, 100, "10.")
    _at(c, 88.5, 100, " ", "Courier")  # starts inside the "." (which ends at 88.68)
    _at(c, 90, 100, "Since the last inspection, leaders have acted.")
    c.showPage()
    c.save()
    loaded = PdfLoader().load((tmp_path / "space.pdf").read_bytes(), "space.pdf")
    assert loaded.text == "10. Since the last inspection, leaders have acted.\n"
