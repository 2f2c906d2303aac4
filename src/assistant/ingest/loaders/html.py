"""HTML pages: the page's own words as plain text, without the site's navigation, banners and scripts.

Boilerplate is dropped by tag (script, nav, header, footer, aside, form...), by ARIA role (navigation,
banner, contentinfo, search), when hidden (``hidden``, ``aria-hidden="true"``, ``display:none``) and when a
class or id names a widget by one of ``BOILERPLATE_WORDS``. When the page has a ``<main>`` (or exactly one
``<article>``), only that is read. The text is laid out like the Word loader's, for the splitter: headings
on their own lines, a paragraph per line, ``- item`` list items, tab-separated table rows. BeautifulSoup
(with Python's own "html.parser") stays inside this module.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from datetime import date

from bs4 import BeautifulSoup, NavigableString, Tag

from assistant.ingest.loaders.base import LoadedText, SkipFile, render_blocks

_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form", "button",
    "iframe", "object", "embed", "canvas", "select", "input", "textarea", "label", "dialog", "head",
)
_DROP_ROLES = {"navigation", "banner", "contentinfo", "search", "menu", "menubar", "dialog", "alertdialog"}
BOILERPLATE_WORDS = frozenset({
    "cookie", "cookies", "gdpr",  # cookie banners
    "breadcrumb", "breadcrumbs", "crumbs",  # breadcrumbs
    "skip", "skiplink", "skiplinks",  # "skip to content" links
    "menu", "navbar", "navigation", "megamenu",  # menus
    "share", "sharing", "sharethis", "addthis",  # share widgets
})
"""Words that, as a whole word of an element's class or id ("cookie-banner", "skip_link", "nav menu"),
mark it as site furniture rather than the page's text. Deliberately short: "social" and "consent" are
left out because children's social care pages use them for their own sections."""
_NEVER_DROPPED = {"html", "body", "main", "article"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {
    "p", "div", "blockquote", "section", "article", "main", "figure", "figcaption", "address", "pre", "dl",
    "dt", "dd", "ul", "ol", "menu", "hr", "details", "summary", "fieldset", "legend", "center", "caption",
}
_WORD_SPLIT = re.compile(r"[\s_\-]+")
_SPACE = re.compile(r"\s+")
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_TITLE_SUFFIX = re.compile(r"^(?P<title>.+?)\s+(?:\||-|–|—|::|·)\s+[^|\-–—:·]+$")
_DATE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DATE_KEYS = (
    "article:published_time", "date", "dc.date", "dc.date.issued", "dcterms.date", "dcterms.issued",
    "citation_publication_date", "datepublished",
)


class HtmlLoader:
    """Reads saved web pages (.html, .htm).

    Example:
        >>> loader = HtmlLoader()
        >>> loader.sniff(b"\\xef\\xbb\\xbf  <!DOCTYPE html><html>"), loader.sniff(b"# A Markdown report")
        (True, False)
        >>> loader.load(b"<html><body><nav>Home</nav><main><h1>Visit</h1><p>Good &amp; safe.</p></main>",
        ...             "v.html").text
        'Visit\\n\\nGood & safe.\\n'
    """

    format = "html"
    suffixes: tuple[str, ...] = (".html", ".htm")

    def sniff(self, head: bytes) -> bool:
        """``<!doctype html``/``<html`` first (after a BOM and blanks), or markup with a head or body near the
        start."""
        start = head[:2048].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
        if start.startswith((b"<!doctype html", b"<html")):
            return True
        return start.startswith(b"<") and re.search(rb"<(?:html|head|body)[\s>]", start) is not None

    def load(self, raw: bytes, name: str) -> LoadedText:
        """The page's main text and the title, date and publisher its markup states.

        Raises:
            SkipFile: the page holds no readable text once its navigation and scripts are left out.
        """
        soup = BeautifulSoup(decode_html(raw), "html.parser")
        metas = _metas(soup)
        page_title = _page_title(soup)
        for tag in list(soup.find_all(True)):
            if not tag.decomposed and _is_boilerplate(tag):
                tag.decompose()
        root = _content_root(soup)
        blocks = _Walker().blocks_of(root)
        if not blocks and root is not soup:
            root, blocks = soup, _Walker().blocks_of(soup)
        if not blocks:
            raise SkipFile("it holds no readable text")
        text, headings = render_blocks(blocks)
        return LoadedText(text=text, meta=_meta(metas, page_title, root), headings=headings)


def decode_html(raw: bytes) -> str:
    """The page's text: a BOM, else the charset its ``<meta>`` declares, else UTF-8, else Windows-1252.

    Example:
        >>> decode_html('<meta charset="windows-1252"><p>Caf\\xe9</p>'.encode("cp1252"))
        '<meta charset="windows-1252"><p>Café</p>'
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    tried: list[str] = []
    if m := _CHARSET.search(raw[:8192]):
        try:
            declared = codecs.lookup(m.group(1).decode("ascii")).name
        except (LookupError, UnicodeDecodeError):
            declared = None
        if declared == "latin-1" or declared == "iso8859-1" or declared == "ascii":
            declared = "cp1252"  # what browsers do: pages labelled Latin-1 or ASCII are Windows-1252
        if declared:
            tried.append(declared)
    for encoding in [*tried, "utf-8"]:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("cp1252", errors="replace")


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


# ------------------------------------------------------------------------------------- boilerplate


def _is_boilerplate(tag: Tag) -> bool:
    if tag.name in ("header", "footer") and tag.find_parent(("main", "article")) is not None:
        return False  # an article's own header holds its title and date, not the site's banner
    if tag.name in _DROP_TAGS:
        return True
    if tag.name in _NEVER_DROPPED or tag.name in _HEADINGS:
        return False  # a heading's id names its own words ("cookies-policy"), not a widget
    if str(tag.get("role", "")).lower() in _DROP_ROLES:
        return True
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    if re.search(r"display\s*:\s*none|visibility\s*:\s*hidden", str(tag.get("style", "")), re.IGNORECASE):
        return True
    classes = tag.get("class")
    names: list[str] = [str(c) for c in classes] if isinstance(classes, list) else [str(classes or "")]
    names.append(str(tag.get("id", "")))
    words = {w for n in names for w in _WORD_SPLIT.split(str(n).lower()) if w}
    return not words.isdisjoint(BOILERPLATE_WORDS)


def _content_root(soup: BeautifulSoup) -> Tag:
    main = soup.find("main") or soup.find(True, attrs={"role": "main"})
    if isinstance(main, Tag):
        return main
    articles = soup.find_all("article")
    if len(articles) == 1 and isinstance(articles[0], Tag):
        return articles[0]
    body = soup.find("body")
    return body if isinstance(body, Tag) else soup


# ------------------------------------------------------------------------------------------- layout


class _Walker:
    """Turns an element into (kind, text) blocks: inline text gathers into the current block, and each
    block element (heading, paragraph, list item, table) flushes what came before it."""

    def __init__(self) -> None:
        self.blocks: list[tuple[str, str]] = []
        self._buffer: list[str] = []
        self._kinds: list[str] = ["para"]

    def blocks_of(self, root: Tag) -> list[tuple[str, str]]:
        self._walk(root)
        self._flush()
        return self.blocks

    def _flush(self) -> None:
        text = _clean("".join(self._buffer))
        self._buffer.clear()
        if not text:
            return
        kind = self._kinds[-1]
        self.blocks.append((kind, f"- {text}" if kind == "item" else text))

    def _block(self, tag: Tag, kind: str) -> None:
        self._flush()
        self._kinds.append(kind)
        self._walk(tag)
        self._flush()
        self._kinds.pop()

    def _walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment, doctype or CDATA
                    self._buffer.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "br":
                self._buffer.append(" ")
            elif name in _HEADINGS:
                self._block(child, "heading")
            elif name == "li":
                self._block(child, "item")
            elif name == "table" and child.find("table") is None:
                self._table(child)
            elif name in _BLOCKS or name in ("table", "tr", "td", "th", "tbody", "thead", "tfoot"):
                # a table holding tables lays out the page: its cells are read as blocks
                self._block(child, "para")
            else:
                self._walk(child)
        return

    def _table(self, table: Tag) -> None:
        self._flush()
        caption = table.find("caption")
        if isinstance(caption, Tag):
            self._block(caption, "para")
        rows = [r for r in _rows_in_order(table) if r.strip("\t ")]
        self.blocks.extend(("row", r) for r in rows)
        self.blocks.append(("break", ""))


def _rows_in_order(table: Tag) -> list[str]:
    """The table's rows as tab-joined cells: the header group first, the footer group last; a cell spanning
    columns is written once, followed by empty cells for the columns it covers."""
    def group(tr: Tag) -> int:
        parent = tr.parent.name if tr.parent is not None else ""
        return {"thead": 0, "tfoot": 2}.get(parent or "", 1)

    trs = [tr for tr in table.find_all("tr") if isinstance(tr, Tag) and tr.find_parent("table") is table]
    out = []
    for tr in sorted(trs, key=group):
        cells: list[str] = []
        for cell in tr.find_all(("td", "th"), recursive=False):
            cells.append(_inline_text(cell))
            try:
                span = int(str(cell.get("colspan", "1")))
            except ValueError:
                span = 1
            cells.extend([""] * max(0, min(span, 50) - 1))
        out.append("\t".join(cells))
    return out


def _inline_text(tag: Tag) -> str:
    walker = _Walker()
    texts = [text.removeprefix("- ") if kind == "item" else text for kind, text in walker.blocks_of(tag)]
    return " ".join(texts)


# --------------------------------------------------------------------------------------------- meta


def _metas(soup: BeautifulSoup) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        if not isinstance(tag, Tag):
            continue
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        content = tag.get("content")
        if isinstance(key, str) and isinstance(content, str) and _clean(content):
            found.setdefault(key.strip().lower(), _clean(content))
    return found


def _page_title(soup: BeautifulSoup) -> str | None:
    title = soup.find("title")
    text = _clean(title.get_text()) if isinstance(title, Tag) else ""
    if not text:
        return None
    # "Inspection of West Sussex | Ofsted": the part after the last separator names the site.
    m = _TITLE_SUFFIX.match(text)
    return m.group("title") if m else text


def iso_date(value: str) -> str | None:
    """``YYYY-MM-DD`` from the start of a machine date ("2023-05-11T09:00Z", "2023/5/11"), else None.

    Example:
        >>> iso_date("2023/5/11"), iso_date("2023-05-11T09:30:00+01:00"), iso_date("May 2023")
        ('2023-05-11', '2023-05-11', None)
    """
    m = _DATE.match(value)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _first(values: Iterable[str | None]) -> str | None:
    return next((v for v in values if v), None)


def _meta(metas: dict[str, str], page_title: str | None, root: Tag) -> dict[str, str]:
    h1 = root.find("h1")
    meta: dict[str, str] = {}
    title = _first([metas.get("og:title"), page_title, _inline_text(h1) if isinstance(h1, Tag) else None])
    if title:
        meta["title"] = title
    when = _first(iso_date(metas[k]) for k in _DATE_KEYS if k in metas)
    if when is None:
        time = root.find("time", attrs={"datetime": True})
        when = iso_date(str(time["datetime"])) if isinstance(time, Tag) else None
    if when:
        meta["date"] = when
    publisher = _first([metas.get("og:site_name"), metas.get("publisher")])
    if publisher:
        meta["publisher"] = publisher
    return meta
