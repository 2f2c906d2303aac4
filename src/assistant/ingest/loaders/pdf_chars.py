"""A page's characters read with pypdfium2, as the records the layout code works on.

pdfium's text page is read one character at a time through its C API (``pypdfium2.raw``): its own text
output (``get_text_range``) joins lines, drops tabs and marks line-end hyphens, which is not the report's
text. Each record has what ``pdf_lines`` reads, in top-down page coordinates (points):

- ``text``: the character (pdfium's own inserted spaces and line breaks are left out; a hyphen pdfium marks
  as ending a line is read back as "-");
- ``x0``/``x1``, ``top``/``bottom``: the box from the font's descent to the text size above it, and from
  the origin to the glyph's advance width (not its ink), through the character's matrix (``_Style``);
- ``baseline``; ``size``: the box's height (for plain text, the text size times the vertical scale);
- ``fontname`` (its bold marks are what counts) and ``upright``.

This is the box pdfminer (and so pdfplumber) gives a character, so the layout rules tuned on pdfplumber's
records read the pages the same way, at a fraction of the cost.

pdfium's text page leaves out text objects without ink, and Word writes many spaces as objects of their own
(often the space or tab after a paragraph number, in another font). Those spaces separate words, so they
are read from the page's objects and put back as space records.
"""

from __future__ import annotations

import ctypes
import logging
from typing import Any

import pypdfium2.raw as pdfium_c

from assistant.ingest.loaders.pdf_pdfium import (
    IDENTITY,
    Matrix,
    char_origin,
    font_descent,
    font_name,
    glyph_width,
    handle,
    is_generated,
    multiply,
    object_bounds,
    object_font,
    object_font_size,
    page_objects,
    page_text,
    text_object,
)

log = logging.getLogger(__name__)
Record = dict[str, Any]
# pdfium replaces a hyphen it takes to end a line ("-" or a soft hyphen, both "-" in the output here) by one
# of these marks; FPDFText_IsHyphen says which characters they stand for.
_HYPHEN_MARKS = (0x02, 0xFFFE)
_NAME_BUFFER = 256
_ASK = -1.0  # sentinel, compared by identity: this character is not in its font's width table yet
_NO_INK = 0.01  # points: a text object this narrow printed only spaces (pdfium's text page skips it)


def exact(value: float) -> float:
    """A float32 from pdfium as the decimal the PDF wrote (PDFs write at most 3 or 4 decimals; float32 is
    good to about 0.00006 on a page): the arithmetic after it is then pdfminer's to the last bit, so a gap
    that is exactly a layout threshold (0.45 of the size between lines) falls the same side as before."""
    return round(value, 4)


class _Style:
    """What every character of one text object shares, and its character box as pdfminer computes it."""

    __slots__ = ("a", "b", "c", "d", "descent", "font", "high", "low", "name", "plain", "text_size", "upright",
                 "widths")

    def __init__(
        self, name: str, font: int, text_size: float, descent: float, matrix: Matrix, widths: dict[int, float | None]
    ) -> None:
        self.name, self.font, self.text_size, self.widths = name, font, exact(text_size), widths
        self.descent = descent * 0.001 * self.text_size  # ``descent`` in font units (thousandths), as pdfminer
        self.a, self.b, self.c, self.d = (exact(v) for v in matrix[:4])
        self.upright = self.a * self.d > 0 and self.b * self.c <= 0
        self.plain = self.a > 0 and self.b == 0 and self.c == 0 and self.d > 0  # not rotated, skewed, mirrored
        # For plain text the box's bottom and top are these above the baseline (pdfminer's terms, summed
        # as pdfminer sums them: with b = c = 0 its other terms are 0.0 and change no bit).
        self.low, self.high = self.d * self.descent, self.d * (self.descent + self.text_size)

    def record(self, text: str, x: float, y: float, width: float | None, top: float) -> Record:
        """The record of a character at origin (``x``, ``y``) in PDF space with the given advance width in
        thousandths of the text size (None: unknown, taken as 0). pdfminer's box, in pdfminer's arithmetic:
        the box around the rectangle from (0, descent) to (advance, descent + text size) in text space,
        transformed by the character's matrix."""
        e, f = round(x, 4), round(y, 4)  # exact(), inlined: this runs for every character
        advance = (width or 0.0) * 0.001 * self.text_size
        if self.plain and advance >= 0:
            y0, y1 = self.low + f, self.high + f
            return {"text": text, "x0": e, "x1": self.a * advance + e, "top": top - y1, "bottom": top - y0,
                    "baseline": top - f, "size": y1 - y0, "fontname": self.name, "upright": True}
        a, b, c, d = self.a, self.b, self.c, self.d
        size, descent = self.text_size, self.descent
        x0, y0 = c * descent + e, d * descent + f
        x1, y1 = a * advance + c * (descent + size) + e, b * advance + d * (descent + size) + f
        x0, x1 = min(x0, x1), max(x0, x1)
        y0, y1 = min(y0, y1), max(y0, y1)
        return {"text": text, "x0": x0, "x1": x1, "top": top - y1, "bottom": top - y0, "baseline": top - f,
                "size": y1 - y0, "fontname": self.name, "upright": self.upright}


class _Fonts:
    """Per page: the style of each text object and glyph widths per font."""

    def __init__(self) -> None:
        self.objects: dict[int, _Style] = {}
        self.widths: dict[int, dict[int, float | None]] = {}  # font -> character -> width (or None)
        self._size = ctypes.c_float()
        self._out = ctypes.c_float()
        self._name = ctypes.create_string_buffer(_NAME_BUFFER)

    def describe(self, obj: int, matrix: Matrix, fallback_size: float = 0.0) -> _Style:
        """The style of a text object whose characters have ``matrix`` (text space to page, no font size)."""
        text_size = self._size.value if object_font_size(obj, ctypes.byref(self._size)) else fallback_size
        font = object_font(obj) or 0
        name = ""
        if font and font_name(font, self._name, _NAME_BUFFER):
            name = self._name.value.decode("utf-8", "replace")
        descent = 0.0
        if font and font_descent(font, 1000.0, ctypes.byref(self._out)):
            descent = -abs(round(self._out.value, 3))  # as pdfminer: a positive /Descent is a producer's slip
        return _Style(name, font, text_size, descent, matrix, self.widths.setdefault(font, {}))

    def advance(self, font: int, unicode: int) -> float | None:
        """The glyph's advance width in thousandths of the text size, as the font's /Widths give it (None
        when the font does not map this character)."""
        widths = self.widths.setdefault(font, {})
        if unicode not in widths:
            ok = font and glyph_width(font, unicode, 1000.0, ctypes.byref(self._out))
            widths[unicode] = round(self._out.value, 3) if ok else None
        return widths[unicode]


def page_chars(page: Any, top: float, space: Matrix = IDENTITY) -> list[Record]:
    """The characters of one page (pypdfium2's raw ``FPDF_PAGE``) in content order, the spaces the text page
    leaves out put back. ``space`` and ``top``: the matrix to the page as displayed (rotation applied, y
    upwards) and the page's height there (``pdf_pdfium.page_space``); y grows downwards in the records.

    Content order is pdfplumber's order too; it decides between characters at the same place (a space and
    the word after it, an overprinted copy and its original).
    """
    textpage = pdfium_c.FPDFText_LoadPage(page)
    if not textpage:
        return []
    fonts = _Fonts()
    try:
        records, objects = _read(textpage, top, fonts, space)
    finally:
        pdfium_c.FPDFText_ClosePage(textpage)
    order: dict[int, int] = {}
    texts = page_objects(handle(page), pdfium_c.FPDF_PAGEOBJ_TEXT, outer=space)
    for rank, (obj, _, matrix) in enumerate(texts):
        order[obj] = rank
        blank = None if obj in fonts.objects else _unread_space(obj, matrix, top, fonts)
        if blank is not None:
            records.append(blank)
            objects.append(obj)
    ranks = [order.get(obj, len(order)) for obj in objects]
    return [records[i] for i in sorted(range(len(records)), key=ranks.__getitem__)]


def _unicodes(textpage: int, count: int) -> list[int]:
    """Every character's code in one call (UTF-16 units, one per character unless a character lies outside
    the Basic Multilingual Plane; then one call per character, as FPDFText_GetUnicode gives)."""
    buffer = ctypes.create_string_buffer(2 * (count + 1))
    written = page_text(textpage, 0, count, ctypes.addressof(buffer))
    units: list[int] = memoryview(buffer.raw).cast("H")[:count].tolist()
    if written == count + 1 and not any(0xD800 <= unit <= 0xDFFF for unit in units):
        return units
    return [pdfium_c.FPDFText_GetUnicode(textpage, index) for index in range(count)]


def _read(textpage: Any, top: float, fonts: _Fonts, space: Matrix) -> tuple[list[Record], list[int]]:
    """The text page's characters and the text object each belongs to.

    This loop runs for every character of every report, so ``_Style.record``'s plain case is written out
    in it (same arithmetic) and glyph widths are looked up in the style's font's own table.
    """
    page = handle(textpage)
    turned = space != IDENTITY  # a rotated page, or a media box away from the origin
    sa, sb, sc, sd, se, sf = space
    x, y = ctypes.c_double(), ctypes.c_double()
    x_at, y_at = ctypes.addressof(x), ctypes.addressof(y)
    matrix = pdfium_c.FS_MATRIX()
    box = pdfium_c.FS_RECTF()
    unknown = 0
    styles = fonts.objects
    out: list[Record] = []
    objects: list[int] = []
    for index, unicode in enumerate(_unicodes(page, pdfium_c.FPDFText_CountChars(textpage))):
        if unicode <= 32 and is_generated(page, index):
            continue  # a space or line break pdfium inferred from the layout, not printed
        obj = text_object(page, index)
        if not obj:
            continue
        style = styles.get(obj)
        if style is None:
            pdfium_c.FPDFText_GetMatrix(textpage, index, matrix)
            m = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
            m = multiply(m, space) if turned else m
            style = styles[obj] = fonts.describe(obj, m, pdfium_c.FPDFText_GetFontSize(textpage, index))
        char_origin(page, index, x_at, y_at)
        ox, oy = x.value, y.value
        if turned:
            ox, oy = sa * ox + sc * oy + se, sb * ox + sd * oy + sf
        if (unicode == 0x02 or unicode == 0xFFFE) and pdfium_c.FPDFText_IsHyphen(textpage, index):
            unicode = 0x2D  # see _HYPHEN_MARKS
        width = style.widths.get(unicode, _ASK)
        if width is _ASK:
            width = fonts.advance(style.font, unicode)
        if width is None and style.plain and style.text_size and not turned:  # the font cannot say; pdfium can
            pdfium_c.FPDFText_GetLooseCharBox(textpage, index, box)
            width = 1000 * (box.right - x.value) / (style.a * style.text_size)
            unknown += 1
        if style.plain and width is not None and width >= 0:
            e, f = round(ox, 4), round(oy, 4)
            y0, y1 = style.low + f, style.high + f
            out.append({"text": chr(unicode), "x0": e, "x1": style.a * (width * 0.001 * style.text_size) + e,
                        "top": top - y1, "bottom": top - y0, "baseline": top - f, "size": y1 - y0,
                        "fontname": style.name, "upright": True})
        else:
            out.append(style.record(chr(unicode), ox, oy, width, top))
        objects.append(obj)
    if unknown:
        log.debug("%d characters without a glyph width on this page; their boxes are pdfium's", unknown)
    return out, objects


def _unread_space(obj: int, matrix: Matrix, top: float, fonts: _Fonts) -> Record | None:
    """A space record for a text object the text page skipped for having no ink (see the module docstring),
    else None: an object skipped for another reason (an overprinted copy) has ink."""
    bounds = (ctypes.c_float * 4)()
    at = [ctypes.addressof(bounds) + 4 * i for i in range(4)]
    if not object_bounds(obj, *at) or bounds[2] - bounds[0] > _NO_INK:
        return None
    style = fonts.describe(obj, matrix)
    return style.record(" ", matrix[4], matrix[5], fonts.advance(style.font, 32), top)
