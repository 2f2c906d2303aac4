"""The PDF loader: a report's pages read with pypdfium2 into text that reads as the report's own words.

Each page's characters are read once (``pdf_chars``) and grouped into lines (``pdf_lines``), the judgement
table is looked for on the first two pages only (``pdf_paths`` for the ruling, ``pdf_table``), and the pages
are composed into paragraphs with running headers, footers and footnotes set aside (``pdf_layout``);
metadata comes from the PDF's info and page 1 (``pdf_meta``).

pypdfium2 (Apache-2.0/BSD; PDFium, the PDF engine of Chromium) replaced pdfplumber's pdfminer for reading
(issue #18: reading was most of the ingest time): on the 171 Ofsted reports a page is read about five times
faster, layout included (``benchmarks/pdf_read.py``). The character and edge records are built to be the
ones pdfplumber gave (``pdf_chars``, ``pdf_paths``), so the layout rules are unchanged and the text is the
same; pdfplumber (MIT) remains for its table finder, which is pure geometry on those edges.
"""

from __future__ import annotations

import logging
from typing import Any

from assistant.ingest.loaders.base import LoadedText, SkipFile
from assistant.ingest.loaders.pdf_layout import PageContent, body_size, compose, drop_running_lines
from assistant.ingest.loaders.pdf_lines import page_lines
from assistant.ingest.loaders.pdf_meta import read_meta
from assistant.ingest.loaders.pdf_table import TableRow, judgement_table

log = logging.getLogger(__name__)

_TABLE_PAGES = 2  # the judgement table is on page 1 (ILACS) or page 1 or 2 (older reports)
_DAMAGED = "it is damaged or incomplete ({detail}); download it again"
_PROTECTED = "it is password-protected; save an unprotected copy"
_NO_TEXT = "it has no text layer (a scanned image?); run OCR or get the text version"
_NOT_PDF = "it is not a PDF ({detail}); check that the download is the report itself and not an error page"


def _reason(exc: BaseException, raw: bytes) -> str:
    """One line for a person, from what pypdfium2 raised when opening the file."""
    import pypdfium2.raw as pdfium_c

    code = getattr(exc, "err_code", None)
    if code == pdfium_c.FPDF_ERR_PASSWORD or code == pdfium_c.FPDF_ERR_SECURITY:
        return _PROTECTED
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if code == pdfium_c.FPDF_ERR_FORMAT and b" obj" not in raw:  # a %PDF- header and no object after it
        return _NOT_PDF.format(detail="no PDF objects after the header")
    return _DAMAGED.format(detail=detail[:120])


def _read_pages(pdf: Any) -> list[PageContent]:
    """Every page's lines, and the judgement table's rows on the first page of the first two that has it."""
    from assistant.ingest.loaders.pdf_chars import exact, page_chars
    from assistant.ingest.loaders.pdf_paths import page_edges
    from assistant.ingest.loaders.pdf_pdfium import page_space

    pages: list[PageContent] = []
    found_table = False
    for number in range(1, len(pdf) + 1):
        page = pdf[number - 1]
        try:
            left, bottom, right, top = (exact(v) for v in page.get_mediabox())
            space, height = page_space((left, bottom, right, top), page.get_rotation())
            chars = page_chars(page.raw, height, space)
            rows: list[TableRow] = []
            used: set[int] = set()
            if not found_table and number <= _TABLE_PAGES:
                edges, ruled = page_edges(page.raw, height, space)
                rows, used = judgement_table(edges, ruled, chars, number)
                found_table = bool(rows)
            lines = page_lines([c for c in chars if id(c) not in used] if used else chars, number)
            pages.append(PageContent(number, height, tuple(lines), tuple(rows)))
        finally:
            page.close()  # keep memory flat on long reports
    return pages


class PdfLoader:
    """Loads PDF reports (``Loader`` protocol). See the module docstrings of ``pdf_layout`` and
    ``pdf_meta`` for the rules that shape the text and metadata.

    Example:
        >>> PdfLoader().sniff(b"%PDF-1.7\\n..."), PdfLoader().sniff(b"<!DOCTYPE html>")
        (True, False)
    """

    format = "pdf"
    suffixes: tuple[str, ...] = (".pdf",)

    def sniff(self, head: bytes) -> bool:
        """Whether ``%PDF-`` appears in the first 1024 bytes (some files carry a few bytes before it)."""
        return b"%PDF-" in head[:1024]

    def load(self, raw: bytes, name: str) -> LoadedText:
        """The report's text, lines and metadata; raises ``SkipFile`` for a file that cannot be read."""
        if not self.sniff(raw[:1024]):
            raise SkipFile(_NOT_PDF.format(detail="no %PDF- header"))
        meta, pages = read_pages(raw, name)
        return compose_report(pages, meta)


def read_pages(raw: bytes, name: str) -> tuple[dict[str, str], list[PageContent]]:
    """A PDF's info (Title, Author ...) and its pages' lines and table rows.

    Raises:
        SkipFile: the file cannot be opened (damaged, password-protected, not a PDF) or a page cannot be read.
    """
    import pypdfium2 as pdfium  # imported here: it loads the PDFium library, only needed to read a PDF

    try:
        pdf = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        log.debug("pdfium could not open %s", name, exc_info=True)
        raise SkipFile(_reason(exc, raw)) from exc
    try:
        meta = pdf.get_metadata_dict(skip_empty=True)
        pages = _read_pages(pdf)
    except pdfium.PdfiumError as exc:  # a page that cannot be loaded: the file is damaged
        log.debug("pdfium failed on a page of %s", name, exc_info=True)
        raise SkipFile(_DAMAGED.format(detail=" ".join(str(exc).split())[:120])) from exc
    finally:
        pdf.close()
    return meta, pages


def compose_report(pages: list[PageContent], meta: dict[str, str]) -> LoadedText:
    """A report's ``LoadedText`` from its pages' lines and table rows and its PDF info (Title, Author ...).

    Raises:
        SkipFile: no page has any text (a scan without a text layer).
    """
    if not any(page.lines or page.rows for page in pages):
        raise SkipFile(_NO_TEXT)
    text, lines, headings = compose(pages)
    clean = drop_running_lines(pages)
    last = clean[-1].lines if clean else ()
    info = read_meta(meta, clean[0].lines, "\n".join(ln.text for ln in last), body_size(pages))
    return LoadedText(text=text, lines=lines, meta=info, page_count=len(pages), headings=headings)
