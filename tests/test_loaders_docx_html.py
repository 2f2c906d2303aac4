"""The Word and HTML loaders: text in reading order, laid out for the splitter, with the metadata the files
state; and files they cannot read skipped with a reason."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import docx
import pytest

from assistant.ingest.loaders.base import LoadedText, SkipFile
from assistant.ingest.loaders.docx import DocxLoader
from assistant.ingest.loaders.html import HtmlLoader
from assistant.ingest.passages import split_document
from assistant.types import Document, Passage


def _docx_bytes(tmp_path: Path) -> bytes:
    d = docx.Document()
    d.add_heading("Focused visit to Anyshire children's services", 0)
    d.add_heading("Overview", 1)
    d.add_paragraph("Inspectors found that children in care are safe.")
    d.add_paragraph("")  # an empty paragraph: left out
    d.add_paragraph("Leaders know their services well:")
    d.add_paragraph("Supervision is regular", style="List Bullet")
    d.add_paragraph("Caseloads are manageable", style="List Bullet")
    d.add_heading("What needs to improve", 1)
    d.add_paragraph("The quality of plans.", style="List Number")
    d.add_paragraph("The timeliness of assessments.", style="List Number")
    table = d.add_table(rows=3, cols=2)
    rows = [("Judgement", "Grade"), ("Overall effectiveness", "Good"), ("Care leavers", "Outstanding")]
    for r, (a, b) in enumerate(rows):
        table.cell(r, 0).text, table.cell(r, 1).text = a, b
    d.add_paragraph("The next visit will follow within a year.")
    d.core_properties.title = "Anyshire focused visit"
    d.core_properties.created = datetime(2020, 12, 4, 9, 30)
    path = tmp_path / "visit.docx"
    d.save(str(path))
    return path.read_bytes()


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Focused visit to Anyshire | Ofsted</title>
<meta property="og:site_name" content="Ofsted">
<meta name="DC.date" content="2020-12-04">
<script>var tracking = "Secret tracking words";</script><style>p { color: red }</style></head>
<body><a class="skip-link" href="#main">Skip to main content</a>
<div id="cookie-banner"><p>We use cookies to improve the site.</p><button>Accept</button></div>
<header><p>GOV.UK header</p></header>
<nav aria-label="Menu"><ul><li>Home</li><li>Education</li></ul></nav>
<main id="main">
<ol class="govuk-breadcrumbs"><li>Home</li><li>Children's social care</li></ol>
<h1>Focused visit to Anyshire children&rsquo;s services</h1>
<p>Inspectors found that children &amp; young people   in care<br>are safe.</p>
<h2>What needs to improve</h2>
<p>Leaders should improve:</p>
<ul><li>The quality of <em>plans</em></li><li>Supervision of social workers</li></ul>
<h2>Judgements</h2>
<table><thead><tr><th>Judgement</th><th>Grade</th></tr></thead>
<tbody><tr><td>Overall effectiveness</td><td>Good</td></tr>
<tr><td>Care leavers</td><td>Outstanding</td></tr></tbody></table>
<div class="share-this"><p>Share on social media</p></div>
</main>
<aside><p>Related content</p></aside>
<footer><p>Crown copyright</p></footer>
</body></html>"""


def _passages(loaded: LoadedText, fmt: str) -> list[Passage]:
    doc = Document("d", "T", "P", "report", None, f"d.{fmt}", "", loaded.text, format=fmt)
    passages, _ = split_document(doc)
    for p in passages:
        assert loaded.text[p.char_start : p.char_end] == p.text
    return passages


def _own_line_with_blanks(text: str, line: str) -> bool:
    return f"\n\n{line}\n\n" in f"\n\n{text}"


# ---------------------------------------------------------------------------------------------- docx


def test_docx_text_in_order_with_layout(tmp_path: Path) -> None:
    loaded = DocxLoader().load(_docx_bytes(tmp_path), "visit.docx")
    text = loaded.text
    order = [
        "Focused visit to Anyshire children's services", "Overview", "children in care are safe",
        "Leaders know", "- Supervision is regular", "What needs to improve", "1. The quality of plans.",
        "Judgement\tGrade", "The next visit",
    ]
    positions = [text.index(s) for s in order]
    assert positions == sorted(positions)
    for heading in ("Focused visit to Anyshire children's services", "Overview", "What needs to improve"):
        assert _own_line_with_blanks(text, heading)
    assert "- Supervision is regular\n- Caseloads are manageable\n" in text
    assert "1. The quality of plans.\n2. The timeliness of assessments.\n" in text
    assert "Judgement\tGrade\nOverall effectiveness\tGood\nCare leavers\tOutstanding\n" in text
    assert "\n\n\n" not in text  # the empty paragraph is left out
    assert loaded.lines == () and loaded.page_count is None
    assert dict(loaded.meta) == {"title": "Anyshire focused visit", "date": "2020-12-04"}


def test_docx_passages_carry_their_section(tmp_path: Path) -> None:
    loaded = DocxLoader().load(_docx_bytes(tmp_path), "visit.docx")
    passages = _passages(loaded, "docx")
    by_text = {p.text.split("\n")[0]: p for p in passages}
    assert by_text["Inspectors found that children in care are safe."].section == "Overview"
    assert by_text["Judgement\tGrade"].section == "What needs to improve"
    numbered = next(p for p in passages if p.text.startswith("1. The quality"))
    assert numbered.section == "What needs to improve" and numbered.paragraph == "1"


def test_docx_merged_cells_are_written_once(tmp_path: Path) -> None:
    d = docx.Document()
    table = d.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Area"
    table.cell(0, 2).text = "Grade"
    table.cell(1, 0).text, table.cell(1, 1).text, table.cell(1, 2).text = "Help", "Protection", "Good"
    buf = io.BytesIO()
    d.save(buf)
    text = DocxLoader().load(buf.getvalue(), "t.docx").text
    assert text == "Area\t\tGrade\nHelp\tProtection\tGood\n"


def test_docx_multilevel_decimal_numbering_becomes_paragraph_numbers() -> None:
    from docx.oxml import parse_xml

    d = docx.Document()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering = d.part.numbering_part.element
    numbering.append(parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%3)"/></w:lvl>'
        "</w:abstractNum>"
    ))
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for level, words in [(0, "Background"), (1, "The visit took place."), (1, "Leaders were open."),
                         (2, "about plans"), (0, "Findings"), (1, "Children are safe.")]:
        p = d.add_paragraph(words)
        p._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
        ))
    buf = io.BytesIO()
    d.save(buf)
    text = DocxLoader().load(buf.getvalue(), "n.docx").text
    assert text == (
        "1. Background\n1.1 The visit took place.\n1.2 Leaders were open.\n(a) about plans\n"
        "2. Findings\n2.1 Children are safe.\n"
    )


def test_docx_sniff() -> None:
    assert DocxLoader().sniff(b"PK\x03\x04\x14\x00")
    assert not DocxLoader().sniff(b"<!DOCTYPE html>")


def test_docx_zip_that_is_not_word_is_skipped() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    with pytest.raises(SkipFile, match="it is a ZIP archive but not a Word document"):
        DocxLoader().load(buf.getvalue(), "data.docx")


def test_docx_truncated_file_is_skipped(tmp_path: Path) -> None:
    raw = _docx_bytes(tmp_path)
    with pytest.raises(SkipFile, match="damaged"):
        DocxLoader().load(raw[: len(raw) // 2], "visit.docx")


def test_docx_with_a_broken_document_part_is_skipped() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("word/document.xml", "<not xml")
    with pytest.raises(SkipFile):
        DocxLoader().load(buf.getvalue(), "broken.docx")


# ---------------------------------------------------------------------------------------------- html


def test_html_main_text_in_order_without_boilerplate() -> None:
    loaded = HtmlLoader().load(_PAGE.encode("utf-8"), "visit.html")
    text = loaded.text
    assert text.startswith("Focused visit to Anyshire children’s services\n\n")
    assert "Inspectors found that children & young people in care are safe.\n" in text
    assert _own_line_with_blanks(text, "What needs to improve")
    assert _own_line_with_blanks(text, "Judgements")
    assert "Leaders should improve:\n\n- The quality of plans\n- Supervision of social workers\n" in text
    assert "Judgement\tGrade\nOverall effectiveness\tGood\nCare leavers\tOutstanding\n" in text
    for furniture in (
        "Skip to main", "cookies", "Accept", "GOV.UK header", "Education", "Children's social care",
        "tracking", "color", "Share on", "Related content", "Crown copyright",
    ):
        assert furniture not in text, furniture
    assert loaded.lines == () and loaded.page_count is None
    assert dict(loaded.meta) == {"title": "Focused visit to Anyshire", "date": "2020-12-04", "publisher": "Ofsted"}


def test_html_passages_carry_their_section() -> None:
    loaded = HtmlLoader().load(_PAGE.encode("utf-8"), "visit.html")
    passages = _passages(loaded, "html")
    bullets = next(p for p in passages if "- The quality of plans" in p.text)
    assert bullets.section == "What needs to improve"
    table = next(p for p in passages if p.text.startswith("Judgement\tGrade"))
    assert table.section == "Judgements"


def test_html_meta_falls_back_to_h1_and_time() -> None:
    page = (
        "<html><body><article><h1>Annual report</h1><p>Published <time datetime='2023-05-11T10:00Z'>"
        "11 May 2023</time>.</p></article></body></html>"
    )
    assert dict(HtmlLoader().load(page.encode(), "a.html").meta) == {"title": "Annual report", "date": "2023-05-11"}


def test_html_article_header_is_kept_and_site_header_dropped() -> None:
    page = (
        "<html><body><header>Anyshire County Council</header><article><header><h1 id='cookies-and-care'>"
        "Children's social care update</h1></header><section class='social-care'><p>Visits rose.</p></section>"
        "</article></body></html>"
    )
    assert HtmlLoader().load(page.encode(), "a.html").text == "Children's social care update\n\nVisits rose.\n"


def test_html_declared_charset_is_used() -> None:
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head>'
    page += "<body><p>Caf\u00e9 costs \u00a35 \u2013 a \u201cfair\u201d price.</p></body></html>"
    text = HtmlLoader().load(page.encode("cp1252"), "c.html").text
    assert text == "Café costs £5 – a “fair” price.\n"


def test_html_sniff() -> None:
    loader = HtmlLoader()
    assert loader.sniff(b"\xef\xbb\xbf\n  <!doctype HTML>\n<html>")
    assert loader.sniff(b"<HTML><body>")
    assert loader.sniff(b"<!-- saved page -->\n<head><title>x</title></head>")
    assert not loader.sniff(b"Ofsted report\n\n<b>bold</b>")
    assert not loader.sniff(b"%PDF-1.7")


def test_html_page_of_only_navigation_is_skipped() -> None:
    page = "<!DOCTYPE html><html><body><header>Site</header><nav><a href='/'>Home</a></nav><footer>(c)</footer>"
    with pytest.raises(SkipFile, match="it holds no readable text"):
        HtmlLoader().load(page.encode(), "nav.html")
