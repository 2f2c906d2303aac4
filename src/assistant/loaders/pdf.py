"""The PDF loader: a report's pages read with pdfplumber into text that reads as the report's own words.

Each page's characters are read once (``pdf_lines``), the judgement table is looked for on the first two
pages only (``pdf_table``), and the pages are composed into paragraphs with running headers, footers and
footnotes set aside (``pdf_layout``); metadata comes from the PDF's info and page 1 (``pdf_meta``).
pdfplumber (MIT) was chosen for character positions, fonts and sizes, line boxes and table finding in one
package (see ../shared/STACK.md).
"""

from __future__ import annotations

import io
import logging
from typing import Any

from assistant.loaders.base import LoadedText, SkipFile
from assistant.loaders.pdf_layout import PageContent, body_size, compose, drop_running_lines
from assistant.loaders.pdf_lines import page_lines
from assistant.loaders.pdf_meta import read_meta
from assistant.loaders.pdf_table import TableRow, judgement_table

log = logging.getLogger(__name__)

_TABLE_PAGES = 2  # the judgement table is on page 1 (ILACS) or page 1 or 2 (older reports)
_DAMAGED = "it is damaged or incomplete ({detail}); download it again"
_PROTECTED = "it is password-protected; save an unprotected copy"
_NO_TEXT = "it has no text layer (a scanned image?); run OCR or get the text version"
_NOT_PDF = "it is not a PDF ({detail}); check that the download is the report itself and not an error page"


def _is_password_error(exc: BaseException) -> bool:
    """pdfminer signals a password with an empty message; the cause sits on ``__context__``/``__cause__``."""
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            return False
        name = type(seen).__name__
        if "Password" in name or "Encrypt" in name or "password" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _reason(exc: BaseException) -> str:
    """One line for a person, from whatever pdfminer/pdfplumber raised."""
    if _is_password_error(exc):
        return _PROTECTED
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if "No /Root object" in detail or "Is this really a PDF" in detail:
        return _NOT_PDF.format(detail=detail)
    return _DAMAGED.format(detail=detail[:120])


def _read_pages(pdf: Any) -> list[PageContent]:
    pages: list[PageContent] = []
    found_table = False
    for number, page in enumerate(pdf.pages, start=1):
        chars = page.chars
        rows: list[TableRow] = []
        used: set[int] = set()
        if not found_table and number <= _TABLE_PAGES:
            rows, used = judgement_table(page, chars, number)
            found_table = bool(rows)
        lines = page_lines((c for c in chars if id(c) not in used) if used else chars, number)
        pages.append(PageContent(number, float(page.height), tuple(lines), tuple(rows)))
        page.flush_cache()  # keep memory flat on long reports
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
        import pdfplumber  # imported here: a few hundred ms, only needed when a PDF is read

        if not self.sniff(raw[:1024]):
            raise SkipFile(_NOT_PDF.format(detail="no %PDF- header"))
        try:
            with pdfplumber.open(io.BytesIO(raw)) as pdf:
                meta = dict(pdf.metadata or {})
                pages = _read_pages(pdf)
        except SkipFile:
            raise
        except Exception as exc:  # pdfminer raises many types for bad files; all mean "cannot read it"
            log.debug("pdfplumber failed on %s", name, exc_info=True)
            raise SkipFile(_reason(exc)) from exc
        if not any(page.lines or page.rows for page in pages):
            raise SkipFile(_NO_TEXT)
        text, lines, headings = compose(pages)
        clean = drop_running_lines(pages)
        last = clean[-1].lines if clean else ()
        info = read_meta(meta, clean[0].lines, "\n".join(ln.text for ln in last), body_size(pages))
        return LoadedText(text=text, lines=lines, meta=info, page_count=len(pages), headings=headings)
