"""Word (.docx) files: the body's headings, paragraphs, lists and tables as plain text, in document order.

The text is laid out for the splitter (``assistant.ingest.passages``): a heading is a line of its own with a blank
line either side, a paragraph is one line, a list item is a ``- item`` line (or ``1. item`` / ``1.2 item``
when Word numbers it in decimal), a table is one tab-separated line per row, header row first. Headers,
footers, footnotes, comments and text boxes are left out: in reports they hold page furniture, not findings.
python-docx stays inside this module.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from assistant.ingest.loaders.base import LoadedText, SkipFile, render_blocks

log = logging.getLogger(__name__)

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_HEADING_STYLE = re.compile(r"^(?:heading\s*\d|title)$", re.IGNORECASE)
_LIST_STYLE = re.compile(r"^list\b", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
# Titles that Word or a template fills in by themselves: not something the author stated.
_PLACEHOLDER_TITLES = {"word document", "document", "document1", "title", "untitled", "template"}
_MAIN_CONTENT_TYPE = b"wordprocessingml.document.main+xml"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


class DocxLoader:
    """Reads Word 2007+ documents (.docx).

    Example:
        >>> loader = DocxLoader()
        >>> loader.sniff(b"PK\\x03\\x04rest"), loader.sniff(b"%PDF-1.7")
        (True, False)
    """

    format = "docx"
    suffixes: tuple[str, ...] = (".docx",)

    def sniff(self, head: bytes) -> bool:
        """A ZIP archive (every .docx is one; ``load`` tells a Word document from other ZIPs)."""
        return head.startswith(b"PK\x03\x04")

    def load(self, raw: bytes, name: str) -> LoadedText:
        """The document's text and the title and date its properties state.

        Raises:
            SkipFile: the bytes are not a readable Word document (corrupt, truncated, another kind of ZIP).
        """
        _check_archive(raw)
        try:
            import docx  # python-docx; imported here so that importing the loader registry stays cheap

            document = docx.Document(io.BytesIO(raw))
        except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors... for broken parts
            log.debug("python-docx could not open %s: %r", name, exc)
            raise SkipFile(f"it is damaged or not a Word document that can be read ({exc})") from exc
        numbering = _Numbering(document)
        blocks = list(_blocks(document.element.body, numbering))
        text, headings = render_blocks(blocks)
        return LoadedText(text=text, meta=_meta(document.core_properties), headings=headings)


# ------------------------------------------------------------------------------------------- layout


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _blocks(container: Any, numbering: _Numbering) -> Iterator[tuple[str, str]]:
    """(kind, text) for each paragraph and table row in document order; kinds: heading, para, item, row.

    Content controls (``w:sdt``, for example a cover page or a table of contents) are walked into.
    """
    for child in container.iterchildren():
        if child.tag == _w("p"):
            block = _paragraph(child, numbering)
            if block is not None:
                yield block
        elif child.tag == _w("tbl"):
            rows = [_row_text(tr) for tr in child.iterchildren(_w("tr"))]
            rows = [r for r in rows if r.strip("\t ")]
            yield from (("row", r) for r in rows)
            yield ("break", "")
        elif child.tag == _w("sdt"):
            for content in child.iterchildren(_w("sdtContent")):
                yield from _blocks(content, numbering)


def _paragraph(p: Any, numbering: _Numbering) -> tuple[str, str] | None:
    styles = _style_chain(p, numbering.styles)
    label = numbering.label(p, styles)  # counted even when the paragraph is empty, as Word counts it
    text = _clean(_paragraph_text(p))
    if not text:
        return None
    if _is_heading(p, styles):
        # A number Word puts before a heading ("2.", "2.1") is part of what the reader sees.
        return ("heading", f"{label} {text}" if label and label[0].isdigit() else text)
    if label is not None:
        return ("item", f"{label} {text}")
    if styles and _LIST_STYLE.match(_style_name(styles[0])):
        return ("item", f"- {text}")
    return ("para", text)


def _paragraph_text(p: Any) -> str:
    """The visible text of a paragraph: runs, hyperlinks, fields' results and tracked insertions; tabs and
    breaks as spaces. Deleted text (``w:delText``) and field codes (``w:instrText``) are other tags; text
    boxes anchored in the paragraph are their own story and left out (their fallback copy would repeat)."""
    parts: list[str] = []
    for el in p.iter(_w("t"), _w("tab"), _w("br"), _w("cr"), _w("noBreakHyphen")):
        if any(a.tag == _w("txbxContent") for a in el.iterancestors()):
            continue
        if el.tag == _w("t"):
            parts.append(el.text or "")
        elif el.tag == _w("noBreakHyphen"):
            parts.append("-")
        elif el.tag == _w("tab") and el.getparent() is not None and el.getparent().tag == _w("tabs"):
            continue  # a tab stop defined in the paragraph's properties, not a tab character
        else:
            parts.append(" ")
    return "".join(parts)


def _row_text(tr: Any) -> str:
    """One table row as cells joined by tabs. A cell merged across columns is written once and followed
    by empty cells for the columns it covers; a cell merged down from the row above is left empty."""
    cells: list[str] = []
    for tc in tr.iterchildren(_w("tc")):
        span = tc.find(f"{_w('tcPr')}/{_w('gridSpan')}")
        vmerge = tc.find(f"{_w('tcPr')}/{_w('vMerge')}")
        continued = vmerge is not None and vmerge.get(_w("val"), "continue") == "continue"
        cells.append("" if continued else _cell_text(tc))
        width = int(span.get(_w("val"), "1")) if span is not None else 1
        cells.extend([""] * max(0, width - 1))
    return "\t".join(cells)


def _cell_text(tc: Any) -> str:
    texts = [_clean(_paragraph_text(p)) for p in tc.iter(_w("p"))]
    return " ".join(t for t in texts if t)


# ------------------------------------------------------------------------------------ styles, numbers


def _style_name(style: Any) -> str:
    name = style.find(_w("name"))
    return str(name.get(_w("val"), "")) if name is not None else str(style.get(_w("styleId"), ""))


def _style_chain(p: Any, styles: dict[str, Any]) -> list[Any]:
    """The paragraph's style and the styles it is based on, nearest first (the default style when unset)."""
    style_id = p.find(f"{_w('pPr')}/{_w('pStyle')}")
    sid = style_id.get(_w("val")) if style_id is not None else styles.get("__default__")
    chain: list[Any] = []
    while isinstance(sid, str) and sid in styles and len(chain) < 20:
        style = styles[sid]
        if any(s is style for s in chain):
            break
        chain.append(style)
        based = style.find(_w("basedOn"))
        sid = based.get(_w("val")) if based is not None else None
    return chain


def _is_heading(p: Any, styles: list[Any]) -> bool:
    if any(_HEADING_STYLE.match(_style_name(s)) for s in styles):
        return True
    for holder in [p, *styles]:
        level = holder.find(f"{_w('pPr')}/{_w('outlineLvl')}")
        if level is not None:
            return str(level.get(_w("val"), "9")) in "012345678"  # 9 is "body text"
    return False


def _roman(n: int) -> str:
    out = ""
    for value, numeral in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):
        while n >= value:
            out, n = out + numeral, n - value
    return out


def _format_number(n: int, fmt: str) -> str | None:
    if fmt in ("decimal", "decimalZero"):
        return str(n)
    if fmt in ("lowerLetter", "upperLetter") and 1 <= n <= 26:
        letter = "abcdefghijklmnopqrstuvwxyz"[n - 1]
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman") and n >= 1:
        return _roman(n) if fmt == "lowerRoman" else _roman(n).upper()
    return None


class _Numbering:
    """Word's list numbering, counted as Word counts it: per list (``numId``) and level, deeper levels
    restarting when a shallower one moves on.

    Labels are kept only where the splitter reads them right: decimal ones ("3.", "2.1") become paragraph
    numbers and "(a)"-style letters stay letters; every other list item is written as ``- item``.
    """

    def __init__(self, document: Any) -> None:
        self.styles: dict[str, Any] = {}
        for style in document.styles.element.iterchildren(_w("style")):
            sid = style.get(_w("styleId"))
            if sid and style.get(_w("type"), "paragraph") == "paragraph":
                self.styles[sid] = style
                if style.get(_w("default")) in ("1", "true"):
                    self.styles["__default__"] = sid
        self._levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        try:
            numbering_el = document.part.numbering_part.element
        except Exception:  # a document without lists may have no numbering part at all
            numbering_el = None
        if numbering_el is not None:
            self._read(numbering_el)

    def _read(self, numbering_el: Any) -> None:
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in numbering_el.iterchildren(_w("abstractNum")):
            abstract[an.get(_w("abstractNumId"), "")] = {
                int(lvl.get(_w("ilvl"), "0")): _level(lvl) for lvl in an.iterchildren(_w("lvl"))
            }
        for num in numbering_el.iterchildren(_w("num")):
            ref = num.find(_w("abstractNumId"))
            levels = dict(abstract.get(ref.get(_w("val"), "") if ref is not None else "", {}))
            for override in num.iterchildren(_w("lvlOverride")):
                ilvl = int(override.get(_w("ilvl"), "0"))
                lvl = override.find(_w("lvl"))
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
                start = override.find(_w("startOverride"))
                if start is not None and ilvl in levels:
                    fmt, pattern, _ = levels[ilvl]
                    levels[ilvl] = (fmt, pattern, int(start.get(_w("val"), "1")))
            self._levels[num.get(_w("numId"), "")] = levels

    def label(self, p: Any, styles: list[Any]) -> str | None:
        """The item's label ("1.", "2.1", "(a)", "-"), counted; ``None`` when the paragraph is not in a list."""
        num_id: str | None = None
        ilvl: int | None = None
        for holder in [p, *styles]:
            num_pr = holder.find(f"{_w('pPr')}/{_w('numPr')}")
            if num_pr is None:
                continue
            nid, lvl = num_pr.find(_w("numId")), num_pr.find(_w("ilvl"))
            if num_id is None and nid is not None:
                num_id = nid.get(_w("val"))
            if ilvl is None and lvl is not None:
                ilvl = int(lvl.get(_w("val"), "0"))
        if not num_id or num_id == "0":  # numId 0 switches numbering off
            return None
        ilvl = ilvl or 0
        levels = self._levels.get(num_id, {})
        level = levels.get(ilvl)
        if level is None:
            return "-"
        counters = self._counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, level[2] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        fmt, pattern, _ = level
        if fmt in ("bullet", "none") or not pattern:
            return "-"

        def number(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            k_fmt, _, k_start = levels.get(k, ("decimal", "", 1))
            return _format_number(counters.get(k, k_start), k_fmt) or "?"

        rendered = re.sub(r"%(\d)", number, pattern).strip()
        if re.fullmatch(r"\d{1,3}(?:\.\d{1,3})*\.?", rendered):
            return rendered
        if m := re.fullmatch(r"\(?([a-z])[.)]", rendered):
            return f"({m.group(1)})"
        return "-"


def _level(lvl: Any) -> tuple[str, str, int]:
    fmt, text, start = lvl.find(_w("numFmt")), lvl.find(_w("lvlText")), lvl.find(_w("start"))
    return (
        fmt.get(_w("val"), "decimal") if fmt is not None else "decimal",
        text.get(_w("val"), "") if text is not None else "",
        int(start.get(_w("val"), "1")) if start is not None else 1,
    )


# ------------------------------------------------------------------------------------- archive, meta


def _check_archive(raw: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = set(archive.namelist())
            types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, KeyError) as exc:
        raise SkipFile(f"it is a damaged or truncated ZIP archive ({exc})") from exc
    if "word/document.xml" not in names and _MAIN_CONTENT_TYPE not in types:
        raise SkipFile("it is a ZIP archive but not a Word document")


def _meta(props: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    title = _clean(props.title or "")
    if title and title.lower() not in _PLACEHOLDER_TITLES:
        meta["title"] = title
    for when in (props.created, props.modified):
        if isinstance(when, datetime):
            meta["date"] = when.date().isoformat()
            break
    return meta
