"""Loaders: one small module per document format, each turning a file's bytes into ``LoadedText``.

``read_file`` picks the loader by the file's content, not only its name: a ``.pdf`` that holds an HTML
error page is skipped with a reason saying so. A new format is a new module with a ``Loader`` and one line
in ``LOADERS``.
"""

from __future__ import annotations

from pathlib import Path

from assistant.ingest.loaders.base import LoadedText, Loader, SkipFile
from assistant.ingest.loaders.docx import DocxLoader
from assistant.ingest.loaders.html import HtmlLoader
from assistant.ingest.loaders.pdf import PdfLoader
from assistant.ingest.loaders.text import TextLoader

__all__ = ["EXTRACTION_VERSION", "LOADERS", "LoadedText", "Loader", "SkipFile", "SUFFIXES", "read_file", "sniff_format"]

#: Raise when a loader reads files differently: texts kept in an index from an older version are read again.
# 2: a PDF's headings passed on; labelled lines ("Lead inspector: ...") are text
# 3: PDFs read with pypdfium2 (a glyph pdfminer read as a space, such as a dash bullet, is now read)
# 4: a PDF states its kind (from its title) and its publisher (its own short name and web address)
# 5: "Inspection of local authority children's services" names no area (the title block's first run does)
EXTRACTION_VERSION = 5

# In sniffing order: the binary formats' magic bytes first, text last (it accepts anything without NULs).
LOADERS: tuple[Loader, ...] = (PdfLoader(), DocxLoader(), HtmlLoader(), TextLoader())
SUFFIXES: tuple[str, ...] = tuple(s for loader in LOADERS for s in loader.suffixes)
_NAMES = {"pdf": "a PDF", "docx": "a Word document", "html": "an HTML page", "text": "plain text"}
# Formats whose name promises a binary layout: content of another kind under such a name is a failed
# download or an error page, never the report.
_BINARY = ("pdf", "docx")


def loader_for_suffix(name: str) -> Loader | None:
    suffix = Path(name).suffix.lower()
    return next((loader for loader in LOADERS if suffix in loader.suffixes), None)


def sniff_format(head: bytes) -> Loader | None:
    """The loader whose format the first bytes show, or None when they look binary and unknown.

    Example:
        >>> sniff_format(b"%PDF-1.7 ...").format, sniff_format(b"<!DOCTYPE html><html>").format
        ('pdf', 'html')
    """
    return next((loader for loader in LOADERS if loader.sniff(head)), None)


def read_file(name: str, raw: bytes) -> tuple[str, LoadedText]:
    """The format and loaded text of one corpus file.

    Raises:
        SkipFile: the file's type is not read, its content is not what its name says, or its loader cannot
            read it; ``reason`` says which, for a person.
    """
    named = loader_for_suffix(name)
    if named is None:
        raise SkipFile(f"only {', '.join(SUFFIXES)} files are read")
    if not raw.strip():
        raise SkipFile("it is empty")
    found = sniff_format(raw[:8192])
    if found is None:
        raise SkipFile(f"it looks binary, not {_NAMES[named.format]}")
    if found.format != named.format and (named.format in _BINARY or found.format in _BINARY):
        raise SkipFile(
            f"its name says {_NAMES[named.format]} but it holds {_NAMES[found.format]} "
            "(often an error page saved by a failed download); download the file again"
        )
    loaded = found.load(raw, name)
    if not loaded.text.strip():
        raise SkipFile("no text could be read from it")
    return found.format, loaded
